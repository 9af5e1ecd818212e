"""Staff (Personale comunale) keep the councils and file opinion requests in the admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from collabcity.models import Notification
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from consulte.models import OpinionRequest
from tests.consulte.council_factories import (
    CouncilFactory,
    CouncillorFactory,
    DesignatedMemberFactory,
    MeetingFactory,
    MemberFactory,
    OpinionRequestFactory,
    ProgrammingDocumentFactory,
    PublishedOpinionFactory,
)
from tests.factories import AmbitoFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory()
    assign_role(user=staff, role=MUNICIPAL_STAFF)
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.fixture
def council():
    return CouncilFactory(ambito=AmbitoFactory(code="B"))


CHANGELISTS = [
    ("council", {}),
    ("member", {"mandato": "in_carica"}),
    ("member", {"mandato": "cessati", "kind__exact": "designato"}),
    ("member", {"mandato": "futuri", "q": "Rossi"}),
    ("meeting", {"quando": "prossime"}),
    ("meeting", {"quando": "senza_verbale"}),
    ("programmingdocument", {}),
    ("opinionrequest", {"termine": "scaduto"}),
    ("opinionrequest", {"termine": "settimana", "status__exact": "richiesto"}),
    ("opinionrequest", {"termine": "in_ritardo"}),
    ("opinionrequest", {"termine": "aperto", "q": "piano"}),
]


@pytest.mark.parametrize("model,params", CHANGELISTS)
def test_staff_browse_every_list_with_its_filters(staff_client, council, model, params):
    MemberFactory(council=council)
    DesignatedMemberFactory(council=council)
    MeetingFactory(council=council)
    ProgrammingDocumentFactory(council=council)
    OpinionRequestFactory(council=council)
    PublishedOpinionFactory(council=council)
    response = staff_client.get(reverse(f"admin:consulte_{model}_changelist"), params)
    assert response.status_code == 200


def test_council_change_page_has_members_and_patti_inline(staff_client, council):
    MemberFactory(council=council, full_name="Elena Eletta")
    response = staff_client.get(reverse("admin:consulte_council_change", args=[council.pk]))
    assert response.status_code == 200
    assert "Elena Eletta" in response.content.decode()


def test_deadline_filter_finds_the_overdue_request(staff_client, council):
    today = timezone.localdate()
    overdue = OpinionRequestFactory(
        council=council,
        title="Scaduto",
        requested_on=today - datetime.timedelta(days=30),
        deadline=today - datetime.timedelta(days=1),
    )
    OpinionRequestFactory(council=council, title="Aperto")
    response = staff_client.get(
        reverse("admin:consulte_opinionrequest_changelist"), {"termine": "scaduto"}
    )
    assert list(response.context["cl"].result_list) == [overdue]


def test_filing_a_request_notifies_the_councillors(staff_client, council):
    councillor = CouncillorFactory(council=council).user
    today = timezone.localdate()

    response = staff_client.post(
        reverse("admin:consulte_opinionrequest_add"),
        {
            "council": council.pk,
            "title": "Piano del commercio",
            "description": "Parere sul piano.",
            "requested_on": today.isoformat(),
            "deadline": (today + datetime.timedelta(days=20)).isoformat(),
            "opinion": "",
        },
    )

    assert response.status_code == 302
    opinion_request = OpinionRequest.objects.get(title="Piano del commercio")
    notification = Notification.objects.get(recipient=councillor)
    assert "Piano del commercio" in notification.subject
    assert str(opinion_request.pk) in notification.url


def test_deadline_before_the_request_is_refused(staff_client, council):
    today = timezone.localdate()
    response = staff_client.post(
        reverse("admin:consulte_opinionrequest_add"),
        {
            "council": council.pk,
            "title": "Piano sbagliato",
            "description": "x",
            "requested_on": today.isoformat(),
            "deadline": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert not OpinionRequest.objects.exists()
    assert not Notification.objects.exists()


def test_publish_action_publishes_drafted_opinions_and_reports_the_rest(staff_client, council):
    drafted = OpinionRequestFactory(council=council, opinion="Testo votato.", status="in_redazione")
    empty = OpinionRequestFactory(council=council, title="Senza testo")

    response = staff_client.post(
        reverse("admin:consulte_opinionrequest_changelist"),
        {"action": "publish", "_selected_action": [drafted.pk, empty.pk]},
        follow=True,
    )

    drafted.refresh_from_db()
    empty.refresh_from_db()
    assert drafted.status == OpinionRequest.Status.PUBLISHED
    assert empty.status == OpinionRequest.Status.REQUESTED
    messages = [str(m) for m in response.context["messages"]]
    assert "1 parere pubblicato." in messages
    assert any("Senza testo" in m and "vuoto" in m for m in messages)


def test_published_opinion_cannot_be_edited_or_deleted(staff_client, council):
    published = PublishedOpinionFactory(council=council, opinion="Testo originale.")
    url = reverse("admin:consulte_opinionrequest_change", args=[published.pk])

    page = staff_client.get(url)
    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields) == set()  # every field read-only
    staff_client.post(url, {"opinion": "Testo riscritto.", "title": "Altro"})
    delete = staff_client.post(
        reverse("admin:consulte_opinionrequest_delete", args=[published.pk]), {"post": "yes"}
    )

    published.refresh_from_db()
    assert published.opinion == "Testo originale."
    assert delete.status_code == 403
    assert OpinionRequest.objects.filter(pk=published.pk).exists()


def test_citizen_cannot_open_the_consulte_admin(citizen_client):
    response = citizen_client.get(reverse("admin:consulte_opinionrequest_changelist"))
    assert response.status_code == 302
