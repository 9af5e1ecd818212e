"""The polling desk: poll workers mark in-person voters and enter the paper count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from collabcity.roles import Role
from collabcity.services import assign_role
from consulte import elections
from consulte.models import DeskCount, ElectorVote
from tests.factories import UserFactory


@pytest.fixture
def poll_worker_client(client, db):
    user = UserFactory()
    assign_role(user=user, role=Role.POLL_WORKER)
    client.force_login(user)
    return client


def test_desk_is_for_poll_workers_only(citizen_client, election):
    assert (
        citizen_client.get(reverse("consulte:voting_desk", args=[election.pk])).status_code == 403
    )


def test_desk_finds_the_elector_by_fiscal_code_or_surname(poll_worker_client, election, elector):
    url = reverse("consulte:voting_desk", args=[election.pk])
    for query in (elector.fiscal_code.lower(), elector.last_name[:3]):
        response = poll_worker_client.get(url, {"query": query})
        assert elector in response.context["electors"]


def test_in_person_vote_blocks_the_online_vote(poll_worker_client, election, elector, candidates):
    url = reverse("consulte:voting_desk_mark", args=[election.pk, elector.pk])
    poll_worker_client.post(url, {"desk": "Centro sociale Orologio"})
    vote = ElectorVote.objects.get()
    assert (vote.channel, vote.desk) == ("in_person", "Centro sociale Orologio")
    with pytest.raises(elections.AlreadyVoted):
        elections.cast_ballot(election=election, elector=elector, candidate_ids=[])


def test_desk_shows_who_voted_online(poll_worker_client, election, elector):
    elections.cast_ballot(election=election, elector=elector, candidate_ids=[])
    response = poll_worker_client.get(
        reverse("consulte:voting_desk", args=[election.pk]), {"query": elector.fiscal_code}
    )
    assert "Ha già votato online" in response.content.decode()
    response = poll_worker_client.post(
        reverse("consulte:voting_desk_mark", args=[election.pk, elector.pk]), follow=True
    )
    assert "ha già votato online" in response.content.decode()
    assert ElectorVote.objects.count() == 1


def test_desk_issues_a_code_for_the_terminal(poll_worker_client, election, elector):
    response = poll_worker_client.post(
        reverse("consulte:voting_desk_issue_code", args=[election.pk, elector.pk])
    )
    code = response.context["issued"].code
    assert (
        elections.verify_with_code(
            election=election,
            fiscal_code=elector.fiscal_code,
            code=code,
            client_key="t",
            user=None,
        )
        == elector
    )


def test_paper_count_entered_once_per_desk_after_close(poll_worker_client, election, candidates):
    url = reverse("consulte:voting_desk_count", args=[election.pk])
    data = {"desk": "Punto A", "blank": 1, "void": 0, **{f"votes_{c.pk}": 2 for c in candidates}}
    response = poll_worker_client.post(url, data, follow=True)
    assert "dopo la chiusura" in response.content.decode()
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save()
    poll_worker_client.post(url, data)
    assert DeskCount.objects.get().lines.count() == 4
    response = poll_worker_client.post(url, data, follow=True)
    assert "già stato inserito" in response.content.decode()
    assert DeskCount.objects.count() == 1
