"""Render time and query count of the public agreements list, search and open data at scale.

Builds a fresh PostgreSQL database (default collabcity_bench_accordi; BENCH_DATABASE_URL to
change it) with the city and `--agreements` public agreements (each with three parties, two
quartieri, four commitments, an indicator with measurements), then requests the list, a
filtered list, a full-text search and both exports a few times and prints the figures.

    .venv/bin/python bench/accordi_list.py [--agreements 2000] [--runs 5] [--reuse]
"""

import argparse
import os
import sys
import time

from common import BASE_DIR, bench_database_url, recreate_database, time_pages

sys.path.insert(0, str(BASE_DIR))
DATABASE_URL = bench_database_url("collabcity_bench_accordi")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabcity.settings")

WORDS = [
    "orti urbani condivisi",
    "cura del verde nel parco",
    "doposcuola per i ragazzi delle medie",
    "portierato di quartiere per gli anziani",
    "biblioteca di condominio",
    "camminate e ginnastica dolce",
    "repair café e riuso",
    "festa di strada tra vicini",
]


def build(count: int) -> None:
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from accordi.models import (
        Agreement,
        Commitment,
        Indicator,
        Measurement,
        Party,
        Status,
        Theme,
    )
    from collabcity.management.commands.seed_demo import Command
    from collabcity.models import Organisation, Quartiere

    call_command("migrate", verbosity=0)
    Command().load_city()
    rng = random.Random(5)  # noqa: S311 - benchmark data
    today = timezone.localdate()
    quartieri = list(Quartiere.objects.all())
    organisations = list(Organisation.objects.exclude(kind="comune"))
    comune = Organisation.objects.get(kind="comune")
    statuses = [Status.APPROVED, Status.SIGNED, Status.ACTIVE, Status.CONCLUDED]
    for n in range(count):
        start = today - timedelta(days=rng.randint(0, 2000))
        status = rng.choice(statuses)
        agreement = Agreement.objects.create(
            title=f"{rng.choice(WORDS).capitalize()} n. {n}",
            slug=f"accordo-{n}",
            theme=rng.choice(Theme.values),
            summary=" ".join(rng.sample(WORDS, 3)),
            objectives="\n".join(rng.sample(WORDS, 2)),
            start_date=start,
            end_date=start + timedelta(days=365),
            status=status,
            resolution_number=f"{n}/2025",
            resolution_date=start - timedelta(days=30),
            approved_at=timezone.now(),
            final_report="Fatto." if status == Status.CONCLUDED else "",
        )
        agreement.quartieri.set(rng.sample(quartieri, 2))
        parties = [
            Party.objects.create(
                agreement=agreement,
                kind="comune",
                organisation=comune,
                signatory_name="Lucia Verdi",
                signatory_role="Assessora",
            ),
            *[
                Party.objects.create(
                    agreement=agreement,
                    kind="organizzazione",
                    organisation=organisation,
                    signatory_name="Firmatario",
                    signatory_role="Presidente",
                )
                for organisation in rng.sample(organisations, 2)
            ],
        ]
        for kind in rng.sample(Commitment.Kind.values, 4):
            Commitment.objects.create(
                agreement=agreement,
                party=rng.choice(parties),
                kind=kind,
                description="Impegno",
                amount=Decimal(rng.randint(10, 5000)),
            )
        indicator = Indicator.objects.create(
            agreement=agreement, name="Persone coinvolte", unit="persone", target=100
        )
        for month in range(3):
            Measurement.objects.create(
                indicator=indicator,
                measured_on=start + timedelta(days=30 * month),
                value=rng.randint(0, 100),
            )


def measure(runs: int) -> None:
    from django.test import Client

    from accordi.models import Agreement

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"data: {Agreement.objects.public().count()} public agreements")
    pages = [
        ("list, page 1", "/accordi/"),
        ("list, quartiere+tema", "/accordi/?quartiere=orologio&tema=verde"),
        ("full-text search", "/accordi/?q=ragazzo+parco"),
        ("agreement page", "/accordi/accordo-7/"),
        ("CSV, all", "/accordi/dati/accordi.csv"),
        ("JSON, all", "/accordi/dati/accordi.json"),
    ]
    time_pages(client, pages, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure the existing database")
    args = parser.parse_args()
    if not args.reuse:
        recreate_database(DATABASE_URL)
    import django

    django.setup()
    if not args.reuse:
        started = time.perf_counter()
        build(args.agreements)
        print(f"built {args.agreements} agreements in {time.perf_counter() - started:.0f} s")
    measure(args.runs)


if __name__ == "__main__":
    main()
