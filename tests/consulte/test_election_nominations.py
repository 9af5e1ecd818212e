"""Self-nomination by verified electors during the nomination window."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consulte.elections import casting, nominations
from consulte.models import Candidate


@pytest.fixture
def nominating(election):
    now = timezone.now()
    election.nomination_opens_at = now - datetime.timedelta(days=1)
    election.nomination_closes_at = now + datetime.timedelta(days=1)
    election.opens_at = now + datetime.timedelta(days=2)
    election.closes_at = now + datetime.timedelta(days=9)
    election.save()
    return election


def test_verified_elector_nominates_themselves(nominating, voter_client, elector):
    response = voter_client.post(
        reverse("consulte:election_nominate", args=[nominating.pk]),
        {"statement": "Lavoro per il verde del quartiere."},
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert (candidate.elector, candidate.status) == (elector, Candidate.Status.PENDING)
    assert (candidate.gender, candidate.birth_date) == (elector.gender, elector.birth_date)


def test_unverified_user_is_sent_to_verify(nominating, citizen_client):
    response = citizen_client.get(reverse("consulte:election_nominate", args=[nominating.pk]))
    assert response.url == reverse("consulte:election_verify", args=[nominating.pk])


def test_nomination_only_in_the_window(election, elector):
    with pytest.raises(nominations.NominationError):
        nominations.submit_candidacy(election=election, elector=elector, user=None, statement="x")
    assert not Candidate.objects.exists()


def test_one_candidacy_per_elector(nominating, elector):
    nominations.submit_candidacy(election=nominating, elector=elector, user=None, statement="x")
    with pytest.raises(nominations.NominationError):
        nominations.submit_candidacy(election=nominating, elector=elector, user=None, statement="y")


def test_only_approved_candidates_are_on_the_ballot(election, candidates):
    from tests.consulte.factories import CandidateFactory

    CandidateFactory(election=election, status=Candidate.Status.PENDING)
    CandidateFactory(election=election, status=Candidate.Status.WITHDRAWN)
    assert {c.pk for c in casting.ballot_candidates(election)} == {c.pk for c in candidates}


def test_reject_needs_a_reason(nominating, elector):
    candidate = nominations.submit_candidacy(
        election=nominating, elector=elector, user=None, statement="x"
    )
    with pytest.raises(nominations.NominationError):
        nominations.decide_candidacy(candidate=candidate, approve=False, reason=" ")


def test_english_election_page_heads_the_candidate_list_as_candidates(client, election, candidates):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(f"/consulte/elezioni/{election.pk}/").content.decode()
    assert '<h2 class="mt-5">Candidates</h2>' in body
