"""The calendar's dates of the series that exist before the table did."""

from django.db import migrations

from centri_sociali import recurrence


def fill(apps, schema_editor):
    Activity = apps.get_model("centri_sociali", "Activity")
    CalendarDate = apps.get_model("centri_sociali", "CalendarDate")
    # date_rows gives the fields of today's model; this migration's model has only some of them
    # (later migrations add and fill the others).
    fields = {field.attname for field in CalendarDate._meta.concrete_fields}
    activities = Activity.objects.select_related("centre").prefetch_related("occurrences")
    for activity in activities.iterator(chunk_size=500):
        CalendarDate.objects.bulk_create(
            CalendarDate(**{name: value for name, value in values.items() if name in fields})
            for values in recurrence.date_rows(activity, list(activity.occurrences.all()))
        )


class Migration(migrations.Migration):
    dependencies = [("centri_sociali", "0004_calendar_dates")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
