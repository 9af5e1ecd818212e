"""Reads of public pages from a PostgreSQL read replica (DATABASE_REPLICA_URL), all else from
the primary.

A replica lags behind the primary by a fraction of a second, usually; nothing that a person has
just done, nor anything that decides a right, may be read from it. So the replica answers only:

- requests that `ReplicaReadsMiddleware` marked as public reads: GET or HEAD by an anonymous
  visitor (a logged-in person must see their own writes at once, after the redirect too);
- outside any transaction, and before the request wrote anything (a write makes the rest of
  the request read the primary);
- for models that no programme registered with `registry.register_primary_reads` (the
  elections, say) and outside the apps of sessions and accounts.

Writes, Celery tasks, management commands and raw cursors always use the primary.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from . import registry

REPLICA_DB_ALIAS = "replica"
ROUTER = "collabcity.replica.ReplicaRouter"
# Sessions (a terminal's verification, the messages after a redirect) and the accounts' e-mail
# confirmations and sign-ins are read right after they are written, by the next request.
PRIMARY_APPS = {"sessions", "auth", "account", "socialaccount", "contenttypes"}

_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)


class ReplicaReadsMiddleware:
    """Marks the anonymous GET and HEAD requests, whose reads the router may send to the
    replica. Placed after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = request.method in ("GET", "HEAD") and not request.user.is_authenticated
        token = _replica_allowed.set(public)
        try:
            return self.get_response(request)
        finally:
            _replica_allowed.reset(token)


@contextmanager
def anonymous_reads():
    """The reads of a request that carries no session (so its visitor is anonymous) made before
    ReplicaReadsMiddleware has run: the page cache looks up stored pages ahead of it."""
    token = _replica_allowed.set(True)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def public_read_alias() -> str:
    """The database this request's public reads come from now. Whatever is computed from the
    data of a page (a version or a digest under which it is cached) must be read from the same
    database, before the data, so that it is never newer than the page."""
    allowed = (
        _replica_allowed.get()
        and ROUTER in settings.DATABASE_ROUTERS  # with no replica, everything is the primary
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )
    return REPLICA_DB_ALIAS if allowed else DEFAULT_DB_ALIAS


def reads_from_replica(model) -> bool:
    if public_read_alias() != REPLICA_DB_ALIAS:
        return False
    # A many-to-many table follows the model that declares it.
    owner = model._meta.auto_created or model
    if owner._meta.app_label in PRIMARY_APPS:
        return False
    return not registry.reads_primary(owner._meta.label)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA_DB_ALIAS if reads_from_replica(model) else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Whatever this request reads next must see what it has just written.
        _replica_allowed.set(False)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read from one may point to the other's.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema by itself; migrations run on the primary.
        return db == DEFAULT_DB_ALIAS
