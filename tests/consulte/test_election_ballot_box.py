"""The key ceremony, the sealed envelopes and their opening by t of n guardians."""

import datetime
import itertools
import threading
import time

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collabcity.celery import app as celery_app
from consulte.elections import ballot_box, casting
from consulte.elections.tally import tally_due_elections, tally_election
from consulte.models import (
    Ballot,
    BallotBox,
    Election,
    ElectionLogEntry,
    ElectorVote,
    Envelope,
    Guardian,
    Result,
)
from tests.consulte.council_factories import CouncilFactory
from tests.consulte.factories import (
    SHARES,
    CandidateFactory,
    ElectionFactory,
    ElectorFactory,
    run_ceremony,
    tally,
    verify,
)
from tests.db import connection_settings
from tests.factories import UserFactory


def close(election):
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save(update_fields=["closes_at"])


def vote(election, *candidates):
    return casting.cast_ballot(
        election=election,
        elector=ElectorFactory(election=election),
        candidate_ids=[c.pk for c in candidates],
    )


def tamper(share: str) -> str:
    """The same share with one character of its secret changed."""
    head, body = share.rsplit(".", 1)
    index = next(i for i, ch in enumerate(body) if ch.isalpha())
    return f"{head}.{body[:index]}{'B' if body[index] == 'A' else 'A'}{body[index + 1 :]}"


@pytest.fixture
def voted(election, candidates):
    anna, bice, carlo, dario = candidates
    vote(election, anna, carlo)
    vote(election, bice)
    vote(election)
    close(election)
    return election


# --- The ceremony ----------------------------------------------------------------------------


def test_ceremony_stores_the_public_key_and_check_values_but_no_share(election):
    box = election.ballot_box
    assert len(bytes.fromhex(box.public_key)) == 32 and box.threshold == 2
    guardians = list(election.guardians.order_by("position"))
    assert [g.position for g in guardians] == [1, 2, 3]
    stored = " ".join(f"{g.name} {g.role} {g.share_digest}" for g in guardians) + box.public_key
    for share in SHARES[election.pk]:
        secret_part = share.rsplit(".", 1)[1].replace(" ", "")
        assert secret_part not in stored.replace(" ", "")


@pytest.mark.parametrize(("threshold", "guardians"), [(2, 3), (3, 5)])
def test_any_t_of_n_shares_open_the_envelopes(db, threshold, guardians):
    election = ElectionFactory(council=CouncilFactory(), ceremony=False)
    candidates = [CandidateFactory(election=election)]
    for n in range(3):
        Guardian.objects.create(election=election, name=f"Garante {n}", role="consigliere")
    for n in range(3, guardians):
        Guardian.objects.create(election=election, name=f"Garante {n}", role="cittadino")
    shares = run_ceremony(election, threshold=threshold)
    vote(election, candidates[0])
    close(election)
    box = election.ballot_box
    box.refresh_from_db()
    for subset in itertools.combinations(shares, threshold):
        key = ballot_box.rebuild_private_key(election=election, box=box, shares=list(subset))
        assert bytes(key.public_key).hex() == box.public_key
    for subset in itertools.combinations(shares, threshold - 1):
        with pytest.raises(ballot_box.BallotBoxError, match="almeno"):
            ballot_box.open_ballot_box(election=election, shares=list(subset))
    assert Envelope.objects.count() == 1 and not Ballot.objects.exists()


def test_a_wrong_share_is_named_and_nothing_is_opened(voted):
    shares = SHARES[voted.pk]
    with pytest.raises(ballot_box.BallotBoxError) as caught:
        ballot_box.open_ballot_box(election=voted, shares=[shares[0], tamper(shares[1])])
    guardian = voted.guardians.get(position=2)
    assert guardian.name in caught.value.messages[0]
    assert voted.envelopes.count() == 3 and not Ballot.objects.exists()
    voted.ballot_box.refresh_from_db()
    assert not voted.ballot_box.is_opened


def test_a_share_of_another_election_or_garbage_is_refused(voted):
    other = ElectionFactory(council=CouncilFactory())
    for bad in (SHARES[other.pk][0], "non è una quota", "CCGARANTE1.1.1.AAAA"):
        with pytest.raises(ballot_box.BallotBoxError):
            ballot_box.open_ballot_box(election=voted, shares=[SHARES[voted.pk][0], bad])
    assert voted.envelopes.count() == 3


def test_shares_that_do_not_rebuild_the_published_key_open_nothing(voted):
    BallotBox.objects.filter(election=voted).update(public_key="00" * 32)
    with pytest.raises(ballot_box.BallotBoxError, match="non ricostruiscono"):
        ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][:2])
    assert voted.envelopes.count() == 3 and not Ballot.objects.exists()


@pytest.mark.parametrize("problem", ["one_guardian", "threshold_too_high", "threshold_one"])
def test_ceremony_needs_two_guardians_and_a_sane_threshold(db, problem):
    election = ElectionFactory(council=CouncilFactory(), ceremony=False)
    count, threshold = {
        "one_guardian": (1, 2),
        "threshold_too_high": (3, 4),
        "threshold_one": (3, 1),
    }[problem]
    for n in range(count):
        Guardian.objects.create(election=election, name=f"G{n}", role="garante")
    with pytest.raises(ballot_box.BallotBoxError):
        ballot_box.run_key_ceremony(election=election, threshold=threshold)
    assert not BallotBox.objects.filter(election=election).exists()


def test_ceremony_cannot_change_the_key_once_someone_voted_online(election, candidates):
    vote(election, candidates[0])
    key = election.ballot_box.public_key
    with pytest.raises(ballot_box.BallotBoxError):
        run_ceremony(election)
    election.ballot_box.refresh_from_db()
    assert election.ballot_box.public_key == key


def test_a_repeated_ceremony_before_the_vote_voids_the_old_shares(election, candidates):
    opens_at = election.opens_at
    Election.objects.filter(pk=election.pk).update(
        opens_at=timezone.now() + datetime.timedelta(hours=1)
    )
    election.refresh_from_db()
    old = SHARES[election.pk]
    run_ceremony(election)
    Election.objects.filter(pk=election.pk).update(opens_at=opens_at)
    election.refresh_from_db()
    vote(election, candidates[0])
    close(election)
    with pytest.raises(ballot_box.BallotBoxError):
        ballot_box.open_ballot_box(election=election, shares=old[:2])
    ballot_box.open_ballot_box(election=election, shares=SHARES[election.pk][:2])
    assert Ballot.objects.count() == 1


def test_no_vote_opens_before_the_ceremony(candidates):
    election = ElectionFactory(council=CouncilFactory(), ceremony=False)
    candidate = CandidateFactory(election=election)
    with pytest.raises(casting.BallotError) as caught:
        vote(election, candidate)
    assert caught.value.code == "not_open"
    assert not Envelope.objects.exists()


# --- Opening ---------------------------------------------------------------------------------


def test_opening_writes_the_ballots_and_deletes_the_envelopes(voted, candidates):
    box = ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][1:])
    assert box.is_opened and box.envelopes_at_close == 3
    assert not Envelope.objects.exists()
    preferences = sorted(
        sorted(b.preferences.values_list("candidate_id", flat=True)) for b in Ballot.objects.all()
    )
    assert preferences == sorted(
        [sorted([candidates[0].pk, candidates[2].pk]), [candidates[1].pk], []]
    )


def test_opening_twice_changes_nothing(voted):
    ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][:2])
    receipts = set(Ballot.objects.values_list("pk", flat=True))
    ballot_box.open_ballot_box(election=voted, shares=[])
    assert set(Ballot.objects.values_list("pk", flat=True)) == receipts


def test_envelopes_changed_after_the_close_stop_the_opening(voted):
    ballot_box.close_ballot_box(voted)
    Envelope.objects.filter(pk=Envelope.objects.first().pk).delete()
    with pytest.raises(ballot_box.BallotBoxError, match="chiusura"):
        ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][:2])
    assert not Ballot.objects.exists()


def test_a_forged_envelope_for_a_candidate_of_another_election_stops_the_opening(voted):
    stranger = CandidateFactory(election=ElectionFactory(council=CouncilFactory()))
    Envelope.objects.create(
        election=voted,
        ciphertext=ballot_box.seal_ballot(
            public_key=voted.ballot_box.public_key,
            receipt_id="A" * 20,
            candidate_ids=[stranger.pk],
            slots=voted.max_preferences,
        ),
    )
    with pytest.raises(ballot_box.BallotBoxError, match="1 buste"):
        ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][:2])
    assert voted.envelopes.count() == 4 and not Ballot.objects.exists()


def test_an_opening_killed_half_way_leaves_the_envelopes_and_the_next_gives_the_same_result(
    voted, monkeypatch
):
    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr("consulte.models.BallotPreference.objects.bulk_create", killed)
        with pytest.raises(SystemExit):
            ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][:2])
    assert voted.envelopes.count() == 3
    assert not Ballot.objects.exists()
    voted.ballot_box.refresh_from_db()
    assert not voted.ballot_box.is_opened
    first = tally(voted)
    digest, counts = first.digest, sorted(first.candidates.values_list("candidate", "votes_online"))
    # Counting again gives the identical result.
    again = tally_election(election_id=voted.pk)
    assert again.digest == digest
    assert sorted(again.candidates.values_list("candidate", "votes_online")) == counts


def test_nobody_voted_online_no_guardian_needed(election):
    close(election)
    assert tally_due_elections() == [election.pk]
    assert Result.objects.get(election=election).voters_online == 0


def test_shares_travel_to_the_worker_encrypted():
    shares = ["CCGARANTE1.1.1.ABCD", "CCGARANTE1.1.2.EFGH"]
    sealed = ballot_box.seal_shares_for_worker(shares)
    assert "ABCD" not in sealed and "CCGARANTE" not in sealed
    assert ballot_box.unseal_shares_from_web(sealed) == shares


def test_offline_opening_with_the_command(voted, tmp_path):
    files = []
    for n, share in enumerate(SHARES[voted.pk][:2]):
        path = tmp_path / f"quota-{n}.txt"
        path.write_text(share + "\n")
        files.append(str(path))
    call_command("open_ballot_box", str(voted.pk), *files)
    assert Result.objects.get(election=voted).voters_online == 3
    with pytest.raises(CommandError):
        call_command("open_ballot_box", "999999", *files)


# --- The cast and the close (issue 15, point 5) ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_cast_in_flight_at_the_close_is_counted_and_none_lands_after(monkeypatch):
    election = ElectionFactory(council=CouncilFactory())
    candidate = CandidateFactory(election=election)
    election.closes_at = timezone.now() + datetime.timedelta(seconds=2)
    election.save(update_fields=["closes_at"])
    checked, release = threading.Event(), threading.Event()
    seal = ballot_box.seal_ballot

    def slow_seal(**kwargs):
        checked.set()  # the window check has passed, under the row lock
        release.wait(10)
        return seal(**kwargs)

    monkeypatch.setattr(ballot_box, "seal_ballot", slow_seal)
    outcome = {}

    def cast():
        try:
            outcome["cast"] = vote(election, candidate)
        finally:
            connection.close()

    def close_and_count():
        try:
            outcome["box"] = ballot_box.close_ballot_box(election)
        finally:
            connection.close()

    caster = threading.Thread(target=cast)
    caster.start()
    assert checked.wait(5)
    while timezone.now() < election.closes_at + datetime.timedelta(milliseconds=200):
        time.sleep(0.05)
    closer = threading.Thread(target=close_and_count)
    closer.start()
    closer.join(0.7)
    assert closer.is_alive()  # the close waits for the cast in flight
    release.set()
    caster.join(10)
    closer.join(10)
    assert "cast" in outcome
    assert outcome["box"].envelopes_at_close == 1 == Envelope.objects.count()
    monkeypatch.setattr(ballot_box, "seal_ballot", seal)
    with pytest.raises(casting.BallotError) as caught:
        vote(election, candidate)
    assert caught.value.code == "closed"
    ballot_box.open_ballot_box(election=election, shares=SHARES[election.pk][:2])
    result = tally_election(election_id=election.pk)
    assert result.voters_online == 1 == Ballot.objects.count()


def wait_for_lock_waits(count: int) -> None:
    """Until `count` sessions of this database wait for a lock."""
    with psycopg.connect(**connection_settings(), autocommit=True) as watcher:
        for _ in range(400):
            (waiting,) = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting >= count:
                return
            time.sleep(0.025)
    raise AssertionError(f"fewer than {count} sessions wait for a lock")


@pytest.mark.django_db(transaction=True)
def test_a_cast_that_waited_for_the_close_stores_nothing():
    """A cast that had to wait for the close must see the ballot box as the close left it.
    Here the close seals the box while the closing time is still ahead: only the box can stop
    the cast (a cast that checked the window before its lock, or read the box as it was before
    the wait, would get in)."""
    election = ElectionFactory(council=CouncilFactory())
    candidate = CandidateFactory(election=election)
    # Made beforehand: the insert of a roll entry waits for the election's row too.
    voter = ElectorFactory(election=election)
    outcome = {}

    def cast():
        try:
            outcome["cast"] = casting.cast_ballot(
                election=election, elector=voter, candidate_ids=[candidate.pk]
            )
        except casting.BallotError as error:
            outcome["cast"] = error
        finally:
            connection.close()

    with psycopg.connect(**connection_settings()) as closing:
        # What close_ballot_box does, held open: the election FOR UPDATE, then the box sealed.
        closing.execute("SELECT id FROM consulte_election WHERE id = %s FOR UPDATE", [election.pk])
        caster = threading.Thread(target=cast)
        caster.start()
        wait_for_lock_waits(1)
        closing.execute(
            "UPDATE consulte_ballotbox SET envelopes_at_close = 0 WHERE election_id = %s",
            [election.pk],
        )
        closing.commit()
        caster.join(10)
    assert isinstance(outcome["cast"], casting.BallotError), outcome
    assert outcome["cast"].code == "closed"
    assert not ElectorVote.objects.exists()
    assert not Envelope.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_verification_withdrawn_while_the_cast_waited_for_its_lock_stops_the_cast():
    """The cast reads who the voter is after its lock: a verification withdrawn (a staff
    correction) by a transaction that held the election's row is seen, and nothing is stored."""
    election = ElectionFactory(council=CouncilFactory())
    candidate = CandidateFactory(election=election)
    verified = verify(elector=ElectorFactory(election=election))
    device = Client()
    device.force_login(verified.user)
    url = reverse("consulte:ballot", kwargs={"pk": election.pk})
    outcome = {}

    def cast():
        try:
            outcome["answer"] = device.post(url, {"step": "cast", "candidate": [candidate.pk]})
        finally:
            connection.close()

    with psycopg.connect(**connection_settings()) as correcting:
        correcting.execute(
            "SELECT id FROM consulte_election WHERE id = %s FOR UPDATE", [election.pk]
        )
        caster = threading.Thread(target=cast)
        caster.start()
        wait_for_lock_waits(1)
        correcting.execute("DELETE FROM consulte_electorverification WHERE id = %s", [verified.pk])
        correcting.commit()
        caster.join(10)
    assert outcome["answer"].status_code == 302
    assert outcome["answer"].url == reverse("consulte:election_verify", kwargs={"pk": election.pk})
    assert not ElectorVote.objects.exists()
    assert not Envelope.objects.exists()


# --- Pages -----------------------------------------------------------------------------------


@pytest.fixture
def officer(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["run_key_ceremony", "open_ballot_box"])
    )
    return user


def test_guardian_pages_are_for_officers_only(client, election):
    for name in ("consulte:key_ceremony", "consulte:open_envelopes"):
        url = reverse(name, kwargs={"pk": election.pk})
        assert client.get(url).status_code == 302  # to the login
        client.force_login(verify(elector=ElectorFactory(election=election)).user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"threshold": 2}).status_code == 403
        client.logout()


def test_ceremony_page_shows_the_shares_once_and_keeps_none(client, officer):
    election = ElectionFactory(council=CouncilFactory(), ceremony=False)
    for n in range(3):
        Guardian.objects.create(election=election, name=f"Garante {n}", role="garante")
    client.force_login(officer)
    url = reverse("consulte:key_ceremony", kwargs={"pk": election.pk})
    response = client.post(url, {"threshold": 2, "expected_key": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shares = [s.strip() for s in response.content.decode().split("data-share>")[1:]]
    shares = [s.split("<", 1)[0] for s in shares]
    assert len(shares) == 3
    box = BallotBox.objects.get(election=election)
    assert box.threshold == 2
    again = client.get(url).content.decode()
    assert all(share not in again for share in shares)
    assert box.fingerprint in again
    resent = client.post(url, {"threshold": 2, "expected_key": ""}, follow=True)
    assert "già stata svolta" in resent.content.decode()
    assert BallotBox.objects.get(election=election).public_key == box.public_key
    response = client.post(url, {"threshold": 9, "expected_key": box.public_key})
    assert "threshold" in response.context["form"].errors


def test_opening_page_refuses_a_wrong_share_with_its_guardian_named(client, officer, voted):
    client.force_login(officer)
    url = reverse("consulte:open_envelopes", kwargs={"pk": voted.pk})
    shares = SHARES[voted.pk]
    response = client.post(url, {"share_1": shares[0], "share_2": tamper(shares[1])}, follow=True)
    page = response.content.decode()
    assert voted.guardians.get(position=2).name in page
    assert shares[0] not in page  # the shares entered are not echoed back
    response = client.post(url, {"share_1": shares[0]}, follow=True)
    assert "almeno 2" in response.content.decode()
    assert voted.envelopes.count() == 3


@pytest.mark.django_db(transaction=True)
def test_opening_page_hands_the_shares_to_a_real_worker_that_opens_and_tallies(client):
    election = ElectionFactory(council=CouncilFactory())
    candidate = CandidateFactory(election=election)
    vote(election, candidate)
    close(election)
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="open_ballot_box"))
    client.force_login(user)
    url = reverse("consulte:open_envelopes", kwargs={"pk": election.pk})
    shares = SHARES[election.pk]
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(url, {"share_1": shares[0], "share_3": shares[2]})
        assert response.status_code == 302
        deadline = time.monotonic() + 20
        while not Result.objects.filter(election=election).exists():
            assert time.monotonic() < deadline, "the worker did not open the envelopes"
            time.sleep(0.2)
    assert Result.objects.get(election=election).voters_online == 1
    assert Ballot.objects.filter(election=election).count() == 1
    assert not Envelope.objects.filter(election=election).exists()


def test_admin_refuses_to_open_the_vote_before_the_ceremony(admin_client):
    election = ElectionFactory(
        council=CouncilFactory(),
        ceremony=False,
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    url = reverse("admin:consulte_election_change", args=[election.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "council": election.council_id,
            "opens_at_0": timezone.localtime().strftime("%d/%m/%Y"),
            "opens_at_1": "00:00:00",
            "closes_at_0": (timezone.localtime() + datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
            "closes_at_1": "00:00:00",
            "nomination_opens_at_0": "01/01/2020",
            "nomination_opens_at_1": "00:00:00",
            "nomination_closes_at_0": "02/01/2020",
            "nomination_closes_at_1": "00:00:00",
            "guardians-TOTAL_FORMS": 0,
            "guardians-INITIAL_FORMS": 0,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "cerimonia delle chiavi" in str(response.context["adminform"].form.errors)
    election.refresh_from_db()
    assert election.opens_at > timezone.now()


def test_no_envelope_gets_in_after_the_box_is_closed_even_if_the_close_is_moved(voted, candidates):
    ballot_box.close_ballot_box(voted)
    voted.closes_at = timezone.now() + datetime.timedelta(days=1)
    voted.save(update_fields=["closes_at"])
    with pytest.raises(casting.BallotError) as caught:
        vote(voted, candidates[0])
    assert caught.value.code == "closed"
    assert voted.envelopes.count() == 3


def test_once_voting_is_open_the_key_cannot_be_replaced_even_before_any_vote(election):
    key = election.ballot_box.public_key
    with pytest.raises(ballot_box.BallotBoxError, match="aperto"):
        run_ceremony(election)
    election.ballot_box.refresh_from_db()
    assert election.ballot_box.public_key == key


def test_every_ceremony_is_in_the_election_log(election):
    entry = ElectionLogEntry.objects.get(
        election=election, action=ElectionLogEntry.Action.KEY_CEREMONY
    )
    assert entry.details["public_key"] == election.ballot_box.public_key


def test_a_ceremony_sent_against_a_key_it_did_not_see_changes_nothing(db):
    election = ElectionFactory(
        council=CouncilFactory(),
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=2),
        nomination_closes_at=timezone.now(),
    )
    key = election.ballot_box.public_key
    with pytest.raises(ballot_box.BallotBoxError, match="già stata svolta"):
        ballot_box.run_key_ceremony(election=election, threshold=2, expected_key="")
    election.ballot_box.refresh_from_db()
    assert election.ballot_box.public_key == key


def test_an_invalid_opening_form_does_not_echo_the_shares(client, officer, voted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    url = reverse("consulte:open_envelopes", kwargs={"pk": voted.pk})
    shares = SHARES[voted.pk]
    response = client.post(
        url,
        {"share_1": shares[0], "file_2": SimpleUploadedFile("q.txt", b"x" * 5000)},
    )
    page = response.content.decode()
    assert "troppo grande" in page
    assert shares[0] not in page


def test_the_choices_never_appear_in_the_sql_of_a_cast(election, elector, candidates):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as blank:
        casting.cast_ballot(election=election, elector=elector, candidate_ids=[])
    chosen = candidates[3].pk
    with CaptureQueriesContext(connection) as filled:
        vote(election, candidates[3])
    candidate_queries = [
        q["sql"] for q in filled.captured_queries if "consulte_candidate" in q["sql"]
    ]
    assert candidate_queries
    assert all(f"{chosen})" not in sql and f"({chosen}" not in sql for sql in candidate_queries)
    # A blank ballot runs the same candidate query as a filled one.
    assert [q for q in blank.captured_queries if "consulte_candidate" in q["sql"]]
