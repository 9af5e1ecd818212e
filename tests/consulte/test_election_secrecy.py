"""The secret ballot, as a reader of the database (system columns included) would test it."""

import datetime

import pytest
from django.db import connection, models
from django.utils import timezone

from collabcity.models import User
from consulte.elections import casting
from consulte.models import (
    Ballot,
    BallotPreference,
    Elector,
    ElectorVote,
    Envelope,
    format_receipt,
)
from tests.consulte.council_factories import CouncilFactory
from tests.consulte.factories import CandidateFactory, ElectionFactory, ElectorFactory, tally


def related_models(model) -> set:
    return {field.related_model for field in model._meta.get_fields() if field.is_relation}


def test_ballot_has_no_link_to_a_person():
    for model in (Ballot, BallotPreference, Envelope):
        assert Elector not in related_models(model)
        assert User not in related_models(model)


def test_ballot_tables_have_no_time_columns():
    for model in (Ballot, BallotPreference, Envelope):
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField)


def test_ballot_keys_are_random_not_sequential():
    for model in (Ballot, BallotPreference, Envelope):
        assert not isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
    ids = [Ballot().pk for _ in range(200)]
    assert len(set(ids)) == 200
    assert sorted(ids) != ids


def test_elector_vote_does_not_point_to_a_ballot():
    for model in (Ballot, BallotPreference, Envelope):
        assert model not in related_models(ElectorVote)
        assert model not in related_models(Elector)


def columns(model) -> set[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name for column in description}


def test_ballot_and_envelope_tables_hold_nothing_but_key_election_and_content(db):
    assert columns(Ballot) == {"id", "election_id"}
    assert columns(Envelope) == {"id", "election_id", "ciphertext"}


def close(election):
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save(update_fields=["closes_at"])


def test_receipt_is_formatted_in_groups_and_found_after_the_opening(election, elector, candidates):
    cast = casting.cast_ballot(election=election, elector=elector, candidate_ids=[])
    assert cast.receipt.count("-") == 3
    assert casting.find_receipt(receipt=cast.receipt) is None  # sealed while voting
    close(election)
    tally(election)
    assert casting.find_receipt(receipt=cast.receipt.lower()).pk == cast.code
    assert casting.find_receipt(receipt="nonsense") is None


VOTERS = 200


def cast_many(election, candidates) -> dict[int, str]:
    """VOTERS votes, a third of them blank, each in its own transaction as in production;
    returns the receipt of each elector (what only the voters know)."""
    receipts = {}
    for n in range(VOTERS):
        elector = ElectorFactory(election=election)
        choice = [] if n % 3 == 0 else [candidates[n % 2].pk, candidates[2 + n % 2].pk][: n % 2 + 1]
        receipts[elector.pk] = casting.cast_ballot(
            election=election, elector=elector, candidate_ids=choice
        ).code
    return receipts


def rows_by_physical_order(sql: str, election) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, [election.pk])
        return [row[0] for row in cursor.fetchall()]


def make_election():
    election = ElectionFactory(council=CouncilFactory())
    candidates = [
        CandidateFactory(election=election, gender="F"),
        CandidateFactory(election=election, gender="F"),
        CandidateFactory(election=election, gender="M"),
        CandidateFactory(election=election, gender="M"),
    ]
    return election, candidates


@pytest.mark.django_db(transaction=True)
def test_while_voting_the_database_holds_only_same_size_ciphertexts():
    election, candidates = make_election()
    receipts = cast_many(election, candidates)
    assert not Ballot.objects.exists() and not BallotPreference.objects.exists()
    ciphertexts = [bytes(c) for c in Envelope.objects.values_list("ciphertext", flat=True)]
    assert len(ciphertexts) == VOTERS
    assert len({len(c) for c in ciphertexts}) == 1  # blank or not, one size
    assert len(set(ciphertexts)) == VOTERS  # equal ballots, unrelated ciphertexts
    for ciphertext in ciphertexts:
        for receipt in receipts.values():
            assert receipt.encode() not in ciphertext
    # Nothing in plain text about the choices anywhere in the election's rows a reader can see.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT string_agg(encode(ciphertext, 'escape'), '') FROM {Envelope._meta.db_table}"  # noqa: S608
        )
        dump = cursor.fetchone()[0]
    assert not any(receipt in dump for receipt in receipts.values())


@pytest.mark.django_db(transaction=True)
def test_after_the_opening_no_ballot_or_preference_shares_a_transaction_with_a_vote():
    election, candidates = make_election()
    cast_many(election, candidates)
    close(election)
    tally(election)
    vote, ballot, preference = (
        ElectorVote._meta.db_table,
        Ballot._meta.db_table,
        BallotPreference._meta.db_table,
    )
    with connection.cursor() as cursor:
        # The attack of the issue: pair votes and preferences written by the same transaction.
        cursor.execute(
            f"SELECT count(*) FROM {vote} ev JOIN {preference} bp "  # noqa: S608
            "ON bp.xmin::text = ev.xmin::text WHERE ev.election_id = %s",
            [election.pk],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            f"SELECT count(*) FROM {vote} ev JOIN {ballot} b "  # noqa: S608
            "ON b.xmin::text = ev.xmin::text WHERE ev.election_id = %s",
            [election.pk],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            f"SELECT count(DISTINCT b.xmin::text), count(DISTINCT p.xmin::text) "  # noqa: S608
            f"FROM {ballot} b LEFT JOIN {preference} p ON p.ballot_id = b.id "
            "WHERE b.election_id = %s",
            [election.pk],
        )
        assert cursor.fetchone() == (1, 1)  # all written by the opening alone
    assert Ballot.objects.filter(election=election).count() == VOTERS
    assert not Envelope.objects.filter(election=election).exists()


@pytest.mark.django_db(transaction=True)
def test_physical_order_of_ballots_matches_the_order_of_votes_no_better_than_chance():
    election, candidates = make_election()
    receipts = cast_many(election, candidates)
    close(election)
    tally(election)
    voters_in_heap_order = rows_by_physical_order(
        f"SELECT elector_id FROM {ElectorVote._meta.db_table} "  # noqa: S608
        "WHERE election_id = %s ORDER BY ctid",
        election,
    )
    ballots_in_heap_order = rows_by_physical_order(
        f"SELECT id FROM {Ballot._meta.db_table} WHERE election_id = %s ORDER BY ctid",  # noqa: S608
        election,
    )
    matches = sum(
        receipts[elector_id] == ballot_id
        for elector_id, ballot_id in zip(voters_in_heap_order, ballots_in_heap_order, strict=True)
    )
    # A random order pairs about one in the right place; nine or more has odds below 1 in 300,000.
    assert matches <= 8
    # The same for the preferences' heap order, ballot by ballot.
    preference_ballots = rows_by_physical_order(
        f"SELECT p.ballot_id FROM {BallotPreference._meta.db_table} p "  # noqa: S608
        f"JOIN {Ballot._meta.db_table} b ON b.id = p.ballot_id "
        "WHERE b.election_id = %s ORDER BY p.ctid",
        election,
    )
    voted_with_preferences = [e for e in voters_in_heap_order if receipts[e] in preference_ballots]
    first_seen = list(dict.fromkeys(preference_ballots))
    matches = sum(
        receipts[elector_id] == ballot_id
        for elector_id, ballot_id in zip(voted_with_preferences, first_seen, strict=True)
    )
    assert matches <= 8


def test_receipt_shown_is_the_one_published(election, elector, candidates):
    cast = casting.cast_ballot(election=election, elector=elector, candidate_ids=[])
    close(election)
    tally(election)
    assert Ballot.objects.get().receipt == format_receipt(cast.code) == cast.receipt
