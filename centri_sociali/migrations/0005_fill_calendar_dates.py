"""The calendar's dates of the series that exist before the table did."""

from django.db import migrations

from centri_sociali import recurrence


def fill(apps, schema_editor):
    Activity = apps.get_model("centri_sociali", "Activity")
    CalendarDate = apps.get_model("centri_sociali", "CalendarDate")
    activities = Activity.objects.select_related("centre").prefetch_related("occurrences")
    for activity in activities.iterator(chunk_size=500):
        CalendarDate.objects.bulk_create(
            CalendarDate(**values)
            for values in recurrence.date_rows(activity, list(activity.occurrences.all()))
        )


class Migration(migrations.Migration):
    dependencies = [("centri_sociali", "0004_calendar_dates")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
