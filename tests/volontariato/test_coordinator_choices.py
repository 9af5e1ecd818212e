"""The opportunity form does not offer every resident (and their e-mail) as coordinator."""

from tests.factories import UserFactory
from volontariato.forms import OpportunityForm


def test_coordinator_choices_do_not_list_every_user(db, registry_coordinator, municipal_staff):
    resident = UserFactory(email="residente@example.org")
    choices = set(OpportunityForm().fields["coordinator"].queryset)
    assert resident not in choices
    assert {registry_coordinator, municipal_staff} <= choices
    assert "residente@example.org" not in str(OpportunityForm()["coordinator"])
