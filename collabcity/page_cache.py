"""Whole public pages cached for anonymous visitors, never stale.

A view opts in with `@cache_public_page`. For a GET or HEAD from a browser that carries no
cookie but the CSRF and language ones (so no session: no login, no voting terminal's verified
elector, no pending message), the page is looked up under

    language + scheme, host, path and query string (parameters in a fixed order) + version

and, when missing, rendered and stored if nothing in the answer is personal (see `_storable`).

The version counts the writes to the tables public pages are made of. PostgreSQL keeps it
(migration collabcity 0004): a statement-level trigger on every tracked table logs each write
in the writer's transaction, so updates, bulk inserts and raw SQL are counted as surely as
saves, and a page is never looked up under a version its data is older than. The version is
read once per request, before the page is read from the database. Tables whose writes change
no public page and come with every vote or login are left out by the programmes
(`registry.register_unshown_writes`); the triggers are put on every other table after each
`migrate` (`install_triggers`), so a new model is tracked without anyone remembering it.

Pages also change with no write, by the clock: an election opens, a date becomes past, "today"
moves. Each programme registers when its pages next change that way
(`registry.register_page_changes`); a stored page expires at the earliest such moment, and at
the next midnight in any case, or after PAGE_CACHE_MAX_AGE seconds, whichever comes first.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import wraps

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re, patch_vary_headers

from . import registry
from .replica import public_read_alias

TRIGGER = "collabcity_page_changed"
# Any other cookie may stand for a person (the session above all): such requests are rendered.
SHAREABLE_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})
# What a page may vary on and still be shared: the language is in the key, and a request with
# cookies that matter is never served from the cache.
KEYED_VARY = frozenset({"accept-language", "cookie"})
UNCACHEABLE_DIRECTIVES = frozenset({"private", "no-cache", "no-store"})


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page to anonymous visitors from the cache (see the module's text)."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _shareable(request):
            return view(request, *args, **kwargs)
        version = current_version()
        if version is None:
            return view(request, *args, **kwargs)
        key = page_key(request, version)
        stored = cache.get(key)
        now = timezone.now()
        if stored is not None and now.timestamp() < stored[2]:
            return _from_cache(stored)
        # Read before the view reads its data: the page is valid until this moment.
        expires = next_change(version, now)
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            patch_vary_headers(response, ("Cookie",))
            timeout = min(settings.PAGE_CACHE_MAX_AGE, (expires - now).total_seconds())
            if timeout > 0:
                entry = (response.content, list(response.items()), expires.timestamp())
                cache.set(key, entry, math.ceil(timeout))
        return response

    cached_view.caches_public_page = True
    return cached_view


def _shareable(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and SHAREABLE_COOKIES.issuperset(request.COOKIES)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Nothing in this answer belongs to the person who asked for it."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if (
        response.cookies
        # A CSRF token in the page: it is the visitor's own (and sets their cookie).
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.modified)
        or (user is not None and user.is_authenticated)
        or len(messages.get_messages(request))
    ):
        return False
    control = {
        directive.split("=", 1)[0].strip().lower(): directive.partition("=")[2].strip()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
        if directive
    }
    if UNCACHEABLE_DIRECTIVES & control.keys() or control.get("max-age") == "0":
        return False
    vary = {header.lower() for header in cc_delim_re.split(response.get("Vary", "")) if header}
    return vary <= KEYED_VARY


def _from_cache(entry: tuple[bytes, list[tuple[str, str]], float]) -> HttpResponse:
    content, headers, _expires = entry
    return HttpResponse(content, headers=dict(headers))


def page_key(request: HttpRequest, version: int) -> str:
    # Parameters sorted but not decoded: two spellings of one query share a page, and two
    # different queries never do.
    parameters = request.META.get("QUERY_STRING", "").split("&")
    query = "&".join(sorted(part for part in parameters if part))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{version}:{translation.get_language()}:{digest}"


# --- the version ----------------------------------------------------------------------------


def current_version() -> int | None:
    """The number of writes public pages have seen; None where pages are not cached."""
    database = connections[public_read_alias()]
    if database.vendor != "postgresql":
        return None
    # From the copy the page's data will come from (a replica lags): never newer than the page.
    with database.cursor() as cursor:
        cursor.execute("SELECT collabcity_page_version()")
        return cursor.fetchone()[0]


@shared_task(name="collabcity.tasks.compact_page_changes")
def compact_page_changes() -> None:
    """Keep the log of writes short (the version counts its rows on every request)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT collabcity_compact_page_changes()")


def tracked_tables() -> dict[str, list[str] | None]:
    """Table -> None when every write counts, or the columns whose update counts."""
    tracked = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        unshown = registry.unshown_writes(meta.app_label, meta.model_name)
        if unshown is None:
            tracked[meta.db_table] = None
        elif unshown:
            tracked[meta.db_table] = [
                field.column
                for field in meta.concrete_fields
                if field.column not in unshown and not field.primary_key
            ]
    return tracked


def install_triggers(using: str = "default", **_signal) -> None:
    """Put the version's trigger on every tracked table, and on no other (after `migrate`)."""
    from django.db import connections

    db = connections[using]
    if db.vendor != "postgresql":
        return
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        cursor.execute("SELECT to_regproc('collabcity_page_changed') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # migrated back before collabcity 0004
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s",
            [TRIGGER],
        )
        installed = {table for (table,) in cursor.fetchall()}
        tracked = tracked_tables()
        for table in installed - tracked.keys():
            cursor.execute(f"DROP TRIGGER {TRIGGER} ON {quote(table)}")
        for table, columns in tracked.items():
            update = "UPDATE" if columns is None else "UPDATE OF " + ", ".join(map(quote, columns))
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} "
                f"AFTER INSERT OR DELETE OR TRUNCATE OR {update} ON {quote(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION collabcity_page_changed()"
            )


# --- the clock ------------------------------------------------------------------------------


def next_midnight(now: datetime) -> datetime:
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def next_change(version: int, now: datetime) -> datetime:
    """The first moment after now when a public page changes by the clock alone.

    It depends only on the data and on now, so it is kept per version and used from the moment
    it was found until it passes: the programmes' functions run once per version and change,
    not per request.
    """
    key = f"page-clock:{version}"
    known = cache.get(key)
    if known is not None and known[0] <= now < known[1]:
        return known[1]
    moments = [next_midnight(now)]
    for next_change_after in registry.page_changes():
        moment = next_change_after(now)
        if moment is not None and moment > now:
            moments.append(moment)
    earliest = min(moments)
    cache.set(key, (now, earliest), math.ceil((earliest - now).total_seconds()))
    return earliest
