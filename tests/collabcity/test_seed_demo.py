import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from centri_sociali.models import Centre
from collabcity import city_data
from collabcity.demo import DEMO_PASSWORD
from collabcity.management.commands.seed_demo import all_demo_accounts
from collabcity.models import Ambito, Organisation, Quartiere, User


def counts():
    return (
        Ambito.objects.count(),
        Quartiere.objects.count(),
        Organisation.objects.count(),
        Centre.objects.filter(kind=Centre.Kind.CENTRO_SOCIALE).count(),
        Centre.objects.filter(kind=Centre.Kind.CASA_DI_QUARTIERE).count(),
        Centre.objects.filter(kind=Centre.Kind.LABORATORIO_APERTO).count(),
        # The programmes' demos add accounts of their own (a councillor, volunteers…).
        User.objects.filter(email__in=[account.email for account in all_demo_accounts()]).count(),
    )


def test_seed_loads_the_city_of_reggio_emilia(demo_city):
    # 26 centres the sources confirm (20 centri sociali, 6 named case di quartiere) and the hub.
    assert counts() == (9, 55, len(city_data.ORGANISATIONS), 20, 6, 1, len(all_demo_accounts()))
    assert set(Ambito.objects.get(code="F").quartieri.values_list("name", flat=True)) == {
        "Bagno", "Castellazzo", "Corticella", "Gavasseto", "Marmirolo", "Masone", "Roncadella",
        "Sabbione",
    }  # fmt: skip
    assert Ambito.objects.get(code="D").name == "Quartieri urbani tra il Crostolo e il Rodano"
    assert "Chiostri di San Pietro" in Centre.objects.get(name="Laboratorio Aperto").address


def test_seed_is_idempotent(seed_demo_again):
    first = (counts(), User.objects.count())
    seed_demo_again()
    assert (counts(), User.objects.count()) == first


def test_demo_accounts_log_in_with_the_printed_password(demo_city):
    for email in [account.email for account in all_demo_accounts()]:
        client = Client()
        response = client.post("/account/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert "_auth_user_id" in client.session


def test_demo_centre_manager_manages_a_centre(demo_city):
    manager = User.objects.get(email="gestore@demo.collabcity.it")
    assert manager.managed_centres.count() == 1


@override_settings(PRODUCTION=True)
def test_seed_refuses_to_run_in_production(db):
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
