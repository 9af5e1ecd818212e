import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from accordi import services
from accordi.models import Comment, Commitment, Status, Theme
from collabcity.models import Notification
from tests.factories import OrganisationFactory, QuartiereFactory, UserFactory

from .factories import (
    ActionFactory,
    CommitmentFactory,
    IndicatorFactory,
    MeasurementFactory,
    PartyFactory,
    agreement_in,
)


def titles(response) -> list[str]:
    return [agreement.title for agreement in response.context["page"].object_list]


@pytest.fixture
def city(db):
    """Three public agreements and a draft, different in every filtered dimension."""
    orologio, rosta = QuartiereFactory(name="Orologio"), QuartiereFactory(name="Rosta Nuova")
    auser = OrganisationFactory(name="Auser Reggio Emilia")
    orti = agreement_in(
        Status.ACTIVE,
        title="Orti urbani condivisi",
        summary="Un orto coltivato dai residenti.",
        quartieri=[orologio],
        theme=Theme.GREEN,
    )
    PartyFactory(agreement=orti, organisation=auser)
    doposcuola = agreement_in(
        Status.APPROVED,
        title="Doposcuola al centro sociale",
        summary="Compiti e merenda per i ragazzi delle medie.",
        quartieri=[rosta],
        theme=Theme.EDUCATION,
    )
    vecchio = agreement_in(
        Status.CONCLUDED,
        title="Portierato di quartiere",
        summary="Piccoli servizi tra vicini.",
        quartieri=[orologio],
        theme=Theme.COMMUNITY_CARE,
        start_date=datetime.date(2020, 3, 1),
        end_date=datetime.date(2021, 2, 28),
    )
    agreement_in(Status.CODESIGN, title="Bozza segreta degli orti", quartieri=[orologio])
    return {"orti": orti, "doposcuola": doposcuola, "vecchio": vecchio, "auser": auser}


def test_list_shows_only_public_agreements(client, city):
    response = client.get("/accordi/")
    assert sorted(titles(response)) == [
        "Doposcuola al centro sociale",
        "Orti urbani condivisi",
        "Portierato di quartiere",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"quartiere": "orologio"}, ["Orti urbani condivisi", "Portierato di quartiere"]),
        ({"stato": "approvato"}, ["Doposcuola al centro sociale"]),
        ({"anno": "2020"}, ["Portierato di quartiere"]),
        ({"tema": "educazione"}, ["Doposcuola al centro sociale"]),
        ({"organizzazione": "auser-reggio-emilia"}, ["Orti urbani condivisi"]),
        ({"quartiere": "orologio", "stato": "attivo"}, ["Orti urbani condivisi"]),
    ],
)
def test_filters(client, city, params, expected):
    assert sorted(titles(client.get("/accordi/", params))) == expected


def test_search_understands_italian_words(client, city):
    # «ragazzo» and «compito» find «ragazzi» and «compiti»: the Italian stemmer of PostgreSQL.
    assert titles(client.get("/accordi/", {"q": "ragazzo compito"})) == [
        "Doposcuola al centro sociale"
    ]
    assert titles(client.get("/accordi/", {"q": "orto"})) == ["Orti urbani condivisi"]


def test_search_finds_a_word_being_typed(client, city):
    assert titles(client.get("/accordi/", {"q": "portier"})) == ["Portierato di quartiere"]


def test_search_ranks_the_title_first(client, city):
    agreement_in(Status.ACTIVE, title="Merenda in piazza", summary="Per i ragazzi.")
    assert titles(client.get("/accordi/", {"q": "merenda"})) == [
        "Merenda in piazza",
        "Doposcuola al centro sociale",
    ]


def test_search_finds_the_parties(client, city):
    assert titles(client.get("/accordi/", {"q": "Auser"})) == ["Orti urbani condivisi"]


@pytest.mark.parametrize(
    "params", [{"quartiere": "atlantide"}, {"stato": "bozza"}, {"anno": "abc"}, {"tema": "x"}]
)
def test_invalid_filters_explain_and_do_not_break(client, city, params):
    response = client.get("/accordi/", params)
    assert response.status_code == 200
    assert "Alcuni filtri non sono validi" in response.content.decode()
    assert "Bozza segreta" not in response.content.decode()


def test_list_runs_a_fixed_number_of_queries(
    client, uncached_pages, city, django_assert_max_num_queries
):
    for _ in range(20):
        agreement_in(Status.ACTIVE)
    with django_assert_max_num_queries(6):
        assert client.get("/accordi/", {"quartiere": "orologio"}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/accordi/").status_code == 200


def test_detail_shows_parties_commitments_totals_actions_and_progress(client, db):
    agreement = agreement_in(Status.ACTIVE, title="Cura del parco")
    comune = agreement.parties.get(kind="comune")
    group = agreement.parties.get(kind="organizzazione")
    CommitmentFactory(party=comune, kind=Commitment.Kind.FUNDS, amount=Decimal("2500.50"))
    CommitmentFactory(party=comune, kind=Commitment.Kind.FUNDS, amount=Decimal("1000"))
    CommitmentFactory(party=comune, kind=Commitment.Kind.STAFF_HOURS, amount=Decimal("40"))
    CommitmentFactory(party=group, kind=Commitment.Kind.VOLUNTEER_HOURS, amount=Decimal("300"))
    ActionFactory(agreement=agreement, title="Sfalcio dell'erba", place="Parco Ottavi")
    indicator = IndicatorFactory(agreement=agreement, name="Alberi piantati", target=50)
    MeasurementFactory(indicator=indicator, value=10, measured_on=datetime.date(2026, 1, 1))
    MeasurementFactory(indicator=indicator, value=20, measured_on=datetime.date(2026, 3, 1))

    response = client.get(agreement.get_absolute_url())

    body = response.content.decode()
    assert response.context["totals"] == {
        "euro": Decimal("3500.50"),
        "staff_hours": Decimal("40"),
        "volunteer_hours": Decimal("300"),
    }
    assert "3.500,50 €" in body
    assert "Lucia Verdi" in body and "Assessora alla partecipazione" in body
    assert "Sfalcio dell&#x27;erba" in body and "Parco Ottavi" in body
    assert 'aria-valuenow="40"' in body  # latest value 20 of 50
    assert "20 su 50 persone" in body


def test_detail_runs_a_fixed_number_of_queries(
    client, uncached_pages, db, django_assert_max_num_queries
):
    agreement = agreement_in(Status.ACTIVE)
    for _ in range(5):
        MeasurementFactory(indicator=IndicatorFactory(agreement=agreement))
        CommitmentFactory(party=agreement.parties.first())
    with django_assert_max_num_queries(10):
        assert client.get(agreement.get_absolute_url()).status_code == 200


def test_quartiere_page_lists_its_public_agreements(client, city):
    body = client.get("/quartieri/orologio/").content.decode()
    assert "Orti urbani condivisi" in body
    assert city["orti"].get_absolute_url() in body
    assert "Bozza segreta" not in body
    assert "Doposcuola" not in body


def test_csv_export_parses_back_with_the_same_filters(client, city):
    CommitmentFactory(party=city["orti"].parties.get(kind="comune"), amount=Decimal("1200.5"))
    response = client.get("/accordi/dati/accordi.csv", {"quartiere": "orologio"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(row["titolo"] for row in rows) == [
        "Orti urbani condivisi",
        "Portierato di quartiere",
    ]
    orti = next(row for row in rows if row["slug"] == city["orti"].slug)
    assert orti["stato"] == "attivo"
    assert orti["fondi_euro"] == "1200.5"
    assert orti["quartieri"] == "Orologio"
    assert "Auser Reggio Emilia" in orti["parti"].split("; ")
    assert orti["url"].endswith(city["orti"].get_absolute_url())


def test_json_export_parses_back_with_the_same_filters(client, city):
    indicator = IndicatorFactory(agreement=city["orti"], name="Orti assegnati", target=30)
    MeasurementFactory(indicator=indicator, value=12)

    response = client.get("/accordi/dati/accordi.json", {"tema": "verde"})

    data = json.loads(response.content)
    assert data["licenza"] == "CC-BY-4.0"
    assert data["filtri"] == {"tema": "verde"}
    [orti] = data["accordi"]
    assert orti["titolo"] == "Orti urbani condivisi"
    assert orti["quartieri"] == ["Orologio"]
    assert orti["indicatori"] == [
        {
            "nome": "Orti assegnati",
            "unita": "persone",
            "obiettivo": 30.0,
            "ultimo_valore": 12.0,
            "data_ultimo_valore": indicator.latest.measured_on.isoformat(),
        }
    ]
    assert {p["nome"] for p in orti["parti"]} >= {"Auser Reggio Emilia"}


def test_exports_follow_the_search(client, city):
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/accordi/dati/accordi.csv", {"q": "orto"}).content.decode())
        )
    )
    assert [row["titolo"] for row in rows] == ["Orti urbani condivisi"]


# -- The party representative's draft ------------------------------------------------------


@pytest.fixture
def codesign(db, representative):
    agreement = agreement_in(Status.CODESIGN, title="Accordo in co-progettazione")
    agreement.parties.filter(kind="organizzazione").update(representative=representative)
    return agreement


def test_representative_reads_the_draft_and_comments(client, codesign, representative):
    client.force_login(representative)
    page = client.get(codesign.get_draft_url())
    assert page.status_code == 200
    assert "Bozza riservata" in page.content.decode()
    assert 'name="body"' in page.content.decode()

    response = client.post(
        f"/accordi/{codesign.slug}/bozza/commenti/", {"body": "Aggiungiamo il sabato."}
    )

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author, comment.body) == (representative, "Aggiungiamo il sabato.")
    assert comment.party.representative == representative
    assert "Aggiungiamo il sabato." in client.get(codesign.get_draft_url()).content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.WITHDRAWN])
def test_representative_cannot_comment_outside_codesign(client, representative, status):
    agreement = agreement_in(status)
    agreement.parties.filter(kind="organizzazione").update(representative=representative)
    client.force_login(representative)
    assert (
        "Si possono aggiungere commenti solo"
        in client.get(agreement.get_draft_url()).content.decode()
    )

    response = client.post(f"/accordi/{agreement.slug}/bozza/commenti/", {"body": "Ciao"})

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Si può commentare solo durante la co-progettazione."]
    assert not Comment.objects.exists()


def test_a_citizen_cannot_comment(client, codesign):
    client.force_login(UserFactory())
    response = client.post(f"/accordi/{codesign.slug}/bozza/commenti/", {"body": "Ciao"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused_with_a_message(client, codesign, representative):
    client.force_login(representative)
    response = client.post(f"/accordi/{codesign.slug}/bozza/commenti/", {"body": "   "})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][0].startswith(
        "Il commento non è stato salvato"
    )
    assert not Comment.objects.exists()


def test_comment_needs_post(client, codesign, representative):
    client.force_login(representative)
    assert client.get(f"/accordi/{codesign.slug}/bozza/commenti/").status_code == 405


def test_representative_cannot_change_anything_else(client, codesign, representative):
    client.force_login(representative)
    assert client.get("/admin/accordi/agreement/").status_code == 302  # to the admin login
    response = client.post(
        f"/admin/accordi/agreement/{codesign.pk}/transizione/", {"to": "approvato"}
    )
    assert response.status_code == 302
    codesign.refresh_from_db()
    assert codesign.status == Status.CODESIGN


def test_the_officer_who_opened_the_codesign_hears_of_each_comment(staff_user, representative):
    agreement = agreement_in(Status.DRAFT)
    agreement.parties.filter(kind="organizzazione").update(representative=representative)
    services.transition(agreement=agreement, to=Status.CODESIGN, by=staff_user)

    services.add_comment(agreement=agreement, author=representative, body="E il sabato?")

    notification = Notification.objects.get(recipient=staff_user)
    assert notification.subject == f"Nuovo commento sull'accordo «{agreement.title}»"
    assert "E il sabato?" in notification.body


def test_comment_service_refuses_strangers(codesign):
    with pytest.raises(services.CommentError):
        services.add_comment(agreement=codesign, author=UserFactory(), body="Ciao")


def test_about_page(client, db):
    response = client.get("/accordi/come-funziona/")
    assert response.status_code == 200
    assert "Associazione di promozione sociale" in response.content.decode()


def test_an_agreement_withdrawn_after_approval_stays_public_with_its_reason(client, staff_user):
    agreement = agreement_in(Status.APPROVED, title="Accordo revocato")
    services.transition(
        agreement=agreement, to=Status.WITHDRAWN, by=staff_user, note="La sede è inagibile."
    )

    body = client.get(agreement.get_absolute_url()).content.decode()

    assert "Accordo ritirato" in body
    assert "La sede è inagibile." in body
    assert titles(client.get("/accordi/", {"stato": "ritirato"})) == ["Accordo revocato"]


def test_quartiere_page_lists_agreements_in_one_query(client, uncached_pages, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quartiere = QuartiereFactory(name="Ospizio")
    # Once first, so that what a process reads once and keeps (content types) is not counted.
    client.get(quartiere.get_absolute_url())
    with CaptureQueriesContext(connection) as before:
        client.get(quartiere.get_absolute_url())
    for _ in range(10):
        agreement_in(Status.ACTIVE, quartieri=[quartiere])

    with CaptureQueriesContext(connection) as after:
        body = client.get(quartiere.get_absolute_url()).content.decode()

    assert body.count('class="quartiere-agreement"') == 10
    assert len(after.captured_queries) == len(before.captured_queries)
