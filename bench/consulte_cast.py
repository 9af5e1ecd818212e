"""Ballots cast per second through the real HTTP path: gunicorn (several worker processes) on
PostgreSQL, concurrent clients each logged in as a different verified elector.

    .venv/bin/python bench/consulte_cast.py [electors] [gunicorn workers] [client processes]

Uses its own database (BENCH_DATABASE_URL, default collabcity_bench_cast), dropped at the end.
Each client first loads its ballot page (session cookie, real CSRF token), then all clients
start together and POST the cast; the figure is casts / wall-clock seconds of that phase.
"""

import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from common import BASE_DIR, drop_database, recreate_database, setup_django
from consulte_common import make_election

THREADS_PER_CLIENT = 8
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def bench_url() -> str:
    return os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/collabcity_bench_cast"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(electors: int) -> tuple[int, list[str], list[int]]:
    """The election, verified electors and their logged-in sessions."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from collabcity.models import User
    from consulte.models import Elector, ElectorVerification

    election, quartiere, candidates, _shares = make_election(open_now=True)
    users = User.objects.bulk_create(
        [
            User(email=f"elettore{n}@bench.invalid", password=make_password(None))
            for n in range(electors)
        ]
    )
    rows = Elector.objects.bulk_create(
        [
            Elector(
                election=election,
                fiscal_code=f"BENCH{n:011d}",
                first_name="Nome",
                last_name=f"Cognome{n}",
                birth_date="1980-01-01",
                gender="F",
                quartiere=quartiere,
            )
            for n in range(electors)
        ]
    )
    ElectorVerification.objects.bulk_create(
        [
            ElectorVerification(election=election, elector=elector, user=user, method="code")
            for user, elector in zip(users, rows, strict=True)
        ]
    )
    sessions = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        sessions.append(session.session_key)
    return election.pk, sessions, [c.pk for c in candidates]


def client_process(base_url, election_id, sessions, candidate_ids, barrier, out):
    url = f"{base_url}/consulte/elezioni/{election_id}/scheda/"

    def load(session_key):
        http = requests.Session()
        http.cookies.set("sessionid", session_key)
        page = http.get(url, timeout=30)
        page.raise_for_status()
        return http, CSRF_RE.search(page.text).group(1)

    with ThreadPoolExecutor(THREADS_PER_CLIENT) as pool:
        ready = list(pool.map(load, sessions))

    def cast(item):
        index, (http, token) = item
        choice = [candidate_ids[index % len(candidate_ids)]]
        started = time.perf_counter()
        response = http.post(
            url,
            data={"csrfmiddlewaretoken": token, "step": "cast", "candidate": choice},
            headers={"Referer": url},
            timeout=60,
        )
        return response.status_code, time.perf_counter() - started

    barrier.wait()
    with ThreadPoolExecutor(THREADS_PER_CLIENT) as pool:
        results = list(pool.map(cast, enumerate(ready)))
    out.put(results)


def main(electors: int, workers: int, clients: int) -> None:
    url = bench_url()
    recreate_database(url)
    server = None
    try:
        setup_django(url)
        election_id, sessions, candidate_ids = prepare(electors)
        from django.db import connections

        connections.close_all()
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "DB_CONN_MAX_AGE": "600", "DEBUG": "false"}
        env.pop("REDIS_URL", None)
        server = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
            [
                str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
                "collabcity.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
        )
        base_url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{base_url}/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        barrier = multiprocessing.Barrier(clients + 1)
        out = multiprocessing.Queue()
        slices = [sessions[n::clients] for n in range(clients)]
        processes = [
            multiprocessing.Process(
                target=client_process,
                args=(base_url, election_id, part, candidate_ids, barrier, out),
            )
            for part in slices
        ]
        for process in processes:
            process.start()
        barrier.wait()  # every client has its page and token: go
        started = time.perf_counter()
        results = [item for _ in processes for item in out.get()]
        elapsed = time.perf_counter() - started
        for process in processes:
            process.join()

        from consulte.models import ElectorVote, Envelope

        statuses = [status for status, _latency in results]
        latencies = sorted(latency for _status, latency in results)
        print(
            f"{len(results)} casts by {clients} client processes x {THREADS_PER_CLIENT} threads, "
            f"gunicorn {workers} workers: {elapsed:.2f} s -> {len(results) / elapsed:.0f} ballots/s"
        )
        print(
            f"  latency median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms; "
            f"HTTP statuses {sorted(set(statuses))}"
        )
        ballots = Envelope.objects.filter(election_id=election_id).count()
        votes = ElectorVote.objects.filter(election_id=election_id).count()
        print(
            f"  stored: {ballots} sealed envelopes, {votes} electors marked as voted "
            f"(expected {electors})"
        )
        assert ballots == votes == electors and set(statuses) == {200}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        drop_database(url)


if __name__ == "__main__":
    args = [int(value) for value in sys.argv[1:]]
    main(*(args + [2000, 4, 4][len(args) :]))
