"""The public pages of the consulte: landing page, council page, meeting page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

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
from tests.consulte.factories import ElectionFactory
from tests.factories import AmbitoFactory, OrganisationFactory, QuartiereFactory

pytestmark = pytest.mark.django_db


def make_city(councils=9):
    built = []
    for code in "ABCDEFGHI"[:councils]:
        ambito = AmbitoFactory(code=code)
        QuartiereFactory.create_batch(3, ambito=ambito)
        council = CouncilFactory(ambito=ambito)
        MemberFactory.create_batch(2, council=council)
        DesignatedMemberFactory(council=council)
        built.append(council)
    return built


def test_index_lists_the_nine_councils_with_their_quartieri(client):
    councils = make_city()
    quartiere = councils[4].ambito.quartieri.first()

    response = client.get(reverse("consulte:index"))

    assert response.status_code == 200
    content = response.content.decode()
    for council in councils:
        assert council.get_absolute_url() in content
    assert quartiere.name in content
    assert "3 componenti in carica" in content
    assert "12 settembre 2022" in content


def test_index_shows_an_ambito_without_council_page(client):
    make_city(councils=8)
    QuartiereFactory(name="Centro storico", ambito=AmbitoFactory(code="I"))

    response = client.get(reverse("consulte:index"))

    assert "Consulta dell'ambito I" in response.content.decode()
    assert "Centro storico" in response.content.decode()


def test_index_runs_a_constant_number_of_queries(
    client, uncached_pages, django_assert_max_num_queries
):
    make_city()
    with django_assert_max_num_queries(4):
        client.get(reverse("consulte:index"))


def test_index_links_councillors_to_their_desk(client):
    councillor = CouncillorFactory().user
    client.force_login(councillor)
    response = client.get(reverse("consulte:index"))
    assert reverse("consulte:council_mine") in response.content.decode()


def test_index_does_not_offer_the_desk_to_citizens(citizen_client):
    response = citizen_client.get(reverse("consulte:index"))
    assert reverse("consulte:council_mine") not in response.content.decode()


@pytest.fixture
def council():
    council = CouncilFactory(ambito=AmbitoFactory(code="B", name="Ambito B"))
    QuartiereFactory(name="Orologio", ambito=council.ambito)
    return council


def test_council_page_groups_members_in_office(client, council):
    today = timezone.localdate()
    MemberFactory(council=council, full_name="Elena Eletta", role="presidente")
    DesignatedMemberFactory(
        council=council,
        full_name="Davide Designato",
        organisation=OrganisationFactory(name="Auser Reggio Emilia"),
    )
    MemberFactory(
        council=council,
        full_name="Carlo Cessato",
        term_start=today - datetime.timedelta(days=3000),
        term_end=today - datetime.timedelta(days=1),
    )

    response = client.get(council.get_absolute_url())

    assert response.status_code == 200
    assert [m.full_name for m in response.context["elected"]] == ["Elena Eletta"]
    assert [m.full_name for m in response.context["designated"]] == ["Davide Designato"]
    content = response.content.decode()
    assert "Auser Reggio Emilia" in content
    assert "Presidente" in content
    assert "Carlo Cessato" not in content


def test_council_page_splits_upcoming_and_past_meetings(client, council):
    now = timezone.now()
    upcoming = MeetingFactory(council=council, starts_at=now + datetime.timedelta(days=3))
    past = MeetingFactory(
        council=council, starts_at=now - datetime.timedelta(days=30), minutes="Verbale."
    )

    response = client.get(council.get_absolute_url())

    assert response.context["upcoming_meetings"] == [upcoming]
    assert response.context["past_meetings"] == [past]


def test_council_page_shows_the_patto_in_force_and_the_earlier_one(client, council):
    today = timezone.localdate()
    old = ProgrammingDocumentFactory(
        council=council,
        title="Patto 2019",
        approved_on=today - datetime.timedelta(days=1500),
        valid_until=today - datetime.timedelta(days=400),
    )
    current = ProgrammingDocumentFactory(council=council, title="Patto 2024")

    response = client.get(council.get_absolute_url())

    assert response.context["current_patto"] == current
    assert response.context["other_patti"] == [old]


def test_council_page_shows_requests_but_only_published_opinions(client, council):
    OpinionRequestFactory(
        council=council,
        title="Piano della mobilità",
        opinion="Bozza segreta",
        status="in_redazione",
    )
    PublishedOpinionFactory(council=council, title="Piano del verde", opinion="Parere pubblico")

    response = client.get(council.get_absolute_url())

    content = response.content.decode()
    assert "Piano della mobilità" in content
    assert "Piano del verde" in content
    assert "Bozza segreta" not in content


def test_council_page_runs_a_constant_number_of_queries(
    client, uncached_pages, council, django_assert_max_num_queries
):
    for _ in range(5):
        MemberFactory(council=council)
        DesignatedMemberFactory(council=council)
        MeetingFactory(council=council)
        ProgrammingDocumentFactory(council=council)
        OpinionRequestFactory(council=council)
        PublishedOpinionFactory(council=council)
        ElectionFactory(council=council)
    # council, elections with results, quartieri, members, meetings, patti, requests
    with django_assert_max_num_queries(7):
        response = client.get(council.get_absolute_url())
    assert response.status_code == 200


def test_unknown_council_is_404(client):
    assert client.get(reverse("consulte:council_detail", args=["nessuna"])).status_code == 404


def test_meeting_page_shows_agenda_and_minutes(client, council):
    meeting = MeetingFactory(
        council=council,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        agenda="1. Patto di ambito",
        minutes="Approvato all'unanimità.",
    )

    response = client.get(
        reverse("consulte:meeting_detail", kwargs={"slug": council.slug, "pk": meeting.pk})
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "1. Patto di ambito" in content
    assert "Approvato all&#x27;unanimità." in content


def test_meeting_of_another_council_is_404(client, council):
    other = MeetingFactory(council=CouncilFactory(ambito=AmbitoFactory(code="C")))
    url = reverse("consulte:meeting_detail", kwargs={"slug": council.slug, "pk": other.pk})
    assert client.get(url).status_code == 404
