"""Who may do what in the consulte and their elections: the rules (consulte/rules.py), the
services that ask them again, then every URL of the app.

Each row of a table is one test over every role: a role missing from a row of RULES is refused,
a role missing from a row of URLS gets the row's default answer.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import transaction
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from consulte import services
from consulte.elections import common, desk, verification
from consulte.models import Election, ElectionLogEntry, VotingPoint
from consulte.roles import POLL_WORKER
from consulte.rules import OFFICE_PERMISSIONS, has_office_perm
from consulte.urls import urlpatterns
from tests.factories import AmbitoFactory, UserFactory

from .council_factories import (
    CouncilFactory,
    CouncillorFactory,
    MeetingFactory,
    OpinionRequestFactory,
    PublishedOpinionFactory,
)
from .factories import (
    CandidateFactory,
    ElectionFactory,
    ElectorFactory,
    tally,
    verify,
    voting_point,
)

ROLES = [
    "anonymous",
    "citizen",
    "elector",  # verified as an elector of the open election
    "councillor",  # a member in office of the election's council
    "other_councillor",  # of another council
    "poll_worker",  # of the open election's point
    "other_poll_worker",  # of another point of the same election
    # The officer holding the guardians' permissions (run_key_ceremony, open_ballot_box) in the
    # admin, without the staff's role: guardians themselves have no account, they stand beside.
    "guardian",
    "staff",
    "superuser",
]
COUNCILLORS = {"councillor", "other_councillor"}
POLL_WORKERS = {"poll_worker", "other_poll_worker"}
GUARDIANS = {"guardian", "staff", "superuser"}
STAFF = {"staff", "superuser"}


@pytest.fixture
def people(db):
    people = {role: UserFactory() for role in ROLES if role != "anonymous"}
    people["anonymous"] = AnonymousUser()
    for role in POLL_WORKERS:
        assign_role(user=people[role], role=POLL_WORKER)
    assign_role(user=people["staff"], role=MUNICIPAL_STAFF)
    guardian = people["guardian"]
    guardian.is_staff = True
    guardian.save()
    guardian.user_permissions.add(
        *Permission.objects.filter(codename__in=["run_key_ceremony", "open_ballot_box"])
    )
    superuser = people["superuser"]
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    return people


@pytest.fixture
def world(people):
    """The objects of the tables, by name."""
    council = CouncilFactory(ambito=AmbitoFactory(code="B"))
    CouncillorFactory(council=council, user=people["councillor"])
    CouncillorFactory(
        council=CouncilFactory(ambito=AmbitoFactory(code="C")), user=people["other_councillor"]
    )
    election = ElectionFactory(council=council)
    CandidateFactory(election=election)
    verify(elector=ElectorFactory(election=election), user=people["elector"])
    point = voting_point(election, people["poll_worker"])
    other_point = voting_point(election, people["other_poll_worker"], name="Biblioteca")

    closed = ElectionFactory(council=council)
    CandidateFactory(election=closed)
    closed.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    closed.save(update_fields=["closes_at"])
    tally(closed)

    open_request = OpinionRequestFactory(council=council)
    return SimpleNamespace(
        council=council,
        meeting=MeetingFactory(council=council),
        open_request=open_request,
        version=services.version_of(open_request),
        published=PublishedOpinionFactory(council=council),
        election=election,
        closed=closed,
        point=point,
        other_point=other_point,
        # On the roll, unverified: the one the poll workers look up at the desk.
        walk_in=ElectorFactory(election=election),
    )


def ask(user, permission: str, obj=None) -> bool:
    """As the portal asks: the acts of an office by their rule, the others through Django."""
    if permission in OFFICE_PERMISSIONS:
        return has_office_perm(user, permission, obj)
    return user.has_perm(permission, obj)


# --- the rules -----------------------------------------------------------------------------------

# (permission, object in `world` or None) -> the roles allowed.
RULES = [
    ("consulte.work_as_councillor", None, COUNCILLORS),
    ("consulte.work_as_councillor", "council", {"councillor"}),
    # Whether the opinion is still open is the service's answer, with a message.
    ("consulte.draft_opinion", "open_request", {"councillor"}),
    ("consulte.draft_opinion", "published", {"councillor"}),
    ("consulte.use_desk", None, POLL_WORKERS | STAFF),
    ("consulte.serve_election", "election", POLL_WORKERS),
    ("consulte.serve_election", "closed", set()),
    ("consulte.serve_voting_point", "point", {"poll_worker"}),
    ("consulte.serve_voting_point", "other_point", {"other_poll_worker"}),
    ("consulte.issue_voting_codes", None, STAFF),
    # The staff's model permissions, asked by name by the pages, the admin and the services.
    ("consulte.run_key_ceremony", None, GUARDIANS),
    ("consulte.open_ballot_box", None, GUARDIANS),
    ("consulte.declare_count_complete", None, STAFF),
    # Granted to named people only, never to a role: not even the staff hold it.
    ("consulte.issue_code_during_vote", None, {"superuser"}),
]


@pytest.mark.parametrize(("permission", "obj", "allowed"), RULES)
def test_rules(people, world, permission, obj, allowed):
    target = getattr(world, obj) if obj else None
    assert {role for role in ROLES if ask(people[role], permission, target)} == allowed


def test_a_superuser_holds_no_office_django_would_give_them(people, world):
    superuser = people["superuser"]
    for permission, obj in [
        ("consulte.draft_opinion", world.open_request),
        ("consulte.serve_voting_point", world.point),
    ]:
        assert superuser.has_perm(permission, obj)  # Django's shortcut, never asked for these
        assert not has_office_perm(superuser, permission, obj)


def test_only_the_acts_of_an_office_are_asked_by_their_rule(people):
    with pytest.raises(ValueError, match="user.has_perm"):
        has_office_perm(people["superuser"], "consulte.issue_code_during_vote")


# --- the services ask the same rules, whoever calls them -----------------------------------------


NOT_HERE = "Non sei scrutatore di questo punto voto."


def acts_at_the_desk(world, user) -> list[bool]:
    """Each act at the point's desk done by `user` and undone: True where it was let through,
    False where the service refused a person who does not serve the point."""
    point, elector = world.point, world.walk_in

    def count_after_the_close():
        desk.mark_voted_in_person(voting_point=point, elector=elector, user=None)
        Election.objects.filter(pk=point.election_id).update(closes_at=timezone.now())
        closed_point = VotingPoint.objects.select_related("election").get(pk=point.pk)
        desk.record_desk_count(
            voting_point=closed_point, valid=0, blank=1, void=0, votes={}, entered_by=user
        )

    done = []
    for act in (
        lambda: desk.register_presence(voting_point=point, elector=elector, user=user),
        lambda: verification.issue_credentials(
            electors=[elector], issued_by=user, voting_point=point, for_terminal=True
        ),
        lambda: desk.mark_voted_in_person(voting_point=point, elector=elector, user=user),
        count_after_the_close,
    ):
        try:
            with transaction.atomic():
                # The presence a terminal code needs, registered by the system, not by `user`.
                desk.register_presence(voting_point=point, elector=elector, user=None)
                act()
                transaction.set_rollback(True)
        except common.ElectionError as error:
            assert error.messages == [NOT_HERE]
            done.append(False)
        else:
            done.append(True)
    return done


def test_desk_services_refuse_all_but_the_point_s_poll_workers(people, world):
    answers = {role: acts_at_the_desk(world, people[role]) for role in ROLES[1:]}
    assert answers == {role: [role == "poll_worker"] * 4 for role in ROLES[1:]}
    assert not ElectionLogEntry.objects.filter(elector=world.walk_in).exists()


def test_drafting_service_refuses_all_but_the_council_s_members(people, world):
    drafted = set()
    for role in ROLES[1:]:
        try:
            with transaction.atomic():
                services.save_draft(
                    opinion_request=world.open_request,
                    user=people[role],
                    text="Bozza.",
                    version=world.version,
                )
                transaction.set_rollback(True)
        except services.OpinionError as error:
            assert error.code == "forbidden"
        else:
            drafted.add(role)
    assert drafted == {"councillor"}


def test_declaring_the_count_needs_the_staff_s_permission(people, world):
    for role in ROLES[1:]:
        with pytest.raises(common.ElectionError) as refused:
            desk.declare_count_complete(election=world.election, user=people[role])
        # The election is still open: those allowed get that far, the others do not.
        permitted = "non è ancora chiusa" in refused.value.messages[0]
        assert permitted == (role in STAFF), role


def test_codes_during_the_vote_need_the_named_permission(people, world):
    for role in ROLES[1:]:
        with pytest.raises(common.ElectionError) as refused:
            verification.issue_credentials(electors=[world.walk_in], issued_by=people[role])
        # Without a reason: those allowed are asked for one, the others are refused outright.
        permitted = "indica il motivo" in refused.value.messages[0]
        assert permitted == (role == "superuser"), role


# --- every URL -----------------------------------------------------------------------------------

LOGIN = "login page"

DESK = "/consulte/elezioni/{election.pk}/seggio/"
POINT = DESK + "{point.pk}/"
ELECTOR = POINT + "{walk_in.pk}/"
# Who may not use the desk is told so (403); a point they do not serve does not exist (404).
NOT_THEIRS = {"anonymous": LOGIN, "other_poll_worker": 404, "staff": 404, "superuser": 404}
POINT_ONLY = {**NOT_THEIRS, "poll_worker": 200}
POINT_ACTS = {**NOT_THEIRS, "poll_worker": 302}  # done, back to the desk
WRONG_METHOD = {"anonymous": LOGIN, **dict.fromkeys(POLL_WORKERS | STAFF, 405)}
GUARDIANS_ONLY = {"anonymous": LOGIN, **dict.fromkeys(GUARDIANS, 200)}

# (method, address, {role: answer}, default answer), the address naming objects of `world`.
URLS = [
    ("get", "/consulte/", {}, 200),
    (
        "get",
        "/consulte/la-mia-consulta/",
        {"anonymous": LOGIN, "councillor": 200, "other_councillor": 200},
        403,
    ),
    ("get", "/consulte/{council.slug}/", {}, 200),
    ("get", "/consulte/{council.slug}/riunioni/{meeting.pk}/", {}, 200),
    ("get", "/consulte/{council.slug}/pareri/{open_request.pk}/", {}, 200),
    ("get", "/consulte/{council.slug}/pareri/{published.pk}/", {}, 200),
    (
        "get",
        "/consulte/{council.slug}/pareri/{open_request.pk}/redazione/",
        {"anonymous": LOGIN, "councillor": 200},
        403,
    ),
    (
        "post",
        "/consulte/{council.slug}/pareri/{open_request.pk}/redazione/",
        {"anonymous": LOGIN, "councillor": 302},  # saved, back to the form
        403,
    ),
    (
        "get",
        "/consulte/{council.slug}/pareri/{published.pk}/redazione/",
        {"anonymous": LOGIN, "councillor": 302},  # to the public page: nothing left to draft
        403,
    ),
    # The elections' public pages; results and their data only after the close and the tally.
    ("get", "/consulte/elezioni/", {}, 200),
    ("get", "/consulte/elezioni/{election.pk}/", {}, 200),
    ("get", "/consulte/elezioni/{election.pk}/risultati/", {}, 404),
    ("get", "/consulte/elezioni/{closed.pk}/risultati/", {}, 200),
    ("get", "/consulte/elezioni/{election.pk}/dati/schede.json", {}, 404),
    ("get", "/consulte/elezioni/{closed.pk}/dati/schede.json", {}, 200),
    ("get", "/consulte/elezioni/{closed.pk}/dati/schede.csv", {}, 200),
    ("get", "/consulte/elezioni/{closed.pk}/dati/schede.xml", {}, 404),
    ("get", "/consulte/elezioni/{election.pk}/lista-elettorale/", {"anonymous": LOGIN}, 200),
    ("post", "/consulte/elezioni/{election.pk}/lista-elettorale/", {"anonymous": LOGIN}, 200),
    # A candidacy is an elector's: the others are sent to the verification.
    (
        "get",
        "/consulte/elezioni/{election.pk}/candidatura/",
        {"anonymous": LOGIN, "elector": 200},
        302,
    ),
    (
        "post",
        "/consulte/elezioni/{election.pk}/candidatura/",
        {"anonymous": LOGIN, "elector": 200},
        302,
    ),
    # Anybody may try to verify (a voting point's terminal is logged out); only a verified
    # elector gets the ballot, the others are sent to the verification.
    ("get", "/consulte/elezioni/{election.pk}/verifica/", {}, 200),
    ("post", "/consulte/elezioni/{election.pk}/verifica/", {}, 200),
    ("get", "/consulte/elezioni/verifica-spid/", {"anonymous": LOGIN}, 302),
    ("get", "/consulte/elezioni/{election.pk}/scheda/", {"elector": 200}, 302),
    ("post", "/consulte/elezioni/{election.pk}/scheda/", {"elector": 200}, 302),
    ("get", "/consulte/elezioni/ricevute/", {}, 200),
    ("post", "/consulte/elezioni/ricevute/", {}, 200),
    ("post", "/consulte/elezioni/termina/", {}, 302),
    ("get", "/consulte/elezioni/termina/", {}, 405),
    # The guardians' pages: the officers with the permission, whatever the election.
    ("get", "/consulte/elezioni/{election.pk}/garanti/cerimonia/", GUARDIANS_ONLY, 403),
    (
        "post",
        "/consulte/elezioni/{election.pk}/garanti/cerimonia/",
        # This election's ceremony was held: refused with a message, back to the page.
        {"anonymous": LOGIN, **dict.fromkeys(GUARDIANS, 302)},
        403,
    ),
    ("get", "/consulte/elezioni/{closed.pk}/garanti/apertura/", GUARDIANS_ONLY, 403),
    ("post", "/consulte/elezioni/{closed.pk}/garanti/apertura/", GUARDIANS_ONLY, 403),
    # The polling desk: each poll worker finds their own point there.
    ("get", DESK, {**NOT_THEIRS, "poll_worker": 200, "other_poll_worker": 200}, 403),
    ("get", DESK + "?punto={point.pk}", POINT_ONLY, 403),
    ("get", "/consulte/elezioni/{closed.pk}/seggio/", {**NOT_THEIRS, "poll_worker": 404}, 403),
    ("post", ELECTOR + "presente/", POINT_ACTS, 403),
    ("get", ELECTOR + "presente/", WRONG_METHOD, 403),
    ("post", ELECTOR + "votato/", POINT_ACTS, 403),
    ("get", ELECTOR + "votato/", WRONG_METHOD, 403),
    ("post", ELECTOR + "codice/", POINT_ACTS, 403),
    ("get", ELECTOR + "codice/", WRONG_METHOD, 403),
    ("get", POINT + "spoglio/", POINT_ONLY, 403),
    ("post", POINT + "spoglio/", POINT_ONLY, 403),
    # Another point's id under this election's address, and this point's under another one's.
    (
        "get",
        DESK + "{other_point.pk}/spoglio/",
        {**NOT_THEIRS, "poll_worker": 404, "other_poll_worker": 200},
        403,
    ),
    (
        "get",
        "/consulte/elezioni/{closed.pk}/seggio/{point.pk}/spoglio/",
        {**NOT_THEIRS, "poll_worker": 404},
        403,
    ),
]


def _answer(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith("/account/login/"):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(
    ("method", "address", "answers", "default"), URLS, ids=[f"{m} {a}" for m, a, *_ in URLS]
)
def test_urls(people, world, method, address, answers, default):
    url = address.format(**vars(world))
    # A form's worth of each page's fields: enough for the POSTs that succeed to succeed.
    data = {
        "opinion": "Il nostro parere.",
        "version": world.version,
        "action": "salva",
        "threshold": 2,
        "expected_key": "",
        "ricevuta": "ABCDE-FGHIJ",
    }
    got = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(people[role])
        # Each attempt is undone, so that what one role did (a draft saved, an elector marked
        # present) does not change what the next one finds.
        with transaction.atomic():
            response = client.post(url, data) if method == "post" else client.get(url)
            transaction.set_rollback(True)
        got[role] = _answer(response)

    assert got == {role: answers.get(role, default) for role in ROLES}


# The pages offer an act only to those its permission lets through: (page, what it offers, roles).
OFFERS = [
    ("/consulte/{council.slug}/", "Fai parte di questa consulta", {"councillor"}),
    ("/consulte/{council.slug}/pareri/{open_request.pk}/", "Redigi il parere", {"councillor"}),
    ("/consulte/elezioni/{election.pk}/", "Punto voto: cerca un elettore", POLL_WORKERS),
]


@pytest.mark.parametrize(("address", "offer", "roles"), OFFERS)
def test_pages_offer_an_act_to_those_allowed(people, world, address, offer, roles):
    offered = set()
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(people[role])
        if offer in client.get(address.format(**vars(world))).content.decode():
            offered.add(role)
    assert offered == roles


def test_every_url_of_the_app_is_in_the_matrix():
    def example(address: str) -> str:
        return re.sub(r"\{[a-z_]+\.(pk|slug)\}", "1", address.split("?")[0])

    names = {resolve(example(address)).url_name for _method, address, *_ in URLS}
    assert names == {pattern.name for pattern in urlpatterns}
