# Reminders and understaffed alerts are sent once by the notification's once_key, no longer by
# a timestamp on the signup or the shift.

from django.db import migrations
from django.utils import timezone


def key_what_was_sent(apps, schema_editor):
    """Give the reminders and alerts already sent for shifts still to come their once_key, so
    that the first runs after this migration do not send them again.

    The old notifications carry no reference to their shift: each is found as the recipient's
    first unkeyed one of its kind sent since the timestamp. Two shifts of the same person
    stamped in the same run may swap keys, which sends nothing twice all the same.
    """
    Notification = apps.get_model("collabcity", "Notification")
    Signup = apps.get_model("volontariato", "Signup")
    Shift = apps.get_model("volontariato", "Shift")
    now = timezone.now()
    reminded = Signup.objects.filter(
        reminded_at__isnull=False, shift__starts_at__gt=now, volunteer__user__isnull=False
    ).select_related("volunteer")
    for signup in reminded.order_by("reminded_at", "pk"):
        _key_first(
            Notification,
            recipient_id=signup.volunteer.user_id,
            subject_start="Promemoria",
            since=signup.reminded_at,
            once_key=f"shift:{signup.shift_id}:reminder",
        )
    alerted = Shift.objects.filter(understaffed_alert_at__isnull=False, starts_at__gt=now)
    for shift in alerted.select_related("opportunity").order_by("understaffed_alert_at", "pk"):
        _key_first(
            Notification,
            recipient_id=shift.opportunity.coordinator_id,
            subject_start="Turno con posti scoperti",
            since=shift.understaffed_alert_at,
            once_key=f"shift:{shift.pk}:understaffed",
        )


def _key_first(Notification, *, recipient_id, subject_start, since, once_key):
    sent = (
        Notification.objects.filter(
            recipient_id=recipient_id,
            topic="volunteering",
            once_key="",
            subject__startswith=subject_start,
            created_at__gte=since,
        )
        .order_by("created_at", "pk")
        .first()
    )
    if sent is not None:
        sent.once_key = once_key
        sent.save(update_fields=["once_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('collabcity', '0002_topics_registered_by_programmes'),
        ('volontariato', '0003_opportunity_agreement'),
    ]

    operations = [
        migrations.RunPython(key_what_was_sent, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='shift',
            name='understaffed_alert_at',
        ),
        migrations.RemoveField(
            model_name='signup',
            name='reminded_at',
        ),
    ]
