"""The city data carries its sources, and staff corrections survive seed_demo."""

import re
from datetime import date

import pytest

from centri_sociali import city_data as centre_data
from centri_sociali.models import Centre
from collabcity import city, city_data
from collabcity.management.commands.seed_demo import Command as SeedDemo
from collabcity.models import Ambito, FactSource, Organisation, Quartiere
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from tests.accordi.formdata import form_data
from tests.factories import UserFactory

SOURCE_URL = re.compile(r"^https?://[^\s/]+\.[a-z]{2,}/\S*$")


def data_facts():
    """(where, fact) for every fact written in the city data files."""
    for ambito in city_data.AMBITI:
        yield f"ambito {ambito['code']} title", ambito["title"]
        for quartiere in ambito["quartieri"]:
            yield f"quartiere of ambito {ambito['code']}", quartiere
    for organisation in city_data.ORGANISATIONS:
        for name, fact in organisation.items():
            yield f"{organisation['name'].value}: {name}", fact
    for centre in centre_data.CENTRES:
        for name, fact in centre.items():
            yield f"{centre['name'].value}: {name}", fact


@pytest.mark.parametrize("where,fact", list(data_facts()), ids=lambda value: str(value)[:60])
def test_every_fact_in_the_data_files_has_a_source_or_is_left_blank(where, fact):
    if fact is None:
        return
    assert isinstance(fact, city.Fact), where
    assert SOURCE_URL.match(fact.source.url), where
    assert date(2020, 1, 1) <= fact.source.read_on <= date.today(), where


def test_the_data_files_name_only_quartieri_and_organisations_they_define():
    quartieri = {q.value for ambito in city_data.AMBITI for q in ambito["quartieri"]}
    organisations = {o["name"].value for o in city_data.ORGANISATIONS}
    assert len(quartieri) == 55
    for centre in centre_data.CENTRES:
        if centre["quartiere"]:
            assert centre["quartiere"].value in quartieri, centre["name"].value
        for role in ("organisation", "network"):
            if centre[role]:
                assert centre[role].value in organisations, centre["name"].value


def test_every_fact_the_seeded_city_shows_is_stated_by_a_source(demo_city):
    records = [
        *Ambito.objects.prefetch_related("sources"),
        *Quartiere.objects.prefetch_related("sources"),
        *Organisation.objects.prefetch_related("sources"),
        *Centre.objects.prefetch_related("sources"),
    ]
    for record in records:
        unsourced = [f for f in record.unverified_facts() if record.fact_value(f)]
        assert unsourced == [], record


def test_ambiti_without_a_published_title_are_known_by_their_letter(demo_city):
    untitled = Ambito.objects.filter(name="").order_by("code")
    assert [ambito.code for ambito in untitled] == ["A", "B", "C", "E"]
    assert str(untitled[0]) == "Ambito A"
    assert str(Ambito.objects.get(code="D")) == (
        "Ambito D – Quartieri urbani tra il Crostolo e il Rodano"
    )


def load_city():
    SeedDemo().load_city()


def test_loading_the_same_city_again_adds_nothing_to_its_history(demo_city):
    def history():
        return (
            Ambito.history.count(),
            Quartiere.history.count(),
            Organisation.history.count(),
            FactSource.objects.count(),
        )

    before = history()
    load_city()
    assert history() == before


def test_seed_demo_restores_data_nobody_corrected(demo_city):
    # An edit made outside the portal's pages (a script, an old version of the data).
    Ambito.objects.filter(code="A").update(name="Un titolo inventato")
    load_city()
    assert Ambito.objects.get(code="A").name == ""


def test_seed_demo_keeps_a_correction_made_by_a_person(demo_city):
    staff = UserFactory()
    ambito = Ambito.objects.get(code="A")
    ambito.name = "Frazioni del nord-ovest"
    ambito._history_user = staff
    ambito.save()

    load_city()

    ambito.refresh_from_db()
    assert ambito.name == "Frazioni del nord-ovest"
    assert ambito.history.first().history_user == staff


@pytest.fixture
def staff_client(client, db):
    staff = UserFactory(is_staff=True)
    assign_role(user=staff, role=MUNICIPAL_STAFF)
    client.force_login(staff)
    client.staff = staff
    return client


def admin_form(client, path: str, form_id: str) -> dict[str, list[str]]:
    response = client.get(path)
    assert response.status_code == 200
    return form_data(response.content.decode(), form_id)


def test_staff_correct_an_ambito_title_with_its_source_and_history(demo_city, staff_client):
    ambito = Ambito.objects.get(code="E")
    path = f"/admin/collabcity/ambito/{ambito.pk}/change/"
    data = admin_form(staff_client, path, "ambito_form")
    data["name"] = ["Quartieri a est del centro"]
    prefix = "collabcity-factsource-content_type-object_id"
    data[f"{prefix}-TOTAL_FORMS"] = ["1"]
    data[f"{prefix}-0-fact"] = ["name"]
    data[f"{prefix}-0-url"] = ["https://www.comune.re.it/ambito-e"]
    data[f"{prefix}-0-read_on"] = ["2026-11-30"]

    response = staff_client.post(path, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    ambito.refresh_from_db()
    assert ambito.name == "Quartieri a est del centro"
    assert ambito.unverified_facts() == []
    source = ambito.current_sources()[0]
    assert (source.url, source.recorded_by) == (
        "https://www.comune.re.it/ambito-e",
        staff_client.staff,
    )
    assert ambito.history.first().history_user == staff_client.staff
    # The correction stays when the demo is loaded again.
    load_city()
    ambito.refresh_from_db()
    assert ambito.name == "Quartieri a est del centro"


def test_a_correction_without_a_source_is_vouched_for_by_the_person_who_made_it(
    demo_city, staff_client
):
    quartiere = Quartiere.objects.get(name="Zona Stazione")
    path = f"/admin/collabcity/quartiere/{quartiere.pk}/change/"
    data = admin_form(staff_client, path, "quartiere_form")
    data["name"] = ["Stazione"]

    response = staff_client.post(path, data)

    assert response.status_code == 302
    quartiere.refresh_from_db()
    assert quartiere.name == "Stazione"
    stated = {s.fact: s for s in quartiere.current_sources()}
    assert stated["name"].url == ""
    assert stated["name"].recorded_by == staff_client.staff
    # The ambito did not change: its source from the data still states it.
    assert stated["ambito"].url.startswith("https://reggiosera.it/")


def test_a_source_of_a_value_since_changed_no_longer_counts(demo_city):
    quartiere = Quartiere.objects.get(name="Gaida")
    quartiere.ambito = Ambito.objects.get(code="B")
    quartiere.save()
    assert quartiere.unverified_facts() == ["ambito"]
    assert FactSource.objects.filter(object_id=quartiere.pk, fact="ambito").exists()


def test_the_city_data_admin_pages_render(demo_city, staff_client):
    ambito = Ambito.objects.get(code="D")
    quartiere = Quartiere.objects.get(name="Porta Castello")
    organisation = Organisation.objects.get(name="Giro del Cielo")
    for path in [
        "/admin/collabcity/ambito/",
        f"/admin/collabcity/ambito/{ambito.pk}/change/",
        f"/admin/collabcity/ambito/{ambito.pk}/history/",
        "/admin/collabcity/quartiere/",
        f"/admin/collabcity/quartiere/{quartiere.pk}/change/",
        "/admin/collabcity/organisation/",
        f"/admin/collabcity/organisation/{organisation.pk}/change/",
    ]:
        assert staff_client.get(path).status_code == 200, path
    listing = staff_client.get("/admin/collabcity/ambito/").content.decode()
    assert "Titolo" in listing  # ambiti A, B, C and E: title to verify
