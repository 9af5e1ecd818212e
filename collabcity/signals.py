from allauth.account.signals import email_confirmed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.urls import reverse

from .models import Notification
from .notifications import notify
from .services import sync_role_groups


@receiver(post_migrate)
def create_role_groups(sender, app_config, **kwargs):
    if app_config.label == "collabcity":
        sync_role_groups()


@receiver(email_confirmed)
def welcome_on_email_confirmed(sender, request, email_address, **kwargs):
    user = email_address.user
    if email_address.email.lower() != user.email.lower():
        return
    notify(
        recipient=user,
        topic=Notification.ACCOUNT_TOPIC,
        event="collabcity/welcome",
        url=reverse("profile"),
    )
