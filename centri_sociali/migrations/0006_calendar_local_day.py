"""Each calendar date's day in the city, stored so that the grids rank a day's dates in index
order (see CalendarDate.local_day)."""

from django.db import migrations, models

from centri_sociali import recurrence

BATCH = 500  # bulk_update writes a CASE of the whole batch for every row


def fill(apps, schema_editor):
    CalendarDate = apps.get_model("centri_sociali", "CalendarDate")
    batch = []
    for date in CalendarDate.objects.only("pk", "starts_at").iterator(chunk_size=BATCH):
        date.local_day = recurrence.to_local_naive(date.starts_at).date()
        batch.append(date)
        if len(batch) == BATCH:
            CalendarDate.objects.bulk_update(batch, ["local_day"])
            batch = []
    CalendarDate.objects.bulk_update(batch, ["local_day"])


class Migration(migrations.Migration):
    dependencies = [("centri_sociali", "0005_fill_calendar_dates")]

    operations = [
        migrations.AddField(
            model_name="calendardate", name="local_day", field=models.DateField(null=True)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="calendardate", name="local_day", field=models.DateField()
        ),
        migrations.AddIndex(
            model_name="calendardate",
            index=models.Index(
                condition=models.Q(("published", True)),
                fields=["local_day", "starts_at", "title", "activity", "id"],
                name="calendar_date_day_rank",
            ),
        ),
    ]
