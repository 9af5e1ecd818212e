"""Who may do what with the centres: the rules (role × action × object), then every URL.

Both matrices read one table each, so that a change of who may do what is one line here.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centri_sociali import recurrence, services
from centri_sociali.roles import CENTRE_MANAGER
from centri_sociali.urls import urlpatterns
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from tests.factories import CentreFactory, UserFactory
from volontariato.roles import VOLUNTEER_COORDINATOR

from .factories import RoomFactory, weekly

# "registrant" holds a place at the activity's first date; "manager" runs the centre,
# "other_manager" another one; "coordinator" has a role of another programme.
ROLES = (
    "anonymous",
    "citizen",
    "registrant",
    "manager",
    "other_manager",
    "staff",
    "coordinator",
    "superuser",
)


@pytest.fixture
def world(db):
    centre = CentreFactory(name="Centro sociale Orologio", slug="centro-sociale-orologio")
    room = RoomFactory(centre=centre)
    # A fixed morning hour: an hour-long activity started after 23:00 would end the next day.
    start = timezone.localtime(timezone.now() + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    activity = weekly(centre=centre, room=room, registration_required=True,
                      starts_at=start, ends_at=start + timedelta(hours=1))  # fmt: skip
    people = {role: UserFactory() for role in ROLES if role != "anonymous"}
    people["anonymous"] = AnonymousUser()
    services.register(activity=activity, original_start=start, user=people["registrant"])
    for role in ("manager", "other_manager"):
        assign_role(user=people[role], role=CENTRE_MANAGER)
    centre.managers.add(people["manager"])
    CentreFactory().managers.add(people["other_manager"])
    assign_role(user=people["staff"], role=MUNICIPAL_STAFF)
    assign_role(user=people["coordinator"], role=VOLUNTEER_COORDINATOR)
    people["superuser"].is_superuser = people["superuser"].is_staff = True
    people["superuser"].save()
    return SimpleNamespace(
        centre=centre, activity=activity, key=recurrence.occurrence_key(start), people=people
    )


# --- the rules ------------------------------------------------------------------------------

# permission, object (in world)           anon  citiz regis manag other staff coord super
RULES = [
    ("manage_centre", "centre",           0,    0,    0,    1,    0,    1,    0,    1),
    ("follow_centre", "centre",           0,    1,    1,    1,    1,    1,    1,    1),
    ("register_for_activity", "activity", 0,    1,    1,    1,    1,    1,    1,    1),
]  # fmt: skip


@pytest.mark.parametrize(
    ("permission", "target", "allowed"),
    [
        (permission, target, dict(zip(ROLES, map(bool, row), strict=True)))
        for permission, target, *row in RULES
    ],
    ids=[f"{permission}-{target}" for permission, target, *_row in RULES],
)
def test_rules(world, permission, target, allowed):
    obj = getattr(world, target)
    answers = {
        role: world.people[role].has_perm(f"centri_sociali.{permission}", obj) for role in ROLES
    }
    assert answers == allowed


# --- every URL ------------------------------------------------------------------------------

LOGIN = "login"  # a redirect to the login page

# Each URL is asked with the objects of `world`: the centre (slug), its activity (pk) and that
# activity's first date (key); the managers' pages are those of the manager's centre.
# method, URL name                             anon  citiz regis manag other staff coord super
URLS = [
    ("GET", "index",                           200,  200,  200,  200,  200,  200,  200,  200),
    ("GET", "calendar",                        200,  200,  200,  200,  200,  200,  200,  200),
    ("GET", "calendar_feed",                   200,  200,  200,  200,  200,  200,  200,  200),
    ("GET", "category_feed",                   200,  200,  200,  200,  200,  200,  200,  200),
    ("GET", "centre_detail",                   200,  200,  200,  200,  200,  200,  200,  200),
    ("GET", "centre_feed",                     200,  200,  200,  200,  200,  200,  200,  200),
    ("GET", "export_csv",                      200,  200,  200,  200,  200,  200,  200,  200),
    ("GET", "export_json",                     200,  200,  200,  200,  200,  200,  200,  200),
    ("POST", "centre_follow",                  LOGIN,302,  302,  302,  302,  302,  302,  302),
    ("GET", "centre_follow",                   LOGIN,405,  405,  405,  405,  405,  405,  405),
    ("GET", "activity_detail",                 200,  200,  200,  200,  200,  200,  200,  200),
    ("GET", "occurrence_detail",               200,  200,  200,  200,  200,  200,  200,  200),
    ("POST", "occurrence_register",            LOGIN,302,  302,  302,  302,  302,  302,  302),
    ("GET", "occurrence_register",             LOGIN,405,  405,  405,  405,  405,  405,  405),
    ("POST", "occurrence_unregister",          LOGIN,404,  302,  404,  404,  404,  404,  404),
    ("GET", "my_registrations",                LOGIN,200,  200,  200,  200,  200,  200,  200),
    ("GET", "manage_index",                    LOGIN,200,  200,  302,  302,  200,  200,  200),
    ("GET", "manage_centre",                   LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("GET", "manage_centre_edit",              LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("POST", "manage_centre_edit",             LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("GET", "manage_activity_create",          LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("POST", "manage_activity_create",         LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("GET", "manage_activity_edit",            LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("POST", "manage_activity_edit",           LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("POST", "manage_activity_delete",         LOGIN,404,  404,  302,  404,  302,  404,  302),
    ("GET", "manage_activity_delete",          LOGIN,405,  405,  405,  405,  405,  405,  405),
    ("GET", "manage_occurrence_cancel",        LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("POST", "manage_occurrence_cancel",       LOGIN,404,  404,  302,  404,  302,  404,  302),
    ("POST", "manage_occurrence_restore",      LOGIN,404,  404,  302,  404,  302,  404,  302),
    ("GET", "manage_occurrence_restore",       LOGIN,405,  405,  405,  405,  405,  405,  405),
    ("GET", "manage_occurrence_move",          LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("POST", "manage_occurrence_move",         LOGIN,404,  404,  200,  404,  200,  404,  200),
    ("GET", "manage_occurrence_registrations", LOGIN,404,  404,  200,  404,  200,  404,  200),
]  # fmt: skip


def url_of(world, name: str) -> str:
    pattern = next(pattern for pattern in urlpatterns if pattern.name == name)
    values = {
        "slug": world.centre.slug,
        "pk": world.activity.pk,
        "key": world.key,
        "category": world.activity.category,
    }
    kwargs = {parameter: values[parameter] for parameter in pattern.pattern.converters}
    return reverse(f"centri_sociali:{name}", kwargs=kwargs)


def outcome(client: Client, method: str, url: str):
    # Each attempt is undone, so that what one role did (a deleted activity, a suspended
    # date) does not change what the next one finds. A page's form always sends a field: an
    # empty body would leave the suspension form (its only field optional) unbound.
    with transaction.atomic():
        response = client.post(url, {"note": ""}) if method == "POST" else client.get(url)
        transaction.set_rollback(True)
    if response.status_code == 302 and response.url.startswith(reverse("account_login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(
    ("method", "name", "expected"),
    [(method, name, dict(zip(ROLES, row, strict=True))) for method, name, *row in URLS],
    ids=[f"{method} {name}" for method, name, *_row in URLS],
)
def test_urls(world, method, name, expected):
    url = url_of(world, name)
    answers = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.people[role])
        answers[role] = outcome(client, method, url)
    assert answers == expected


def test_every_url_of_the_app_is_in_the_matrix():
    assert {pattern.name for pattern in urlpatterns} == {name for _method, name, *_row in URLS}
