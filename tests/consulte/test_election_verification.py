"""Verification by fiscal code + one-time code, on one's own account or at a terminal."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from consulte.elections import casting, verification
from consulte.models import Elector, ElectorVerification, VotingCredential
from tests.consulte.factories import ElectionFactory, ElectorFactory, issue_code, verify
from tests.factories import UserFactory


def attempt(election, elector, code, *, user=None, client_key="test"):
    return verification.verify_with_code(
        election=election,
        fiscal_code=elector.fiscal_code,
        code=code,
        client_key=client_key,
        user=user,
    )


def test_code_is_stored_only_as_a_keyed_hash(elector):
    code = issue_code(elector)
    credential = VotingCredential.objects.get()
    assert code not in credential.code_hash
    assert len(credential.code_hash) == 64
    assert credential.code_hash == verification.hash_code(elector=elector, code=code)


def test_code_links_the_account_and_is_spent(election, elector, citizen):
    code = issue_code(elector)
    assert (
        attempt(election, elector, verification.format_code(code).lower(), user=citizen) == elector
    )
    assert ElectorVerification.objects.get().user == citizen
    assert VotingCredential.objects.get().used_at is not None
    with pytest.raises(verification.VerificationError):
        attempt(election, elector, code, user=UserFactory())


def test_wrong_code_and_unknown_fiscal_code_get_the_same_message(election, elector):
    issue_code(elector)
    with pytest.raises(verification.VerificationError) as wrong_code:
        attempt(election, elector, "AAAAA-AAAAA")
    stranger = ElectorFactory.build(election=election, fiscal_code="BNCLRA80A41H223Q")
    with pytest.raises(verification.VerificationError) as not_on_roll:
        attempt(election, stranger, "AAAAA-AAAAA")
    assert wrong_code.value.messages == not_on_roll.value.messages


def test_guesses_for_one_fiscal_code_are_limited_per_client(election, elector):
    code = issue_code(elector)
    for _ in range(verification.VERIFY_LIMITS["fiscal_code"]):
        with pytest.raises(verification.VerificationError):
            attempt(election, elector, "WRONG", client_key="guesser")
    with pytest.raises(verification.VerificationError) as caught:
        attempt(election, elector, code, client_key="guesser")
    assert caught.value.code == "rate_limited"


def test_correct_code_verifies_after_other_clients_failures(election, elector):
    """Someone else's wrong tries must not lock the voter out of their own vote."""
    code = issue_code(elector)
    for n in range(3 * verification.VERIFY_LIMITS["fiscal_code"]):
        with pytest.raises(verification.VerificationError):
            attempt(election, elector, "WRONG", client_key=f"client{n % 3}")
    assert attempt(election, elector, code, client_key="the-voter") == elector


def test_one_voters_typos_do_not_lock_out_the_others_at_a_shared_address(election):
    first, second = ElectorFactory.create_batch(2, election=election)
    issue_code(first)
    code = issue_code(second)
    for _ in range(verification.VERIFY_LIMITS["fiscal_code"]):
        with pytest.raises(verification.VerificationError):
            attempt(election, first, "WRONG", client_key="ip:voting-point")
    assert attempt(election, second, code, client_key="ip:voting-point") == second


def test_guesses_are_limited_per_client(election):
    per_elector = verification.VERIFY_LIMITS["fiscal_code"]
    electors = ElectorFactory.create_batch(
        verification.VERIFY_LIMITS["client"] // per_elector, election=election
    )
    for n in range(verification.VERIFY_LIMITS["client"]):
        with pytest.raises(verification.VerificationError) as caught:
            attempt(election, electors[n // per_elector], "WRONG", client_key="one-ip")
        assert caught.value.code == "invalid"
    with pytest.raises(verification.VerificationError) as caught:
        attempt(election, ElectorFactory(election=election), "WRONG", client_key="one-ip")
    assert caught.value.code == "rate_limited"


def test_reissued_code_replaces_the_old_one(election, elector):
    old = issue_code(elector)
    new = issue_code(elector)
    with pytest.raises(verification.VerificationError):
        attempt(election, elector, old)
    assert attempt(election, elector, new) == elector


def test_no_code_for_who_already_voted(election, elector, candidates):
    casting.cast_ballot(election=election, elector=elector, candidate_ids=[])
    assert verification.issue_credentials(electors=[elector], issued_by=None) == []


def test_account_cannot_be_two_electors_of_one_election(election, citizen):
    first, second = ElectorFactory.create_batch(2, election=election)
    verify(elector=first, user=citizen)
    with pytest.raises(verification.VerificationError) as caught:
        attempt(election, second, issue_code(second), user=citizen)
    assert caught.value.code == "other_elector"


def test_code_of_another_election_does_not_verify(election, elector):
    other = ElectionFactory()
    code = issue_code(ElectorFactory(election=other, fiscal_code=elector.fiscal_code))
    with pytest.raises(verification.VerificationError):
        attempt(election, elector, code)


def test_terminal_verification_lasts_for_the_session_and_ends_with_the_vote(
    client, election, elector, candidates
):
    code = issue_code(elector)
    url = reverse("consulte:election_verify", kwargs={"pk": election.pk})
    response = client.post(url, {"fiscal_code": elector.fiscal_code, "code": code})
    assert response.status_code == 302
    assert not ElectorVerification.objects.exists()  # no account involved
    ballot_url = reverse("consulte:ballot", kwargs={"pk": election.pk})
    assert client.get(ballot_url).status_code == 200
    response = client.post(ballot_url, {"step": "cast", "candidate": [candidates[0].pk]})
    assert response.status_code == 200
    assert client.get(ballot_url).status_code == 302  # the next person must verify again


def test_verify_page_shows_a_message_on_failure(client, election, elector):
    url = reverse("consulte:election_verify", kwargs={"pk": election.pk})
    response = client.post(url, {"fiscal_code": elector.fiscal_code, "code": "NOPE"})
    assert response.status_code == 200
    assert "non validi" in response.content.decode()


def test_roll_check_needs_the_surname(citizen_client, election, elector):
    url = reverse("consulte:election_roll_check", kwargs={"pk": election.pk})
    found = citizen_client.post(
        url, {"fiscal_code": elector.fiscal_code, "last_name": elector.last_name.upper()}
    )
    assert found.context["outcome"] == "found"
    wrong = citizen_client.post(url, {"fiscal_code": elector.fiscal_code, "last_name": "Altro"})
    assert wrong.context["outcome"] == "not_found"


def test_roll_check_is_for_logged_in_users_and_limited(client, citizen, election, elector):
    url = reverse("consulte:election_roll_check", kwargs={"pk": election.pk})
    assert (
        client.post(url, {"fiscal_code": elector.fiscal_code, "last_name": "x"}).status_code == 302
    )
    client.force_login(citizen)
    for _ in range(verification.ROLL_CHECK_LIMIT):
        client.post(url, {"fiscal_code": elector.fiscal_code, "last_name": "x"})
    response = client.post(
        url, {"fiscal_code": elector.fiscal_code, "last_name": elector.last_name}
    )
    assert response.context["outcome"] is None
    assert "troppe verifiche" in response.content.decode()


def test_terminal_verification_expires_after_a_quarter_of_an_hour(client, election, elector):
    url = reverse("consulte:election_verify", kwargs={"pk": election.pk})
    client.post(url, {"fiscal_code": elector.fiscal_code, "code": issue_code(elector)})
    assert client.session.get_expiry_age() == 15 * 60


def field_values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


@pytest.mark.parametrize("by", ["account", "terminal"])
def test_the_ballots_elector_comes_with_the_election_and_box_as_select_related_reads_them(
    elector, voter, by, django_assert_num_queries
):
    session = {}
    if by == "terminal":
        verification.remember_in_session(session=session, elector=elector)
    user = voter if by == "account" else AnonymousUser()
    expected = Elector.objects.select_related("election__ballot_box").filter(pk=elector.pk).get()

    with django_assert_num_queries(1):
        found = verification.verified_elector_with_election(
            election_id=elector.election_id, user=user, session=session
        )
        election, box = found.election, found.election.ballot_box

    assert field_values(found) == field_values(expected)
    assert field_values(election) == field_values(expected.election)
    assert field_values(box) == field_values(expected.election.ballot_box)


def test_the_ballots_elector_of_an_election_without_its_key_yet_has_no_box(db):
    elector = ElectorFactory(election=ElectionFactory(ceremony=False))
    voter = verify(elector=elector).user

    found = verification.verified_elector_with_election(
        election_id=elector.election_id, user=voter, session={}
    )

    assert found == elector and not found.election.has_ballot_key


def test_nobody_else_gets_the_ballots_elector(elector, voter):
    other_election = ElectionFactory()
    for user, election_id in ((UserFactory(), elector.election_id), (voter, other_election.pk)):
        assert (
            verification.verified_elector_with_election(
                election_id=election_id, user=user, session={}
            )
            is None
        )
    assert (
        verification.verified_elector_with_election(
            election_id=elector.election_id, user=AnonymousUser(), session={}
        )
        is None
    )


def test_elsewhere_than_on_postgresql_the_ballots_elector_comes_from_the_orm(
    elector, voter, monkeypatch
):
    from django.db import connection

    monkeypatch.setattr(connection, "vendor", "sqlite")

    found = verification.verified_elector_with_election(
        election_id=elector.election_id, user=voter, session={}
    )

    assert found == elector and found.election.has_ballot_key
    assert (
        verification.verified_elector_with_election(
            election_id=elector.election_id, user=AnonymousUser(), session={}
        )
        is None
    )
