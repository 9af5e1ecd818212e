import io
import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation

from collabcity import auth_backends, page_cache
from tests.demo_city import DatabaseSnapshot
from tests.factories import UserFactory


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(
            f"The tests run on PostgreSQL, not on {engine}: run them with `make test` "
            "(or set DATABASE_URL to a PostgreSQL database)."
        )
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        raise pytest.UsageError(
            "The tests need a real Redis broker: set REDIS_URL (make test does)."
        )
    _own_redis_database_per_worker()
    # The read replica of the routing tests (tests/collabcity/test_scale_out.py): a second
    # connection to the test database, used only where a test turns the router on.
    settings.DATABASES.setdefault(
        "replica", {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}
    )
    # Notification templates of the outbox's own tests ("tests/message": subject and body as given).
    settings.TEMPLATES[0]["DIRS"].append(settings.BASE_DIR / "tests" / "templates")
    # A deliberately slow hash protects stored passwords, not test accounts: with the default
    # (PBKDF2, a million rounds) every user a factory or the demo creates costs a fifth of a
    # second, minutes over the suite. Production keeps the default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _own_redis_database_per_worker():
    """Under pytest-xdist each worker has its own test database (pytest-django adds the worker's
    name): it gets its own Redis database too, or one worker's `cache.clear()` would wipe the
    rate-limit counters another worker's test is counting, and queued tasks would mix."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    from django.core.cache import caches

    from collabcity.celery import app as celery_app

    parts = urlsplit(settings.REDIS_URL)
    database = int(parts.path.lstrip("/") or 0) + int(worker.removeprefix("gw"))
    if database > 15:
        raise pytest.UsageError(f"Too many workers for Redis's 16 databases ({worker}).")
    url = urlunsplit(parts._replace(path=f"/{database}"))
    for alias in settings.CACHES.values():
        if alias.get("LOCATION") == settings.REDIS_URL:
            alias["LOCATION"] = url
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    celery_app.conf.broker_url = url
    # The cache handler read CACHES when Django set up; it must read it again.
    caches.__dict__.pop("settings", None)


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The cache is the real Redis: rate-limit counters must not leak from one test to the next.
    # Nor fragments kept in this process: a rolled-back test gives the next one the same page
    # version, which production never does.
    cache.clear()
    page_cache.fragments_kept_here.clear()
    yield
    cache.clear()
    page_cache.fragments_kept_here.clear()


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture(autouse=True, scope="session")
def _demo_shares_in_tmp(tmp_path_factory):
    # seed_demo writes the demo guardians' shares to files: never into the checkout in tests.
    from consulte.elections import demo as election_demo

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(election_demo, "DEMO_SHARES_DIR", tmp_path_factory.mktemp("garanti"))
        yield


@dataclass(frozen=True)
class DemoCitySnapshots:
    seeded: DatabaseSnapshot
    seeded_again: DatabaseSnapshot
    second_output: str


@pytest.fixture(scope="session")
def _demo_city_snapshots(
    django_db_setup, django_db_blocker, tmp_path_factory, _demo_shares_in_tmp
) -> DemoCitySnapshots:
    # Seeded in a transaction that is rolled back: the database stays empty for the other tests.
    # Seeding a second time on top is what every "idempotent" test checks, so it is done once.
    file_roots = {
        "MEDIA_ROOT": tmp_path_factory.mktemp("demo-media"),
        "PRIVATE_MEDIA_ROOT": tmp_path_factory.mktemp("demo-private-media"),
    }
    with (
        django_db_blocker.unblock(),
        override_settings(**file_roots),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        seeded = DatabaseSnapshot.take(connection, file_roots)
        second_output = io.StringIO()
        call_command("seed_demo", stdout=second_output)
        seeded_again = DatabaseSnapshot.take(connection, file_roots)
        transaction.set_rollback(True)
    return DemoCitySnapshots(seeded, seeded_again, second_output.getvalue())


@pytest.fixture
def demo_city(db, settings, tmp_path, _demo_city_snapshots):
    """The database as `seed_demo` leaves it on an empty one, its files in the media folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    _demo_city_snapshots.seeded.restore(connection, settings)


@pytest.fixture
def seed_demo_again(demo_city, settings, _demo_city_snapshots):
    """Call it to have the database as a second `seed_demo` leaves it; returns what it printed."""

    def seed_again() -> str:
        _demo_city_snapshots.seeded_again.restore(connection, settings)
        return _demo_city_snapshots.second_output

    return seed_again


@pytest.fixture(autouse=True)
def _broker_breaker_closed():
    """A test that trips the outbox's circuit breaker must not silence the next tests."""
    from collabcity.notifications import broker_breaker

    broker_breaker.reset()
    yield
    broker_breaker.reset()


@pytest.fixture
def uncached_pages(client, monkeypatch):
    """For tests that count the queries of rendering a public page: any cookie but the CSRF and
    language ones keeps `client`'s requests away from the page cache, and with no version the
    pages' shared fragments are rendered too (both tested on their own in
    tests/collabcity/test_page_cache.py and test_shared_fragments.py)."""
    client.cookies["rendering-only"] = "1"
    monkeypatch.setattr(page_cache, "current_version", lambda: None)
    # Nor the version a signed-in person's query brings.
    monkeypatch.setattr(auth_backends, "WITH_PAGE_VERSION", "")
    return client


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's language. LocaleMiddleware activates a request's language
    in the thread and nothing deactivates it (the next request sets its own): a test whose last
    request was in English left its worker in English, and a later test that calls a service
    directly got English messages, or not, depending on how xdist shared out the tests."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
