"""The HTTP contract of the opinion pages: who may see and draft what, and what is stored."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from collabcity.models import Notification
from consulte import services
from consulte.models import OpinionRequest
from tests.consulte.council_factories import (
    CouncilFactory,
    CouncillorFactory,
    OpinionRequestFactory,
    PublishedOpinionFactory,
)
from tests.factories import AmbitoFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(ambito=AmbitoFactory(code="B"))


@pytest.fixture
def councillor(council):
    return CouncillorFactory(council=council).user


@pytest.fixture
def opinion_request(council):
    return OpinionRequestFactory(council=council, title="Piano urbanistico")


def edit_url(opinion_request):
    return services.edit_url(opinion_request)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def post_form(client, opinion_request, action="salva", text="Il nostro parere.", **extra):
    data = {
        "opinion": text,
        "version": services.version_of(opinion_request),
        "action": action,
        **extra,
    }
    return client.post(edit_url(opinion_request), data)


# --- who may do what -----------------------------------------------------------------------------


def test_request_page_is_public_from_the_start(client, opinion_request):
    response = client.get(services.public_url(opinion_request))
    assert response.status_code == 200
    assert "Piano urbanistico" in response.content.decode()


def test_draft_is_never_public(client, opinion_request, councillor):
    opinion_request.opinion = "Testo in bozza"
    opinion_request.status = OpinionRequest.Status.DRAFTING
    opinion_request.save()
    response = client.get(services.public_url(opinion_request))
    assert "Testo in bozza" not in response.content.decode()


def test_published_opinion_is_public(client, council):
    published = PublishedOpinionFactory(council=council, opinion="Favorevole con osservazioni")
    response = client.get(services.public_url(published))
    assert "Favorevole con osservazioni" in response.content.decode()


def test_opinion_under_another_council_slug_is_404(client, opinion_request):
    other = CouncilFactory(ambito=AmbitoFactory(code="C"))
    url = reverse("consulte:opinion_detail", kwargs={"slug": other.slug, "pk": opinion_request.pk})
    assert client.get(url).status_code == 404
    edit = reverse("consulte:opinion_edit", kwargs={"slug": other.slug, "pk": opinion_request.pk})
    assert client.get(edit).status_code in (302, 404)


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, opinion_request, method):
    for url in (edit_url(opinion_request), reverse("consulte:council_mine")):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("method", ["get", "post"])
def test_citizen_is_refused_everywhere(citizen_client, opinion_request, method):
    assert getattr(citizen_client, method)(edit_url(opinion_request)).status_code == 403
    assert getattr(citizen_client, method)(reverse("consulte:council_mine")).status_code == 403
    opinion_request.refresh_from_db()
    assert opinion_request.status == OpinionRequest.Status.REQUESTED


@pytest.mark.parametrize("method", ["get", "post"])
def test_member_of_another_council_is_refused(client, opinion_request, method):
    other = CouncillorFactory(council=CouncilFactory(ambito=AmbitoFactory(code="C"))).user
    client.force_login(other)
    if method == "post":
        response = post_form(client, opinion_request)
    else:
        response = client.get(edit_url(opinion_request))
    assert response.status_code == 403
    opinion_request.refresh_from_db()
    assert opinion_request.opinion == ""


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_without_a_seat_cannot_draft_in_the_portal(admin_client, opinion_request, method):
    response = getattr(admin_client, method)(edit_url(opinion_request))
    assert response.status_code == 403


def test_former_member_is_refused(client, council, opinion_request):
    today = timezone.localdate()
    former = CouncillorFactory(
        council=council,
        term_start=today - datetime.timedelta(days=2000),
        term_end=today - datetime.timedelta(days=1),
    ).user
    client.force_login(former)
    assert post_form(client, opinion_request).status_code == 403


# --- the councillor's desk ------------------------------------------------------------------------


def test_desk_lists_open_requests_of_my_council_only(client, council, councillor, opinion_request):
    PublishedOpinionFactory(council=council, title="Piano già chiuso")
    OpinionRequestFactory(council=CouncilFactory(ambito=AmbitoFactory(code="C")), title="Altrui")
    client.force_login(councillor)

    response = client.get(reverse("consulte:council_mine"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Piano urbanistico" in content
    assert edit_url(opinion_request) in content
    assert "Piano già chiuso" not in content
    assert "Altrui" not in content


def test_desk_runs_a_constant_number_of_queries(
    client, council, councillor, django_assert_max_num_queries
):
    OpinionRequestFactory.create_batch(10, council=council)
    client.force_login(councillor)
    with django_assert_max_num_queries(6):  # session, user, seats, requests, messages...
        assert client.get(reverse("consulte:council_mine")).status_code == 200


# --- drafting -------------------------------------------------------------------------------------


def test_edit_page_shows_the_request_and_the_draft(client, councillor, opinion_request):
    client.force_login(councillor)
    response = client.get(edit_url(opinion_request))
    assert response.status_code == 200
    assert response.context["form"]["version"].value() == services.version_of(opinion_request)


def test_saving_a_draft_stores_it_and_redirects_to_the_form(client, councillor, opinion_request):
    client.force_login(councillor)

    response = post_form(client, opinion_request, text="Prima stesura.")

    assert response.status_code == 302
    assert response["Location"] == edit_url(opinion_request)
    assert messages_of(response) == ["La bozza del parere è stata salvata."]
    opinion_request.refresh_from_db()
    assert opinion_request.opinion == "Prima stesura."
    assert opinion_request.status == OpinionRequest.Status.DRAFTING
    assert not Notification.objects.exists()


def test_transmitting_publishes_and_redirects_to_the_public_page(
    client, councillor, opinion_request
):
    client.force_login(councillor)

    response = post_form(client, opinion_request, action="trasmetti", text="Parere.", confirm="on")

    assert response["Location"] == services.public_url(opinion_request)
    opinion_request.refresh_from_db()
    assert opinion_request.status == OpinionRequest.Status.PUBLISHED
    assert Notification.objects.filter(recipient=councillor).exists()


def test_transmitting_without_confirmation_changes_nothing(client, councillor, opinion_request):
    client.force_login(councillor)

    response = post_form(client, opinion_request, action="trasmetti", text="Parere.")

    assert response.status_code == 200
    assert "conferma che è il testo definitivo" in response.content.decode()
    opinion_request.refresh_from_db()
    assert opinion_request.status == OpinionRequest.Status.REQUESTED
    assert opinion_request.opinion == ""


def test_transmitting_an_empty_text_changes_nothing(client, councillor, opinion_request):
    client.force_login(councillor)
    response = post_form(client, opinion_request, action="trasmetti", text=" ", confirm="on")
    assert response.status_code == 200
    opinion_request.refresh_from_db()
    assert opinion_request.status == OpinionRequest.Status.REQUESTED


def test_tampered_action_changes_nothing(client, councillor, opinion_request):
    client.force_login(councillor)
    response = post_form(client, opinion_request, action="cancella")
    assert response.status_code == 200
    assert "Azione non valida" in response.content.decode()
    opinion_request.refresh_from_db()
    assert opinion_request.opinion == ""


def test_missing_version_changes_nothing(client, councillor, opinion_request):
    client.force_login(councillor)
    response = client.post(edit_url(opinion_request), {"opinion": "x", "action": "salva"})
    assert response.status_code == 200
    assert "ricarica la pagina" in response.content.decode()
    opinion_request.refresh_from_db()
    assert opinion_request.opinion == ""


def test_stale_form_keeps_the_colleagues_text_and_shows_both(
    client, council, councillor, opinion_request
):
    stale_version = services.version_of(opinion_request)
    colleague = CouncillorFactory(council=council).user
    services.save_draft(
        opinion_request=opinion_request,
        user=colleague,
        text="Testo della collega.",
        version=stale_version,
    )
    client.force_login(councillor)

    response = client.post(
        edit_url(opinion_request),
        {"opinion": "Il mio testo.", "version": stale_version, "action": "salva"},
    )

    assert response.status_code == 200
    assert any("qualcun altro ha modificato" in m for m in messages_of(response))
    content = response.content.decode()
    assert "Testo della collega." in content
    assert "Il mio testo." in content
    opinion_request.refresh_from_db()
    assert opinion_request.opinion == "Testo della collega."
    # The re-rendered form now carries the version just shown: saving again is a knowing choice.
    assert response.context["form"]["version"].value() == services.version_of(opinion_request)


def test_double_submit_is_told_and_changes_nothing(client, councillor, opinion_request):
    client.force_login(councillor)
    version = services.version_of(opinion_request)
    data = {"opinion": "Parere.", "version": version, "action": "trasmetti", "confirm": "on"}
    client.post(edit_url(opinion_request), data)
    opinion_request.refresh_from_db()
    published_at = opinion_request.published_at

    response = client.post(edit_url(opinion_request), {**data, "opinion": "Altro."})

    assert response.status_code == 302
    assert response["Location"] == services.public_url(opinion_request)
    assert any("già stato pubblicato" in m for m in messages_of(response))
    opinion_request.refresh_from_db()
    assert (opinion_request.opinion, opinion_request.published_at) == ("Parere.", published_at)
    assert Notification.objects.count() == 1


def test_edit_page_of_a_published_opinion_redirects_to_it(client, council, councillor):
    published = PublishedOpinionFactory(council=council)
    client.force_login(councillor)
    response = client.get(edit_url(published))
    assert response.status_code == 302
    assert response["Location"] == services.public_url(published)


def test_late_request_can_still_be_drafted_with_a_warning(client, council, councillor):
    today = timezone.localdate()
    overdue = OpinionRequestFactory(
        council=council,
        requested_on=today - datetime.timedelta(days=30),
        deadline=today - datetime.timedelta(days=2),
    )
    client.force_login(councillor)

    page = client.get(edit_url(overdue))
    assert "oltre il termine" in page.content.decode()
    response = post_form(client, overdue, action="trasmetti", text="Tardivo.", confirm="on")

    assert response.status_code == 302
    public = client.get(services.public_url(overdue))
    assert "espresso oltre il termine" in public.content.decode()


def test_unknown_user_id_cannot_be_injected(client, councillor, opinion_request):
    client.force_login(councillor)
    other = UserFactory()
    post_form(client, opinion_request, drafted_by=other.pk)
    opinion_request.refresh_from_db()
    assert opinion_request.drafted_by == councillor
