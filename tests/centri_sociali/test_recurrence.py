"""Expansion of series in Europe/Rome wall time, with cancelled and moved dates."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from centri_sociali import recurrence, services
from centri_sociali.models import Activity, CalendarDate, Occurrence

from .factories import ActivityFactory, rome, weekly

UTC = ZoneInfo("UTC")


def series(**kwargs) -> Activity:
    defaults = {
        "title": "Ginnastica dolce",
        "category": Activity.Category.WELLBEING,
        "starts_at": rome(2027, 3, 18, 18),
        "ends_at": rome(2027, 3, 18, 19, 30),
        "recurrence": Activity.Recurrence.WEEKLY,
        "weekdays": [3],
        "repeat_count": 4,
    }
    return Activity(**{**defaults, **kwargs})


def local_times(slots):
    return [(s.local_start.date(), s.local_start.strftime("%H:%M")) for s in slots]


def test_weekly_course_stays_at_18_across_the_march_change():
    slots = recurrence.expand(series(), rome(2027, 3, 1), rome(2027, 5, 1), occurrences=[])

    assert [s.local_start.strftime("%H:%M") for s in slots] == ["18:00"] * 4
    assert [s.start.astimezone(UTC).hour for s in slots] == [17, 17, 16, 16]
    assert [s.local_start.date() for s in slots] == [
        date(2027, 3, 18), date(2027, 3, 25), date(2027, 4, 1), date(2027, 4, 8),
    ]  # fmt: skip
    assert all(s.end - s.start == timedelta(minutes=90) for s in slots)


def test_weekly_course_stays_at_18_across_the_october_change():
    activity = series(starts_at=rome(2027, 10, 21, 18), ends_at=rome(2027, 10, 21, 19))
    slots = recurrence.expand(activity, rome(2027, 10, 1), rome(2027, 12, 1), occurrences=[])

    assert [s.local_start.strftime("%H:%M") for s in slots] == ["18:00"] * 4
    assert [s.start.astimezone(UTC).hour for s in slots] == [16, 16, 17, 17]


def test_evening_course_crossing_the_change_night_keeps_its_wall_clock_length():
    # Saturday 22:00 to Sunday 03:00 on the night the clocks go forward: 5 wall-clock hours.
    activity = series(
        starts_at=rome(2027, 3, 27, 22), ends_at=rome(2027, 3, 28, 3), weekdays=[5], repeat_count=1
    )
    (slot,) = recurrence.expand(activity, rome(2027, 3, 1), rome(2027, 4, 1), occurrences=[])
    assert slot.local_end.hour == 3
    assert slot.end - slot.start == timedelta(hours=4)  # one real hour was skipped


def test_weekly_on_several_weekdays_until_a_date():
    activity = series(weekdays=[0, 2], repeat_count=None, repeat_until=date(2027, 3, 31))
    activity.starts_at, activity.ends_at = rome(2027, 3, 15, 9), rome(2027, 3, 15, 10)
    slots = recurrence.expand(activity, rome(2027, 3, 1), rome(2027, 6, 1), occurrences=[])

    assert [s.local_start.day for s in slots] == [15, 17, 22, 24, 29, 31]


def test_monthly_on_the_second_tuesday():
    activity = series(
        recurrence=Activity.Recurrence.MONTHLY,
        weekdays=[],
        month_week=2,
        starts_at=rome(2027, 1, 12, 21),
        ends_at=rome(2027, 1, 12, 23),
        repeat_count=4,
    )
    slots = recurrence.expand(activity, rome(2027, 1, 1), rome(2028, 1, 1), occurrences=[])

    assert [s.local_start.date() for s in slots] == [
        date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9), date(2027, 4, 13),
    ]  # fmt: skip
    assert {s.local_start.hour for s in slots} == {21}


def test_monthly_on_the_last_friday():
    activity = series(
        recurrence=Activity.Recurrence.MONTHLY,
        weekdays=[],
        month_week=-1,
        starts_at=rome(2027, 1, 29, 20),
        ends_at=rome(2027, 1, 29, 23),
        repeat_count=3,
    )
    slots = recurrence.expand(activity, rome(2027, 1, 1), rome(2028, 1, 1), occurrences=[])
    assert [s.local_start.date() for s in slots] == [
        date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26),
    ]  # fmt: skip


def test_window_returns_only_overlapping_dates():
    slots = recurrence.expand(series(), rome(2027, 3, 25), rome(2027, 4, 2), occurrences=[])
    assert [s.local_start.day for s in slots] == [25, 1]


def test_date_running_into_the_window_is_included():
    slots = recurrence.expand(series(), rome(2027, 3, 18, 19), rome(2027, 3, 19), occurrences=[])
    assert len(slots) == 1


def test_single_date_activity_has_one_slot():
    activity = series(recurrence=Activity.Recurrence.NONE, repeat_count=None)
    assert len(recurrence.expand(activity, rome(2027, 1, 1), rome(2028, 1, 1), occurrences=[])) == 1
    assert recurrence.expand(activity, rome(2027, 4, 1), rome(2028, 1, 1), occurrences=[]) == []


def test_occurrence_key_round_trips():
    start = rome(2027, 3, 28, 18)
    assert recurrence.parse_occurrence_key(recurrence.occurrence_key(start)) == start
    assert recurrence.parse_occurrence_key("not-a-key") is None


@pytest.mark.django_db
def test_cancelled_date_stays_in_the_calendar_marked_and_others_untouched():
    activity = weekly(
        starts_at=rome(2027, 3, 18, 18), ends_at=rome(2027, 3, 18, 19), repeat_count=4
    )
    services.cancel_occurrence(activity=activity, original_start=rome(2027, 3, 25, 18))

    slots = recurrence.expand(activity, rome(2027, 3, 1), rome(2027, 5, 1))
    assert [(s.local_start.day, s.cancelled) for s in slots] == [
        (18, False), (25, True), (1, False), (8, False),
    ]  # fmt: skip
    assert Occurrence.objects.count() == 1


@pytest.mark.django_db
def test_moved_date_appears_at_its_new_time_once():
    activity = weekly(
        starts_at=rome(2027, 3, 18, 18), ends_at=rome(2027, 3, 18, 19), repeat_count=4
    )
    services.move_occurrence(
        activity=activity,
        original_start=rome(2027, 3, 25, 18),
        starts_at=rome(2027, 3, 26, 10),
        ends_at=rome(2027, 3, 26, 11),
        room=activity.room,
    )
    activity.refresh_from_db()

    slots = recurrence.expand(activity, rome(2027, 3, 1), rome(2027, 5, 1))
    assert local_times(slots) == [
        (date(2027, 3, 18), "18:00"), (date(2027, 3, 26), "10:00"),
        (date(2027, 4, 1), "18:00"), (date(2027, 4, 8), "18:00"),
    ]  # fmt: skip
    assert [s.moved for s in slots] == [False, True, False, False]
    assert slots[1].key == recurrence.occurrence_key(rome(2027, 3, 25, 18))


@pytest.mark.django_db
def test_date_moved_into_a_later_window_is_found_by_the_calendar_query():
    activity = weekly(
        starts_at=rome(2027, 3, 18, 18), ends_at=rome(2027, 3, 18, 19), repeat_count=2
    )
    services.move_occurrence(
        activity=activity,
        original_start=rome(2027, 3, 25, 18),
        starts_at=rome(2027, 5, 3, 18),
        ends_at=rome(2027, 5, 3, 19),
        room=activity.room,
    )
    found = CalendarDate.objects.starting_between(rome(2027, 5, 1), rome(2027, 6, 1))

    assert [(d.activity, timezone.localtime(d.starts_at).date(), d.moved) for d in found] == [
        (activity, date(2027, 5, 3), True)
    ]


@pytest.mark.django_db
def test_series_start_is_aligned_on_its_first_weekday():
    # Created on a Monday for a Wednesday course: the first date is that Wednesday.
    activity = weekly(starts_at=rome(2027, 3, 15, 18), ends_at=rome(2027, 3, 15, 19), weekdays=[2])
    assert activity.starts_at == rome(2027, 3, 17, 18)
    assert activity.first_start == rome(2027, 3, 17, 18)
    assert activity.last_end == rome(2027, 5, 19, 19)


@pytest.mark.django_db
def test_unknown_date_of_a_series_is_refused():
    activity = ActivityFactory()
    with pytest.raises(services.ActivityError):
        services.cancel_occurrence(activity=activity, original_start=rome(2030, 1, 8, 18))


@pytest.mark.django_db
def test_past_dates_cannot_be_suspended_or_moved():
    activity = weekly(starts_at=rome(2026, 1, 5, 18), ends_at=rome(2026, 1, 5, 19))
    with pytest.raises(services.ActivityError):
        services.cancel_occurrence(activity=activity, original_start=rome(2026, 1, 12, 18))
    with pytest.raises(services.ActivityError):
        services.move_occurrence(
            activity=activity, original_start=rome(2026, 1, 12, 18),
            starts_at=rome(2027, 1, 12, 18), ends_at=rome(2027, 1, 12, 19), room=None,
        )  # fmt: skip
