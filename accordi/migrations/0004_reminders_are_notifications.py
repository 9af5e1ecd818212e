"""The staff's reminders are sent once by the notifications' once_key: the Reminder rows go.

Before they go, the notifications each reminder sent get the once_key the daily task now
gives them (accordi.services.send_reminders), so that nothing already sent is sent again.
"""

from datetime import timedelta

from django.db import migrations

# A reminder and its notifications were written in one transaction, moments apart.
SAME_RUN = timedelta(minutes=1)


def once_key(reminder) -> str:
    key = f"agreement:{reminder.agreement_id}"
    if reminder.kind == "rilevazione":
        return f"{key}:indicator:{reminder.indicator_id}:due:{reminder.due_on}"
    if reminder.kind == "scadenza":
        return f"{key}:ending:{reminder.due_on}"
    return f"{key}:no-report:{reminder.due_on}"


def key_the_sent_reminders(apps, schema_editor):
    Reminder = apps.get_model("accordi", "Reminder")
    Notification = apps.get_model("collabcity", "Notification")
    reminders = list(Reminder.objects.order_by("sent_at", "pk"))
    for reminder, following in zip(reminders, [*reminders[1:], None]):
        until = reminder.sent_at + SAME_RUN
        if following is not None:
            until = min(until, following.sent_at)
        sent = Notification.objects.filter(
            topic="agreements",
            once_key="",
            url=f"/admin/accordi/agreement/{reminder.agreement_id}/change/",
            created_at__gte=reminder.sent_at,
            created_at__lt=until,
        ).order_by("created_at", "pk")
        keyed = set()
        for notification in sent:
            if notification.recipient_id not in keyed:
                notification.once_key = once_key(reminder)
                notification.save(update_fields=["once_key"])
                keyed.add(notification.recipient_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accordi", "0003_private_files_and_upload_limits"),
        ("collabcity", "0002_topics_registered_by_programmes"),
    ]

    operations = [
        migrations.RunPython(key_the_sent_reminders, migrations.RunPython.noop),
        migrations.DeleteModel(name="Reminder"),
    ]
