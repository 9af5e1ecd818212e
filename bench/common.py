"""Shared set-up of the benchmarks: a throw-away PostgreSQL database, and timed page requests."""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def bench_database_url(name: str = "collabcity_bench") -> str:
    return os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{name}")


def _admin_connection(url: str):
    import psycopg

    parsed = urlparse(url)
    return psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    )


def recreate_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str, redis_url: str | None = None) -> None:
    """Point Django at the bench database; without redis_url, tasks run eagerly in memory."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DATABASE_URL"] = url
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabcity.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def time_pages(client, pages: list[tuple[str, str]], runs: int, describe=None) -> None:
    """Request each (label, url) `runs` times after a warm-up; print median time and queries.

    `describe(response)` may add a few words to the line (e.g. how many dates a view showed).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for label, url in pages:
        client.get(url)  # warm caches, templates and the connection
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        extra = describe(response) if describe else ""
        print(
            f"{label:22} median {statistics.median(timings) * 1000:7.0f} ms "
            f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}), "
            f"{len(queries.captured_queries)} queries, {len(response.content) // 1024} KiB"
            + (f", {extra}" if extra else "")
        )


# --- Benches over HTTP: gunicorn, wrk, pgbench, and the summary line each bench prints ---------

WRK_DIR = BASE_DIR / "bench" / "wrk"
BIN_DIR = Path(sys.executable).parent  # gunicorn sits beside the interpreter, in the venv
BENCH_SECRET_KEY = "collabcity-bench-only-not-a-secret"  # noqa: S105


def bench_redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def server_env(database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings (DEBUG off, manifest static files, Redis cache and broker) over plain
    HTTP on 127.0.0.1. The bench's own process uses them too, so that the sessions it makes are
    signed with the key the server checks."""
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }


def setup_production_django(database_url: str, redis_url: str) -> None:
    """Django in this process with the server's settings, on a migrated bench database, the
    static files collected (the manifest storage needs them) and the Redis database empty."""
    os.environ.update(server_env(database_url, redis_url))
    setup_django(database_url, redis_url)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    flush_redis(redis_url)


def seed_demo(database_url: str) -> None:
    """The demo city in the bench database. seed_demo refuses production settings (its accounts
    have a known password), so it runs in a process of its own with the development ones."""
    import subprocess

    env = {**os.environ, "DATABASE_URL": database_url}
    for name in ("DJANGO_ENV", "SECRET_KEY", "REDIS_URL", "DEBUG"):
        env.pop(name, None)
    subprocess.run(  # noqa: S603  (our own manage.py)
        [sys.executable, str(BASE_DIR / "manage.py"), "seed_demo"],
        env=env,
        check=True,
        capture_output=True,
    )


def flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`with Gunicorn("collabcity.wsgi", env) as base_url:` a server with 2 sync workers (as the
    issue measured), stopped on exit."""

    def __init__(self, app: str, env: dict[str, str], workers: int = 2, chdir: Path = BASE_DIR):
        self.app, self.env, self.workers, self.chdir = app, env, workers, chdir
        self.process = None

    def __enter__(self) -> str:
        import subprocess
        import urllib.request

        port = free_port()
        self.process = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
            [
                str(BIN_DIR / "gunicorn"),
                self.app,
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--chdir",
                str(self.chdir),
                "--log-level",
                "warning",
            ],
            env=self.env,
        )
        base_url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(base_url + "/", timeout=5)  # noqa: S310  (our server)
                return base_url
            except urllib.error.HTTPError:
                return base_url  # it answers; what a page says is the bench's business
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn {self.app} exited") from None
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.app} did not answer")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def wrk(
    url: str,
    *,
    seconds: float,
    connections: int = 50,
    threads: int = 2,
    script: str = "report.lua",
    headers: tuple[str, ...] = (),
    args: tuple[str, ...] = (),
) -> dict:
    """Run wrk with one of bench/wrk/*.lua and return the figures its done() prints as JSON:
    requests, seconds, rps, p50/p99/max (ms), errors (connect, read, write, timeout, status =
    answers that are not 2xx/3xx) and the script's own counters."""
    import json
    import subprocess

    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_DIR / script),
    ]
    for header in headers:
        command += ["-H", header]
    command += [url, *(["--", *args] if args else [])]
    output = subprocess.run(  # noqa: S603  (fixed program, our arguments)
        command, capture_output=True, text=True, check=True, cwd=WRK_DIR
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    return json.loads(line[4:])


def wrk_errors(figures: dict) -> int:
    return sum(figures["errors"].values())


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """(status, body) of one GET, without following redirects: a page that answers 302 to
    login or 404 must not be measured as if it were fast."""
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310  (our server)
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def make_sessions(users) -> list[tuple[str, str, str]]:
    """A logged-in session for each user, made beforehand with the configured session engine,
    and a CSRF cookie and form token for each: (session key, CSRF cookie, form token)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.models import Session
    from django.http import HttpRequest
    from django.middleware.csrf import get_token
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    bulk = settings.SESSION_ENGINE.endswith((".db", ".cached_db"))
    # cached_db: also in Redis, where the sign-in and the pages before the measured one left them.
    in_redis = settings.SESSION_ENGINE.endswith(".cached_db")
    rows, made, cached = [], [], {}
    for user in users:
        data = {
            SESSION_KEY: str(user.pk),
            # As a sign-in through allauth leaves it (the backend that reads the unread count
            # with the person).
            BACKEND_SESSION_KEY: "collabcity.auth_backends.PortalBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        store = store_class()
        if bulk:  # one INSERT for all; 32 random characters
            key = get_random_string(32, VALID_KEY_CHARS)
            if in_redis:
                cached[store_class.cache_key_prefix + key] = data
            rows.append(
                Session(
                    session_key=key,
                    session_data=store.encode(data),
                    expire_date=timezone.now() + datetime.timedelta(days=1),
                )
            )
        else:
            store.update(data)
            store.create()
            key = store.session_key
        request = HttpRequest()
        token = get_token(request)
        made.append((key, request.META["CSRF_COOKIE"], token))
    Session.objects.bulk_create(rows, batch_size=5000)
    if cached:
        from django.core.cache import caches

        day = datetime.timedelta(days=1).total_seconds()
        caches[settings.SESSION_CACHE_ALIAS].set_many(cached, timeout=day)
    return made


def write_sessions(path: Path, sessions: list[tuple[str, str, str]]) -> None:
    path.write_text("".join("\t".join(row) + "\n" for row in sessions))


def result(
    line: str, ours: str, *, ceiling: str = "", ratio: str = "", target: str = "", ok=None
) -> None:
    """One line of the summary `make bench` prints (bench/run_all.py collects these).
    ok=None for a figure that is only reported."""
    import json

    record = {
        "line": line,
        "ours": ours,
        "ceiling": ceiling,
        "ratio": ratio,
        "target": target,
        "ok": ok,
    }
    print("RESULT " + json.dumps(record, ensure_ascii=False), flush=True)
