"""The public side: calls, the list with filters and search, the map, open data, the quartiere
page, and query counts that do not grow with the data."""

import csv
import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from accordi.models import Proposal, Support, Theme
from accordi.proposals import services
from tests.consulte.council_factories import CouncilFactory
from tests.factories import AmbitoFactory, CentreFactory, QuartiereFactory, UserFactory

from .proposal_factories import CallFactory, CommentFactory, ProposalFactory, proposal_in

Status = Proposal.Status
pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [proposal.title for proposal in response.context["page"].object_list]


@pytest.fixture
def city():
    """Three public proposals and a draft, different in every filtered dimension."""
    orologio = QuartiereFactory(name="Orologio", ambito=AmbitoFactory(code="B"))
    rosta = QuartiereFactory(name="Rosta Nuova", ambito=AmbitoFactory(code="C"))
    call = CallFactory(title="Cortili e parchi", slug="cortili-e-parchi")
    orti = proposal_in(
        Status.SUBMITTED,
        title="Orti sul tetto",
        summary="Coltiviamo ortaggi sui terrazzi dei condomini.",
        quartieri=[orologio],
        call=call,
        theme=Theme.GREEN,
        latitude="44.700000",
        longitude="10.630000",
    )
    doposcuola = proposal_in(
        Status.EVALUATION,
        title="Doposcuola in biblioteca",
        summary="Compiti insieme per i ragazzi delle medie.",
        need="I ragazzi studiano da soli.",
        quartieri=[rosta],
        theme=Theme.EDUCATION,
        centre=CentreFactory(latitude="44.690000", longitude="10.640000", quartiere=rosta),
    )
    ritirata = proposal_in(
        Status.WITHDRAWN, title="Festa di via", quartieri=[orologio], theme=Theme.CULTURE
    )
    ProposalFactory(title="Bozza segreta di orti", quartieri=[orologio], call=call)
    return {
        "orologio": orologio,
        "call": call,
        "orti": orti,
        "doposcuola": doposcuola,
        "ritirata": ritirata,
    }


def test_the_list_shows_public_proposals_newest_first(client, city):
    response = client.get("/accordi/proposte/")
    assert response.status_code == 200
    assert sorted(titles(response)) == [
        "Doposcuola in biblioteca",
        "Festa di via",
        "Orti sul tetto",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"quartiere": "orologio"}, ["Festa di via", "Orti sul tetto"]),
        ({"avviso": "cortili-e-parchi"}, ["Orti sul tetto"]),
        ({"avviso": "spontanee"}, ["Doposcuola in biblioteca", "Festa di via"]),
        ({"stato": "in_valutazione"}, ["Doposcuola in biblioteca"]),
        ({"tema": "cultura"}, ["Festa di via"]),
        ({"q": "ortaggio"}, ["Orti sul tetto"]),  # Italian stemming: ortaggi
        ({"q": "bibliot"}, ["Doposcuola in biblioteca"]),  # a word being typed
        ({"q": "studiano"}, ["Doposcuola in biblioteca"]),  # the need, in the full text
        ({"q": "orti", "quartiere": "orologio"}, ["Orti sul tetto"]),
    ],
)
def test_filters_and_search(client, city, params, expected):
    assert sorted(titles(client.get("/accordi/proposte/", params))) == expected


@pytest.mark.parametrize(
    "params", [{"stato": "bozza"}, {"stato": "xyz"}, {"quartiere": "nessuno"}, {"q": "x" * 300}]
)
def test_bad_filters_never_fail_and_never_reveal_drafts(client, city, params):
    response = client.get("/accordi/proposte/", params)
    assert response.status_code == 200
    assert "Bozza segreta" not in response.content.decode()


def test_the_map_places_proposals_by_their_point_or_their_centre(client, city):
    response = client.get("/accordi/proposte/mappa/")
    markers = {
        marker["name"]: (marker["lat"], marker["lng"]) for marker in response.context["markers"]
    }
    assert markers == {
        "Orti sul tetto": (44.7, 10.63),
        "Doposcuola in biblioteca": (44.69, 10.64),
    }
    assert [proposal.title for proposal in response.context["unplaced"]] == ["Festa di via"]


def test_the_map_follows_the_filters(client, city):
    response = client.get("/accordi/proposte/mappa/", {"tema": "educazione"})
    assert [marker["name"] for marker in response.context["markers"]] == [
        "Doposcuola in biblioteca"
    ]


def test_open_data_csv(client, city):
    Support.objects.create(proposal=city["orti"], user=UserFactory())
    response = client.get("/accordi/proposte/dati/proposte.csv", {"quartiere": "orologio"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_title = {row["titolo"]: row for row in rows}
    assert set(by_title) == {"Orti sul tetto", "Festa di via"}
    orti = by_title["Orti sul tetto"]
    assert (orti["stato"], orti["avviso"], orti["sostegni"]) == (
        "presentata",
        "Cortili e parchi",
        "1",
    )
    assert (orti["latitudine"], orti["longitudine"]) == ("44.7", "10.63")
    assert orti["proponente"] == "Un cittadino o una cittadina"
    assert orti["url"].endswith(city["orti"].get_absolute_url())


def test_open_data_json(client, city):
    data = json.loads(client.get("/accordi/proposte/dati/proposte.json").content)
    assert data["licenza"] == "CC-BY-4.0"
    records = {record["titolo"]: record for record in data["proposte"]}
    assert set(records) == {"Orti sul tetto", "Doposcuola in biblioteca", "Festa di via"}
    assert records["Festa di via"]["motivo_ritiro"] == "Il gruppo si è sciolto."
    assert records["Orti sul tetto"]["richieste_al_comune"]["contributo_euro"] == 1500.0
    assert records["Doposcuola in biblioteca"]["posizione"] == {"lat": 44.69, "lng": 10.64}


def test_a_call_page_tells_what_the_comune_offers_and_lists_its_proposals(client, city):
    response = client.get(city["call"].get_absolute_url())
    page = response.content.decode()
    assert "Le sale dei centri sociali dell&#x27;ambito." in page
    assert "Un contributo fino a 5.000 € per proposta" in page
    assert "Orti sul tetto" in page
    assert "Bozza segreta" not in page


def test_unpublished_calls_are_not_found(client):
    call = CallFactory(published=False)
    assert client.get(call.get_absolute_url()).status_code == 404
    assert call.title not in client.get("/accordi/avvisi/").content.decode()


def test_the_calls_page_sorts_open_upcoming_and_closed_calls(client):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    CallFactory(title="Aperto")
    CallFactory(title="In arrivo", opens_on=today + 5 * day, closes_on=today + 40 * day)
    CallFactory(title="Chiuso", opens_on=today - 40 * day, closes_on=today - day)
    context = client.get("/accordi/avvisi/").context
    assert [call.title for call in context["open_calls"]] == ["Aperto"]
    assert [call.title for call in context["upcoming_calls"]] == ["In arrivo"]
    assert [call.title for call in context["closed_calls"]] == ["Chiuso"]


def test_the_quartiere_page_shows_open_calls_and_proposals_on_their_way(client, city):
    CallFactory(title="Avviso di un altro ambito", ambiti=[AmbitoFactory(code="E")])
    CallFactory(title="Avviso dell'ambito B", ambiti=[city["orologio"].ambito])
    page = client.get(city["orologio"].get_absolute_url()).content.decode()
    assert "Avvisi e proposte" in page
    assert "Cortili e parchi" in page  # a call for the whole city
    assert "Avviso dell&#x27;ambito B" in page
    assert "Avviso di un altro ambito" not in page
    assert "Orti sul tetto" in page
    assert "Festa di via" not in page  # withdrawn: no longer on its way
    assert "Bozza segreta" not in page


def test_the_list_runs_the_same_queries_however_many_proposals(
    client, city, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        client.get("/accordi/proposte/")
    for _ in range(6):
        proposal = proposal_in(Status.SUBMITTED, quartieri=[QuartiereFactory(), city["orologio"]])
        Support.objects.create(proposal=proposal, user=UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/accordi/proposte/")


def test_the_detail_page_runs_the_same_queries_however_much_discussion(
    staff_client, staff_user, uncached_pages, django_assert_max_num_queries
):
    ambito = AmbitoFactory(code="B")
    CouncilFactory(ambito=ambito)
    proposal = proposal_in(Status.SUBMITTED, quartieri=[QuartiereFactory(ambito=ambito)])
    services.start_evaluation(
        proposal=proposal,
        by=staff_user,
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    CommentFactory(proposal=proposal)
    reader = Client()
    reader.force_login(UserFactory())
    for visitor in (Client(), reader, staff_client):
        with django_assert_max_num_queries(40) as few:
            visitor.get(proposal.get_absolute_url())
        for _ in range(5):
            CommentFactory(proposal=proposal)
            Support.objects.create(proposal=proposal, user=UserFactory())
        with django_assert_max_num_queries(len(few.captured_queries)):
            visitor.get(proposal.get_absolute_url())


def test_bad_pages_never_fail(client, city):
    assert client.get("/accordi/proposte/", {"pagina": "abc"}).status_code == 200
    assert client.get("/accordi/proposte/999999/").status_code == 404
    assert client.get("/accordi/avvisi/nessuno/").status_code == 404
