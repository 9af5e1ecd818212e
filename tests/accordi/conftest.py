import pytest

from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from tests.factories import QuartiereFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_user(db):
    user = UserFactory(email="personale@example.org")
    assign_role(user=user, role=MUNICIPAL_STAFF)
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def representative(db):
    return UserFactory(email="referente@example.org")


# Proposals


@pytest.fixture
def resident(db):
    """A person who has said in their profile where they live: they may support proposals."""
    return UserFactory(quartiere=QuartiereFactory())


@pytest.fixture
def proposer(db):
    return UserFactory(first_name="Pietro", last_name="Proponente")
