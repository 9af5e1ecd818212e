"""The tally: the opened online ballots and the desks' paper counts are counted by the
database, the gender rule voids what it voids, the tie rule orders equal totals, and the result
is stored with the digest of the ballot set; the same inputs give the same result. A final
result seats the elected and tells the ambito."""

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from collabcity.models import User

from ..models import (
    Ballot,
    BallotBox,
    BallotPreference,
    Candidate,
    CandidateResult,
    DeskCount,
    DeskCountLine,
    Election,
    ElectionLogEntry,
    Elector,
    ElectorVote,
    Member,
    Result,
    VotingPoint,
)
from . import ballot_box
from .common import ElectionError, log_action
from .notifications import notify_results

TERM_YEARS = 5

logger = logging.getLogger(__name__)


# --- The rules: the gender rule, the tie rule ------------------------------------------------


def voided_by_gender_rule(genders: list[str]) -> list[bool]:
    """Which preferences of a ballot the gender rule voids, in the order they were written.

    No gender may take more than half of the preferences expressed, rounded up; those written
    beyond that share are void. With two preferences the second of the same gender is void (as
    in municipal elections, L. 215/2012); with three, only a third of the same gender is (as
    in European elections, L. 65/2014). `online_counts` and the recount apply the same rule.
    """
    written: Counter[str] = Counter()
    voided = []
    for gender in genders:
        voided.append(2 * written[gender] >= len(genders))
        written[gender] += 1
    return voided


def tie_key(election: Election, candidate: Candidate):
    """Lower wins a tie: the earlier birth date, or the seeded draw.

    The draw hashes the revealed seed with the candidate's name and birth date, facts nobody
    at the Comune chooses (a database id could be steered by the order of submissions).
    """
    if election.tie_rule == Election.TieRule.LOTS:
        drawn = f"{election.tie_seed}:{candidate.last_name}|{candidate.first_name}|"
        return hashlib.sha256(f"{drawn}{candidate.birth_date.isoformat()}".encode()).hexdigest()
    return candidate.birth_date.isoformat()


def tie_seed_commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def reveal_tie_seed(*, election: Election, seed: str, user: User | None) -> None:
    """Publish the seed of the draw after the close, if it matches the published commitment."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.tie_rule != Election.TieRule.LOTS:
            raise ElectionError(_("Questa elezione non scioglie le parità per sorteggio."))
        if not election.is_closed:
            raise ElectionError(_("Il seme si rivela solo dopo la chiusura del voto."))
        if election.tie_seed:
            raise ElectionError(_("Il seme di questa elezione è già stato rivelato."))
        if not constant_time_compare(tie_seed_commitment(seed), election.tie_seed_commitment):
            raise ElectionError(
                _(
                    "Questo seme non corrisponde all'impegno pubblicato: controlla di averlo "
                    "scritto esattamente, maiuscole e spazi compresi."
                )
            )
        election.tie_seed = seed
        election.save(update_fields=["tie_seed"])
        log_action(
            election=election,
            actor=user,
            action=ElectionLogEntry.Action.TIE_SEED_REVEALED,
            details={"seed": seed},
        )


def rank_candidates(
    election: Election, candidates: list[Candidate], totals: dict[int, int]
) -> list[tuple[Candidate, int, bool]]:
    """(candidate, rank, elected) by votes, ties broken by the election's published rule.

    A candidate with no votes at all is not elected, even with seats left.
    """
    ordered = sorted(candidates, key=lambda c: (-totals.get(c.pk, 0), tie_key(election, c), c.pk))
    return [
        (candidate, rank, rank <= election.seats and totals.get(candidate.pk, 0) > 0)
        for rank, candidate in enumerate(ordered, start=1)
    ]


# --- The ballot set and its digest -----------------------------------------------------------


def canonical_line(ballot_id: str, candidate_ids: list[int]) -> str:
    return f"{ballot_id}:{','.join(str(pk) for pk in candidate_ids)}"


def digest_of_lines(lines) -> str:
    """SHA-256 of the sorted canonical lines joined by newlines (see canonical_line)."""
    sha = hashlib.sha256()
    for index, line in enumerate(lines):
        sha.update((("\n" if index else "") + line).encode())
    return sha.hexdigest()


def ballot_digest(election: Election) -> str:
    if connection.vendor == "postgresql":
        # Computed by the database: a million ballots never travel to Python. Receipts are
        # compared bytewise ("C") for the grouping as for the order, a sort twice as fast as the
        # locale's and the order the digest is defined by (sorted receipts).
        ballot = Ballot._meta.db_table
        preference = BallotPreference._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT encode(sha256(convert_to(coalesce(
                    string_agg(line, E'\\n' ORDER BY id), ''), 'UTF8')), 'hex')
                FROM (
                    SELECT id, id || ':' || coalesce(
                        string_agg(candidate_id::text, ',' ORDER BY position), '') AS line
                    FROM (
                        SELECT b.id COLLATE "C" AS id, p.candidate_id, p.position
                        FROM {ballot} b LEFT JOIN {preference} p ON p.ballot_id = b.id
                        WHERE b.election_id = %s
                    ) preferences
                    GROUP BY id
                ) lines
                """,  # noqa: S608  (table names from the models, value as a parameter)
                [election.pk],
            )
            return cursor.fetchone()[0]
    return digest_of_lines(line for line, _prefs in iter_ballots(election))


def iter_ballots(election: Election):
    """(canonical line, [candidate ids]) of every ballot, sorted by receipt; streamed."""
    rows = (
        Ballot.objects.filter(election=election)
        .order_by("pk")
        .values_list("pk", "preferences__candidate_id", "preferences__position")
        .order_by("pk", "preferences__position")
        .iterator(chunk_size=5000)
    )
    current, prefs = None, []
    for ballot_id, candidate_id, _position in rows:
        if ballot_id != current:
            if current is not None:
                yield canonical_line(current, prefs), prefs
            current, prefs = ballot_id, []
        if candidate_id is not None:
            prefs.append(candidate_id)
    if current is not None:
        yield canonical_line(current, prefs), prefs


# --- The count -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnlineCount:
    counts: dict[int, int]  # valid preferences per candidate
    voided: int  # preferences voided by the gender rule
    blank: int  # ballots without any preference


def online_counts(election: Election) -> OnlineCount:
    """The opened online ballots counted by their pattern, the gender rule applied to each.

    The database groups the ballots by the candidates they name in each slot (one hash join per
    slot, no sort, in parallel), so a million ballots come back as one row per distinct way of
    filling the ballot (a few dozen to some thousands), counted by `count_ballots` as the
    recount of the open data counts its ballots.
    A slot outside the ballot would escape the patterns, so the count refuses to run over one.
    """
    slots = range(1, election.max_preferences + 1)
    ballot, preference = Ballot._meta.db_table, BallotPreference._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FROM {preference} p JOIN {ballot} b ON b.id = p.ballot_id
            WHERE b.election_id = %s AND (p.position < 1 OR p.position > %s)
            """,  # noqa: S608  (table names from the models, values as parameters)
            [election.pk, election.max_preferences],
        )
        (stray,) = cursor.fetchone()
        if stray:
            raise ElectionError(
                _(
                    "Lo scrutinio si ferma: %(count)s preferenze occupano una posizione che la "
                    "scheda non ha. Le schede vanno verificate prima di contare."
                )
                % {"count": stray}
            )
        columns = ", ".join(f"slot{n}.candidate_id" for n in slots)
        joins = " ".join(
            f"LEFT JOIN {preference} slot{n} ON slot{n}.ballot_id = b.id AND slot{n}.position = {n}"
            for n in slots
        )
        cursor.execute(
            f"""
            SELECT {columns}, count(*) FROM {ballot} b {joins}
            WHERE b.election_id = %s GROUP BY {columns}
            """,  # noqa: S608  (table names from the models, slots are integers)
            [election.pk],
        )
        patterns = cursor.fetchall()
    named = {pk for *candidates, _ballots in patterns for pk in candidates if pk is not None}
    genders = dict(Candidate.objects.filter(pk__in=named).values_list("pk", "gender"))
    return count_ballots(
        (([pk for pk in slotted if pk is not None], ballots) for *slotted, ballots in patterns),
        genders=genders,
        gender_balance=election.gender_balance,
    )


def count_ballots(
    patterns: Iterable[tuple[Sequence[int], int]],
    *,
    genders: Mapping[int, str],
    gender_balance: bool,
) -> OnlineCount:
    """Ballots given as (the candidates one names, in order; how many ballots name just
    those), counted with the gender rule: the tally passes the database's patterns, the recount
    of the open data each ballot once."""
    counts: Counter[int] = Counter()
    voided = blank = 0
    for chosen, ballots in patterns:
        if not chosen:
            blank += ballots
        void = voided_by_gender_rule([genders[pk] for pk in chosen])
        for pk, is_void in zip(chosen, void, strict=True):
            if gender_balance and is_void:
                voided += ballots
            else:
                counts[pk] += ballots
    return OnlineCount(counts=dict(counts), voided=voided, blank=blank)


def latest_desk_counts(election: Election):
    """The current version of each point's count (a correction supersedes, never overwrites)."""
    newer = DeskCount.objects.filter(
        voting_point=OuterRef("voting_point"), version__gt=OuterRef("version")
    )
    return DeskCount.objects.filter(election=election).filter(~Exists(newer))


def ballot_checks(election: Election) -> tuple[bool, list[dict]]:
    """Ballots against voters: online (Ballot rows vs online ElectorVotes) and per point.

    Call after the counts are computed; the lead can call it at the end of counting.
    """
    online_ballots = Ballot.objects.filter(election=election).count()
    online_voters = ElectorVote.objects.filter(
        election=election, channel=ElectorVote.Channel.ONLINE
    ).count()
    latest = {c.voting_point_id: c for c in latest_desk_counts(election)}
    points = []
    for point in (
        VotingPoint.objects.filter(election=election)
        .annotate(voters=Count("votes"))
        .order_by("name")
    ):
        count = latest.get(point.pk)
        ballots = count.ballots if count else None
        points.append(
            {
                "point": point.name,
                "voters": point.voters,
                "ballots": ballots,
                "ok": ballots == point.voters,
            }
        )
    return online_ballots == online_voters, points


def tally_election(*, election_id: int) -> Result:
    """Count a closed election and store its result; the same inputs give the same result."""
    with transaction.atomic():
        election = (
            Election.objects.select_for_update().select_related("council").get(pk=election_id)
        )
        if not election.is_closed:
            raise ElectionError(_("L'elezione non è ancora chiusa: i risultati non esistono."))
        if election.awaits_tie_seed:
            raise ElectionError(
                _("Lo scrutinio attende che sia rivelato il seme del sorteggio per le parità.")
            )
        box = BallotBox.objects.filter(election=election).first()
        if box is not None and not box.is_opened:
            raise ElectionError(
                _("Le buste del voto online non sono ancora state aperte dai garanti.")
            )
        online = online_counts(election)
        in_person = dict(
            DeskCountLine.objects.filter(desk_count__in=latest_desk_counts(election))
            .values("candidate_id")
            .annotate(total=Sum("votes"))
            .values_list("candidate_id", "total")
        )
        desks = latest_desk_counts(election).aggregate(
            blank=Sum("blank", default=0), void=Sum("void", default=0)
        )
        voters = election.votes.channel_counts()
        values = {
            "electors": Elector.objects.filter(election=election).count(),
            "voters_online": voters["online"],
            "voters_in_person": voters["in_person"],
            "blank_online": online.blank,
            "blank_in_person": desks["blank"],
            "void_in_person": desks["void"],
            "void_preferences": online.voided,
            "digest": ballot_digest(election),
        }
        result, _created = Result.objects.update_or_create(
            election=election,
            defaults=values,
            create_defaults={**values, "tallied_at": timezone.now()},
        )
        candidates = list(election.candidates.approved())
        totals = {c.pk: online.counts.get(c.pk, 0) + in_person.get(c.pk, 0) for c in candidates}
        ranking = rank_candidates(election, candidates, totals)
        for candidate, rank, elected in ranking:
            CandidateResult.objects.update_or_create(
                result=result,
                candidate=candidate,
                defaults={
                    "votes_online": online.counts.get(candidate.pk, 0),
                    "votes_in_person": in_person.get(candidate.pk, 0),
                    "rank": rank,
                    "elected": elected,
                },
            )
        # Issue 15, points 1 and 4: checks stored with the result; provisional until declared.
        online_ok, point_checks = ballot_checks(election)
        result.online_check_ok = online_ok
        result.point_checks = point_checks
        result.final = election.count_declared_at is not None
        result.save(update_fields=["online_check_ok", "point_checks", "final"])
        if result.final:
            _seat_elected(election, [candidate for candidate, _rank, elected in ranking if elected])
            notify_results(election)
    return result


def _seat_elected(election: Election, elected: list[Candidate]) -> None:
    """The elected become council members for the term; a seat follows its candidate."""
    term_start = timezone.localdate(election.closes_at)
    term_end = term_start + relativedelta(years=TERM_YEARS) - timedelta(days=1)
    Member.objects.filter(election=election).exclude(candidate__in=elected).delete()
    for candidate in elected:
        Member.objects.update_or_create(
            candidate=candidate,
            defaults={
                "council": election.council,
                "election": election,
                "full_name": candidate.full_name,
                "kind": Member.Kind.ELECTED,
                "user": candidate.user,
                "term_start": term_start,
                "term_end": term_end,
            },
        )


def tally_due_elections() -> list[int]:
    """Close the ballot box of every election past its close, and tally those whose envelopes
    are open (by the guardians, or at once when nobody voted online); returns their ids."""
    tallied = []
    for election in Election.objects.to_tally():
        box = ballot_box.close_ballot_box(election)
        if box is not None and not box.is_opened:
            continue  # waiting for the guardians
        if election.awaits_tie_seed:
            continue  # waiting for the officer who holds the seed of the draw
        try:
            tally_election(election_id=election.pk)
        except ElectionError as refused:
            # Stored nothing; the others are counted, this one is retried on the next run.
            logger.error("Scrutinio dell'elezione %s rifiutato: %s", election.pk, refused)
            continue
        tallied.append(election.pk)
    return tallied
