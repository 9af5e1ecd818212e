import pytest
from django.contrib.auth.models import Group

from centri_sociali.roles import CENTRE_MANAGER
from collabcity import registry
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role, revoke_role, sync_role_groups
from consulte.roles import POLL_WORKER
from tests.factories import UserFactory
from volontariato.roles import VOLUNTEER_COORDINATOR


def test_every_role_has_its_group_after_migrate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {
        MUNICIPAL_STAFF,
        CENTRE_MANAGER,
        POLL_WORKER,
        VOLUNTEER_COORDINATOR,
    }


def test_municipal_staff_group_holds_what_the_core_and_each_programme_grant_it(db):
    group = Group.objects.get(name=MUNICIPAL_STAFF)
    granted = {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    assert granted == set(registry.role_permissions()[MUNICIPAL_STAFF])
    assert {
        "collabcity.view_quartiere",
        "consulte.view_election",
        "accordi.view_agreement",
    } < granted


def test_syncing_again_keeps_permissions_staff_added(db):
    group = Group.objects.get(name=POLL_WORKER)
    extra = Group.objects.get(name=MUNICIPAL_STAFF).permissions.first()
    group.permissions.add(extra)

    sync_role_groups()

    assert extra in group.permissions.all()


def test_assigning_municipal_staff_opens_the_admin(client, db):
    user = UserFactory()
    assign_role(user=user, role=MUNICIPAL_STAFF)
    client.force_login(user)

    assert user.is_staff
    assert user.has_role(MUNICIPAL_STAFF)
    assert client.get("/admin/collabcity/quartiere/").status_code == 200
    assert client.get("/admin/collabcity/user/add/").status_code == 403


@pytest.mark.parametrize("role", [CENTRE_MANAGER, POLL_WORKER, VOLUNTEER_COORDINATOR])
def test_roles_outside_the_town_hall_do_not_get_the_admin(client, db, role):
    user = UserFactory()
    assign_role(user=user, role=role)
    client.force_login(user)

    assert user.has_role(role)
    assert not user.is_staff
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_citizen_has_no_role(db):
    user = UserFactory()
    assert not any(user.has_role(role.name) for role in registry.roles())


def test_revoking_the_last_admin_role_closes_the_admin(db):
    user = UserFactory()
    assign_role(user=user, role=MUNICIPAL_STAFF)

    revoke_role(user=user, role=MUNICIPAL_STAFF)

    user.refresh_from_db()
    assert not user.is_staff
    assert not user.has_role(MUNICIPAL_STAFF)


def test_an_inactive_user_holds_no_role(db):
    user = UserFactory(is_active=False)
    assign_role(user=user, role=POLL_WORKER)
    assert not user.has_role(POLL_WORKER)
