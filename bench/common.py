"""Shared set-up of the benchmarks: a throw-away PostgreSQL database, and timed page requests."""

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
