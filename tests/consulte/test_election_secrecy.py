"""Nothing in the ballot tables links a ballot to an elector, a user or a moment."""

import pytest
from django.db import connection, models

from collabcity.models import User
from consulte import elections
from consulte.models import Ballot, BallotPreference, Elector, ElectorVote
from tests.consulte.council_factories import CouncilFactory
from tests.consulte.factories import CandidateFactory, ElectionFactory, ElectorFactory


def related_models(model) -> set:
    return {field.related_model for field in model._meta.get_fields() if field.is_relation}


def test_ballot_has_no_link_to_a_person():
    assert Elector not in related_models(Ballot) | related_models(BallotPreference)
    assert User not in related_models(Ballot) | related_models(BallotPreference)


def test_ballot_tables_have_no_time_columns():
    for model in (Ballot, BallotPreference):
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField)


def test_ballot_keys_are_random_not_sequential():
    for model in (Ballot, BallotPreference):
        assert not isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
    ids = [Ballot().pk for _ in range(200)]
    assert len(set(ids)) == 200
    assert sorted(ids) != ids


def test_elector_vote_does_not_point_to_a_ballot():
    assert Ballot not in related_models(ElectorVote)
    assert BallotPreference not in related_models(ElectorVote)
    assert Ballot not in related_models(Elector)


def test_ballot_table_columns_are_only_key_election_and_seal(db):
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, Ballot._meta.db_table
            )
        }
    assert columns == {"id", "election_id", "sealed"}


def test_receipt_is_formatted_in_groups_and_found_again(election, elector, candidates):
    ballot = elections.cast_ballot(election=election, elector=elector, candidate_ids=[])
    assert ballot.receipt.count("-") == 3
    assert elections.find_receipt(receipt=ballot.receipt.lower()).pk == ballot.pk
    assert elections.find_receipt(receipt="nonsense") is None


def distinct_writers(election) -> int:
    table = Ballot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(DISTINCT xmin::text) FROM {table} WHERE election_id = %s",  # noqa: S608
            [election.pk],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_sealing_leaves_no_trace_of_which_transaction_wrote_a_ballot():
    election = ElectionFactory(council=CouncilFactory())
    candidate = CandidateFactory(election=election)
    for _ in range(3):
        elections.cast_ballot(
            election=election,
            elector=ElectorFactory(election=election),
            candidate_ids=[candidate.pk],
        )
    assert distinct_writers(election) == 3  # one transaction per vote, as the risk says
    assert elections.seal_ballots(election) == 3
    assert distinct_writers(election) == 1
