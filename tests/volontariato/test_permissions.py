"""Who may do what in civic volunteering: the rules (volontariato/rules.py) and every URL.

Two tables, read row by row: a permission (or a URL) on one object of a small world, and the
answer for each role, in the order of ROLES. Django gives an active superuser every
permission, so the last column is always yes.
"""

from datetime import timedelta

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from tests.factories import UserFactory
from tests.volontariato.factories import (
    OpportunityFactory,
    ShiftFactory,
    SignupFactory,
    VolunteerFactory,
)
from volontariato.models import Certificate
from volontariato.roles import VOLUNTEER_COORDINATOR

ROLES = (
    "anonymous",
    "citizen",  # an account, no volunteer record
    "volunteer",  # active; owns the signup and the certificate
    "applicant",  # a volunteer record still in «domanda»
    "coordinator",  # coordinates the opportunity and the draft, without a role
    "other_coordinator",  # coordinates another opportunity
    "registry_coordinator",  # has the coordinator's role: keeps the register
    "municipal_staff",
    "superuser",
)


@pytest.fixture
def world(db):
    coordinator = UserFactory()
    opportunity = OpportunityFactory(coordinator=coordinator, title="Aperta")
    draft = OpportunityFactory(coordinator=coordinator, published=False, title="Bozza")
    shift = ShiftFactory(opportunity=opportunity)
    signup = SignupFactory(shift=shift)
    volunteer = signup.volunteer
    registry_coordinator, municipal_staff = UserFactory(), UserFactory()
    assign_role(user=registry_coordinator, role=VOLUNTEER_COORDINATOR)
    assign_role(user=municipal_staff, role=MUNICIPAL_STAFF)
    today = timezone.localdate()
    users = {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "volunteer": volunteer.user,
        "applicant": VolunteerFactory(applied=True).user,
        "coordinator": coordinator,
        "other_coordinator": ShiftFactory().opportunity.coordinator,
        "registry_coordinator": registry_coordinator,
        "municipal_staff": municipal_staff,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    objects = {
        None: None,
        "opportunity": opportunity,
        "draft": draft,
        "shift": shift,
        "draft_shift": ShiftFactory(opportunity=draft),
        "signup": signup,
        "volunteer": volunteer,
        "certificate": Certificate.objects.create(
            volunteer=volunteer,
            holder_name="Anna Rossi",
            period_from=today - timedelta(days=30),
            period_to=today,
            total_hours=3,
            shift_count=1,
            code="ABCD-EFGH-JKMN",
        ),
    }
    return users, objects


# --- The rules -------------------------------------------------------------------------------

Y, N = True, False

# permission, object, then the answer for each role in the order of ROLES
PERMISSIONS = [
    ("see_opportunity", "opportunity", Y, Y, Y, Y, Y, Y, Y, Y, Y),
    ("see_opportunity", "draft", N, N, N, N, Y, N, Y, Y, Y),
    ("post_opportunity", None, N, N, N, N, N, N, Y, Y, Y),
    ("edit_opportunity", "opportunity", N, N, N, N, N, N, Y, Y, Y),
    ("edit_opportunity", "draft", N, N, N, N, N, N, Y, Y, Y),
    ("coordinate_opportunity", "opportunity", N, N, N, N, Y, N, Y, Y, Y),
    ("coordinate_opportunity", "draft", N, N, N, N, Y, N, Y, Y, Y),
    ("confirm_hours", "shift", N, N, N, N, Y, N, Y, Y, Y),
    ("coordinate", None, N, N, N, N, Y, Y, Y, Y, Y),
    ("take_shifts", None, N, N, Y, N, N, N, N, N, Y),
    ("cancel_signup", "signup", N, N, Y, N, N, N, N, N, Y),
    ("submit_hours", "signup", N, N, Y, N, N, N, N, N, Y),
    ("download_certificate", "certificate", N, N, Y, N, N, N, N, N, Y),
    ("see_volunteer", "volunteer", N, N, Y, N, Y, N, Y, Y, Y),
    ("change_volunteer_status", "volunteer", N, N, N, N, N, N, Y, Y, Y),
    ("keep_register", None, N, N, N, N, N, N, Y, Y, Y),
]


def test_every_permission_of_the_app_is_in_the_table():
    registered = {
        name for name in rules.permissions.permissions if name.startswith("volontariato.")
    }
    assert registered == {f"volontariato.{row[0]}" for row in PERMISSIONS}


@pytest.mark.parametrize("row", PERMISSIONS, ids=lambda row: f"{row[0]}-{row[1]}")
def test_permission(world, row):
    users, objects = world
    permission, obj, *allowed = row
    answers = {
        role: users[role].has_perm(f"volontariato.{permission}", objects[obj]) for role in ROLES
    }
    assert answers == dict(zip(ROLES, allowed, strict=True))


# --- The URLs --------------------------------------------------------------------------------

L = "login"  # redirected to the login page
GET, POST = "get", "post"


# What the POST actions send: enough to pass the forms, so that those allowed reach the service.
POST_DATA = {
    "submit_hours": {"hours": "1"},
    "record_attendance": {"outcome": "confermate", "hours": "1"},
    "shift_add": {
        "day": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "start": "10:00",
        "end": "12:00",
        "places": "2",
    },
    "volunteer_detail": {"to_status": "sospeso"},
}

# method, URL name, object, then the answer for each role in the order of ROLES
URLS = [
    (GET, "index", None, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    (GET, "opportunity_list", None, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    (GET, "opportunity_detail", "opportunity", 200, 200, 200, 200, 200, 200, 200, 200, 200),
    (GET, "opportunity_detail", "draft", 404, 404, 404, 404, 200, 404, 200, 200, 200),
    (POST, "shift_signup", "shift", L, 302, 302, 302, 302, 302, 302, 302, 302),
    (POST, "shift_signup", "draft_shift", L, 404, 404, 404, 302, 404, 302, 302, 302),
    (POST, "signup_cancel", "signup", L, 404, 302, 404, 404, 404, 404, 404, 302),
    (POST, "submit_hours", "signup", L, 404, 302, 404, 404, 404, 404, 404, 302),
    (GET, "apply", None, L, 200, 302, 302, 200, 200, 200, 200, 200),
    (POST, "apply", None, L, 200, 302, 302, 200, 200, 200, 200, 200),
    (GET, "my_volunteering", None, L, 302, 200, 200, 302, 302, 302, 302, 302),
    (GET, "preferences", None, L, 302, 200, 200, 302, 302, 302, 302, 302),
    (POST, "preferences", None, L, 302, 200, 200, 302, 302, 302, 302, 302),
    (GET, "personal_data", None, L, 404, 200, 200, 404, 404, 404, 404, 404),
    (GET, "cease", None, L, 404, 200, 200, 404, 404, 404, 404, 404),
    (POST, "cease", None, L, 404, 302, 302, 404, 404, 404, 404, 404),
    (POST, "certificate_request", None, L, 404, 302, 302, 404, 404, 404, 404, 404),
    (GET, "certificate_verify", None, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    (GET, "certificate_download", "certificate", L, 404, 200, 404, 404, 404, 404, 404, 200),
    (GET, "coordination", None, L, 403, 403, 403, 200, 200, 200, 200, 200),
    (GET, "shift_attendance", "shift", L, 404, 404, 404, 200, 404, 200, 200, 200),
    (POST, "record_attendance", "signup", L, 404, 404, 404, 302, 404, 302, 302, 302),
    (GET, "opportunity_create", None, L, 403, 403, 403, 403, 403, 200, 200, 200),
    (POST, "opportunity_create", None, L, 403, 403, 403, 403, 403, 200, 200, 200),
    (GET, "opportunity_edit", "opportunity", L, 403, 403, 403, 403, 403, 200, 200, 200),
    (GET, "opportunity_edit", "draft", L, 404, 404, 404, 403, 404, 200, 200, 200),
    (POST, "opportunity_edit", "opportunity", L, 403, 403, 403, 403, 403, 200, 200, 200),
    (GET, "shift_add", "opportunity", L, 403, 403, 403, 200, 403, 200, 200, 200),
    (GET, "shift_add", "draft", L, 404, 404, 404, 200, 404, 200, 200, 200),
    (POST, "shift_add", "opportunity", L, 403, 403, 403, 302, 403, 302, 302, 302),
    (GET, "volunteer_list", None, L, 403, 403, 403, 403, 403, 200, 200, 200),
    (GET, "volunteer_detail", "volunteer", L, 404, 200, 404, 200, 404, 200, 200, 200),
    (POST, "volunteer_detail", "volunteer", L, 404, 403, 404, 403, 404, 302, 302, 302),
    (GET, "totals", None, L, 403, 403, 403, 403, 403, 200, 200, 200),
]


def _url(name: str, obj) -> str:
    if obj is None:
        return reverse(f"volontariato:{name}")
    key = obj.code if isinstance(obj, Certificate) else obj.pk
    return reverse(f"volontariato:{name}", args=[key])


@pytest.mark.parametrize(
    "row", URLS, ids=lambda row: f"{row[0]}-{row[1]}" + (f"-{row[2]}" if row[2] else "")
)
def test_url(client, world, row):
    users, objects = world
    method, name, obj, *expected = row
    url = _url(name, objects[obj])
    data = POST_DATA.get(name, {}) if method == POST else None
    answers = {}
    for role in ROLES:
        # Each role's request is undone, so that a cancellation or a status change by one
        # role leaves the same world to the next.
        with transaction.atomic():
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            response = getattr(client, method)(url, data)
            transaction.set_rollback(True)
        if response.status_code == 302 and "/account/login/" in response.url:
            answers[role] = L
        else:
            answers[role] = response.status_code
    assert answers == dict(zip(ROLES, expected, strict=True)), url
