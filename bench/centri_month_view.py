"""Render time and query count of the city month calendar at 10x the demo data.

Builds a fresh PostgreSQL database (default collabcity_bench_centri; BENCH_DATABASE_URL to
change it) with the city, ten copies of every centre and each copy's demo calendar, then
renders the month view of the whole city a few times and prints the figures.

    .venv/bin/python bench/centri_month_view.py [--copies 10] [--runs 5]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/collabcity_bench_centri"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabcity.settings")


def recreate_database() -> None:
    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def build(copies: int) -> None:
    import random
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from centri_sociali import demo
    from centri_sociali.models import Centre, Facility
    from collabcity.management.commands.seed_demo import Command

    call_command("migrate", verbosity=0)
    Command().load_city()
    originals = list(Centre.objects.order_by("pk"))
    for copy in range(2, copies + 1):
        for centre in originals:
            Centre.objects.create(
                name=f"{centre.name} ({copy})",
                slug=f"{centre.slug}-{copy}",
                kind=centre.kind,
                address=centre.address,
                quartiere=centre.quartiere,
                organisation=centre.organisation,
            )
    facilities = [
        Facility.objects.get_or_create(slug=f"servizio-{n}", defaults={"name": name})[0]
        for n, name in enumerate(demo.FACILITIES)
    ]
    today = timezone.localdate()
    season_start = (today.replace(day=1) - timedelta(days=45)).replace(day=1)
    season_end = season_start + timedelta(days=7 * 31)
    for index, centre in enumerate(Centre.objects.select_related("quartiere").order_by("pk")):
        rng = random.Random(centre.name)  # noqa: S311 - benchmark data
        demo.load_centre(centre, rng, facilities, index)
        demo.load_calendar(centre, rng, season_start, season_end, today)


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from centri_sociali.models import Activity, Centre, Occurrence

    setup_test_environment()  # response.context, for the number of dates
    client = Client(HTTP_HOST="127.0.0.1")
    print(
        f"data: {Centre.objects.count()} centres, {Activity.objects.count()} series, "
        f"{Occurrence.objects.filter(cancelled=True).count()} suspended dates"
    )
    for label, url in [
        ("month view", "/centri-sociali/calendario/?vista=mese"),
        ("week view", "/centri-sociali/calendario/?vista=settimana"),
        ("list view, page 1", "/centri-sociali/calendario/?vista=elenco"),
        ("city feed (.ics)", "/centri-sociali/calendario.ics"),
    ]:
        client.get(url)  # warm caches, templates and the connection
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        slots = response.context and response.context.get("slot_count")
        print(
            f"{label:18} median {statistics.median(timings) * 1000:7.0f} ms "
            f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}), "
            f"{len(queries.captured_queries)} queries, {len(response.content) // 1024} KiB"
            + (f", {slots} dates" if slots else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure the existing database")
    args = parser.parse_args()
    if not args.reuse:
        recreate_database()
    import django

    django.setup()
    if not args.reuse:
        started = time.perf_counter()
        build(args.copies)
        print(f"built {args.copies}x demo data in {time.perf_counter() - started:.0f} s")
    measure(args.runs)


if __name__ == "__main__":
    main()
