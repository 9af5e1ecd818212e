from .models import Notification


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # The login backend counts them with the user; a session signed in by another backend
    # (the admin's, a test's) counts them here.
    unread = getattr(user, "unread_notifications_count", None)
    if unread is None:
        unread = Notification.objects.filter(recipient=user).unread().count()
    return {"unread_notifications": unread}
