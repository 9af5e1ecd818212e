"""The calendar grid: which days a view shows, the dates in them, laid out by day.

The city calendar, a centre's page and the managers' page all show the dates of some series
over a span of days. Here the span is chosen (a month, a week, a day or the list's dates),
its dates are read from the stored calendar (models.CalendarDate), and they are laid out as
the weeks of a month or a row of days, so that the views only read the request and render.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Count
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import recurrence
from .models import CalendarDate, CalendarDateQuerySet
from .recurrence import Slot

MONTH, WEEK, DAY, LIST = "mese", "settimana", "giorno", "elenco"
VIEW_CHOICES = [
    (MONTH, _("Mese")),
    (WEEK, _("Settimana")),
    (DAY, _("Giorno")),
    (LIST, _("Elenco")),
]
VIEWS = {code for code, _label in VIEW_CHOICES}
# With the whole city in a grid a day can hold dozens of dates: the grid shows the first ones
# and links to the day, as calendar programs do ("+ 12 altre").
MONTH_PER_DAY = 5
WEEK_PER_DAY = 15
LIST_DEFAULT_DAYS = 30


def local_midnight(day: date) -> datetime:
    return recurrence.to_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Window:
    """The days a view shows: from first to the day before end."""

    view: str
    first: date
    end: date

    @classmethod
    def of(
        cls, view: str, anchor: date, *, since: date | None = None, until: date | None = None
    ) -> Window:
        """The month, week or day around anchor; for the list, since..until (a month by default)."""
        if view == MONTH:
            first = anchor.replace(day=1)
            length = calendar.monthrange(first.year, first.month)[1]
            return cls(view, first, first + timedelta(days=length))
        if view == WEEK:
            monday = anchor - timedelta(days=anchor.weekday())
            return cls(view, monday, monday + timedelta(days=7))
        if view == DAY:
            return cls(view, anchor, anchor + timedelta(days=1))
        first = since or timezone.localdate()
        last = until or first + timedelta(days=LIST_DEFAULT_DAYS - 1)
        return cls(LIST, first, last + timedelta(days=1))

    @classmethod
    def upcoming(cls, days: int) -> Window:
        """Today and the days after it, as the managers' page lists them."""
        today = timezone.localdate()
        return cls(LIST, today, today + timedelta(days=days))

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        return local_midnight(self.first)

    @property
    def ends_at(self) -> datetime:
        return local_midnight(self.end)

    @property
    def previous(self) -> date:
        """The first day of the window before this one, for the "previous" link."""
        if self.view == MONTH:
            return (self.first - timedelta(days=1)).replace(day=1)
        return self.first - (self.end - self.first)

    @property
    def next(self) -> date:
        """The first day of the window after this one."""
        return self.end


def days_of(window: Window, since: date | None = None, until: date | None = None):
    """The window's first day and the day after its last, narrowed to the filter's days."""
    first = max(window.first, since) if since else window.first
    end = min(window.end, until + timedelta(days=1)) if until else window.end
    return first, max(first, end)


def starting_in(
    dates: CalendarDateQuerySet,
    window: Window,
    *,
    since: date | None = None,
    until: date | None = None,
) -> CalendarDateQuerySet:
    """The dates that start on the window's days (and on the filter's days, if given)."""
    first, end = days_of(window, since, until)
    # The same days twice: starts_at for the filters' indexes, local_day for the grids' ranking.
    return dates.starting_between(local_midnight(first), local_midnight(end)).filter(
        local_day__gte=first, local_day__lt=end
    )


def slots(dates: CalendarDateQuerySet, limit: int | None = None) -> list[Slot]:
    """The (first `limit`) dates as the pages show them, in order, in one query."""
    return [recurrence.slot_from_date(date) for date in dates.for_display()[:limit]]


@dataclass(frozen=True)
class Day:
    """The first dates of a day that a grid shows, and how many the day has in all."""

    slots: list[Slot]
    total: int


def by_day(dates: CalendarDateQuerySet, limit: int | None) -> dict[date, Day]:
    """The first `limit` dates of each day (all with None) and each day's count, in two queries.

    A month of the whole city holds thousands of dates and a grid shows five a day: the
    database ranks the narrow rows of the table within their day, and only the dates shown
    are then read with their activity, centre and room.
    """
    ranked = dates.annotate(
        day_total=models.Window(Count("pk"), partition_by="local_day"),
        rank=models.Window(
            RowNumber(), partition_by="local_day", order_by=("starts_at", "title", "activity_id")
        ),
    ).values_list("pk", "local_day", "day_total")
    if limit is not None:
        ranked = ranked.filter(rank__lte=limit)
    day_of = {pk: (day, day_total) for pk, day, day_total in ranked}
    found: dict[date, Day] = {}
    for row in CalendarDate.objects.filter(pk__in=day_of).for_display():
        day, day_total = day_of[row.pk]
        found.setdefault(day, Day([], day_total)).slots.append(recurrence.slot_from_date(row))
    return found


def _cell(day: date, grouped: dict[date, Day]) -> dict:
    """A day of a grid: its first dates, and how many more the day view lists."""
    found = grouped.get(day, Day([], 0))
    return {"day": day, "slots": found.slots, "more": found.total - len(found.slots)}


def total(grouped: dict[date, Day]) -> int:
    return sum(day.total for day in grouped.values())


def month_weeks(window: Window, grouped: dict[date, Day]) -> list[list[dict]]:
    """The weeks of the window's month, Monday first, with the days of the months around it."""
    weeks = calendar.Calendar().monthdatescalendar(window.first.year, window.first.month)
    return [
        [{**_cell(day, grouped), "in_month": window.first <= day < window.end} for day in week]
        for week in weeks
    ]


def per_day(window: Window) -> int | None:
    """How many dates a day of the view shows before "and N more"."""
    return {MONTH: MONTH_PER_DAY, WEEK: WEEK_PER_DAY}.get(window.view)


def days(window: Window, grouped: dict[date, Day]) -> list[dict]:
    """The window's days in a row: a week shows the first dates of each, a day all of them."""
    span = [window.first + timedelta(days=n) for n in range((window.end - window.first).days)]
    return [_cell(day, grouped) for day in span]
