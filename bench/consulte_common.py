"""Shared set-up of the consulte benchmarks: a throw-away PostgreSQL database, migrated."""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/collabcity_bench"


def bench_database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


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


def setup_django(url: str) -> None:
    """Point Django at the bench database (no Redis: tasks eager, cache in memory)."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabcity.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_election(*, open_now: bool, candidates: int = 6):
    import datetime

    from django.utils import timezone

    from collabcity.models import Ambito, Quartiere
    from consulte.models import Candidate, Council, Election, Elector

    now = timezone.now()
    ambito = Ambito.objects.create(code="B", name="Ambito B", slug="ambito-b")
    quartiere = Quartiere.objects.create(name="Orologio", slug="orologio", ambito=ambito)
    council = Council.objects.create(ambito=ambito, name="Consulta B", slug="ambito-b")
    election = Election.objects.create(
        council=council,
        title="Elezione di prova",
        seats=3,
        nomination_opens_at=now - datetime.timedelta(days=30),
        nomination_closes_at=now - datetime.timedelta(days=20),
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1 if open_now else 2),
    )
    made = []
    for n in range(candidates):
        gender = "F" if n % 2 else "M"
        elector = Elector.objects.create(
            election=election,
            fiscal_code=f"CANDIDATO{n:07d}",
            first_name=f"Nome{n}",
            last_name=f"Cognome{n}",
            birth_date=datetime.date(1960 + n, 1, 1),
            gender=gender,
            quartiere=quartiere,
        )
        made.append(
            Candidate.objects.create(
                election=election,
                elector=elector,
                first_name=elector.first_name,
                last_name=elector.last_name,
                gender=gender,
                birth_date=elector.birth_date,
                statement="Presentazione.",
                status=Candidate.Status.APPROVED,
            )
        )
    return election, quartiere, made
