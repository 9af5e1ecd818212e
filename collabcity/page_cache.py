"""Whole public pages cached for anonymous visitors, never stale.

A view opts in with `@cache_public_page`. For a GET or HEAD from a browser that carries no
cookie but the CSRF and language ones (so no session: no login, no voting terminal's verified
elector, no pending message), the page is looked up under

    language + scheme, host, path and query string (parameters in a fixed order) + version

and, when missing, rendered and stored if nothing in the answer is personal (see `_storable`).
`PageCacheMiddleware` does the looking up and the storing, at the top of the stack, so that a
stored page costs the version's query and one read from Redis, and nothing else.

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

Everybody else (a logged-in person, a session) gets the page rendered, but the parts of it that
are the same for every visitor come from the cache: a template marks them `{% shared "name" %}`
(collabcity/templatetags/shared.py). They are stored together, one entry per page, under the
page's key as above and the same version and clock, read before the view reads its data
(`cache_public_page` reads it for every GET; a person's own pages ask for it with
`@cache_shared_fragments`). A shared fragment is always rendered as an anonymous visitor would
see it (`ANONYMOUS_CONTEXT`), cached or not, so that no one's name, permissions or CSRF token can
land in it; what a view computes for one person (a "follow" button, a ranking) stays outside, or
is named in the tag's key.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import cache, wraps
from pathlib import Path
from time import monotonic
from typing import TypeVar

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re, patch_vary_headers

from . import registry
from .db_health import read_checking_connection
from .replica import anonymous_reads, public_read_alias

TRIGGER = "collabcity_page_changed"
# Any other cookie may stand for a person (the session above all): such requests are rendered.
SHAREABLE_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})
# What a page may vary on and still be shared: the language is in the key, and a request with
# cookies that matter is never served from the cache.
KEYED_VARY = frozenset({"accept-language", "cookie"})
UNCACHEABLE_DIRECTIVES = frozenset({"private", "no-cache", "no-store"})
INSTALLED_PACKAGES = frozenset({"site-packages", "dist-packages"})
T = TypeVar("T")


def pages():
    """The page cache: an alias of its own (settings PAGE_CACHE_REDIS_URL), so that anyone
    asking for pages under made-up query strings fills that Redis, never the one holding the
    rate limits of voting codes and logins."""
    return caches["pages"]


class PageCacheMiddleware:
    """Serve a stored page before the rest of the stack runs, and store the pages the views
    marked (`cache_public_page`) once every middleware has had its say.

    It sits after WhiteNoise (static files never reach it) and before the session, locale,
    CSRF and authentication middleware: a stored page needs none of them, and what they add to
    a response (Vary, Content-Language, X-Frame-Options) was stored with it. The security
    middleware stays outside, so its headers are added to every answer, stored or not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _shareable(request) and _caches_public_page(request):
            with anonymous_reads():
                version, now = read_version(request)
            if version is not None:
                language = translation.get_language_from_request(request)
                stored = pages().get(page_key(request, version, language=language))
                if stored is not None and now.timestamp() < stored[2]:
                    return _from_cache(stored)
        response = self.get_response(request)
        marked = getattr(response, "public_page_entry", None)
        # Cookies set on the way out (a CSRF token, a session, a message) make it personal.
        if marked is not None and not response.cookies and _varies_only_as_keyed(response):
            key, expires = marked
            now = request.page_version[1]
            timeout = _timeout(expires, now)
            if timeout > 0:
                entry = (response.content, list(response.items()), expires.timestamp())
                pages().set(key, entry, timeout)
        return response


def _caches_public_page(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return getattr(match.func, "caches_public_page", False)


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let `PageCacheMiddleware` store the view's page for anonymous visitors (see the
    module's text): the page is marked with its key and the moment it expires by the clock."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        version, now = read_version(request)
        if not _shareable(request) or version is None:
            return view(request, *args, **kwargs)
        # Read before the view reads its data: the page is valid until this moment.
        expires = next_change(version, now)
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            patch_vary_headers(response, ("Cookie",))
            response.public_page_entry = (page_key(request, version), expires)
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
    return _varies_only_as_keyed(response)


def _varies_only_as_keyed(response: HttpResponse) -> bool:
    vary = {header.lower() for header in cc_delim_re.split(response.get("Vary", "")) if header}
    return vary <= KEYED_VARY


def _from_cache(entry: tuple[bytes, list[tuple[str, str]], float]) -> HttpResponse:
    content, headers, _expires = entry
    return HttpResponse(content, headers=dict(headers))


def page_key(
    request: HttpRequest, version: int, kind: str = "page", language: str | None = None
) -> str:
    # Parameters sorted but not decoded: two spellings of one query share a page, and two
    # different queries never do.
    # A repeated parameter keeps the order of its values: Django reads the last one.
    parameters = [part for part in request.META.get("QUERY_STRING", "").split("&") if part]
    query = "&".join(sorted(parameters, key=lambda part: part.partition("=")[0]))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{kind}:{release()}:{version}:{language or translation.get_language()}:{digest}"


def release() -> str:
    """What this release of the portal is called in the keys (settings.PAGE_CACHE_RELEASE)."""
    return settings.PAGE_CACHE_RELEASE or source_digest()


@cache
def source_digest() -> str:
    """A digest of the portal's own files: its apps (code, templates, translations), the
    project's templates, the locked dependencies and the manifest of the collected static
    files. Read once per process; a deploy that changes any of them changes it."""
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(config.path).resolve() for config in apps.get_app_configs()]
    # Third-party apps change only with requirements/lock.txt (the virtualenv may sit in the
    # project's folder, or be it).
    roots = [root for root in roots if not INSTALLED_PACKAGES & set(root.parts)]
    roots += [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    files = {
        path
        for root in roots
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".po"
    }
    for single in (
        base / "requirements" / "lock.txt",
        Path(settings.STATIC_ROOT) / "staticfiles.json",
    ):
        if single.is_file():
            files.add(single)
    sha = hashlib.sha256()
    for path in sorted(files):
        sha.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
        sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()[:16]


def _timeout(expires: datetime, now: datetime) -> int:
    return math.ceil(min(settings.PAGE_CACHE_MAX_AGE, (expires - now).total_seconds()))


# --- fragments shared by every visitor of a page ------------------------------------------


def read_version(request: HttpRequest) -> tuple[int | None, datetime]:
    """The version (None: nothing may be cached) and the time, read once per request.

    Read before the view reads anything: what it shows is then at least as new as the version,
    and valid until the clock's next change after this moment.
    """
    if not hasattr(request, "page_version"):
        cacheable = request.method in ("GET", "HEAD")
        request.page_version = (_version(request) if cacheable else None, timezone.now())
    return request.page_version


def _version(request: HttpRequest) -> int | None:
    # A signed-in person's own query brought it (auth_backends.PortalBackend), before anything
    # the page shows; only usable if the page reads the same database.
    user = getattr(request, "user", None)
    alias, version = getattr(user, "page_version_read", (None, None))
    if alias is not None and alias == public_read_alias():
        return version
    return current_version()


def cache_shared_fragments(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page never shared whole (a person's own) whose shared fragments may come from the
    cache: the header's menus, the footer."""

    @wraps(view)
    def view_with_fragments(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        read_version(request)
        return view(request, *args, **kwargs)

    return view_with_fragments


def answer_after_unshown_writes(request: HttpRequest) -> None:
    """Say that this POST wrote only to tables no page shows (registry.register_unshown_writes),
    as the cast of a vote does: its answer takes the shared fragments stored under the version
    read with the signed-in person, before the writes, which left it as it was, and spares
    reading it again."""
    request.writes_changed_no_page = True


def anonymous_context() -> dict:
    """What a shared fragment sees in place of the visitor's own."""
    anonymous = AnonymousUser()
    return {
        "user": anonymous,
        "perms": PermWrapper(anonymous),
        "csrf_token": None,
        "messages": (),
        "unread_notifications": 0,
    }


def _fragments(request: HttpRequest | None) -> tuple[str, dict, bool] | None:
    """This page's stored fragments (loaded once per request), their key, and whether what is
    rendered here may be stored with them; None: uncached."""
    if request is None:
        return None
    if not hasattr(request, "shared_fragments"):
        request.shared_fragments = _load_fragments(request)
    return request.shared_fragments


def _load_fragments(request: HttpRequest) -> tuple[str, dict, bool] | None:
    version, now = getattr(request, "page_version", (None, None))
    storable = version is not None
    if not storable and request.method == "POST":
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        # A form's answer rendered after its writes committed: the fragments a GET of the page
        # stored under the version read now are at least as new as those writes; where the
        # writes changed no page, the version read before them will do. Only read: what this
        # view computed before it wrote may be older than the version, so nothing rendered
        # here is stored.
        unchanged = getattr(request, "writes_changed_no_page", False)
        version, now = (_version(request) if unchanged else current_version()), timezone.now()
    if version is None:
        return None
    key = page_key(request, version, kind="fragments")
    entry = fragments_kept_here.get(key)
    if not _fresh(entry, now):
        entry = pages().get(key)
        if _fresh(entry, now):
            fragments_kept_here.put(key, entry)
    if not _fresh(entry, now):
        if not storable:
            return None
        entry = {"expires": next_change(version, now).timestamp(), "html": {}}
    return key, entry, storable


def _fresh(entry: dict | None, now: datetime) -> bool:
    return entry is not None and now.timestamp() < entry["expires"]


def shared_fragment(request: HttpRequest | None, name: str, render: Callable[[], str]) -> str:
    """The fragment `name` of this page: from the cache, or rendered by `render()` and stored."""
    found = _fragments(request)
    if found is None:
        return render()
    key, entry, storable = found
    html = entry["html"].get(name)
    if html is None:
        html = render()
        if not storable:
            return html
        entry["html"][name] = html
        now = request.page_version[1]
        timeout = _timeout(datetime.fromtimestamp(entry["expires"], tz=now.tzinfo), now)
        if timeout > 0:
            pages().set(key, entry, timeout)
            fragments_kept_here.put(key, entry)
    return html


class _RecentEntries:
    """The last `size` entries of fragments this process read or stored, by key, each for
    PAGE_CACHE_MAX_AGE seconds at most, as in Redis.

    Safe to keep: a key names the release, the version and the page, so what is stored under it
    never changes but by growing (a fragment rendered later), and the entry says when the clock
    makes it stale. It spares a signed-in page its read from Redis: a round trip and the
    unpickling, about a twentieth of a vote's cast (issue 11). Bounded, least recently used out:
    each page address has its entry. After a database restore (versions counted again from an
    older number) the web processes must be restarted, as the page cache flushed."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self._lock:
            kept = self._entries.get(key)
            if kept is None:
                return None
            if monotonic() >= kept[0]:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return kept[1]

    def put(self, key: str, entry: dict) -> None:
        with self._lock:
            self._entries[key] = (monotonic() + settings.PAGE_CACHE_MAX_AGE, entry)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


fragments_kept_here = _RecentEntries(size=256)


# --- values kept under the version -------------------------------------------------------


def kept_under_version(request: HttpRequest | None, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the default cache under this request's version and language until
    the clock's next change: for values made only of tracked tables and the date (the options
    of a select of quartieri), so that any write they depend on, or midnight, makes them
    computed again. `compute` must read its data itself, after the version: a row read before
    it (request.user) may be older than the version it would be kept under. Computed every
    time where no version was read (a POST, SQLite)."""
    version, now = getattr(request, "page_version", (None, None))
    if version is None:
        return compute()
    key = f"{name}:{release()}:{version}:{translation.get_language()}"
    kept = caches["default"].get(key)
    if kept is not None and now.timestamp() < kept[0]:
        return kept[1]
    # Computed after the version was read: at least as new as it.
    value = compute()
    expires = next_change(version, now)
    timeout = _timeout(expires, now)
    if timeout > 0:
        caches["default"].set(key, (expires.timestamp(), value), timeout)
    return value


def kept_for_person(request: HttpRequest, name: str, compute: Callable[[], T]) -> T:
    """The same for the signed-in person: what their seats and roles open to them."""
    if not request.user.is_authenticated:
        return compute()
    return kept_under_version(request, f"{name}:{request.user.pk}", compute)


# --- the version ----------------------------------------------------------------------------


def current_version() -> int | None:
    """The number of writes public pages have seen; None where pages are not cached."""
    database = connections[public_read_alias()]
    if database.vendor != "postgresql":
        return None
    # The first query of nearly every anonymous request: it checks the connection too.
    return read_checking_connection(database, lambda: _read_version(database))


def _read_version(database) -> int:
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
    key = f"page-clock:{release()}:{version}"
    known = pages().get(key)
    if known is not None and known[0] <= now < known[1]:
        return known[1]
    moments = [next_midnight(now)]
    for next_change_after in registry.page_changes():
        moment = next_change_after(now)
        if moment is not None and moment > now:
            moments.append(moment)
    earliest = min(moments)
    pages().set(key, (now, earliest), math.ceil((earliest - now).total_seconds()))
    return earliest
