"""The polling desk: poll workers act on their own voting points only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from collabcity.services import assign_role
from consulte.elections import casting, common, tally, verification
from consulte.elections.desk import mark_voted_in_person, record_desk_count, register_presence
from consulte.models import DeskCount, ElectionLogEntry, ElectorVote, VotingCredential
from consulte.roles import POLL_WORKER
from tests.consulte.factories import ElectorFactory, voting_point
from tests.factories import UserFactory


def poll_worker():
    user = UserFactory()
    assign_role(user=user, role=POLL_WORKER)
    return user


@pytest.fixture
def worker(db):
    return poll_worker()


@pytest.fixture
def point(election, worker):
    return voting_point(election, worker)


@pytest.fixture
def poll_worker_client(client, worker, point):
    client.force_login(worker)
    return client


def close(election):
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save(update_fields=["closes_at"])


def desk(election, point):
    return reverse("consulte:voting_desk", args=[election.pk]) + f"?punto={point.pk}"


def test_desk_is_for_poll_workers_only(citizen_client, election):
    assert (
        citizen_client.get(reverse("consulte:voting_desk", args=[election.pk])).status_code == 403
    )


def test_desk_finds_the_elector_by_fiscal_code_or_surname(poll_worker_client, election, elector):
    url = reverse("consulte:voting_desk", args=[election.pk])
    for query in (elector.fiscal_code.lower(), elector.last_name[:3]):
        response = poll_worker_client.get(url, {"query": query})
        assert elector in response.context["electors"]


def test_in_person_vote_blocks_the_online_vote(
    poll_worker_client, election, point, elector, candidates
):
    url = reverse("consulte:voting_desk_mark", args=[election.pk, point.pk, elector.pk])
    poll_worker_client.post(url)
    vote = ElectorVote.objects.get()
    assert (vote.channel, vote.voting_point) == ("in_person", point)
    with pytest.raises(casting.AlreadyVoted):
        casting.cast_ballot(election=election, elector=elector, candidate_ids=[])


def test_desk_shows_who_voted_online(poll_worker_client, election, point, elector):
    casting.cast_ballot(election=election, elector=elector, candidate_ids=[])
    response = poll_worker_client.get(
        reverse("consulte:voting_desk", args=[election.pk]), {"query": elector.fiscal_code}
    )
    assert "Ha già votato online" in response.content.decode()
    response = poll_worker_client.post(
        reverse("consulte:voting_desk_mark", args=[election.pk, point.pk, elector.pk]),
        follow=True,
    )
    assert "ha già votato online" in response.content.decode()
    assert ElectorVote.objects.count() == 1


def test_desk_issues_a_terminal_code_only_for_a_person_present(
    poll_worker_client, election, point, elector
):
    code_url = reverse("consulte:voting_desk_issue_code", args=[election.pk, point.pk, elector.pk])
    response = poll_worker_client.post(code_url, follow=True)
    assert "Registra prima la presenza" in response.content.decode()
    assert not VotingCredential.objects.exists()
    poll_worker_client.post(
        reverse("consulte:voting_desk_present", args=[election.pk, point.pk, elector.pk])
    )
    response = poll_worker_client.post(code_url)
    code = response.context["issued"].code
    assert (
        verification.verify_with_code(
            election=election, fiscal_code=elector.fiscal_code, code=code, client_key="t", user=None
        )
        == elector
    )
    actions = list(
        ElectionLogEntry.objects.exclude(action=ElectionLogEntry.Action.KEY_CEREMONY).values_list(
            "action", "elector", "actor"
        )
    )
    worker = response.wsgi_request.user
    assert actions == [
        ("present", elector.pk, worker.pk),
        ("code_issued", elector.pk, worker.pk),
    ]


def test_presence_at_another_point_does_not_allow_a_code(election, worker, point, elector):
    other = voting_point(election, worker, name="Biblioteca")
    register_presence(voting_point=other, elector=elector, user=worker)
    with pytest.raises(common.ElectionError):
        verification.issue_credentials(electors=[elector], issued_by=worker, voting_point=point)


# --- Somebody else's point -------------------------------------------------------------------


@pytest.fixture
def intruder_client(client, election):
    """A poll worker of another point of the same election."""
    user = poll_worker()
    voting_point(election, user, name="Altro punto")
    client.force_login(user)
    return client


def others_urls(election, point, elector):
    return [
        ("get", desk(election, point)),
        ("post", reverse("consulte:voting_desk_present", args=[election.pk, point.pk, elector.pk])),
        ("post", reverse("consulte:voting_desk_mark", args=[election.pk, point.pk, elector.pk])),
        (
            "post",
            reverse("consulte:voting_desk_issue_code", args=[election.pk, point.pk, elector.pk]),
        ),
        ("get", reverse("consulte:voting_desk_count", args=[election.pk, point.pk])),
        ("post", reverse("consulte:voting_desk_count", args=[election.pk, point.pk])),
    ]


def test_poll_worker_gets_404_on_another_workers_point(intruder_client, election, point, elector):
    for method, url in others_urls(election, point, elector):
        assert getattr(intruder_client, method)(url).status_code == 404, (method, url)
    close(election)
    for method, url in others_urls(election, point, elector):
        assert getattr(intruder_client, method)(url).status_code == 404, (method, url)
    assert not ElectorVote.objects.exists()
    assert not DeskCount.objects.exists()
    assert not ElectionLogEntry.objects.exclude(
        action=ElectionLogEntry.Action.KEY_CEREMONY
    ).exists()


def test_poll_worker_gets_404_on_an_election_without_their_point(
    client, worker, point, election, elector
):
    other_election_point = voting_point(ElectorFactory().election, worker, name="Altrove")
    stranger = poll_worker()
    client.force_login(stranger)
    for method, url in others_urls(election, point, elector):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    # A point id of another election under this election's URL is not found either.
    client.force_login(worker)
    url = reverse("consulte:voting_desk_count", args=[election.pk, other_election_point.pk])
    assert client.get(url).status_code == 404


def test_service_refuses_a_poll_worker_of_another_point(election, point, elector):
    with pytest.raises(common.ElectionError):
        mark_voted_in_person(voting_point=point, elector=elector, user=poll_worker())
    assert not ElectorVote.objects.exists()


# --- The paper count -------------------------------------------------------------------------


def count_data(candidates, *, valid, blank=0, void=0, each=0, **extra):
    return {
        "valid": valid,
        "blank": blank,
        "void": void,
        **{f"votes_{c.pk}": each for c in candidates},
        **extra,
    }


def mark(election, point, worker, n):
    for _ in range(n):
        mark_voted_in_person(
            voting_point=point, elector=ElectorFactory(election=election), user=worker
        )


def test_paper_count_entered_after_close_then_corrected_as_a_new_version(
    poll_worker_client, election, point, worker, candidates
):
    url = reverse("consulte:voting_desk_count", args=[election.pk, point.pk])
    mark(election, point, worker, 4)
    data = count_data(candidates, valid=2, blank=1, each=1)
    response = poll_worker_client.post(url, data, follow=True)
    assert "dopo la chiusura" in response.content.decode()
    close(election)
    poll_worker_client.post(url, data)
    first = DeskCount.objects.get()
    assert (first.version, first.entered_by, first.lines.count()) == (1, worker, 4)
    # The same form again, without a reason: refused, nothing overwritten.
    response = poll_worker_client.post(url, data)
    assert "reason" in response.context["form"].errors
    assert DeskCount.objects.count() == 1
    with pytest.raises(common.ElectionError, match="indica il motivo"):
        record_desk_count(voting_point=point, valid=0, blank=1, void=0, votes={}, entered_by=worker)
    poll_worker_client.post(url, {**data, "valid": 3, "reason": "Una scheda contata due volte"})
    versions = list(DeskCount.objects.order_by("version").values_list("version", "valid", "reason"))
    assert versions == [(1, 2, ""), (2, 3, "Una scheda contata due volte")]
    assert list(tally.latest_desk_counts(election)) == [DeskCount.objects.get(version=2)]
    page = poll_worker_client.get(url).content.decode()
    assert "Una scheda contata due volte" in page
    assert ElectionLogEntry.objects.filter(action="desk_count").count() == 2


def test_paper_count_refused_at_a_point_without_voters(election, point, worker, candidates):
    close(election)
    with pytest.raises(common.ElectionError, match="nessuno"):
        record_desk_count(voting_point=point, valid=0, blank=0, void=0, votes={}, entered_by=worker)
    assert not DeskCount.objects.exists()


@pytest.mark.parametrize(
    ("valid", "blank", "void", "votes", "message"),
    [
        (3, 1, 1, [1, 0, 0, 0], "superano i votanti"),  # 5 ballots, 4 voters
        (2, 0, 0, [3, 0, 0, 0], "più preferenze delle schede valide"),
        (2, 0, 0, [2, 2, 1, 0], "superano quelle possibili"),  # 5 > 2 ballots x 2 prefs
        (2, 0, 0, [0, 0, 0, 0], "almeno una preferenza"),
    ],
)
def test_paper_count_cannot_exceed_the_voters_or_the_ballots(
    election, point, worker, candidates, valid, blank, void, votes, message
):
    mark(election, point, worker, 4)
    close(election)
    with pytest.raises(common.ElectionError, match=message):
        record_desk_count(
            voting_point=point,
            valid=valid,
            blank=blank,
            void=void,
            votes={c.pk: n for c, n in zip(candidates, votes, strict=True)},
            entered_by=worker,
        )
    assert not DeskCount.objects.exists()


def test_paper_count_with_preferences_up_to_the_maximum_is_accepted(
    election, point, worker, candidates
):
    mark(election, point, worker, 4)
    close(election)
    count = record_desk_count(
        voting_point=point,
        valid=2,
        blank=1,
        void=1,
        votes={candidates[0].pk: 2, candidates[2].pk: 2},
        entered_by=worker,
    )
    assert count.ballots == 4
