# ruff: noqa: S608  (table names come from the models; every value is a parameter)
"""Ballots cast per second through HTTP, beside pgbench of the cast's own transaction, in one run.

    .venv/bin/python bench/consulte_cast.py [--seconds 10] [--slices 5] [--electors 20000]
        [--connections 50]

Uses its own database (BENCH_DATABASE_URL, default collabcity_bench_cast, dropped at the end) and
Redis (BENCH_REDIS_URL, default db 14, flushed). An open election with its key ceremony done,
`--electors` verified electors and a logged-in session and CSRF token for each, written to a file
beforehand. gunicorn (2 sync workers, production settings over HTTP) serves the portal; wrk with
bench/wrk/cast.lua POSTs each elector's cast once, the next elector for every request. pgbench
runs the transaction the cast commits (consulte/elections/casting.py: the election's row FOR
SHARE; the election, its window, public key and approved candidates and the voter's roll entry
read on the database clock; the ElectorVote row; the sealed Envelope) for as long, each
transaction for another elector of the roll. The two take turns in `--slices` slices (wrk, then
pgbench once the casts left in flight are answered, and again): on a shared machine whose speed
drifts within a minute, each figure and its ceiling are measured in the same few seconds.
Errors, required to be none: answers other than 200, a thread running out of electors, failed
pgbench transactions, and stored rows that do not match (electors marked as voted through HTTP
between the casts answered and the casts sent; envelopes = electors marked as voted).
"""

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from common import (
    Gunicorn,
    bench_database_url,
    bench_redis_url,
    drop_database,
    fetch,
    flush_redis,
    make_sessions,
    recreate_database,
    result,
    server_env,
    setup_production_django,
    write_sessions,
    wrk,
)
from consulte_common import make_election, verified_electors

TARGET = 0.10
HTTP_PREFIX, PGBENCH_PREFIX = "HTTP", "PGBENCH"


def prepare(electors: int):
    """The election, verified electors and their logged-in sessions, and the account of the last
    elector (whose session only fetches the ballot page before the run)."""
    election, quartiere, candidates, _shares = make_election(open_now=True)
    users = verified_electors(election, quartiere, electors, HTTP_PREFIX)
    return election, quartiere, make_sessions(users), [c.pk for c in candidates], users[-1].pk


def pgbench_script(election, quartiere, electors: int, voter_user_id: int) -> str:
    """The cast's transaction for pgbench, and the roll entries it votes as (one a transaction,
    taken from a sequence)."""
    from django.db import connection

    from consulte.elections import ballot_box, casting
    from consulte.models import BallotBox, Candidate, Election, Elector, ElectorVote, Envelope

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Elector._meta.db_table}
                (election_id, fiscal_code, first_name, last_name, birth_date, gender, quartiere_id)
            SELECT %s, %s || lpad(i::text, 9, '0'), 'Nome', 'Cognome', DATE '1980-01-01', 'F', %s
            FROM generate_series(1, %s) AS i
            RETURNING id
            """,
            [election.pk, PGBENCH_PREFIX, quartiere.pk, electors],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        assert ids[-1] - ids[0] == electors - 1  # one statement: consecutive ids
        cursor.execute("CREATE SEQUENCE bench_pgbench_elector")
    # The cast's own statement, its values written in: the window, the approved candidates and
    # the roll entry of an account (verified, as every elector of the HTTP side is).
    window = casting._window_sql(by_account=True) % (
        f"'{Candidate.Status.APPROVED}'",
        voter_user_id,
        election.pk,
    )
    # A real sealed ballot: the same length and bytes a cast stores.
    box = BallotBox.objects.get(election=election)
    ciphertext = ballot_box.seal_ballot(
        public_key=box.public_key,
        receipt_id="A" * 20,
        candidate_ids=[],
        slots=election.max_preferences,
    )
    return f"""
BEGIN;
SELECT 1 FROM {Election._meta.db_table} WHERE id = {election.pk} FOR SHARE;
{window.strip()};
INSERT INTO {ElectorVote._meta.db_table} (election_id, elector_id, channel, hour)
  VALUES ({election.pk}, {ids[0] - 1} + nextval('bench_pgbench_elector'), 'online',
          date_trunc('hour', now()));
INSERT INTO {Envelope._meta.db_table} (id, election_id, ciphertext)
  VALUES (gen_random_uuid(), {election.pk}, '\\x{ciphertext.hex()}'::bytea);
END;
"""


def run_pgbench(url: str, script: Path, seconds: float, clients: int) -> dict:
    parsed = urlparse(url)
    command = [
        "pgbench",
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        "2",
        "-T",
        str(max(1, round(seconds))),
        "-f",
        str(script),
        "-h",
        parsed.hostname,
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username,
        parsed.path.lstrip("/"),
    ]
    run = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    if run.returncode:
        raise RuntimeError(f"pgbench failed ({run.returncode}): {run.stderr[-2000:]}")
    output = run.stdout
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return {
        "tps": float(re.search(r"tps = ([\d.]+)", output).group(1)),
        "done": int(re.search(r"actually processed: (\d+)", output).group(1)),
        "failed": int(failed.group(1)) if failed else 0,
    }


def main(
    seconds: float, electors: int, connections: int, pgbench_clients: int, slices: int
) -> None:
    url = bench_database_url("collabcity_bench_cast")
    redis_url = bench_redis_url()
    recreate_database(url)
    try:
        setup_production_django(url, redis_url)
        election, quartiere, sessions, candidate_ids, last_voter = prepare(electors)
        # pgbench votes once per elector: enough of them for a quiet machine's pace, with margin.
        script = pgbench_script(election, quartiere, int(30000 * seconds), last_voter)
        from django.db import connections as databases

        databases.close_all()
        with tempfile.TemporaryDirectory() as folder:
            # Each slice its own electors; the last session is kept for the ballot page below.
            voters = sessions[:-1]
            size = len(voters) // slices
            sessions_files = []
            for index in range(slices):
                sessions_file = Path(folder) / f"sessions-{index}.tsv"
                write_sessions(sessions_file, voters[index * size : (index + 1) * size])
                sessions_files.append(sessions_file)
            script_file = Path(folder) / "cast.sql"
            script_file.write_text(script)
            path = f"/consulte/elezioni/{election.pk}/scheda/"
            http_slices, ceiling_slices = [], []
            with Gunicorn("collabcity.wsgi", server_env(url, redis_url)) as portal:
                # The ballot page of the last elector, who is never reached: the sessions work.
                status, _body = fetch(portal + path, {"Cookie": f"sessionid={sessions[-1][0]}"})
                assert status == 200, ("ballot page", status)
                for sessions_file in sessions_files:
                    http_slices.append(
                        wrk(
                            portal + "/",
                            seconds=seconds / slices,
                            connections=connections,
                            script="cast.lua",
                            args=(
                                str(sessions_file),
                                "2",
                                path,
                                ",".join(map(str, candidate_ids)),
                            ),
                        )
                    )
                    wait_for_casts_in_flight(election)
                    ceiling_slices.append(
                        run_pgbench(url, script_file, seconds / slices, pgbench_clients)
                    )
        report(election, joined_wrk(http_slices), joined_pgbench(ceiling_slices))
    finally:
        from django.db import connections as databases

        databases.close_all()
        flush_redis(redis_url)
        drop_database(url)


def wait_for_casts_in_flight(election) -> None:
    """Until the casts that wrk sent and stopped waiting for are answered (gunicorn still takes
    them from its queue): the count of votes stops moving."""
    from consulte.models import ElectorVote

    votes = ElectorVote.objects.filter(election=election)
    counted, previous = votes.count(), None
    while counted != previous:
        time.sleep(0.2)
        counted, previous = votes.count(), counted


def joined_wrk(runs: list[dict]) -> dict:
    """The slices as one run: counts and time added, the slowest slice's percentiles."""
    return {
        "seconds": sum(run["seconds"] for run in runs),
        "p50_ms": max(run["p50_ms"] for run in runs),
        "p99_ms": max(run["p99_ms"] for run in runs),
        "errors": {name: sum(run["errors"][name] for run in runs) for name in runs[0]["errors"]},
        "counters": {
            name: sum(run["counters"][name] for run in runs) for name in runs[0]["counters"]
        },
    }


def joined_pgbench(runs: list[dict]) -> dict:
    done = sum(run["done"] for run in runs)
    return {
        "tps": done / sum(run["done"] / run["tps"] for run in runs),
        "done": done,
        "failed": sum(run["failed"] for run in runs),
    }


def report(election, http: dict, ceiling: dict) -> None:
    from consulte.models import ElectorVote, Envelope

    votes = ElectorVote.objects.filter(election=election)
    http_votes = votes.filter(elector__fiscal_code__startswith=HTTP_PREFIX).count()
    pgbench_votes = votes.filter(elector__fiscal_code__startswith=PGBENCH_PREFIX).count()
    envelopes = Envelope.objects.filter(election=election).count()
    counters = http["counters"]
    answered = counters["cast"]
    rate = answered / http["seconds"]
    errors = []
    if sum(http["errors"].values()) or counters["other"]:
        errors.append(f"HTTP {http['errors']}, {counters['other']} answers not 200")
    if counters["exhausted"]:
        errors.append("electors ran out: raise --electors")
    if not answered <= http_votes <= counters["issued"]:
        errors.append(f"{http_votes} voted through HTTP, {answered} answered")
    if ceiling["failed"] or pgbench_votes != ceiling["done"]:
        errors.append(f"pgbench: {ceiling['failed']} failed, {pgbench_votes} rows")
    if envelopes != http_votes + pgbench_votes:
        errors.append(f"{envelopes} envelopes for {http_votes + pgbench_votes} votes")
    print(
        f"cast through HTTP: {answered:,} ballots in {http['seconds']:.1f} s -> {rate:,.0f}/s "
        f"(slowest slice: p50 {http['p50_ms']:.0f} ms, p99 {http['p99_ms']:.0f} ms); pgbench "
        f"of the transaction: {ceiling['done']:,} -> {ceiling['tps']:,.0f}/s; stored "
        f"{http_votes:,} + {pgbench_votes:,} votes, {envelopes:,} envelopes; "
        f"errors: {'; '.join(errors) or 0}",
        flush=True,
    )
    share = rate / ceiling["tps"]
    result(
        "cast: ballots/s via HTTP",
        f"{rate:,.0f}/s, p99 {http['p99_ms']:.0f} ms, {len(errors)} errors",
        ceiling=f"pgbench {ceiling['tps']:,.0f}/s",
        ratio=f"{share:.1%}",
        target=f">= {TARGET:.0%}, 0 errors",
        ok=share >= TARGET and not errors,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--electors", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--pgbench-clients", type=int, default=8)
    parser.add_argument("--slices", type=int, default=5)
    args = parser.parse_args()
    main(args.seconds, args.electors, args.connections, args.pgbench_clients, args.slices)
