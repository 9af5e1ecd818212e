"""Casting a ballot: the rules, the confirmation step and the HTTP contract."""

import datetime
import time

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from consulte.elections import casting, tally, verification
from consulte.models import (
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    Ballot,
    BallotPreference,
    Candidate,
    ElectorVerification,
    ElectorVote,
    Envelope,
    format_receipt,
    new_receipt_id,
)
from tests.consulte.council_factories import CouncilFactory
from tests.consulte.factories import (
    CandidateFactory,
    ElectionFactory,
    ElectorFactory,
    peek,
    verify,
)


def stored() -> tuple[int, int]:
    """(votes, envelopes); while voting is open no plain ballot or preference exists at all."""
    assert not Ballot.objects.exists() and not BallotPreference.objects.exists()
    return (ElectorVote.objects.count(), Envelope.objects.count())


def cast(election, elector, ids):
    return casting.cast_ballot(election=election, elector=elector, candidate_ids=ids)


def test_cast_records_the_vote_and_a_sealed_envelope(election, elector, candidates):
    receipt = cast(election, elector, [candidates[0].pk, candidates[2].pk])
    vote = ElectorVote.objects.get()
    assert (vote.election, vote.elector, vote.channel) == (
        election,
        elector,
        ElectorVote.Channel.ONLINE,
    )
    assert vote.hour == vote.hour.replace(minute=0, second=0, microsecond=0)
    assert datetime.timedelta(0) <= timezone.now() - vote.hour < datetime.timedelta(hours=1)
    assert vote.voting_point is None
    envelope = Envelope.objects.get()
    assert envelope.election == election and envelope.pk.version == 4
    assert stored() == (1, 1)
    assert peek(election) == [(receipt.code, [candidates[0].pk, candidates[2].pk])]


def test_blank_ballot_is_allowed(election, elector, candidates):
    receipt = cast(election, elector, [])
    assert stored() == (1, 1)
    assert peek(election) == [(receipt.code, [])]


def test_second_vote_is_refused_and_stores_nothing(election, elector, candidates):
    cast(election, elector, [candidates[0].pk])
    with pytest.raises(casting.AlreadyVoted):
        cast(election, elector, [candidates[1].pk])
    assert stored() == (1, 1)


@pytest.mark.parametrize(
    ("choice", "code"),
    [
        ("too_many", "too_many"),
        ("duplicate", "duplicate"),
        ("other_election", "unknown_candidate"),
        ("withdrawn", "unknown_candidate"),
        ("rejected", "unknown_candidate"),
        ("pending", "unknown_candidate"),
        ("not_a_number", "tampered"),
        ("missing_id", "unknown_candidate"),
    ],
)
def test_invalid_ballot_is_refused_with_nothing_stored(election, elector, candidates, choice, code):
    other = CandidateFactory(election=ElectionFactory())
    ids = {
        "too_many": [c.pk for c in candidates[:3]],
        "duplicate": [candidates[0].pk, candidates[0].pk],
        "other_election": [other.pk],
        "withdrawn": [CandidateFactory(election=election, status=Candidate.Status.WITHDRAWN).pk],
        "rejected": [
            CandidateFactory(
                election=election, status=Candidate.Status.REJECTED, rejection_reason="No"
            ).pk
        ],
        "pending": [CandidateFactory(election=election, status=Candidate.Status.PENDING).pk],
        "not_a_number": ["1; DROP TABLE"],
        "missing_id": [999999],
    }[choice]
    with pytest.raises(casting.BallotError) as caught:
        cast(election, elector, ids)
    assert caught.value.code == code
    assert stored() == (0, 0)


@pytest.mark.parametrize("when", ["before", "after"])
def test_ballot_outside_the_window_is_refused(election, elector, candidates, when):
    now = timezone.now()
    if when == "before":
        election.opens_at = now + datetime.timedelta(hours=1)
        election.nomination_closes_at = now
    else:
        election.closes_at = now - datetime.timedelta(minutes=1)
        election.opens_at = now - datetime.timedelta(days=1)
    election.save()
    with pytest.raises(casting.BallotError):
        cast(election, elector, [candidates[0].pk])
    assert stored() == (0, 0)


def test_elector_of_another_election_cannot_cast(election, candidates):
    stranger = ElectorFactory(election=ElectionFactory())
    with pytest.raises(casting.BallotError) as caught:
        cast(election, stranger, [candidates[0].pk])
    assert caught.value.code == "unverified"
    with pytest.raises(casting.BallotError):
        cast(election, None, [candidates[0].pk])
    assert stored() == (0, 0)


def test_same_gender_double_preference_is_accepted_with_a_warning(election, elector, candidates):
    chosen = casting.validate_choices(
        election=election, candidate_ids=[candidates[0].pk, candidates[1].pk]
    )
    assert casting.gender_warning(election=election, candidates=chosen) == [candidates[1]]
    cast(election, elector, [candidates[0].pk, candidates[1].pk])
    assert stored() == (1, 1)


def test_no_gender_warning_without_the_rule(election, candidates):
    election.gender_balance = False
    chosen = [candidates[0], candidates[1]]
    assert casting.gender_warning(election=election, candidates=chosen) == []


@pytest.mark.parametrize(
    ("genders", "voided"),
    [
        ("", ""),
        ("F", "-"),
        ("FM", "--"),
        ("FF", "-x"),
        ("FFM", "---"),  # with three preferences two of one gender are fine
        ("FMF", "---"),
        ("FFF", "--x"),
        ("MFFF", "---x"),
        ("FFFM", "--x-"),
        ("FFFF", "--xx"),
        ("FFFFM", "---x-"),
    ],
)
def test_gender_rule_voids_what_exceeds_half_of_the_preferences_rounded_up(genders, voided):
    assert tally.voided_by_gender_rule(list(genders)) == [mark == "x" for mark in voided]


# --- HTTP -------------------------------------------------------------------------------------


def ballot_url(election):
    return reverse("consulte:ballot", kwargs={"pk": election.pk})


def test_review_step_shows_the_choices_and_stores_nothing(voter_client, election, candidates):
    response = voter_client.post(
        ballot_url(election),
        {"step": "review", "preference_1": candidates[0].pk, "preference_2": candidates[1].pk},
    )
    assert response.status_code == 200
    assert "consulte/elections/ballot_confirm.html" in [t.name for t in response.templates]
    assert "questa preferenza sarà nulla" in response.content.decode()
    assert stored() == (0, 0)


def test_cast_through_the_view_shows_a_receipt(
    voter_client, election, candidates, django_assert_num_queries
):
    # The user with the unread notifications of the page's header (the session comes from
    # Redis: cached_db); the transaction (a savepoint here): the lock, the election with its
    # window, approved candidates and the voter's roll entry, the outer and the inner envelope.
    with django_assert_num_queries(7):
        response = voter_client.post(
            ballot_url(election), {"step": "cast", "candidate": [candidates[0].pk]}
        )
    assert response.status_code == 200
    [(code, _choices)] = peek(election)
    assert format_receipt(code) in response.content.decode()
    assert len(code) == 20 and format_receipt(code).count("-") == 3


def test_second_cast_through_the_view_gets_already_voted(voter_client, election, candidates):
    voter_client.post(ballot_url(election), {"step": "cast", "candidate": [candidates[0].pk]})
    response = voter_client.post(
        ballot_url(election), {"step": "cast", "candidate": [candidates[1].pk]}
    )
    assert response.status_code == 409
    assert "Hai già votato" in response.content.decode()
    assert stored() == (1, 1)
    assert voter_client.get(ballot_url(election)).status_code == 409


def test_tampered_cast_shows_a_message_and_stores_nothing(voter_client, election, candidates):
    response = voter_client.post(
        ballot_url(election),
        {"step": "cast", "candidate": [candidates[0].pk, "x"]},
        follow=True,
    )
    assert "La scheda non è valida" in response.content.decode()
    assert stored() == (0, 0)


def test_unverified_user_is_sent_to_verification(citizen_client, election, candidates):
    response = citizen_client.post(
        ballot_url(election), {"step": "cast", "candidate": [candidates[0].pk]}
    )
    assert response.status_code == 302
    assert response.url == reverse("consulte:election_verify", kwargs={"pk": election.pk})
    assert stored() == (0, 0)


def test_a_verification_withdrawn_before_the_cast_sends_the_voter_back_to_verify(
    voter_client, voter, election, candidates
):
    ElectorVerification.objects.filter(user=voter).delete()

    response = voter_client.post(
        ballot_url(election), {"step": "cast", "candidate": [candidates[0].pk]}, follow=True
    )

    assert response.redirect_chain[0][0] == reverse(
        "consulte:election_verify", kwargs={"pk": election.pk}
    )
    assert "Per votare devi prima verificarti come elettore" in response.content.decode()
    assert stored() == (0, 0)


def test_a_cast_to_an_election_that_does_not_exist_is_not_found(voter_client, candidates):
    response = voter_client.post(
        reverse("consulte:ballot", kwargs={"pk": 999_999}),
        {"step": "cast", "candidate": [candidates[0].pk]},
    )

    assert response.status_code == 404
    assert stored() == (0, 0)


def test_a_terminal_session_verified_in_one_election_cannot_cast_in_another(
    client, election, elector, candidates
):
    other = ElectionFactory(council=CouncilFactory())
    CandidateFactory(election=other)
    session = client.session
    # A session entry for the other election naming this election's elector.
    session[verification.SESSION_KEY] = {str(other.pk): [elector.pk, time.time()]}
    session.save()

    response = client.post(ballot_url(other), {"step": "cast", "candidate": []})

    assert response.status_code == 302
    assert stored() == (0, 0)


def test_a_verification_whose_elector_is_on_another_roll_opens_no_ballot(client, election):
    """No constraint ties a verification's election to its elector's: the cast checks both."""
    other = ElectionFactory(council=CouncilFactory())
    user = verify(elector=ElectorFactory(election=other)).user
    ElectorVerification.objects.create(
        election=election,
        elector=ElectorFactory(election=other),
        user=user,
        method=ElectorVerification.Method.CODE,
    )
    client.force_login(user)

    assert client.post(ballot_url(election), {"step": "cast", "candidate": []}).status_code == 302
    assert client.get(ballot_url(election)).status_code == 302
    assert stored() == (0, 0)


def test_anonymous_cast_is_not_possible(client, election, candidates):
    response = client.post(ballot_url(election), {"step": "cast", "candidate": [candidates[0].pk]})
    assert response.status_code == 302
    assert stored() == (0, 0)


def test_random_ballot_order_keeps_the_same_candidates(election, candidates):
    election.ballot_order = election.BallotOrder.RANDOM
    orders = {tuple(c.pk for c in casting.ballot_candidates(election)) for _ in range(30)}
    assert len(orders) > 1
    assert all(sorted(order) == sorted(c.pk for c in candidates) for order in orders)


def test_verification_in_another_election_does_not_open_this_ballot(client, election, candidates):
    elsewhere = verify(elector=ElectorFactory(election=ElectionFactory())).user
    client.force_login(elsewhere)
    response = client.post(ballot_url(election), {"step": "cast", "candidate": [candidates[0].pk]})
    assert response.status_code == 302
    assert response.url == reverse("consulte:election_verify", kwargs={"pk": election.pk})
    assert stored() == (0, 0)


def test_the_cast_checks_the_choices_against_the_approved_candidates_of_its_election(
    election, candidates
):
    others = [
        CandidateFactory(election=election, status=status, rejection_reason="Fuori termine")
        for status in Candidate.Status
        if status != Candidate.Status.APPROVED
    ]
    CandidateFactory(election=ElectionFactory())

    with transaction.atomic():
        approved = casting._lock_open_window(election.pk, casting.Voter(user_id=0)).approved

    assert approved == set(election.candidates.approved().values_list("pk", flat=True))
    assert approved == {candidate.pk for candidate in candidates}
    assert others


def test_a_receipt_spells_the_100_random_bits_it_was_drawn_from(monkeypatch):
    drawn = []

    def randbits(count):
        drawn.append(count)
        return 0x9F3C2_A17E5_D04B6_E8123_45678  # 100 bits, none of them zero-padded away

    monkeypatch.setattr("secrets.randbits", randbits)
    receipt = new_receipt_id()

    assert drawn == [100]
    spelled = sum(RECEIPT_ALPHABET.index(letter) << (5 * i) for i, letter in enumerate(receipt))
    assert spelled == 0x9F3C2_A17E5_D04B6_E8123_45678


def test_a_receipt_takes_each_of_its_twenty_characters_from_the_whole_alphabet():
    receipts = [new_receipt_id() for _ in range(2000)]

    assert len(set(receipts)) == len(receipts)
    for position in range(RECEIPT_LENGTH):
        # 62 of each letter expected at each position: missing one is a bias, not bad luck.
        assert {receipt[position] for receipt in receipts} == set(RECEIPT_ALPHABET), position
