"""The login backend: allauth's, with the person of each request read together with their
unread notification count (one query instead of two on every logged-in page)."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model


class PortalBackend(AuthenticationBackend):
    def get_user(self, user_id):
        # Read afresh on every request, as the user is: a notification delivered or read
        # shows on the next page.
        people = get_user_model()._default_manager.with_unread_notifications()
        user = people.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
