"""The network as the sources give it, and how its facts reach the pages."""

import pytest
from django.test import Client
from django.urls import reverse

from centri_sociali import demo
from centri_sociali.models import Centre
from collabcity.models import Quartiere
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from tests.accordi.formdata import form_data
from tests.factories import CentreFactory, UserFactory


def test_the_seeded_network_is_the_one_the_sources_give(demo_city):
    centres = Centre.objects.select_related("quartiere", "organisation", "network")
    by_name = {centre.name: centre for centre in centres}
    assert by_name["Centro sociale La Capannina Paradisa"].quartiere.name == "Massenzatico"
    montenero = by_name["Centro sociale Orti Montenero"]
    assert (montenero.quartiere.name, montenero.address) == (
        "Santa Croce",
        "via Montenero 11, Reggio Emilia",
    )
    assert montenero.network.name == "ANCeSCAO Reggio Emilia"
    # The Gattaglio lies in no quartiere a source names; it is not in the centro storico.
    assert by_name["Centro sociale Gattaglio"].quartiere is None
    assert by_name["Circolo Nuovo Villaggio Stranieri"].organisation.name == (
        "Accademia di Quartiere"
    )
    assert {"Circolo Arci Pigal", "Circolo Arci Fenulli"} <= set(by_name)
    assert not set(by_name) & {
        "Centro sociale Papa Giovanni XXIII",
        "Centro sociale Insieme",
        "Centro sociale Vasca Corbelli",
        "Centro d'Incontro Reggio Est",
    }
    assert sorted(c.name for c in centres if c.kind == Centre.Kind.CASA_DI_QUARTIERE) == [
        "Casa di quartiere Orti Spallanzani",
        "Centro sociale Catomes Tot",
        "Centro sociale Fogliano",
        "Centro sociale La Mirandola",
        "Centro sociale Tricolore",
        "Circolo Nuovo Villaggio Stranieri",
    ]


def test_a_centre_without_a_known_quartiere_has_no_place_on_the_map(demo_city):
    assert not Centre.objects.get(name="Centro sociale Gattaglio").has_position
    assert Centre.objects.get(name="Centro sociale Orologio").has_position


def test_loading_the_centres_removes_a_retired_one_nobody_edited(demo_city):
    CentreFactory(name="Centro sociale Papa Giovanni XXIII", quartiere=None)
    demo.load_centres()
    assert not Centre.objects.filter(name="Centro sociale Papa Giovanni XXIII").exists()


def test_loading_the_centres_keeps_a_centre_a_person_edited(demo_city):
    centre = Centre.objects.get(name="Centro sociale Gattaglio")
    centre.quartiere = Quartiere.objects.get(name="Porta Castello")
    centre._history_user = UserFactory()
    centre.save()
    retired = CentreFactory(name="Centro d'Incontro Reggio Est", quartiere=None)
    retired._history_user = UserFactory()
    retired.save()

    demo.load_centres()

    centre.refresh_from_db()
    assert centre.quartiere.name == "Porta Castello"
    assert Centre.objects.filter(pk=retired.pk).exists()


@pytest.fixture
def staff_client(client, db):
    staff = UserFactory(is_staff=True)
    assign_role(user=staff, role=MUNICIPAL_STAFF)
    client.force_login(staff)
    client.staff = staff
    return client


def test_staff_set_a_centres_quartiere_in_the_admin_and_answer_for_it(demo_city, staff_client):
    centre = Centre.objects.get(name="Centro sociale Foscato")
    path = f"/admin/centri_sociali/centre/{centre.pk}/change/"
    data = form_data(staff_client.get(path).content.decode(), "centre_form")
    data["quartiere"] = [str(Quartiere.objects.get(name="Regina Pacis").pk)]

    response = staff_client.post(path, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    centre.refresh_from_db()
    assert centre.quartiere.name == "Regina Pacis"
    assert "quartiere" not in centre.unverified_facts()
    assert centre.history.first().history_user == staff_client.staff
    demo.load_centres()
    centre.refresh_from_db()
    assert centre.quartiere.name == "Regina Pacis"


def test_the_centre_page_lists_its_sources(client, demo_city):
    centre = Centre.objects.get(name="Centro sociale Orti Montenero")
    response = client.get(centre.get_absolute_url())
    assert "Fonti dei dati su Centro sociale Orti Montenero" in response.text
    assert "https://www.modena2000.it/2016/06/10/quartiere-santa-croce" in response.text
    assert "da verificare" not in response.text


def test_staff_see_what_is_to_verify_and_citizens_do_not(demo_city, staff_client):
    centre = Centre.objects.get(name="Centro sociale Gattaglio")
    citizen_page = Client().get(centre.get_absolute_url()).text
    assert "Non indicato" in citizen_page
    assert "da verificare" not in citizen_page
    assert "da verificare" in staff_client.get(centre.get_absolute_url()).text


def test_the_network_is_named_by_what_it_is(client, demo_city):
    response = client.get(reverse("centri_sociali:index"))
    assert "<h1>Centri sociali e case di quartiere</h1>" in response.text
    assert "Casa di quartiere" in response.text
    home = client.get(reverse("home")).text
    assert "La rete dei 26 centri sociali e case di quartiere" in " ".join(home.split())


def test_the_quartiere_page_cites_where_the_quartiere_and_its_ambito_come_from(client, demo_city):
    response = client.get(Quartiere.objects.get(name="Porta Castello").get_absolute_url())
    assert "Fonti dei dati su Porta Castello" in response.text
    assert "Fonti dei dati su Ambito D – Quartieri urbani tra il Crostolo e il Rodano" in (
        response.text
    )
    assert "slideshare.net" in response.text
