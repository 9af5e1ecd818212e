"""The calendar's pages and feeds ask the database the same number of questions at 1x and 3x
the data: each reads the stored dates (or the series, for the feeds) with range queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from centri_sociali import services
from centri_sociali.models import Activity, CalendarDate, Centre
from tests.db import prepared_statements_naming
from tests.factories import CentreFactory, QuartiereFactory

from .factories import RoomFactory, weekly


def soon(days: int, hour: int):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def add_centres(count: int, quartiere) -> None:
    """Centres with two courses each, one of them with a suspended and a moved date."""
    for _n in range(count):
        centre = CentreFactory(quartiere=quartiere)
        room = RoomFactory(centre=centre)
        for hour, category in ((10, "corsi"), (18, "ballo")):
            start = soon(1, hour)
            course = weekly(
                centre=centre, room=room, category=category, starts_at=start,
                ends_at=start + timedelta(hours=1), weekdays=[0, 1, 2, 3, 4, 5, 6],
                repeat_count=60,
            )  # fmt: skip
        services.cancel_occurrence(activity=course, original_start=course.starts_at)
        moved = course.starts_at + timedelta(days=1)
        services.move_occurrence(
            activity=course, original_start=moved, starts_at=moved + timedelta(hours=2),
            ends_at=moved + timedelta(hours=3), room=room,
        )  # fmt: skip


def pages() -> list[str]:
    centre = Centre.objects.order_by("pk").first()
    activity = Activity.objects.filter(centre=centre).order_by("pk").first()
    calendar = "/centri-sociali/calendario/"
    return [
        f"{calendar}?vista=mese",
        f"{calendar}?vista=settimana",
        f"{calendar}?vista=giorno",
        f"{calendar}?vista=elenco",
        f"{calendar}?vista=elenco&pagina=3",
        f"{calendar}?vista=mese&quartiere=orologio&categoria=ballo&gratuite=on",
        f"{calendar}?vista=settimana&centro={centre.slug}&pubblico=tutti",
        centre.get_absolute_url(),
        activity.get_absolute_url(),
        "/centri-sociali/calendario.ics",
        "/centri-sociali/calendario.ics?quartiere=orologio",
        f"/centri-sociali/{centre.slug}/calendario.ics",
    ]


@pytest.mark.django_db
def test_pages_ask_as_many_queries_at_three_times_the_data(
    uncached_pages, django_assert_num_queries, django_assert_max_num_queries
):
    quartiere = QuartiereFactory(name="Orologio", slug="orologio")
    add_centres(2, quartiere)
    counted = {}
    for url in pages():
        uncached_pages.get(url)  # what is read once per process (catalogues, content types)
        with django_assert_max_num_queries(12) as queries:
            assert uncached_pages.get(url).status_code == 200
        counted[url] = len(queries.captured_queries)

    add_centres(4, quartiere)
    for url, count in counted.items():
        with django_assert_num_queries(count):
            response = uncached_pages.get(url)
        assert response.status_code == 200


@pytest.mark.django_db
def test_the_dates_are_planned_for_the_range_asked_on_every_request(uncached_pages):
    """From the sixth run of a prepared statement PostgreSQL may keep one generic plan for every
    range, which at 10x the data read 30 times the rows the list shows
    (collabcity/prepared_statements.py): the calendar's reads of its dates are never prepared,
    while the same pages' other reads are, on the same connection."""
    add_centres(1, QuartiereFactory(name="Orologio", slug="orologio"))
    for _ in range(8):
        for url in pages():
            assert uncached_pages.get(url).status_code == 200
    assert prepared_statements_naming(CalendarDate._meta.db_table) == 0
    assert prepared_statements_naming(Centre._meta.db_table) > 0
