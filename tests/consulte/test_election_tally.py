"""The tally: counted in the database, seats with the tie rule, idempotent, members seated."""

import datetime
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consulte.elections import ballot_box, casting, common, desk, opendata
from consulte.elections.tally import (
    digest_of_lines,
    iter_ballots,
    reveal_tie_seed,
    tally_due_elections,
    tally_election,
    tie_seed_commitment,
    voided_by_gender_rule,
)
from consulte.models import CandidateResult, ElectorVote, Member, Result
from tests.consulte.factories import SHARES, CandidateFactory, ElectorFactory, tally, voting_point


def vote(election, *candidates):
    casting.cast_ballot(
        election=election,
        elector=ElectorFactory(election=election),
        candidate_ids=[c.pk for c in candidates],
    )


def close(election):
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save(update_fields=["closes_at"])


def votes_of(result):
    return {
        row.candidate_id: (row.votes_online, row.votes_in_person, row.rank, row.elected)
        for row in result.candidates.all()
    }


@pytest.fixture
def voted(election, candidates):
    anna, bice, carlo, dario = candidates
    vote(election, anna, carlo)
    vote(election, anna, bice)  # bice void: same gender as the first preference
    vote(election, carlo)
    vote(election)  # blank
    vote(election, dario, anna)
    return election


def test_tally_counts_preferences_with_the_gender_rule(voted, candidates):
    anna, bice, carlo, dario = candidates
    close(voted)
    result = tally(voted)
    counted = votes_of(result)
    assert {c.pk: counted[c.pk][0] for c in candidates} == {
        anna.pk: 3,
        bice.pk: 0,
        carlo.pk: 2,
        dario.pk: 1,
    }
    assert result.void_preferences == 1
    assert result.blank_online == 1
    assert result.voters_online == 5
    assert result.electors == 9  # the four candidates are on the roll too
    assert [counted[c.pk][3] for c in (anna, carlo, dario, bice)] == [True, True, True, False]


def test_without_the_gender_rule_every_preference_counts(voted, candidates):
    voted.gender_balance = False
    voted.save()
    close(voted)
    result = tally(voted)
    assert votes_of(result)[candidates[1].pk][0] == 1
    assert result.void_preferences == 0


def test_results_are_refused_before_the_close(voted):
    with pytest.raises(common.ElectionError):
        tally_election(election_id=voted.pk)
    with pytest.raises(ballot_box.BallotBoxError):
        ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk])
    assert not Result.objects.exists()
    assert voted.envelopes.count() == 5


def test_tally_waits_for_the_guardians_after_the_close(voted):
    close(voted)
    with pytest.raises(common.ElectionError):
        tally_election(election_id=voted.pk)
    assert not Result.objects.exists()


def test_tie_goes_to_the_older_candidate(election):
    election.seats = 1
    election.save()
    young = CandidateFactory(election=election, gender="F", birth_date=datetime.date(1990, 1, 1))
    old = CandidateFactory(election=election, gender="F", birth_date=datetime.date(1950, 1, 1))
    vote(election, young)
    vote(election, old)
    close(election)
    counted = votes_of(tally(election))
    assert counted[old.pk][2:] == (1, True)
    assert counted[young.pk][2:] == (2, False)


SEED = "sette-nani-e-un-seme-lungo"


def test_tie_by_lots_waits_for_the_seed_that_matches_the_commitment(election):
    election.seats = 1
    election.tie_rule = election.TieRule.LOTS
    election.tie_seed_commitment = tie_seed_commitment(SEED)
    election.save()
    first = CandidateFactory(election=election, last_name="Bianchi")
    second = CandidateFactory(election=election, last_name="Verdi")
    vote(election, first)
    vote(election, second)
    with pytest.raises(common.ElectionError):
        reveal_tie_seed(election=election, seed=SEED, user=None)  # not closed yet
    close(election)
    assert tally_due_elections() == []  # closes the box for the guardians
    ballot_box.open_ballot_box(election=election, shares=SHARES[election.pk][:2])
    assert tally_due_elections() == []  # the envelopes are open, the count waits
    assert not Result.objects.exists()
    with pytest.raises(common.ElectionError, match="seme"):
        tally_election(election_id=election.pk)
    with pytest.raises(common.ElectionError, match="non corrisponde"):
        reveal_tie_seed(election=election, seed=SEED + " ", user=None)
    page = Client().get(election.get_absolute_url()).content.decode()
    assert election.tie_seed_commitment in page and SEED not in page
    reveal_tie_seed(election=election, seed=SEED, user=None)
    assert tally_due_elections() == [election.pk]
    election.refresh_from_db()
    drawn = {
        c.pk: hashlib.sha256(
            f"{SEED}:{c.last_name}|{c.first_name}|{c.birth_date.isoformat()}".encode()
        ).hexdigest()
        for c in (first, second)
    }
    winner = min(drawn, key=drawn.get)
    counted = votes_of(Result.objects.get(election=election))
    assert counted[winner][3] is True
    assert sum(row[3] for row in counted.values()) == 1
    assert election.log.filter(action="tie_seed_revealed").get().details == {"seed": SEED}
    page = Client().get(election.get_absolute_url()).content.decode()
    assert election.tie_seed_commitment in page and SEED in page
    with pytest.raises(common.ElectionError):
        reveal_tie_seed(election=election, seed=SEED, user=None)


def test_tally_is_idempotent(voted):
    close(voted)
    first = tally(voted)
    snapshot = (
        Result.objects.values().get(),
        sorted(CandidateResult.objects.values_list()),
        sorted(Member.objects.values_list()),
    )
    second = tally(voted)
    assert first.pk == second.pk
    assert snapshot == (
        Result.objects.values().get(),
        sorted(CandidateResult.objects.values_list()),
        sorted(Member.objects.values_list()),
    )


def test_periodic_task_tallies_each_closed_election_once(voted):
    from consulte.elections.tasks import tally_due_elections

    assert tally_due_elections.apply().get() == 0  # still open
    close(voted)
    assert tally_due_elections.apply().get() == 0  # closed, waiting for the guardians
    voted.ballot_box.refresh_from_db()
    assert voted.ballot_box.envelopes_at_close == 5
    ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][1:])
    assert tally_due_elections.apply().get() == 1
    assert Result.objects.count() == 1
    assert tally_due_elections.apply().get() == 0


def test_elected_become_members_for_five_years(voted, candidates):
    close(voted)
    tally(voted)
    assert not Member.objects.filter(election=voted).exists()  # provisional
    desk.declare_count_complete(election=voted, user=None)
    members = Member.objects.filter(election=voted)
    assert {m.candidate_id for m in members} == {
        c.pk for c in (candidates[0], candidates[2], candidates[3])
    }
    member = members.first()
    assert member.kind == Member.Kind.ELECTED
    assert member.council == voted.council
    assert member.term_start == timezone.localdate(voted.closes_at)
    assert member.term_end == member.term_start.replace(
        year=member.term_start.year + 5
    ) - datetime.timedelta(days=1)


def test_digest_is_sha256_of_the_sorted_ballots(voted):
    close(voted)
    result = tally(voted)
    lines = sorted(line for line, _prefs in iter_ballots(voted))
    assert result.digest == digest_of_lines(lines)


def paper_voters(election, n, name="Centro sociale Orologio"):
    """A voting point where n electors voted on paper (marked while the election was open)."""
    point = voting_point(election, name=name)
    for _ in range(n):
        desk.mark_voted_in_person(
            voting_point=point, elector=ElectorFactory(election=election), user=None
        )
    return point


def test_desk_count_is_added_and_shown_apart(voted, candidates):
    point = paper_voters(voted, 13)
    close(voted)
    tally(voted)
    desk.record_desk_count(
        voting_point=point,
        valid=10,
        blank=2,
        void=1,
        votes={candidates[1].pk: 10},
        entered_by=None,
    )
    result = Result.objects.get()
    assert votes_of(result)[candidates[1].pk][:2] == (0, 10)
    assert (result.blank_in_person, result.void_in_person) == (2, 1)
    assert votes_of(result)[candidates[1].pk][2] == 1
    with pytest.raises(common.ElectionError):
        desk.record_desk_count(
            voting_point=point, valid=0, blank=0, void=0, votes={}, entered_by=None
        )


def test_tally_uses_the_latest_version_of_a_desk_count(voted, candidates):
    point = paper_voters(voted, 5)
    close(voted)
    tally(voted)
    for valid, reason in [(5, ""), (3, "Due schede erano nulle")]:
        desk.record_desk_count(
            voting_point=point,
            valid=valid,
            blank=0,
            void=5 - valid,
            votes={candidates[1].pk: valid},
            entered_by=None,
            reason=reason,
        )
    result = Result.objects.get()
    assert votes_of(result)[candidates[1].pk][1] == 3
    assert result.void_in_person == 2


def test_desk_count_only_after_the_close(voted, candidates):
    point = paper_voters(voted, 1)
    with pytest.raises(common.ElectionError):
        desk.record_desk_count(
            voting_point=point, valid=0, blank=1, void=0, votes={}, entered_by=None
        )


def test_tally_checks_ballots_against_voters_online_and_per_point(voted, candidates):
    counted = paper_voters(voted, 2, name="Punto A")
    paper_voters(voted, 1, name="Punto B")  # its count never entered
    close(voted)
    desk.record_desk_count(
        voting_point=counted, valid=1, blank=1, void=0, votes={candidates[0].pk: 1}, entered_by=None
    )
    result = tally(voted)
    assert result.online_check_ok is True
    assert result.point_checks == [
        {"point": "Punto A", "voters": 2, "ballots": 2, "ok": True},
        {"point": "Punto B", "voters": 1, "ballots": None, "ok": False},
    ]
    # An online voter without a ballot (the two rows must go together) fails the check.
    ElectorVote.objects.create(
        election=voted,
        elector=ElectorFactory(election=voted),
        channel=ElectorVote.Channel.ONLINE,
        hour=timezone.now().replace(minute=0, second=0, microsecond=0),
    )
    result = tally(voted)
    assert result.online_check_ok is False
    page = Client().get(reverse("consulte:election_results", kwargs={"pk": voted.pk}))
    text = page.content.decode()
    assert "controllo NON superato" in text
    assert "Risultati provvisori" in text


# --- Public pages and open data --------------------------------------------------------------


def public_urls(election):
    return [
        reverse("consulte:election_results", kwargs={"pk": election.pk}),
        reverse("consulte:election_opendata", kwargs={"pk": election.pk, "fmt": "json"}),
        reverse("consulte:election_opendata", kwargs={"pk": election.pk, "fmt": "csv"}),
    ]


def test_results_and_open_data_are_not_visible_before_the_close(client, voted):
    for url in public_urls(voted):
        assert client.get(url).status_code == 404


def test_results_and_open_data_after_the_tally(client, voted):
    close(voted)
    result = tally(voted)
    page = client.get(public_urls(voted)[0])
    assert result.digest in page.content.decode()
    assert client.get(public_urls(voted)[1]).status_code == 200


def test_open_data_recounts_to_the_same_result(client, voted, candidates, tmp_path, capsys):
    point = paper_voters(voted, 5, name="Punto A")
    close(voted)
    tally(voted)
    desk.record_desk_count(
        voting_point=point,
        valid=4,
        blank=1,
        void=0,
        votes={candidates[3].pk: 4},
        entered_by=None,
    )
    response = client.get(public_urls(voted)[1])
    document = json.loads(b"".join(response.streaming_content))
    assert len(document["ballots"]) == 5
    assert opendata.compare(document, opendata.recount_json(document)) == []
    path = tmp_path / "schede.json"
    path.write_bytes(json.dumps(document).encode())
    call_command("recount", str(path))
    assert document["result"]["final"] is False
    assert document["result"]["checks"]["online_ballots_equal_voters"] is True
    assert document["result"]["checks"]["points"][0]["ok"] is True
    out = capsys.readouterr().out
    assert "Controllo: Punto A: 5 schede, 5 votanti." in out
    assert "PROVVISORIO" in out


def test_recount_detects_a_changed_ballot(client, voted, candidates, tmp_path):
    close(voted)
    tally(voted)
    document = json.loads(b"".join(client.get(public_urls(voted)[1]).streaming_content))
    document["ballots"][0]["preferences"] = [candidates[3].pk]
    path = tmp_path / "schede.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError):
        call_command("recount", str(path))


def test_csv_recount_gives_the_same_digest_and_online_votes(client, voted, tmp_path):
    close(voted)
    result = tally(voted)
    text = b"".join(client.get(public_urls(voted)[2]).streaming_content).decode()
    counted = opendata.recount_csv(text)
    assert counted["digest"] == result.digest
    assert dict(counted["votes_online"]) == {
        row.candidate_id: row.votes_online for row in result.candidates.all() if row.votes_online
    }


def test_receipt_is_found_with_its_preferences_only_after_the_opening(client, election, candidates):
    elector = ElectorFactory(election=election)
    cast = casting.cast_ballot(election=election, elector=elector, candidate_ids=[candidates[2].pk])
    url = reverse("consulte:receipt_lookup")
    before = client.post(url, {"ricevuta": cast.receipt}).content.decode()
    assert "Nessuna scheda pubblicata" in before and candidates[2].full_name not in before
    close(election)
    tally(election)
    after = client.post(url, {"ricevuta": cast.receipt}).content.decode()
    assert "registrata" in after and candidates[2].full_name in after


def test_gender_rule_with_up_to_four_preferences_counts_in_sql_as_on_the_ballot(election):
    """Every order of genders a ballot of four preferences can hold, counted by the database
    and by the rule the voter is shown before casting (and the recount applies)."""
    import itertools

    election.max_preferences = 4
    election.save(update_fields=["max_preferences"])
    women = [CandidateFactory(election=election, gender="F") for _ in range(4)]
    men = [CandidateFactory(election=election, gender="M") for _ in range(4)]
    expected_void = 0
    expected = dict.fromkeys([c.pk for c in women + men], 0)
    for length in range(1, 5):
        for genders in itertools.product("FM", repeat=length):
            pools = {"F": iter(women), "M": iter(men)}
            chosen = [next(pools[gender]) for gender in genders]
            vote(election, *chosen)
            voided = voided_by_gender_rule(list(genders))
            expected_void += sum(voided)
            for candidate, void in zip(chosen, voided, strict=True):
                expected[candidate.pk] += not void
    close(election)
    result = tally(election)
    # FF and MM; FFF and MMM; three or four of one gender among four preferences.
    assert result.void_preferences == expected_void == 2 + 2 + 12
    assert {pk: row[0] for pk, row in votes_of(result).items()} == expected


def test_a_preference_outside_the_ballot_stops_the_count_and_stores_nothing(voted, candidates):
    """The count groups ballots by their slots; a row in a slot the ballot does not have would
    escape it, so the tally refuses rather than dropping a preference."""
    from consulte.models import Ballot, BallotPreference

    close(voted)
    ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][:2])
    blank = next(b for b in Ballot.objects.filter(election=voted) if not b.preferences.exists())
    BallotPreference.objects.create(
        ballot=blank, candidate=candidates[0], position=voted.max_preferences + 1
    )
    with pytest.raises(common.ElectionError, match="posizione che la scheda non ha"):
        tally_election(election_id=voted.pk)
    assert not Result.objects.filter(election=voted).exists()


def test_counting_takes_the_same_queries_for_more_ballots(
    voted, candidates, django_assert_num_queries
):
    from consulte.elections.tally import online_counts
    from consulte.models import Ballot

    close(voted)
    ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][:2])
    # the slots' check, the patterns, the genders of the candidates they name
    with django_assert_num_queries(3):
        few = online_counts(voted)
    anna, _bice, carlo, _dario = candidates
    for _ in range(20):
        ballot = Ballot.objects.create(election=voted)
        ballot.preferences.create(candidate=anna, position=1)
        ballot.preferences.create(candidate=carlo, position=2)
    with django_assert_num_queries(3):
        more = online_counts(voted)
    assert more.counts[anna.pk] == few.counts[anna.pk] + 20
    assert more.counts[carlo.pk] == few.counts[carlo.pk] + 20
    assert (more.voided, more.blank) == (few.voided, few.blank)


def test_an_election_the_count_refuses_does_not_hold_up_the_others(voted, candidates, caplog):
    from consulte.elections.tasks import tally_due_elections
    from consulte.models import Ballot, BallotPreference
    from tests.consulte.council_factories import CouncilFactory
    from tests.consulte.factories import ElectionFactory

    other = ElectionFactory(council=CouncilFactory())
    close(other)
    close(voted)
    ballot_box.close_ballot_box(voted)
    ballot_box.open_ballot_box(election=voted, shares=SHARES[voted.pk][:2])
    blank = next(b for b in Ballot.objects.filter(election=voted) if not b.preferences.exists())
    BallotPreference.objects.create(ballot=blank, candidate=candidates[0], position=9)

    assert tally_due_elections.apply().get() == 1
    assert Result.objects.filter(election=other).exists()
    assert not Result.objects.filter(election=voted).exists()
    assert "posizione che la scheda non ha" in caplog.text
