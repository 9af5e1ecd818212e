import pytest
from django.contrib.auth.models import Group

from centri_sociali.roles import CENTRE_MANAGER
from tests.factories import CentreFactory, UserFactory

from .factories import RoomFactory


@pytest.fixture
def centre(db):
    return CentreFactory(name="Centro sociale Orologio", slug="centro-sociale-orologio")


@pytest.fixture
def room(centre):
    return RoomFactory(centre=centre, name="Salone", capacity=60)


@pytest.fixture
def manager(centre):
    user = UserFactory(email="gestore@example.org")
    user.groups.add(Group.objects.get_or_create(name=CENTRE_MANAGER)[0])
    centre.managers.add(user)
    return user


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
