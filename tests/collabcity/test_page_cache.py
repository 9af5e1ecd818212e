"""The page cache (collabcity/page_cache.py): anonymous public pages served whole, never stale,
never personal."""

from datetime import time, timedelta

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accordi.models import Agreement, Call, Proposal, Status
from centri_sociali import calendar as centri_calendar
from centri_sociali import services as centri_services
from centri_sociali.models import Activity, Centre
from collabcity import page_cache
from collabcity.models import Quartiere
from consulte.models import Council, Election, Meeting, OpinionRequest
from tests.accordi.factories import agreement_in
from tests.centri_sociali.factories import weekly
from tests.consulte.factories import ElectionFactory
from tests.db import connection_settings
from tests.factories import (
    DEFAULT_PASSWORD,
    CentreFactory,
    NotificationFactory,
    QuartiereFactory,
    UserFactory,
)
from volontariato.models import Opportunity

# --- which pages are cached -----------------------------------------------------------------

# Every page of the portal is here, cached or not; third-party URLs (the admin, allauth) are
# never cached and are left out. A new page fails the matrix until it is put on one side.
CACHED = {
    "home",
    "quartiere_list",
    "quartiere_detail",
    "privacy",
    "accessibility",
    "legal_notes",
    "opendata",
    "opendata_turtle",
    "opendata_rdfxml",
    "consulte:index",
    "consulte:council_detail",
    "consulte:meeting_detail",
    "consulte:opinion_detail",
    "consulte:election_list",
    "consulte:election_detail",
    "consulte:election_results",
    "accordi:index",
    "accordi:about",
    "accordi:detail",
    "accordi:export_csv",
    "accordi:export_json",
    "accordi:call_list",
    "accordi:call_detail",
    "accordi:proposal_list",
    "accordi:proposal_map",
    "accordi:proposal_export_csv",
    "accordi:proposal_export_json",
    "accordi:proposal_detail",
    "centri_sociali:index",
    "centri_sociali:calendar",
    "centri_sociali:export_csv",
    "centri_sociali:export_json",
    "centri_sociali:calendar_feed",
    "centri_sociali:category_feed",
    "centri_sociali:centre_detail",
    "centri_sociali:centre_feed",
    "centri_sociali:activity_detail",
    "centri_sociali:occurrence_detail",
    "volontariato:index",
    "volontariato:opportunity_list",
    "volontariato:opportunity_detail",
    "volontariato:open_totals",
}
NOT_CACHED = {
    # Personal pages and acts (login required), and the files only some may download.
    "profile",
    "inbox",
    "inbox_mark_read",
    "private_file",
    "healthz",
    "set_language",
    "consulte:council_mine",
    "consulte:opinion_edit",
    # The election's personal steps: roll check, verification, candidacy, ballot, receipt.
    "consulte:election_roll_check",
    "consulte:election_verify",
    "consulte:election_verify_oidc",
    "consulte:election_nominate",
    "consulte:ballot",
    "consulte:receipt_lookup",
    "consulte:terminal_end",
    "consulte:key_ceremony",
    "consulte:open_envelopes",
    "consulte:voting_desk",
    "consulte:voting_desk_present",
    "consulte:voting_desk_mark",
    "consulte:voting_desk_issue_code",
    "consulte:voting_desk_count",
    # Streamed open data of a whole election: never stored (streaming responses are not).
    "consulte:election_opendata",
    "accordi:preview",
    "accordi:draft",
    "accordi:comment",
    "accordi:attachment",
    "accordi:proposal_create",
    "accordi:my_proposals",
    "accordi:moderation",
    "accordi:proposal_edit",
    "accordi:proposal_submit",
    "accordi:proposal_withdraw",
    "accordi:proposal_discard",
    "accordi:proposal_support",
    "accordi:proposal_follow",
    "accordi:proposal_comment",
    "accordi:comment_report",
    "accordi:comment_moderate",
    "accordi:proposal_evaluate",
    "accordi:proposal_decide",
    "accordi:proposal_convert",
    "accordi:proposal_attachment",
    "centri_sociali:occurrence_register",
    "centri_sociali:occurrence_unregister",
    "centri_sociali:my_registrations",
    "centri_sociali:manage_index",
    "centri_sociali:manage_centre",
    "centri_sociali:manage_centre_edit",
    "centri_sociali:manage_activity_create",
    "centri_sociali:manage_activity_edit",
    "centri_sociali:manage_activity_delete",
    "centri_sociali:manage_occurrence_cancel",
    "centri_sociali:manage_occurrence_restore",
    "centri_sociali:manage_occurrence_move",
    "centri_sociali:manage_occurrence_registrations",
    "centri_sociali:centre_follow",
    "volontariato:shift_signup",
    "volontariato:signup_cancel",
    "volontariato:submit_hours",
    "volontariato:apply",
    "volontariato:my_volunteering",
    "volontariato:preferences",
    "volontariato:personal_data",
    "volontariato:cease",
    "volontariato:certificate_request",
    # Looked up by a certificate's code: a person's record, as the receipts are.
    "volontariato:certificate_verify",
    "volontariato:certificate_download",
    "volontariato:coordination",
    "volontariato:shift_attendance",
    "volontariato:record_attendance",
    "volontariato:opportunity_create",
    "volontariato:opportunity_edit",
    "volontariato:shift_add",
    "volontariato:volunteer_list",
    "volontariato:volunteer_detail",
    "volontariato:totals",
}
THIRD_PARTY_PREFIXES = ("admin/", "account/")


def portal_views(patterns=None, namespace="", prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(THIRD_PARTY_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from portal_views(entry.url_patterns, inner, route)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.callback


def test_every_page_of_the_portal_is_cached_or_left_out_on_purpose():
    views = dict(portal_views())
    assert not CACHED & NOT_CACHED
    assert set(views) == CACHED | NOT_CACHED
    cached = {name for name, view in views.items() if getattr(view, "caches_public_page", False)}
    assert cached == CACHED


def public_urls() -> list[str]:
    """One address of every cached page, from the demo city."""
    council = Council.objects.first()
    closed = Election.objects.filter(result__isnull=False).first()
    activity = Activity.objects.published().filter(recurrence=Activity.Recurrence.WEEKLY).first()
    now = timezone.now()
    slot = centri_calendar.slots(activity.dates.overlapping(now, now + timedelta(days=120)), 1)[0]
    centre = Centre.objects.filter(activities__published=True).first()
    meeting = Meeting.objects.filter(council=council).first()
    opinion = OpinionRequest.objects.select_related("council").first()
    return [
        "/",
        "/quartieri/",
        Quartiere.objects.first().get_absolute_url(),
        "/privacy/",
        "/accessibilita/",
        "/note-legali/",
        "/dati/",
        "/dati/catalogo.ttl",
        "/dati/catalogo.rdf",
        "/consulte/",
        council.get_absolute_url(),
        f"{council.get_absolute_url()}riunioni/{meeting.pk}/",
        f"/consulte/{opinion.council.slug}/pareri/{opinion.pk}/",
        "/consulte/elezioni/",
        Election.objects.first().get_absolute_url(),
        f"/consulte/elezioni/{closed.pk}/risultati/",
        "/accordi/",
        "/accordi/?quartiere=" + Agreement.objects.public().first().quartieri.first().slug,
        "/accordi/come-funziona/",
        Agreement.objects.public().first().get_absolute_url(),
        "/accordi/dati/accordi.csv",
        "/accordi/dati/accordi.json",
        "/accordi/avvisi/",
        Call.objects.published().first().get_absolute_url(),
        "/accordi/proposte/",
        "/accordi/proposte/mappa/",
        "/accordi/proposte/dati/proposte.csv",
        "/accordi/proposte/dati/proposte.json",
        Proposal.objects.public().first().get_absolute_url(),
        "/centri-sociali/",
        "/centri-sociali/calendario/",
        "/centri-sociali/calendario/?vista=settimana",
        "/centri-sociali/calendario/?vista=giorno",
        "/centri-sociali/calendario/?vista=elenco",
        "/centri-sociali/dati/centri.csv",
        "/centri-sociali/dati/centri.json",
        "/centri-sociali/calendario.ics",
        f"/centri-sociali/calendario/categoria/{activity.category}.ics",
        centre.get_absolute_url(),
        f"{centre.get_absolute_url()}calendario.ics",
        activity.get_absolute_url(),
        f"/centri-sociali/attivita/{activity.pk}/{slot.key}/",
        "/volontariato/",
        "/volontariato/opportunita/",
        Opportunity.objects.published().first().get_absolute_url(),
        "/volontariato/dati/ore-per-quartiere.csv",
    ]


def test_a_second_anonymous_visit_is_served_from_the_cache_with_one_query(
    demo_city, django_assert_num_queries
):
    visitor = Client()
    for url in public_urls():
        first = visitor.get(url)
        assert first.status_code == 200, url
        with django_assert_num_queries(1):  # the version
            second = visitor.get(url)
        assert second.status_code == 200, url
        assert second.content == first.content, url
        assert second["Content-Type"] == first["Content-Type"], url


def test_no_personal_data_lands_in_a_cached_page(demo_city):
    person = UserFactory(first_name="Zebedeo", last_name="Quaglierini", email="zq@example.org")
    logged_in = Client()
    logged_in.force_login(person)
    visitor = Client()
    for url in public_urls():
        assert logged_in.get(url).status_code == 200, url
        body = visitor.get(url).content.decode()
        assert "Quaglierini" not in body, url
        assert "zq@example.org" not in body, url


# --- who is served from the cache -----------------------------------------------------------


@pytest.fixture
def quartiere(db):
    return QuartiereFactory(name="Rosta Nuova")


def test_a_logged_in_person_gets_their_own_page_and_it_is_not_stored(client, quartiere):
    Client().get("/")  # the anonymous page, now in the cache
    person = UserFactory(first_name="Zebedeo", last_name="Quaglierini")
    client.force_login(person)

    assert "Quaglierini" in client.get("/").content.decode()
    assert rendered(client, "/")
    assert "Quaglierini" not in Client().get("/").content.decode()
    assert not rendered(Client(), "/")


def rendered(client: Client, url: str, method: str = "get") -> bool:
    """Whether the view rendered the page rather than the cache answering it whole (a view
    whose shared fragments are cached may read nothing but the version either)."""
    response = getattr(client, method)(url)
    assert response.status_code == 200
    return bool(response.templates)


def test_a_request_with_a_session_is_neither_served_from_nor_stored_in_the_cache(quartiere):
    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "a-session-of-a-voting-terminal"
    assert rendered(with_session, "/")
    assert not cached_pages()

    assert rendered(Client(), "/")
    assert not rendered(Client(), "/")
    assert rendered(with_session, "/")


def cached_pages() -> list[str]:
    redis = page_cache.pages()._cache.get_client()
    return [key for key in redis.keys("*") if b":page:" in key]


def test_a_page_with_a_message_is_not_stored(quartiere):
    body = Client().get("/quartieri/", {"quartiere": "atlantide"}).content.decode()
    assert "Il quartiere scelto non esiste" in body

    assert not cached_pages()


def test_a_post_is_never_answered_from_the_cache(quartiere):
    Client().get("/")
    assert rendered(Client(), "/", "post")  # the home answers any method


def test_the_order_of_the_query_parameters_does_not_make_another_page(
    client, db, django_assert_num_queries
):
    client.get("/centri-sociali/calendario/", {"vista": "elenco", "categoria": "corsi"})
    with django_assert_num_queries(1):
        client.get("/centri-sociali/calendario/?categoria=corsi&vista=elenco")
    with django_assert_num_queries(1):
        client.head("/centri-sociali/calendario/?categoria=corsi&vista=elenco")


def test_a_repeated_parameter_in_another_order_is_another_page(client, db):
    # Django reads the last value: ?vista=mese&vista=elenco is the list, the other way the month.
    listed = client.get("/centri-sociali/calendario/?vista=mese&vista=elenco")
    month = client.get("/centri-sociali/calendario/?vista=elenco&vista=mese")
    assert listed.content != month.content


def test_pages_are_kept_in_a_cache_of_their_own(settings):
    # Made-up URLs fill that cache; the voting codes' and logins' counters live in "default".
    assert page_cache.pages() is caches["pages"]
    assert settings.CACHES["pages"]["KEY_PREFIX"] != settings.CACHES["default"]["KEY_PREFIX"]


def test_pages_in_italian_and_english_are_kept_apart(quartiere):
    visitor = Client()
    italian = visitor.get("/")
    visitor.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = visitor.get("/")
    browser_in_english = Client(headers={"accept-language": "en"}).get("/")

    assert italian["Content-Language"] == "it"
    assert "Comune di Reggio Emilia" in italian.content.decode()
    assert english["Content-Language"] == "en"
    assert "City of Reggio Emilia" in english.content.decode()
    assert browser_in_english.content == english.content
    assert Client().get("/").content == italian.content


def test_the_language_switch_works_without_a_csrf_token(quartiere):
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post("/i18n/setlang/", {"language": "en", "next": "/quartieri/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_cached_page_carries_no_csrf_token_and_sets_no_cookie(quartiere):
    Client().get("/")
    cached = Client().get("/")

    assert "csrfmiddlewaretoken" not in cached.content.decode()
    assert not cached.cookies
    assert cached["Content-Language"] == "it"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in cached["Vary"].split(",")}


def test_a_stored_page_is_answered_before_sessions_and_logins_are_looked_at(quartiere):
    first = Client().get("/")
    stored = Client().get("/")

    # The authentication middleware never ran: the page needed nobody.
    assert hasattr(first.wsgi_request, "user")
    assert not hasattr(stored.wsgi_request, "user")
    assert not hasattr(stored.wsgi_request, "session")
    # What the middleware inside added was stored with the page; the security headers are added
    # to every answer.
    for header in ("X-Frame-Options", "Content-Language", "Vary", "Content-Length"):
        assert stored[header] == first[header], header
    assert stored["X-Content-Type-Options"] == "nosniff"
    assert stored["Referrer-Policy"] == first["Referrer-Policy"]


def test_a_page_given_a_cookie_on_its_way_out_is_not_stored(quartiere, monkeypatch):
    """A middleware below the page cache may still make the answer personal."""
    from django.contrib.messages.middleware import MessageMiddleware

    def with_a_cookie(self, request, response):
        response.set_cookie("visitor", "someone")
        return response

    monkeypatch.setattr(MessageMiddleware, "process_response", with_a_cookie)
    assert rendered(Client(), "/")
    assert not cached_pages()


def test_a_deploy_does_not_serve_the_previous_releases_pages(quartiere, settings):
    settings.PAGE_CACHE_RELEASE = "before-the-deploy"
    assert rendered(Client(), "/")
    assert not rendered(Client(), "/")

    settings.PAGE_CACHE_RELEASE = "after-the-deploy"
    assert rendered(Client(), "/")
    assert not rendered(Client(), "/")


def test_by_default_the_release_is_a_digest_of_the_portals_files(settings, tmp_path):
    template = tmp_path / "page.html"
    template.write_text("<p>prima</p>")
    settings.PAGE_CACHE_RELEASE = ""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    page_cache.source_digest.cache_clear()
    try:
        before = page_cache.release()
        template.write_text("<p>dopo</p>")
        assert page_cache.release() == before  # read once per process
        page_cache.source_digest.cache_clear()
        assert page_cache.release() != before
    finally:
        page_cache.source_digest.cache_clear()


# --- the version ----------------------------------------------------------------------------


def tables_with_the_trigger() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s",
            [page_cache.TRIGGER],
        )
        return {table for (table,) in cursor.fetchall()}


def test_every_table_but_the_unshown_ones_is_tracked(db):
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    unshown = {
        "django_session",
        "django_admin_log",
        "collabcity_notification",
        "consulte_electorvote",
        "consulte_envelope",
        "consulte_electorverification",
        "consulte_votingcredential",
        "consulte_electionlogentry",
    }
    installed = tables_with_the_trigger()

    assert installed <= tables
    assert not installed & unshown
    for table in ("collabcity_user", "accordi_agreement", "accordi_agreement_quartieri"):
        assert table in installed
    assert "consulte_election" in installed
    assert "centri_sociali_occurrence" in installed


def test_the_version_counts_updates_bulk_inserts_and_raw_sql(db):
    agreement = agreement_in(Status.ACTIVE)
    before = page_cache.current_version()
    Agreement.objects.filter(pk=agreement.pk).update(title="Un titolo nuovo")
    after_update = page_cache.current_version()
    QuartiereFactory._meta.model.objects.bulk_create(
        [QuartiereFactory.build(ambito=agreement.quartieri.first().ambito)]
    )
    after_bulk = page_cache.current_version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE collabcity_ambito SET name = name")
    after_raw = page_cache.current_version()

    assert before < after_update < after_bulk < after_raw


def test_a_login_and_a_notification_leave_the_version_alone(db):
    person = UserFactory()
    before = page_cache.current_version()
    assert Client().login(email=person.email, password=DEFAULT_PASSWORD)
    Client().force_login(person)  # writes the last login and a session
    NotificationFactory(recipient=person)

    assert page_cache.current_version() == before


def test_compacting_the_log_keeps_the_version(db):
    QuartiereFactory()
    before = page_cache.current_version()
    page_cache.compact_page_changes()

    assert page_cache.current_version() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM collabcity_pagechange")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_when_the_writer_commits_not_before():
    # Seen from another connection, as another web process would see it.
    with psycopg.connect(**connection_settings(), autocommit=True) as other:

        def seen() -> int:
            return other.execute("SELECT collabcity_page_version()").fetchone()[0]

        before = seen()
        with transaction.atomic():
            QuartiereFactory()
            assert seen() == before
        assert seen() > before


# --- a change is visible at once -------------------------------------------------------------


def test_a_new_published_agreement_is_on_the_list_and_its_quartieri_at_once(client, quartiere):
    pages = ["/", "/accordi/", quartiere.get_absolute_url(), "/accordi/dati/accordi.csv"]
    for url in pages:
        client.get(url)

    agreement = agreement_in(
        Status.ACTIVE, title="Accordo per gli orti di Rosta", quartieri=[quartiere]
    )
    assert "orti di Rosta" in client.get("/accordi/").content.decode()
    assert "orti di Rosta" in client.get(quartiere.get_absolute_url()).content.decode()
    assert "orti di Rosta" in client.get("/accordi/dati/accordi.csv").content.decode()
    assert "orti di Rosta" in client.get(agreement.get_absolute_url()).content.decode()
    # The home lists the quartieri, not the agreements: a new quartiere is there at once.
    QuartiereFactory(name="Quartiere Nuovissimo")
    assert "Quartiere Nuovissimo" in client.get("/").content.decode()


def test_a_suspended_date_shows_on_every_calendar_view_and_on_the_centre_page(client, db):
    start = timezone.localtime() + timedelta(days=2)
    start = start.replace(hour=18, minute=0, second=0, microsecond=0)
    activity = weekly(starts_at=start, ends_at=start + timedelta(hours=1), published=True)
    day = start.date().isoformat()
    pages = [
        f"/centri-sociali/calendario/?data={day}",
        f"/centri-sociali/calendario/?vista=settimana&data={day}",
        f"/centri-sociali/calendario/?vista=giorno&data={day}",
        f"/centri-sociali/calendario/?vista=elenco&dal={day}",
        activity.centre.get_absolute_url(),
    ]
    for url in pages:
        assert "Sospesa" not in client.get(url).content.decode(), url

    centri_services.cancel_occurrence(activity=activity, original_start=start)

    for url in pages:
        assert "Sospesa" in client.get(url).content.decode(), url


# --- the clock -------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Moves timezone.now() (and with it every page and the cache's expiry) by an offset."""
    real_now = timezone.now
    offset = {"by": timedelta(0)}
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset["by"])

    def move(by: timedelta) -> None:
        offset["by"] += by

    return move


def test_an_election_opens_and_closes_by_the_clock_on_its_pages(client, db, clock):
    now = timezone.now()
    election = ElectionFactory(
        nomination_opens_at=now - timedelta(days=20),
        nomination_closes_at=now - timedelta(days=10),
        opens_at=now + timedelta(hours=1),
        closes_at=now + timedelta(hours=3),
    )
    pages = ["/consulte/elezioni/", election.get_absolute_url()]
    assert "Il voto non è ancora aperto." in client.get(pages[1]).content.decode()
    assert "non ci sono elezioni aperte" in client.get(pages[0]).content.decode()

    clock(timedelta(hours=1, seconds=1))
    assert "Il voto non è ancora aperto." not in client.get(pages[1]).content.decode()
    assert "non ci sono elezioni aperte" not in client.get(pages[0]).content.decode()

    clock(timedelta(hours=2))
    assert "Il voto è chiuso" in client.get(pages[1]).content.decode()


def test_a_date_becomes_past_at_its_start_on_its_page(client, db, clock):
    start = (timezone.localtime() + timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    activity = weekly(
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        published=True,
        registration_required=True,
        capacity=10,
    )
    key = centri_calendar.slots(activity.dates.all(), 1)[0].key
    url = f"/centri-sociali/attivita/{activity.pk}/{key}/"
    assert "Questa data è già passata." not in client.get(url).content.decode()

    clock(start - timezone.now() + timedelta(seconds=1))
    assert "Questa data è già passata." in client.get(url).content.decode()


def test_a_page_expires_at_midnight_in_rome(db, clock):
    CentreFactory()
    url = "/centri-sociali/calendario/?vista=giorno"
    visitor = Client()
    assert rendered(visitor, url)
    midnight = page_cache.next_midnight(timezone.now())
    assert timezone.localtime(midnight).time() == time(0)

    clock(midnight - timezone.now() - timedelta(seconds=1))
    assert not rendered(visitor, url)
    clock(timedelta(seconds=2))
    assert rendered(visitor, url)
