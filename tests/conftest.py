import pytest
from django.conf import settings
from django.core.cache import cache

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


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The cache is the real Redis: rate-limit counters must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()


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
    from consulte import election_demo

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(election_demo, "DEMO_SHARES_DIR", tmp_path_factory.mktemp("garanti"))
        yield
