"""Rewrite the stored calendar (CalendarDate) from every series' rule and stored dates."""

from django.core.management.base import BaseCommand

from centri_sociali import services


class Command(BaseCommand):
    help = (
        "Riscrive le date del calendario dei centri sociali dalle regole delle attività e dalle "
        "date sospese o spostate."
    )

    def handle(self, *args, **options):
        count = services.rebuild_calendar()
        self.stdout.write(f"Calendario dei centri sociali: {count} date scritte.")
