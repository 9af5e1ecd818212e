"""The login backend: allauth's, with the person of each request read together with their
unread notification count (one query instead of two on every logged-in page)."""

import functools

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.db import connections

from .db_health import read_checking_connection

# Raw SQL on purpose: it runs on every logged-in request, and compiling the same query through
# the ORM (annotate, Subquery, Coalesce) cost more than the second query it saves. The condition
# is NotificationQuerySet.unread()'s (a test compares the two).
USER_WITH_UNREAD_SQL = (
    "SELECT {columns}, (SELECT count(*) FROM collabcity_notification n"
    " WHERE n.recipient_id = u.id AND n.delivered_at IS NOT NULL AND n.read_at IS NULL)"
    " AS unread_notifications_count{version} FROM collabcity_user u WHERE u.id = %s"
)
# Where pages are cached, the version they are kept under comes with the person: one round trip
# fewer on every signed-in page (page_cache.read_version).
WITH_PAGE_VERSION = ", collabcity_page_version() AS page_version"


class PortalBackend(AuthenticationBackend):
    def get_user(self, user_id):
        # Read afresh on every request, as the user is: a notification delivered or read
        # shows on the next page.
        manager = get_user_model()._default_manager
        database = connections[manager.db]
        # The first query of a signed-in person's request: it checks the connection too.
        if database.vendor == "postgresql":
            version = WITH_PAGE_VERSION
            user = read_checking_connection(database, lambda: _person(database, user_id, version))
        else:
            # Model.from_db skips the backend's converters, which SQLite needs (aware datetimes).
            people = manager.raw(USER_WITH_UNREAD_SQL.format(columns="u.*", version=""), [user_id])
            user = read_checking_connection(database, lambda: next(iter(people), None))
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


def _person(database, user_id, version: str):
    """The person as RawQuerySet would build them, without its work of matching columns to
    fields on every request (a tenth of the time of a vote's cast in the web process)."""
    model = get_user_model()
    sql, attnames = _person_sql(version)
    with database.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    user = model.from_db(database.alias, attnames, row[: len(attnames)])
    user.unread_notifications_count = row[len(attnames)]
    if version:
        user.page_version_read = (database.alias, row[len(attnames) + 1])
    return user


@functools.cache
def _person_sql(version: str) -> tuple[str, list[str]]:
    """The query with the person's columns named in the model's order, and their fields: a
    column added by a later migration does not change what a prepared statement returns."""
    fields = get_user_model()._meta.concrete_fields
    columns = ", ".join(f'u."{field.column}"' for field in fields)
    return (
        USER_WITH_UNREAD_SQL.format(columns=columns, version=version),
        [field.attname for field in fields],
    )
