"""Render time and query count of the city month calendar at 10x the demo data.

Builds a fresh PostgreSQL database (default collabcity_bench_centri; BENCH_DATABASE_URL to
change it) with the city, ten copies of every centre and each copy's demo calendar, then
renders the month view of the whole city a few times and prints the figures.

    .venv/bin/python bench/centri_month_view.py [--copies 10] [--runs 5]
"""

import argparse
import os
import sys
import time

from common import BASE_DIR, bench_database_url, recreate_database, time_pages

sys.path.insert(0, str(BASE_DIR))
DATABASE_URL = bench_database_url("collabcity_bench_centri")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabcity.settings")


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
    from django.test import Client
    from django.test.utils import setup_test_environment

    from centri_sociali.models import Activity, Centre, Occurrence

    setup_test_environment()  # response.context, for the number of dates
    client = Client(HTTP_HOST="127.0.0.1")
    print(
        f"data: {Centre.objects.count()} centres, {Activity.objects.count()} series, "
        f"{Occurrence.objects.filter(cancelled=True).count()} suspended dates"
    )
    pages = [
        ("month view", "/centri-sociali/calendario/?vista=mese"),
        ("week view", "/centri-sociali/calendario/?vista=settimana"),
        ("list view, page 1", "/centri-sociali/calendario/?vista=elenco"),
        ("city feed (.ics)", "/centri-sociali/calendario.ics"),
    ]

    def dates_shown(response) -> str:
        slots = response.context and response.context.get("slot_count")
        return f"{slots} dates" if slots else ""

    time_pages(client, pages, runs, describe=dates_shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure the existing database")
    args = parser.parse_args()
    if not args.reuse:
        recreate_database(DATABASE_URL)
    import django

    django.setup()
    if not args.reuse:
        started = time.perf_counter()
        build(args.copies)
        print(f"built {args.copies}x demo data in {time.perf_counter() - started:.0f} s")
    measure(args.runs)


if __name__ == "__main__":
    main()
