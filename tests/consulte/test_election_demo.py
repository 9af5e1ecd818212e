"""The demo elections: an open one the demo citizen can vote in, a closed one with results."""

from consulte.elections import ballot_box, verification
from consulte.elections import demo as election_demo
from consulte.elections.demo import DEMO_CITIZEN_FISCAL_CODE, DEMO_VOTING_CODE
from consulte.models import (
    Ballot,
    Candidate,
    CandidateResult,
    Election,
    Elector,
    ElectorVote,
    Member,
    Result,
)


def snapshot():
    return [
        sorted(Election.objects.values_list()),
        Elector.objects.count(),
        sorted(Candidate.objects.values_list("pk", "status", "statement")),
        Ballot.objects.count(),
        ElectorVote.objects.count(),
        sorted(Result.objects.values_list("election", "digest", "voters_online", "tallied_at")),
        sorted(CandidateResult.objects.values_list()),
        sorted(Member.objects.filter(election__isnull=False).values_list()),
    ]


def test_demo_has_an_open_and_a_closed_election(demo_city):
    open_election = Election.objects.open_at().get()
    assert open_election.council.ambito.quartieri.filter(name="Orologio").exists()
    assert open_election.candidates.filter(status="approved").count() == 6
    assert set(open_election.candidates.values_list("gender", flat=True)) == {"F", "M"}
    closed = Election.objects.closed().get()
    assert closed.result.voters_online > 0
    assert Member.objects.filter(election=closed).count() == closed.seats


def test_demo_citizen_can_verify_with_the_printed_code(demo_city):
    election = Election.objects.open_at().get()
    elector = verification.verify_with_code(
        election=election,
        fiscal_code=DEMO_CITIZEN_FISCAL_CODE,
        code=verification.format_code(DEMO_VOTING_CODE),
        client_key="demo",
        user=None,
    )
    assert elector.fiscal_code == DEMO_CITIZEN_FISCAL_CODE


def test_seeding_twice_changes_nothing_and_prints_the_guardians_shares(seed_demo_again):
    before = snapshot()
    printed = seed_demo_again()
    assert snapshot() == before
    election = Election.objects.open_at().get()
    files = list(election_demo.DEMO_SHARES_DIR.glob(f"elezione-{election.pk}-garante-*.txt"))
    assert len(files) == 3
    for path in files:
        assert f"{path}: {path.read_text().strip()}" in printed


def test_demo_open_election_has_its_ceremony_and_the_guardians_shares_on_file(demo_city):
    election = Election.objects.open_at().get()
    box = election.ballot_box
    assert box.threshold == election_demo.DEMO_THRESHOLD and not box.is_closed
    files = sorted(election_demo.DEMO_SHARES_DIR.glob(f"elezione-{election.pk}-garante-*.txt"))
    assert len(files) == election.guardians.count() == 3
    shares = [path.read_text().strip() for path in files]
    key = ballot_box.rebuild_private_key(election=election, box=box, shares=shares[:2])
    assert bytes(key.public_key).hex() == box.public_key
    # The closed election was opened by its guardians: no envelope is left anywhere.
    closed = Election.objects.closed().get()
    assert closed.ballot_box.is_opened and not closed.envelopes.exists()
    assert Ballot.objects.filter(election=closed).count() == closed.result.voters_online
