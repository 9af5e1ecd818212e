"""The calendar grid (centri_sociali.calendar): the days each view shows, and their layout."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from centri_sociali import calendar, services
from centri_sociali.models import CalendarDate, CalendarDateQuerySet

from .factories import ActivityFactory, rome, weekly


@pytest.mark.parametrize(
    ("view", "anchor", "first", "end", "previous"),
    [
        ("mese", date(2027, 3, 17), date(2027, 3, 1), date(2027, 4, 1), date(2027, 2, 1)),
        ("mese", date(2027, 1, 31), date(2027, 1, 1), date(2027, 2, 1), date(2026, 12, 1)),
        ("settimana", date(2027, 3, 17), date(2027, 3, 15), date(2027, 3, 22), date(2027, 3, 8)),
        ("giorno", date(2027, 3, 1), date(2027, 3, 1), date(2027, 3, 2), date(2027, 2, 28)),
    ],
)
def test_window_of_a_grid_view_and_its_neighbours(view, anchor, first, end, previous):
    window = calendar.Window.of(view, anchor)
    assert (window.first, window.end, window.previous, window.next) == (first, end, previous, end)


def test_list_window_is_the_filter_days_or_the_next_thirty():
    today = timezone.localdate()
    default = calendar.Window.of("elenco", date(2027, 3, 17))
    chosen = calendar.Window.of(
        "elenco", date(2027, 3, 17), since=date(2027, 5, 1), until=date(2027, 5, 10)
    )
    assert (default.first, default.last) == (today, today + timedelta(days=29))
    assert (chosen.first, chosen.last) == (date(2027, 5, 1), date(2027, 5, 10))


def test_window_starts_and_ends_at_local_midnight_across_the_clock_change():
    # Clocks go forward on Sunday 28 March 2027: that week is an hour short.
    window = calendar.Window.of("settimana", date(2027, 3, 24))
    assert window.starts_at == rome(2027, 3, 22)
    assert window.ends_at - window.starts_at == timedelta(days=7, hours=-1)


def month_of(anchor: date, **days) -> CalendarDateQuerySet:
    return calendar.starting_in(
        CalendarDate.objects.all(), calendar.Window.of("mese", anchor), **days
    )


def test_month_grid_has_whole_weeks_and_limits_a_busy_day(db):
    for hour in range(8, 15):
        ActivityFactory(
            title="Burraco", starts_at=rome(2027, 3, 10, hour), ends_at=rome(2027, 3, 10, hour, 30)
        )
    window = calendar.Window.of("mese", date(2027, 3, 1))

    grouped = calendar.by_day(calendar.starting_in(CalendarDate.objects.all(), window), 5)
    weeks = calendar.month_weeks(window, grouped)

    assert [len(week) for week in weeks] == [7] * 5
    assert weeks[0][0]["day"] == date(2027, 3, 1)  # a Monday
    assert weeks[-1][-1] == {"day": date(2027, 4, 4), "slots": [], "more": 0, "in_month": False}
    cell = next(cell for week in weeks for cell in week if cell["day"] == date(2027, 3, 10))
    assert (len(cell["slots"]), cell["more"]) == (calendar.MONTH_PER_DAY, 2)
    assert [slot.local_start.hour for slot in cell["slots"]] == [8, 9, 10, 11, 12]
    assert calendar.total(grouped) == 7


def test_week_grid_limits_a_day_and_the_day_view_shows_everything(db):
    busy = calendar.WEEK_PER_DAY + 3
    for n in range(busy):
        ActivityFactory(
            title=f"Corso {n:02}", starts_at=rome(2027, 3, 17), ends_at=rome(2027, 3, 17, 1)
        )
    week_window = calendar.Window.of("settimana", date(2027, 3, 17))
    day_window = calendar.Window.of("giorno", date(2027, 3, 17))
    dates = CalendarDate.objects.all()

    week = calendar.days(
        week_window,
        calendar.by_day(calendar.starting_in(dates, week_window), calendar.per_day(week_window)),
    )
    day = calendar.days(
        day_window,
        calendar.by_day(calendar.starting_in(dates, day_window), calendar.per_day(day_window)),
    )

    assert [cell["day"] for cell in week][:3] == [date(2027, 3, 15 + n) for n in range(3)]
    assert (len(week[2]["slots"]), week[2]["more"]) == (calendar.WEEK_PER_DAY, 3)
    # Dates at the same time are in the order of their titles.
    assert [slot.activity.title for slot in week[2]["slots"]][:2] == ["Corso 00", "Corso 01"]
    assert [(len(cell["slots"]), cell["more"]) for cell in day] == [(busy, 0)]


def test_dates_of_a_month_keep_only_the_filter_days(room):
    activity = weekly(centre=room.centre, room=room, weekdays=[0], repeat_count=8,
                      starts_at=rome(2027, 3, 1, 18), ends_at=rome(2027, 3, 1, 19))  # fmt: skip
    services.cancel_occurrence(activity=activity, original_start=rome(2027, 3, 15, 18))

    everything = calendar.slots(month_of(date(2027, 3, 1)))
    some = calendar.slots(
        month_of(date(2027, 3, 1), since=date(2027, 3, 8), until=date(2027, 3, 22))
    )

    assert [slot.local_start.day for slot in everything] == [1, 8, 15, 22, 29]
    assert [(slot.local_start.day, slot.cancelled) for slot in some] == [
        (8, False),
        (15, True),
        (22, False),
    ]


def test_a_date_belongs_to_the_local_day_it_starts_on(db):
    # 23:30 in Rome is the next day in UTC: the date is on the evening's day all the same.
    ActivityFactory(starts_at=rome(2027, 3, 31, 23, 30), ends_at=rome(2027, 4, 1, 0, 30))

    march = calendar.by_day(month_of(date(2027, 3, 1)), None)
    april = calendar.by_day(month_of(date(2027, 4, 1)), None)

    assert list(march) == [date(2027, 3, 31)] and april == {}


def test_a_date_just_after_midnight_sits_on_its_own_day_in_the_city(db):
    # 00:30 in Rome is 23:30 of the day before in UTC; 31 March is after the clock change.
    for day in (date(2027, 1, 12), date(2027, 3, 31)):
        ActivityFactory(
            title="Tombola di mezzanotte",
            starts_at=rome(day.year, day.month, day.day, 0, 30),
            ends_at=rome(day.year, day.month, day.day, 1, 30),
        )
        window = calendar.Window.of("settimana", day)

        grouped = calendar.by_day(calendar.starting_in(CalendarDate.objects.all(), window), 15)

        assert list(grouped) == [day]
        assert CalendarDate.objects.get(starts_at__date=day).local_day == day
