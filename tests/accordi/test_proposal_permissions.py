"""Who may do what with calls and proposals: one table of role × permission × state, and the
same roles against every URL (status, and whether the action took effect)."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accordi.models import Proposal, ProposalAttachment, ProposalComment
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from tests.consulte.council_factories import CouncilFactory, CouncillorFactory
from tests.factories import AmbitoFactory, QuartiereFactory, UserFactory

from .proposal_factories import CallFactory, CommentFactory, proposal_in

Status = Proposal.Status
pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "resident", "proposer", "councillor", "staff"]
MEMBERS = {"citizen", "resident", "proposer", "councillor", "staff"}
ALL_STATES = set(Status)
PUBLIC_STATES = ALL_STATES - {Status.DRAFT}
D, S, E, A = Status.DRAFT, Status.SUBMITTED, Status.EVALUATION, Status.ADMITTED


@dataclass
class City:
    people: dict[str, Any]
    quartiere: Any


@pytest.fixture
def city() -> City:
    """One person per role. The citizen has not said where they live; the resident has, and so
    have the proposer and the councillor (a delegate of the proposals' ambito); the staff
    member has not."""
    ambito = AmbitoFactory(code="B")
    quartiere = QuartiereFactory(ambito=ambito)
    staff = UserFactory()
    assign_role(user=staff, role=MUNICIPAL_STAFF)
    councillor = CouncillorFactory(
        council=CouncilFactory(ambito=ambito), user=UserFactory(quartiere=quartiere)
    ).user
    people = {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "resident": UserFactory(quartiere=quartiere),
        "proposer": UserFactory(quartiere=quartiere),
        "councillor": councillor,
        "staff": staff,
    }
    return City(people, quartiere)


def proposal(city: City, status: str) -> Proposal:
    return proposal_in(status, author=city.people["proposer"], quartieri=[city.quartiere])


# -- Role × permission × state ----------------------------------------------------------------

# For each permission on a proposal: the states in which each role holds it (absent: none).
PROPOSAL_PERMISSIONS: dict[str, dict[str, set[str]]] = {
    "accordi.read_proposal": {
        "anonymous": PUBLIC_STATES,
        "citizen": PUBLIC_STATES,
        "resident": PUBLIC_STATES,
        "proposer": ALL_STATES,
        "councillor": PUBLIC_STATES,
        "staff": ALL_STATES,
    },
    "accordi.edit_proposal": {"proposer": {D}},
    "accordi.submit_proposal": {"proposer": {D}},
    "accordi.discard_draft": {"proposer": {D}},
    "accordi.withdraw_proposal": {"proposer": {S, E, A}},
    "accordi.support_proposal": {"resident": {S, E}, "councillor": {S, E}},
    "accordi.follow_proposal": {role: PUBLIC_STATES for role in MEMBERS},
    "accordi.comment_proposal": {role: {S, E, A} for role in MEMBERS},
    "accordi.start_evaluation": {"staff": {S}},
    "accordi.decide_proposal": {"staff": {E}},
    "accordi.convert_proposal": {"staff": {A}},
}


@pytest.mark.parametrize("permission", sorted(PROPOSAL_PERMISSIONS))
def test_permission_table_of_proposals(city, permission):
    proposals = {status: proposal(city, status) for status in Status}
    for role in ROLES:
        user = city.people[role]
        granted = {status for status, obj in proposals.items() if user.has_perm(permission, obj)}
        assert granted == PROPOSAL_PERMISSIONS[permission].get(role, set()), role


# Permissions without a proposal: role → allowed.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    "accordi.evaluate_proposals": {"staff"},
    "accordi.moderate_comment": {"staff"},
}


@pytest.mark.parametrize("permission", sorted(ROLE_PERMISSIONS))
def test_permission_table_of_roles(city, permission):
    granted = {role for role in ROLES if city.people[role].has_perm(permission)}
    assert granted == ROLE_PERMISSIONS[permission]


@pytest.mark.parametrize(
    ("call_state", "allowed"),
    [("none", MEMBERS), ("open", MEMBERS), ("closed", set()), ("unpublished", set())],
)
def test_who_may_propose(city, call_state, allowed):
    today = timezone.localdate()
    call = {
        "none": None,
        "open": CallFactory(),
        "closed": CallFactory(
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today - datetime.timedelta(days=1),
        ),
        "unpublished": CallFactory(published=False),
    }[call_state]
    granted = {role for role in ROLES if city.people[role].has_perm("accordi.propose", call)}
    assert granted == allowed


def test_who_may_report_a_comment(city):
    visible = CommentFactory(proposal=proposal(city, S), author=city.people["resident"])
    hidden = CommentFactory(
        proposal=proposal(city, S),
        hidden_at=timezone.now(),
        hidden_by=city.people["staff"],
        hidden_reason="Spam",
    )
    on_visible = {r for r in ROLES if city.people[r].has_perm("accordi.report_comment", visible)}
    on_hidden = {r for r in ROLES if city.people[r].has_perm("accordi.report_comment", hidden)}
    assert on_visible == MEMBERS - {"resident"}  # not its own author
    assert on_hidden == set()


def test_who_may_download_a_document(city):
    for status, public, expected in [
        (D, True, {"proposer", "staff"}),
        (S, True, set(ROLES)),
        (S, False, {"proposer", "staff"}),
    ]:
        document = ProposalAttachment.objects.create(
            proposal=proposal(city, status),
            title="Progetto",
            public=public,
            file=SimpleUploadedFile("p.pdf", b"%PDF-1.4"),
        )
        granted = {
            role
            for role in ROLES
            if city.people[role].has_perm("accordi.download_proposal_document", document)
        }
        assert granted == expected, (status, public)


# -- URL × role -------------------------------------------------------------------------------

LOGIN = "login"  # a redirect to the login page
DONE = "done"  # a redirect, and the action took effect
REFUSED = "refused"  # a redirect with the reason as a message, and nothing changed


def _client(city: City, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(city.people[role])
    return client


# path(city) → the URL; expected: role → status code (or LOGIN).
PAGES = {
    "calls": (lambda city, ps: "/accordi/avvisi/", dict.fromkeys(ROLES, 200)),
    "call": (lambda city, ps: CallFactory().get_absolute_url(), dict.fromkeys(ROLES, 200)),
    "list": (lambda city, ps: "/accordi/proposte/", dict.fromkeys(ROLES, 200)),
    "map": (lambda city, ps: "/accordi/proposte/mappa/", dict.fromkeys(ROLES, 200)),
    "csv": (lambda city, ps: "/accordi/proposte/dati/proposte.csv", dict.fromkeys(ROLES, 200)),
    "json": (lambda city, ps: "/accordi/proposte/dati/proposte.json", dict.fromkeys(ROLES, 200)),
    "new": (
        lambda city, ps: "/accordi/proposte/nuova/",
        {"anonymous": LOGIN, **dict.fromkeys(MEMBERS, 200)},
    ),
    "mine": (
        lambda city, ps: "/accordi/proposte/mie/",
        {"anonymous": LOGIN, **dict.fromkeys(MEMBERS, 200)},
    ),
    "moderation": (
        lambda city, ps: "/accordi/proposte/moderazione/",
        {"anonymous": LOGIN, "staff": 200, **dict.fromkeys(MEMBERS - {"staff"}, 403)},
    ),
    "draft": (
        lambda city, ps: ps[D].get_absolute_url(),
        {**dict.fromkeys(ROLES, 404), "proposer": 200, "staff": 200},
    ),
    "submitted": (lambda city, ps: ps[S].get_absolute_url(), dict.fromkeys(ROLES, 200)),
    "draft edit": (
        lambda city, ps: reverse("accordi:proposal_edit", args=[ps[D].pk]),
        {"anonymous": LOGIN, **dict.fromkeys(MEMBERS, 404), "proposer": 200, "staff": 403},
    ),
    "submitted edit": (
        lambda city, ps: reverse("accordi:proposal_edit", args=[ps[S].pk]),
        {"anonymous": LOGIN, **dict.fromkeys(MEMBERS, 403), "proposer": 302},
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_url_matrix_of_pages(city, name):
    path, expected = PAGES[name]
    proposals = {status: proposal(city, status) for status in (D, S)}
    url = path(city, proposals)
    for role in ROLES:
        response = _client(city, role).get(url)
        if expected[role] == LOGIN:
            assert response.status_code == 302, role
            assert response.url.startswith("/account/login/"), role
        else:
            assert response.status_code == expected[role], role


def _state(obj) -> tuple:
    """What an action may change: the proposal's status and its rows of people."""
    if isinstance(obj, ProposalComment):
        obj.refresh_from_db()
        return (obj.hidden_at, obj.reports.count())
    if not Proposal.objects.filter(pk=obj.pk).exists():
        return ("deleted",)
    obj.refresh_from_db()
    return (
        obj.status,
        obj.supports.count(),
        obj.follows.count(),
        obj.comments.count(),
    )


def _action(name: str, city: City):
    """A fresh object for each request: (url, data, object whose state is watched)."""
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    if name == "create":
        return (
            "/accordi/proposte/nuova/",
            {
                "proposer_kind": "persona",
                "title": "Nuova",
                "summary": "Nuova.",
                "theme": "verde",
            },
            None,
        )
    if name in ("report", "hide"):
        comment = CommentFactory(proposal=proposal(city, S))
        view = "accordi:comment_report" if name == "report" else "accordi:comment_moderate"
        url = reverse(view, kwargs={"pk": comment.proposal_id, "comment": comment.pk})
        return url, {"reason": "Offensivo"}, comment
    status, view, data = {
        "submit": (D, "accordi:proposal_submit", {}),
        "discard": (D, "accordi:proposal_discard", {}),
        "withdraw": (S, "accordi:proposal_withdraw", {"reason": "Basta così."}),
        "support": (S, "accordi:proposal_support", {}),
        "support a draft": (D, "accordi:proposal_support", {}),
        "follow": (S, "accordi:proposal_follow", {}),
        "comment": (S, "accordi:proposal_comment", {"body": "Bella idea."}),
        "evaluate": (S, "accordi:proposal_evaluate", {"deadline": deadline}),
        "decide": (E, "accordi:proposal_decide", {"decision": "ammessa", "reason": "Sì."}),
        "convert": (A, "accordi:proposal_convert", {}),
    }[name]
    obj = proposal(city, status)
    return reverse(view, args=[obj.pk]), data, obj


STAFF_ONLY = {"anonymous": LOGIN, **dict.fromkeys(MEMBERS - {"staff"}, 403), "staff": DONE}
ACTIONS = {
    "create": {"anonymous": LOGIN, **dict.fromkeys(MEMBERS, DONE)},
    "submit": {
        "anonymous": LOGIN,
        **dict.fromkeys(MEMBERS, 404),
        "proposer": DONE,
        "staff": REFUSED,
    },
    "discard": {
        "anonymous": LOGIN,
        **dict.fromkeys(MEMBERS, 404),
        "proposer": DONE,
        "staff": REFUSED,
    },
    "withdraw": {"anonymous": LOGIN, **dict.fromkeys(MEMBERS, REFUSED), "proposer": DONE},
    "support": {
        "anonymous": LOGIN,
        "citizen": REFUSED,
        "resident": DONE,
        "proposer": REFUSED,
        "councillor": DONE,
        "staff": REFUSED,
    },
    "support a draft": {
        "anonymous": LOGIN,
        **dict.fromkeys(MEMBERS, 404),
        "proposer": REFUSED,
        "staff": REFUSED,
    },
    "follow": {"anonymous": LOGIN, **dict.fromkeys(MEMBERS, DONE)},
    "comment": {"anonymous": LOGIN, **dict.fromkeys(MEMBERS, DONE)},
    "report": {"anonymous": LOGIN, **dict.fromkeys(MEMBERS, DONE)},
    "hide": STAFF_ONLY,
    "evaluate": STAFF_ONLY,
    "decide": STAFF_ONLY,
    "convert": STAFF_ONLY,
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_url_matrix_of_actions(city, action):
    for role in ROLES:
        url, data, obj = _action(action, city)
        before = _state(obj) if obj is not None else Proposal.objects.count()
        response = _client(city, role).post(url, data)
        after = _state(obj) if obj is not None else Proposal.objects.count()
        expected = ACTIONS[action][role]
        if expected == LOGIN:
            assert response.status_code == 302, role
            assert response.url.startswith("/account/login/"), role
            assert after == before, role
        elif expected in (DONE, REFUSED):
            assert response.status_code == 302, role
            assert (after != before) is (expected == DONE), role
        else:
            assert response.status_code == expected, role
            assert after == before, role
