"""iCalendar feeds, parsed back with the icalendar library."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from django.utils import timezone

from centri_sociali import recurrence, services

from .factories import ActivityFactory, rome, weekly

ROME = ZoneInfo("Europe/Rome")


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def events(calendar, uid=None):
    found = calendar.walk("VEVENT")
    return [e for e in found if uid is None or str(e["UID"]) == uid]


def future(days: int, hour: int = 18):
    day = timezone.localdate() + timedelta(days=days)
    return rome(day.year, day.month, day.day, hour)


@pytest.fixture
def course(room):
    start = future(3)
    return weekly(
        centre=room.centre, room=room, title="Ginnastica dolce", category="sport_benessere",
        starts_at=start, ends_at=start + timedelta(minutes=90), repeat_count=10,
        weekdays=[start.weekday()],
    )  # fmt: skip


def test_centre_feed_exports_the_series_with_its_exceptions(client, course):
    cancelled = course.starts_at + timedelta(weeks=1)
    moved_from = course.starts_at + timedelta(weeks=2)
    services.cancel_occurrence(activity=course, original_start=cancelled)
    services.move_occurrence(
        activity=course, original_start=moved_from, starts_at=moved_from + timedelta(days=1),
        ends_at=moved_from + timedelta(days=1, minutes=90), room=course.room,
    )  # fmt: skip

    calendar = parse(client.get(f"/centri-sociali/{course.centre.slug}/calendario.ics"))

    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    master, override = sorted(events(calendar), key=lambda e: "RECURRENCE-ID" in e)
    assert str(master["UID"]) == str(override["UID"])  # one series, one UID
    assert master["SUMMARY"] == "Ginnastica dolce"
    assert master["DTSTART"].dt == course.starts_at
    assert master["DTSTART"].dt.tzinfo.key == "Europe/Rome"
    assert master["RRULE"]["FREQ"] == ["WEEKLY"] and master["RRULE"]["COUNT"] == [10]
    assert [d.dt for d in master["EXDATE"].dts] == [cancelled]
    assert override["RECURRENCE-ID"].dt == moved_from
    assert override["DTSTART"].dt == moved_from + timedelta(days=1)
    assert str(master["URL"]) == "http://testserver" + course.get_absolute_url()
    moved_date = recurrence.slot_from_occurrence(
        course, course.occurrences.get(original_start=moved_from)
    )
    assert str(override["URL"]) == "http://testserver" + moved_date.get_absolute_url()

    # A calendar program expanding the feed gets what the portal shows.
    rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=master["DTSTART"].dt)
    dates = [d for d in rule if d not in [x.dt for x in master["EXDATE"].dts]]
    assert len(dates) == 9


def test_monthly_series_until_a_date_has_byday_and_utc_until(client, room):
    activity = weekly(
        centre=room.centre, room=room, recurrence="monthly", weekdays=[], month_week=-1,
        starts_at=future(1, 21), ends_at=future(1, 23), repeat_count=None,
        repeat_until=timezone.localdate() + timedelta(days=200),
    )  # fmt: skip
    (event,) = events(parse(client.get(f"/centri-sociali/{room.centre.slug}/calendario.ics")))
    rule = event["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"]
    assert rule["BYDAY"][0].startswith(str(activity.month_week))
    assert rule["UNTIL"][0].utcoffset() == timedelta(0)


def test_single_cancelled_event_is_marked_cancelled(client, room):
    activity = ActivityFactory(centre=room.centre, room=room, starts_at=future(2),
                               ends_at=future(2, 20))  # fmt: skip
    services.cancel_occurrence(activity=activity, original_start=activity.starts_at)
    (event,) = events(parse(client.get(f"/centri-sociali/{room.centre.slug}/calendario.ics")))
    assert event["STATUS"] == "CANCELLED"
    assert "RRULE" not in event


def test_category_feed_and_filtered_feed_use_the_calendar_filters(client, room, course):
    ActivityFactory(centre=room.centre, room=room, title="Serata danzante", category="ballo",
                    starts_at=future(5, 21), ends_at=future(5, 23), price=8)  # fmt: skip

    by_category = parse(client.get("/centri-sociali/calendario/categoria/ballo.ics"))
    assert [str(e["SUMMARY"]) for e in events(by_category)] == ["Serata danzante"]

    free = parse(
        client.get(f"/centri-sociali/calendario.ics?centro={room.centre.slug}&gratuite=on")
    )
    assert [str(e["SUMMARY"]) for e in events(free)] == ["Ginnastica dolce"]

    assert client.get("/centri-sociali/calendario/categoria/nessuna.ics").status_code == 404
    assert client.get("/centri-sociali/calendario.ics?centro=non-esiste").status_code == 400


def test_uid_is_stable_across_requests(client, course):
    url = f"/centri-sociali/{course.centre.slug}/calendario.ics"
    first = {str(e["UID"]) for e in events(parse(client.get(url)))}
    assert first == {str(e["UID"]) for e in events(parse(client.get(url)))}


def test_feed_queries_are_constant(client, uncached_pages, room, django_assert_max_num_queries):
    for n in range(15):
        start = future(1 + n)
        weekly(centre=room.centre, room=None, title=f"Corso {n}", starts_at=start,
               ends_at=start + timedelta(hours=1), weekdays=[start.weekday()])  # fmt: skip
    with django_assert_max_num_queries(4):
        client.get(f"/centri-sociali/{room.centre.slug}/calendario.ics")


def test_centre_page_offers_webcal_and_https_subscription(client, room):
    response = client.get(room.centre.get_absolute_url())
    assert f"webcal://testserver/centri-sociali/{room.centre.slug}/calendario.ics" in response.text
    assert f"http://testserver/centri-sociali/{room.centre.slug}/calendario.ics" in response.text


def test_texts_are_escaped_and_long_lines_folded_between_characters(client, room):
    description = "Corso di ceramica; portare: grembiule, argilla \\ colori.\nÈ gradita " + (
        "l'iscrizione à la carte – " * 8
    )
    ActivityFactory(
        centre=room.centre, room=room, title="Tè, biscotti; chiacchiere",
        description=description, starts_at=future(2), ends_at=future(2, 20),
    )  # fmt: skip

    response = client.get(f"/centri-sociali/{room.centre.slug}/calendario.ics")

    lines = response.content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode()  # every folded piece is whole UTF-8
    (event,) = events(parse(response))
    assert str(event["SUMMARY"]) == "Tè, biscotti; chiacchiere"
    assert str(event["DESCRIPTION"]) == description
