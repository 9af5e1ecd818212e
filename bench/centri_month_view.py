"""Server time and queries of the city calendar at 10x the demo data, against issue 11's targets.

Builds a fresh PostgreSQL database (default collabcity_bench_centri; BENCH_DATABASE_URL to
change it) with the city, ten copies of every centre and each copy's demo calendar, then asks
the month, week and list views (each without and with filters) and the whole-city feed, and
prints for each the median and 95th percentile of the time the portal takes to answer, the
median processor time of the Python process (steadier than the clock on a shared machine), the
queries it ran, and the median against its target. The database is dropped at the end.

Pages are rendered on every request: the bench sends a cookie the page cache does not share,
so what is measured is the work of the view and its template, not a cache hit.

    .venv/bin/python bench/centri_month_view.py [--copies 10] [--runs 20] [--keep | --reuse]
"""

import argparse
import os
import statistics
import sys
import time

from common import BASE_DIR, bench_database_url, drop_database, recreate_database

sys.path.insert(0, str(BASE_DIR))
DATABASE_URL = bench_database_url("collabcity_bench_centri")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabcity.settings")

VIEW_TARGET_MS = 150
FEED_TARGET_MS = 500
CALENDAR = "/centri-sociali/calendario/"


def build(copies: int) -> None:
    import random
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from centri_sociali import demo
    from centri_sociali.models import Centre, Facility
    from collabcity.management.commands.seed_demo import Command

    call_command("migrate", verbosity=0)
    Command().load_city()
    demo.load_centres()
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
    # The planner's statistics, as autovacuum would have them on a portal in use.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def pages() -> list[tuple[str, str, int]]:
    """(label, url, target in ms): each view bare and with the filters people use most."""
    from django.db.models import Count

    from collabcity.models import Quartiere

    busiest = (
        Quartiere.objects.annotate(n=Count("centres")).order_by("-n", "name").values("slug")[0]
    )
    filters = {
        "by quartiere": f"quartiere={busiest['slug']}",
        "by category, free": "categoria=sport_benessere&gratuite=on",
    }
    listed = []
    for view, label in (("mese", "month"), ("settimana", "week"), ("elenco", "list")):
        listed.append((f"{label} view", f"{CALENDAR}?vista={view}", VIEW_TARGET_MS))
        for name, query in filters.items():
            listed.append((f"{label}, {name}", f"{CALENDAR}?vista={view}&{query}", VIEW_TARGET_MS))
    listed.append(("city feed (.ics)", "/centri-sociali/calendario.ics", FEED_TARGET_MS))
    return listed


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from centri_sociali.models import Activity, Centre, Occurrence

    client = Client(HTTP_HOST="127.0.0.1")
    # Any cookie but the CSRF and language ones makes the page cache render the page.
    client.cookies["bench"] = "render"
    print(
        f"data: {Centre.objects.count()} centres, {Activity.objects.count()} series, "
        f"{Occurrence.objects.filter(cancelled=True).count()} suspended dates"
    )
    print(
        f"{'page':28} {'median':>8} {'p95':>8} {'cpu':>7} {'queries':>8} {'KiB':>5} "
        f"{'target':>7} median/target"
    )
    for label, url, target in pages():
        for _ in range(3):  # warm the connection, the templates and the catalogues
            client.get(url)
        timings, cpu, query_counts = [], [], set()
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            query_counts.add(len(queries.captured_queries))
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1] if runs > 1 else timings[0]
        counted = "/".join(map(str, sorted(query_counts)))
        print(
            f"{label:28} {median:6.0f}ms {p95:6.0f}ms {statistics.median(cpu):5.0f}ms "
            f"{counted:>8} {len(response.content) // 1024:5} {target:5}ms {median / target:6.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="measure the kept database")
    args = parser.parse_args()
    if not args.reuse:
        recreate_database(DATABASE_URL)
    import django

    django.setup()
    try:
        if not args.reuse:
            started = time.perf_counter()
            build(args.copies)
            print(f"built {args.copies}x demo data in {time.perf_counter() - started:.0f} s")
        measure(args.runs)
    finally:
        if not (args.keep or args.reuse):
            from django.db import connections

            connections.close_all()
            drop_database(DATABASE_URL)


if __name__ == "__main__":
    main()
