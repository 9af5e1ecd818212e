"""Open data of a closed election (every receipt with its ballot) and the recount from it.

The JSON file is complete: candidates (with their gender and their precedence under the
published tie rule, not their birth dates), the paper counts of the voting points, turnout,
every online ballot and the stored result. The CSV holds the online ballots alone, one row per
ballot, with each preference's candidate and gender: enough to recount the online votes, the
voided preferences and the digest with a spreadsheet.
"""

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collabcity.registry import Dataset, Distribution

from ..models import (
    BallotBox,
    Candidate,
    CandidateResult,
    Election,
    ElectorVote,
    format_receipt,
)
from . import common, tally

FORMAT_VERSION = 1


def tie_precedence(election: Election, candidates: list[Candidate]) -> dict[int, int]:
    """1 for the candidate who wins every tie, then 2, ...: the published tie rule, applied."""
    ordered = sorted(candidates, key=lambda c: (tally.tie_key(election, c), c.pk))
    return {candidate.pk: index for index, candidate in enumerate(ordered, start=1)}


def iter_ballot_rows(election: Election) -> Iterator[tuple[str, list[int]]]:
    for line, preferences in tally.iter_ballots(election):
        yield format_receipt(line.split(":", 1)[0]), preferences


def _ballot_box_facts(election: Election) -> dict:
    """What was published before the opening: the key and the envelopes counted at the close."""
    box = BallotBox.objects.filter(election=election).first()
    if box is None:
        return {}
    return {
        "public_key": box.public_key,
        "guardians_needed": box.threshold,
        "envelopes_at_close": box.envelopes_at_close,
        "envelopes_digest": box.envelopes_digest,
    }


def election_document(election: Election) -> dict:
    """Everything but the ballots (streamed separately, they may be a million)."""
    candidates = list(election.candidates.approved().alphabetical())
    precedence = tie_precedence(election, candidates)
    result = election.result
    desks = []
    voters = dict(
        ElectorVote.objects.filter(election=election, voting_point__isnull=False)
        .values("voting_point")
        .annotate(n=Count("pk"))
        .values_list("voting_point", "n")
    )
    # The latest version of each point's count: the one the tally used.
    for desk in (
        tally.latest_desk_counts(election)
        .select_related("voting_point")
        .prefetch_related("lines")
        .order_by("voting_point__name")
    ):
        desks.append(
            {
                "desk": desk.voting_point.name,
                "version": desk.version,
                "voters": voters.get(desk.voting_point_id, 0),
                "valid": desk.valid,
                "blank": desk.blank,
                "void": desk.void,
                "votes": {str(line.candidate_id): line.votes for line in desk.lines.all()},
            }
        )
    rows = CandidateResult.objects.filter(result=result).order_by("rank")
    return {
        "format": FORMAT_VERSION,
        "election": {
            "id": election.pk,
            "title": election.title,
            "council": election.council.name,
            "seats": election.seats,
            "max_preferences": election.max_preferences,
            "gender_balance": election.gender_balance,
            "tie_rule": election.tie_rule,
            "tie_seed_commitment": election.tie_seed_commitment,
            "tie_seed": election.tie_seed,
            "opens_at": timezone.localtime(election.opens_at).isoformat(),
            "closes_at": timezone.localtime(election.closes_at).isoformat(),
            **_ballot_box_facts(election),
        },
        "candidates": [
            {
                "id": c.pk,
                "name": c.full_name,
                "gender": c.gender,
                "tie_precedence": precedence[c.pk],
            }
            for c in candidates
        ],
        "desks": desks,
        "turnout": {
            "electors": result.electors,
            "voters_online": result.voters_online,
            "voters_in_person": result.voters_in_person,
        },
        "result": {
            # Provisional until staff declare every voting point's paper count entered.
            "final": result.final,
            "checks": {
                "online_ballots_equal_voters": result.online_check_ok,
                "points": result.point_checks,
            },
            "digest": result.digest,
            "blank_online": result.blank_online,
            "blank_in_person": result.blank_in_person,
            "void_in_person": result.void_in_person,
            "void_preferences": result.void_preferences,
            "candidates": [
                {
                    "id": row.candidate_id,
                    "votes_online": row.votes_online,
                    "votes_in_person": row.votes_in_person,
                    "rank": row.rank,
                    "elected": row.elected,
                }
                for row in rows
            ],
        },
    }


def stream_json(election: Election) -> Iterator[str]:
    """The JSON document, with the ballots written as they are read."""
    head = json.dumps(election_document(election), ensure_ascii=False, indent=1)
    yield head[:-2] + ',\n "ballots": [\n'
    for index, (receipt, preferences) in enumerate(iter_ballot_rows(election)):
        prefix = ",\n" if index else ""
        yield prefix + json.dumps({"receipt": receipt, "preferences": preferences})
    yield "\n ]\n}\n"


def stream_csv(election: Election) -> Iterator[str]:
    genders = dict(Candidate.objects.filter(election=election).values_list("pk", "gender"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["ricevuta"]
    for position in range(1, election.max_preferences + 1):
        header += [f"preferenza_{position}", f"genere_{position}"]
    writer.writerow(header)
    for receipt, preferences in iter_ballot_rows(election):
        row = [receipt]
        for position in range(election.max_preferences):
            if position < len(preferences):
                row += [preferences[position], genders[preferences[position]]]
            else:
                row += ["", ""]
        writer.writerow(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- Recount ---------------------------------------------------------------------------------


class RecountError(Exception):
    pass


def _count_online(
    ballots: Iterable[tuple[str, list[int]]], genders: dict[int, str], gender_balance: bool
) -> dict:
    lines = []
    patterns: Counter = Counter()
    for receipt, preferences in ballots:
        lines.append(tally.canonical_line(common.normalize_code(receipt), preferences))
        patterns[tuple(preferences)] += 1
    lines.sort()
    counted = tally.count_ballots(patterns.items(), genders=genders, gender_balance=gender_balance)
    return {
        "votes_online": Counter(counted.counts),
        "void_preferences": counted.voided,
        "blank_online": counted.blank,
        "ballots": len(lines),
        "digest": tally.digest_of_lines(lines),
    }


def recount_json(document: dict) -> dict:
    try:
        election = document["election"]
        candidates = document["candidates"]
        genders = {c["id"]: c["gender"] for c in candidates}
        ballots = [
            (b["receipt"], [int(pk) for pk in b["preferences"]]) for b in document["ballots"]
        ]
        desks = document.get("desks", [])
    except (KeyError, TypeError, ValueError) as exc:
        raise RecountError(f"File non valido: {exc}") from exc
    counted = _count_online(ballots, genders, election["gender_balance"])
    in_person: Counter = Counter()
    for desk in desks:
        for candidate_id, votes in desk["votes"].items():
            in_person[int(candidate_id)] += votes
    totals = {c["id"]: counted["votes_online"][c["id"]] + in_person[c["id"]] for c in candidates}
    ordered = sorted(candidates, key=lambda c: (-totals[c["id"]], c["tie_precedence"]))
    counted["candidates"] = [
        {
            "id": c["id"],
            "name": c["name"],
            "votes_online": counted["votes_online"][c["id"]],
            "votes_in_person": in_person[c["id"]],
            "rank": rank,
            "elected": rank <= election["seats"] and totals[c["id"]] > 0,
        }
        for rank, c in enumerate(ordered, start=1)
    ]
    counted["blank_in_person"] = sum(desk["blank"] for desk in desks)
    counted["void_in_person"] = sum(desk["void"] for desk in desks)
    # Ballots against voters, online and per point (issue 15): a recount says so too.
    voters_online = document.get("turnout", {}).get("voters_online")
    counted["online_check_ok"] = voters_online == counted["ballots"]
    counted["point_checks"] = [
        {
            "point": desk.get("desk", ""),
            "voters": desk.get("voters"),
            "ballots": desk.get("valid", 0) + desk["blank"] + desk["void"],
            "ok": desk.get("voters") == desk.get("valid", 0) + desk["blank"] + desk["void"],
        }
        for desk in desks
    ]
    return counted


def recount_csv(text: str, *, gender_balance: bool = True) -> dict:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise RecountError("File vuoto.") from exc
    if not header or header[0] != "ricevuta":
        raise RecountError("Intestazione non riconosciuta: attesa la colonna «ricevuta».")
    ballots, genders = [], {}
    for row in reader:
        preferences = []
        for index in range(1, len(row) - 1, 2):
            if row[index]:
                candidate_id = int(row[index])
                genders[candidate_id] = row[index + 1]
                preferences.append(candidate_id)
        ballots.append((row[0], preferences))
    # The CSV does not say whether the gender rule applies (the JSON does): the caller says.
    return _count_online(ballots, genders, gender_balance)


def compare(document: dict, counted: dict) -> list[str]:
    """Differences between the published result and the recount (empty: they agree)."""
    published = document["result"]
    differences = []
    for key in ("digest", "blank_online", "void_preferences", "blank_in_person", "void_in_person"):
        if published[key] != counted[key]:
            differences.append(f"{key}: pubblicato {published[key]}, ricontato {counted[key]}")
    mine = {row["id"]: row for row in counted["candidates"]}
    for row in published["candidates"]:
        other = mine.get(row["id"], {})
        for key in ("votes_online", "votes_in_person", "rank", "elected"):
            if other.get(key) != row[key]:
                differences.append(
                    f"candidato {row['id']} {key}: "
                    f"pubblicato {row[key]}, ricontato {other.get(key)}"
                )
    return differences


def datasets() -> list[Dataset]:
    """One dataset per closed election with a result, for the open data catalogue: its
    results page and the files anyone can recount it from (collabcity.registry)."""
    closed = (
        Election.objects.closed()
        .filter(result__isnull=False)
        .select_related("council__ambito", "result")
        .order_by("-closes_at", "pk")
    )
    found = []
    for election in closed:
        result = election.result
        state = _("risultato definitivo") if result.final else _("risultato provvisorio")
        found.append(
            Dataset(
                identifier=f"elezione-{election.pk}",
                title=_("%(title)s: risultati e schede") % {"title": election.title},
                description=_(
                    "L'elezione dei delegati della %(council)s, chiusa il %(day)s (%(state)s): "
                    "candidati, conteggi dei punti voto, affluenza, ogni scheda online con la "
                    "sua ricevuta e il risultato, per ricontare i voti."
                )
                % {
                    "council": election.council.name,
                    "day": timezone.localdate(election.closes_at).strftime("%d/%m/%Y"),
                    "state": state,
                },
                theme="GOVE",
                # A provisional result changes once the paper counts are all in.
                frequency="NEVER" if result.final else "IRREG",
                modified=timezone.localdate(result.tallied_at),
                keywords=(_("consulte di quartiere"), _("elezioni"), election.council.name),
                landing_page=reverse("consulte:election_results", args=[election.pk]),
                order=20,
                distributions=(
                    Distribution(
                        title=_("Schede e risultato"),
                        url=reverse("consulte:election_opendata", args=[election.pk, "json"]),
                        format="JSON",
                        media_type="application/json",
                    ),
                    Distribution(
                        title=_("Schede online, una riga per scheda"),
                        url=reverse("consulte:election_opendata", args=[election.pk, "csv"]),
                        format="CSV",
                        media_type="text/csv",
                    ),
                ),
            )
        )
    return found
