"""The portal on several machines: sessions in Redis, a read replica, media on S3 (README,
"Su più macchine"). Settings are read in a fresh process, as a deployment would."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from storages.backends.s3 import S3Storage

from accordi.models import Agreement
from collabcity import registry
from collabcity.replica import ReplicaReadsMiddleware, ReplicaRouter
from collabcity.s3 import PrivateS3Storage
from consulte.models import Election, VotingPoint
from consulte.portal import ELECTION_MODELS
from tests.collabcity.test_deploy import check_deploy, run_manage
from tests.consulte.council_factories import CouncilFactory
from tests.consulte.factories import CandidateFactory, ElectionFactory
from tests.factories import QuartiereFactory, UserFactory

SHOWN = (
    "SESSION_ENGINE",
    "SESSION_CACHE_ALIAS",
    "CACHES",
    "DATABASES",
    "DATABASE_ROUTERS",
    "MIDDLEWARE",
    "STORAGES",
)


def settings_with(**env: str) -> dict:
    """The settings that matter here, as manage.py would load them with `env`."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SHOWN!r}}}, default=str))"
    )
    result = run_manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refusal(**env: str) -> str:
    result = run_manage("check", **env)
    assert result.returncode != 0
    return result.stderr


# --- Sessions ------------------------------------------------------------------------------


def test_sessions_stay_in_the_database_without_redis():
    shown = settings_with(SESSION_ENGINE="", REDIS_URL="")
    assert shown["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert "sessions" not in shown["CACHES"]


def test_sessions_are_read_from_redis_in_front_of_the_database_when_there_is_redis():
    shown = settings_with(SESSION_ENGINE="", REDIS_URL="redis://cache.internal:6379/0")
    assert shown["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert shown["SESSION_CACHE_ALIAS"] == "sessions"


@pytest.mark.parametrize("engine", ["cached_db", "cache", "django.contrib.sessions.backends.cache"])
def test_sessions_in_redis_have_their_own_cache_alias(engine):
    shown = settings_with(SESSION_ENGINE=engine, REDIS_URL="redis://cache.internal:6379/0")
    assert shown["SESSION_ENGINE"] == "django.contrib.sessions.backends." + engine.split(".")[-1]
    assert shown["SESSION_CACHE_ALIAS"] == "sessions"
    assert shown["CACHES"]["sessions"] == {
        "BACKEND": "collabcity.redis_cache.PortalRedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
        "KEY_PREFIX": "collabcity-sessions",
    }


def test_sessions_may_live_on_a_redis_of_their_own():
    shown = settings_with(
        SESSION_ENGINE="cache",
        REDIS_URL="redis://cache.internal:6379/0",
        SESSION_REDIS_URL="redis://sessions.internal:6379/0",
    )
    assert shown["CACHES"]["sessions"]["LOCATION"] == "redis://sessions.internal:6379/0"
    assert shown["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"


def test_sessions_in_a_cache_need_redis():
    assert "SESSION_ENGINE=cached_db needs REDIS_URL" in refusal(
        SESSION_ENGINE="cached_db", REDIS_URL=""
    )


def test_an_unknown_session_engine_is_refused():
    # Signed cookies would keep a voting terminal's verification in the browser, out of reach.
    assert "SESSION_ENGINE must be one of db, cached_db, cache" in refusal(
        SESSION_ENGINE="signed_cookies"
    )


# --- Read replica ----------------------------------------------------------------------------


def test_the_replica_is_a_second_database_with_the_router_and_its_middleware():
    shown = settings_with(
        DATABASE_URL="postgres://portal@db-primary.internal:5432/collabcity",
        DATABASE_REPLICA_URL="postgres://portal@db-replica.internal:5432/collabcity",
    )
    replica = shown["DATABASES"]["replica"]
    assert (replica["HOST"], replica["NAME"]) == ("db-replica.internal", "collabcity")
    assert shown["DATABASES"]["default"]["HOST"] == "db-primary.internal"
    assert shown["DATABASE_ROUTERS"] == ["collabcity.replica.ReplicaRouter"]
    middleware = shown["MIDDLEWARE"]
    assert middleware.index("collabcity.replica.ReplicaReadsMiddleware") == (
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    )


def test_without_a_replica_there_is_no_router():
    shown = settings_with(DATABASE_REPLICA_URL="")
    assert "replica" not in shown["DATABASES"]
    assert shown["DATABASE_ROUTERS"] == []
    assert "collabcity.replica.ReplicaReadsMiddleware" not in shown["MIDDLEWARE"]


def test_postgresql_connections_bind_values_on_the_server_and_prepare_what_repeats():
    shown = settings_with(
        DATABASE_URL="postgres://portal@db-primary.internal:5432/collabcity",
        DATABASE_REPLICA_URL="postgres://portal@db-replica.internal:5432/collabcity",
        DB_PREPARE_THRESHOLD="",  # whatever the shell running the tests says
    )
    for alias in ("default", "replica"):
        options = shown["DATABASES"][alias]["OPTIONS"]
        assert options == {"server_side_binding": True, "prepare_threshold": 5}
    behind_a_pooler = settings_with(
        DATABASE_URL="postgres://portal@db-primary.internal:5432/collabcity",
        DB_PREPARE_THRESHOLD="Off",
    )
    assert behind_a_pooler["DATABASES"]["default"]["OPTIONS"]["prepare_threshold"] is None
    embedded = settings_with(DATABASE_URL="sqlite:///db.sqlite3")
    assert embedded["DATABASES"]["default"]["OPTIONS"] == {}


@pytest.mark.django_db
def test_a_query_run_again_and_again_is_prepared_on_its_connection():
    statement = "SELECT count(*) FROM collabcity_quartiere WHERE id > %s"
    with connections["default"].cursor() as cursor:
        for _ in range(6):
            cursor.execute(statement, [0])
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert statement.replace("%s", "$1") in prepared


# --- Media on S3 -----------------------------------------------------------------------------

S3_ENV = {
    "MEDIA_S3_BUCKET": "collabcity-media",
    "MEDIA_S3_ENDPOINT_URL": "https://s3.example.invalid",
    "MEDIA_S3_REGION": "eu-south-1",
    "MEDIA_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "MEDIA_S3_SECRET_ACCESS_KEY": "example-secret",
}


def test_media_go_to_the_bucket_public_and_private_under_their_own_prefix():
    storages = settings_with(**S3_ENV)["STORAGES"]
    public, private = storages["default"], storages["private"]
    assert public["BACKEND"] == "storages.backends.s3.S3Storage"
    assert private["BACKEND"] == "collabcity.s3.PrivateS3Storage"
    for storage in (public, private):
        assert storage["OPTIONS"]["bucket_name"] == "collabcity-media"
        assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.invalid"
        assert storage["OPTIONS"]["region_name"] == "eu-south-1"
        assert storage["OPTIONS"]["default_acl"] is None
        assert storage["OPTIONS"]["file_overwrite"] is False
    assert (public["OPTIONS"]["location"], private["OPTIONS"]["location"]) == ("media", "private")
    assert public["OPTIONS"]["querystring_auth"] is True  # signed links: the bucket stays closed
    assert storages["staticfiles"]["BACKEND"].startswith("django.")  # static files: WhiteNoise


def test_private_files_may_have_a_bucket_of_their_own_and_public_ones_a_domain():
    storages = settings_with(
        **S3_ENV,
        MEDIA_S3_PRIVATE_BUCKET="collabcity-private",
        MEDIA_S3_CUSTOM_DOMAIN="media.partecipa.comune.re.it",
    )["STORAGES"]
    assert storages["private"]["OPTIONS"]["bucket_name"] == "collabcity-private"
    assert storages["default"]["OPTIONS"]["custom_domain"] == "media.partecipa.comune.re.it"
    assert storages["default"]["OPTIONS"]["querystring_auth"] is False


def test_without_a_bucket_media_stay_on_disk():
    storages = settings_with(MEDIA_S3_BUCKET="")["STORAGES"]
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["BACKEND"] == "collabcity.files.PrivateStorage"


def s3_storages() -> tuple[S3Storage, S3Storage]:
    storages = settings_with(**S3_ENV)["STORAGES"]
    return (
        S3Storage(**storages["default"]["OPTIONS"]),
        PrivateS3Storage(**storages["private"]["OPTIONS"]),
    )


def test_no_file_is_ever_uploaded_with_an_acl():
    for storage in s3_storages():
        assert "ACL" not in storage._get_write_parameters("consulte/verbale.pdf")


def test_a_private_file_in_the_bucket_has_the_permission_checking_view_as_its_url():
    public, private = s3_storages()
    assert private.url("consulte/liste/lista.csv") == "/riservati/consulte/liste/lista.csv"
    assert "X-Amz-Signature=" in public.url("consulte/verbale.pdf")


def test_check_deploy_is_clean_on_several_machines():
    result = check_deploy(
        REDIS_URL="redis://cache.internal:6379/0",
        SESSION_ENGINE="cached_db",
        DATABASE_REPLICA_URL="postgres://portal@db-replica.internal:5432/collabcity",
        **S3_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- The router ------------------------------------------------------------------------------


def in_request(method: str, user, read):
    """What `read()` returns inside ReplicaReadsMiddleware, for a request by `user`."""
    request = getattr(RequestFactory(), method.lower())("/")
    request.user = user
    return ReplicaReadsMiddleware(lambda request: read())(request)


def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def read_agreements():
    return ReplicaRouter().db_for_read(Agreement)


def test_anonymous_get_and_head_read_public_models_from_the_replica(routed):
    assert in_request("GET", anonymous(), read_agreements) == "replica"
    assert in_request("HEAD", anonymous(), read_agreements) == "replica"


@pytest.mark.django_db
def test_logged_in_people_and_posts_read_the_primary():
    assert in_request("GET", UserFactory(), read_agreements) == "default"
    assert in_request("POST", anonymous(), read_agreements) == "default"


def test_public_reads_come_from_the_replica_only_in_an_anonymous_get(routed):
    from collabcity.replica import public_read_alias

    assert in_request("GET", anonymous(), public_read_alias) == "replica"
    assert in_request("POST", anonymous(), public_read_alias) == "default"
    assert public_read_alias() == "default"


def test_with_no_replica_a_stored_pages_lookup_reads_the_primary(routed, settings):
    """The page cache looks pages up before ReplicaReadsMiddleware runs; with no replica
    configured its reads must stay where everything else is."""
    from collabcity.replica import anonymous_reads, public_read_alias

    with anonymous_reads():
        assert public_read_alias() == "replica"
    settings.DATABASE_ROUTERS = []
    with anonymous_reads():
        assert public_read_alias() == "default"


def test_outside_a_request_everything_reads_the_primary():
    # Celery tasks, management commands, the shell.
    assert read_agreements() == "default"


def test_elections_sessions_and_through_tables_read_the_primary_even_on_public_pages():
    through = VotingPoint.poll_workers.through
    for model in (Election, Session, through):
        assert in_request("GET", anonymous(), lambda m=model: ReplicaRouter().db_for_read(m)) == (
            "default"
        )


@pytest.mark.django_db
def test_reads_in_a_transaction_or_after_a_write_go_to_the_primary():
    def in_transaction():
        with transaction.atomic():
            return read_agreements()

    def after_a_write():
        assert ReplicaRouter().db_for_write(Agreement) == "default"
        return read_agreements()

    assert in_request("GET", anonymous(), in_transaction) == "default"
    assert in_request("GET", anonymous(), after_a_write) == "default"


def test_every_model_that_belongs_to_an_election_reads_the_primary():
    from django.apps import apps

    def belongs(model, seen=()) -> bool:
        """Whether the model's rows cannot exist without an election (a council's member, who
        may have been elected, can)."""
        if model is Election:
            return True
        return any(
            not field.null and belongs(field.related_model, (*seen, model))
            for field in model._meta.concrete_fields
            if field.is_relation
            and field.related_model._meta.app_label == "consulte"
            and field.related_model not in seen
        )

    election_models = {m for m in apps.get_app_config("consulte").get_models() if belongs(m)}
    assert election_models == set(ELECTION_MODELS)
    assert all(registry.reads_primary(model._meta.label) for model in election_models)


@pytest.fixture
def routed(settings):
    settings.DATABASE_ROUTERS = ["collabcity.replica.ReplicaRouter"]
    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: auth + 1],
        "collabcity.replica.ReplicaReadsMiddleware",
        *settings.MIDDLEWARE[auth + 1 :],
    ]


def queries_by_database(client, method: str, url: str, **data) -> dict[str, list[str]]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(url, data)
    assert response.status_code in (200, 302)
    return {
        "default": [q["sql"] for q in primary.captured_queries],
        "replica": [q["sql"] for q in replica.captured_queries],
    }


ELECTION_TABLES = ("consulte_election", "consulte_candidate", "consulte_ballotbox")


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_public_page_reads_the_replica_and_an_election_page_the_primary_too(client, routed):
    quartiere = QuartiereFactory()
    home = queries_by_database(client, "get", "/")
    assert home["replica"]
    quartiere_page = queries_by_database(client, "get", f"/quartieri/{quartiere.slug}/")
    assert any("collabcity_quartiere" in sql for sql in quartiere_page["replica"])

    election = ElectionFactory(council=CouncilFactory())
    CandidateFactory(election=election)
    page = queries_by_database(client, "get", election.get_absolute_url())
    assert any("consulte_election" in sql for sql in page["default"])
    assert any("consulte_candidate" in sql for sql in page["default"])
    assert not any(table in sql for sql in page["replica"] for table in ELECTION_TABLES)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_logged_in_visitor_and_a_form_read_only_the_primary(client, routed):
    quartiere = QuartiereFactory()
    client.force_login(UserFactory())
    logged_in = queries_by_database(client, "get", f"/quartieri/{quartiere.slug}/")
    assert logged_in["default"] and not logged_in["replica"]
    client.logout()
    login = {"login": "nessuno@example.invalid", "password": "sbagliata"}
    posted = queries_by_database(client, "post", reverse("account_login"), **login)
    assert any("collabcity_user" in sql for sql in posted["default"])
    assert not posted["replica"]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_cached_page_is_stored_under_the_version_its_replica_had(client, routed):
    QuartiereFactory()
    pages = queries_by_database(client, "get", "/quartieri/")
    assert any("collabcity_page_version" in sql for sql in pages["replica"])
    assert not any("collabcity_page_version" in sql for sql in pages["default"])
