import pytest

from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from tests.factories import UserFactory
from volontariato.roles import VOLUNTEER_COORDINATOR


@pytest.fixture
def registry_coordinator(db):
    """A coordinator with the role: keeps the register, like the demo coordinatore@."""
    user = UserFactory(first_name="Carlo", last_name="Coordinatore")
    assign_role(user=user, role=VOLUNTEER_COORDINATOR)
    return user


@pytest.fixture
def municipal_staff(db):
    user = UserFactory(first_name="Paola", last_name="Personale")
    assign_role(user=user, role=MUNICIPAL_STAFF)
    return user
