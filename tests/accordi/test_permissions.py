"""Who may do what with the accordi: the rules (accordi/rules.py), then every URL that asks them.

Each row of a table is one test over every role: a role missing from a row of RULES is refused,
a role missing from a row of URLS gets the row's default answer.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from accordi.models import Comment, Status
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from tests.factories import UserFactory

from .factories import AttachmentFactory, agreement_in

ROLES = [
    "anonymous",
    "citizen",
    "representative",  # of a party of the agreement in the row
    "other_representative",  # of a party of another agreement
    "clerk",  # in the admin, without the staff's role
    "staff",
    "superuser",
]
STAFF = {"staff", "superuser"}
PARTY = {"representative", "superuser"}
EVERYBODY = set(ROLES)

# (permission, object) -> the roles allowed.
RULES = [
    ("accordi.preview_agreement", "draft", STAFF),
    ("accordi.preview_agreement", "active", STAFF),
    ("accordi.steer_agreement", "draft", STAFF),
    ("accordi.steer_agreement", "active", STAFF),
    ("accordi.view_draft", "draft", PARTY),
    ("accordi.view_draft", "codesign", PARTY),
    ("accordi.view_draft", "active", PARTY),
    ("accordi.view_draft", "withdrawn", PARTY),
    ("accordi.comment_draft", "draft", {"superuser"}),
    ("accordi.comment_draft", "codesign", PARTY),
    ("accordi.comment_draft", "active", {"superuser"}),
    ("accordi.comment_draft", "withdrawn", {"superuser"}),
    ("accordi.download_attachment", "codesign_document", STAFF | PARTY),
    ("accordi.download_attachment", "codesign_private_document", STAFF),
    ("accordi.download_attachment", "active_document", EVERYBODY),
    ("accordi.download_attachment", "active_private_document", STAFF),
]


@pytest.fixture
def people(db):
    """Each role as a user; the representatives are bound to their agreements by `world`."""
    clerk = UserFactory(is_staff=True)
    staff = UserFactory()
    assign_role(user=staff, role=MUNICIPAL_STAFF)
    return {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "representative": UserFactory(),
        "other_representative": UserFactory(),
        "clerk": clerk,
        "staff": staff,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }


@pytest.fixture
def world(people):
    """The objects of the tables, by name."""
    agreements = {
        "draft": agreement_in(Status.DRAFT),
        "codesign": agreement_in(Status.CODESIGN),
        "active": agreement_in(Status.ACTIVE),
        "withdrawn": agreement_in(Status.WITHDRAWN),
    }
    for agreement in agreements.values():
        agreement.parties.filter(kind="organizzazione").update(
            representative=people["representative"]
        )
    agreement_in(Status.CODESIGN).parties.filter(kind="organizzazione").update(
        representative=people["other_representative"]
    )
    objects = dict(agreements)
    for name in ("codesign", "active"):
        agreement = agreements[name]
        objects[f"{name}_document"] = AttachmentFactory(agreement=agreement)
        objects[f"{name}_private_document"] = AttachmentFactory(agreement=agreement, public=False)
    return objects


@pytest.mark.parametrize(("permission", "obj", "allowed"), RULES)
def test_rules(people, world, permission, obj, allowed):
    assert {role for role in ROLES if people[role].has_perm(permission, world[obj])} == allowed


# -- Every URL -----------------------------------------------------------------------------

LOGIN = "login page"
ADMIN_LOGIN = "admin login page"

# (method, address, {role: answer}, default answer), the address naming objects of `world`.
URLS = [
    ("get", "/accordi/", {}, 200),
    ("get", "/accordi/come-funziona/", {}, 200),
    ("get", "/accordi/dati/accordi.csv", {}, 200),
    ("get", "/accordi/dati/accordi.json", {}, 200),
    ("get", "/accordi/{active.slug}/", {}, 200),
    ("get", "/accordi/{codesign.slug}/", {}, 404),
    (
        "get",
        "/accordi/{codesign.slug}/anteprima/",
        {"anonymous": ADMIN_LOGIN, "staff": 200, "superuser": 200},
        403,
    ),
    # Whether an agreement of that name exists is not told before the permission.
    (
        "get",
        "/accordi/non-esiste/anteprima/",
        {"anonymous": ADMIN_LOGIN, "staff": 404, "superuser": 404},
        403,
    ),
    (
        "get",
        "/accordi/{codesign.slug}/bozza/",
        # A superuser is no party: the staff's preview is their page.
        {"anonymous": LOGIN, "representative": 200, "superuser": 302},
        404,
    ),
    (
        "get",
        "/accordi/{active.slug}/bozza/",
        {"anonymous": LOGIN, "representative": 302, "superuser": 302},
        404,
    ),
    (
        "post",
        "/accordi/{codesign.slug}/bozza/commenti/",
        {"anonymous": LOGIN, "representative": 302, "superuser": 302},
        404,
    ),
    ("get", "/accordi/{codesign.slug}/bozza/commenti/", {"anonymous": LOGIN}, 405),
    (
        "get",
        "/accordi/{codesign.slug}/documenti/{codesign_document.pk}/",
        {"representative": 200, "staff": 200, "superuser": 200},
        404,
    ),
    ("get", "/accordi/{active.slug}/documenti/{active_document.pk}/", {}, 200),
    (
        "get",
        "/accordi/{active.slug}/documenti/{active_private_document.pk}/",
        {"staff": 200, "superuser": 200},
        404,
    ),
    (
        "post",
        "/admin/accordi/agreement/{codesign.pk}/transizione/",
        {"clerk": 403, "staff": 302, "superuser": 302},
        ADMIN_LOGIN,
    ),
]


def _answer(response) -> int | str:
    if response.status_code == 302:
        if response["Location"].startswith("/admin/login/"):
            return ADMIN_LOGIN
        if response["Location"].startswith("/account/login/"):
            return LOGIN
    return response.status_code


@pytest.mark.parametrize(("method", "address", "answers", "default"), URLS)
def test_urls(people, world, method, address, answers, default):
    # The POSTs that succeed (a comment, a withdrawal) leave the answers to the next roles
    # unchanged: a refusal at that point is a message on the same redirect.
    data = {"body": "Aggiungiamo il sabato.", "to": Status.WITHDRAWN, "note": "Non si fa più."}
    got = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(people[role])
        send = getattr(client, method)
        response = send(address.format(**world), data if method == "post" else {})
        got[role] = _answer(response)

    assert got == {role: answers.get(role, default) for role in ROLES}


def test_only_a_representative_s_comment_is_stored(people, world):
    """The superuser passes every rule, but a comment is signed by a party: theirs is refused."""
    for role in ("representative", "superuser"):
        client = Client()
        client.force_login(people[role])
        client.post(f"/accordi/{world['codesign'].slug}/bozza/commenti/", {"body": role})
    assert list(Comment.objects.values_list("body", flat=True)) == ["representative"]
