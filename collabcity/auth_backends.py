"""The login backend: allauth's, with the person of each request read together with their
unread notification count (one query instead of two on every logged-in page)."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.db import connections

from .db_health import read_checking_connection

# Raw SQL on purpose: it runs on every logged-in request, and compiling the same query through
# the ORM (annotate, Subquery, Coalesce) cost more than the second query it saves. The condition
# is NotificationQuerySet.unread()'s (a test compares the two).
USER_WITH_UNREAD_SQL = (
    "SELECT u.*, (SELECT count(*) FROM collabcity_notification n WHERE n.recipient_id = u.id"
    " AND n.delivered_at IS NOT NULL AND n.read_at IS NULL) AS unread_notifications_count{version}"
    " FROM collabcity_user u WHERE u.id = %s"
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
        version = WITH_PAGE_VERSION if database.vendor == "postgresql" else ""
        people = manager.raw(USER_WITH_UNREAD_SQL.format(version=version), [user_id])
        # The first query of a signed-in person's request: it checks the connection too.
        user = read_checking_connection(database, lambda: next(iter(people), None))
        if user is None or not self.user_can_authenticate(user):
            return None
        if version:
            user.page_version_read = (database.alias, user.page_version)
        return user
