"""The calendar grid: which days a view shows, the dates in them, laid out by day.

The city calendar, a centre's page and the managers' page all show the dates of some series
over a span of days. Here the span is chosen (a month, a week, a day or the list's dates),
the series are read and expanded into their dates, and the dates are laid out as the weeks
of a month or a row of days, so that the views only read the request and render.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import recurrence
from .models import ActivityQuerySet
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


def dates_between(activities: ActivityQuerySet, start: datetime, end: datetime) -> list[Slot]:
    """The dates of the series that overlap [start, end), in order, in a fixed number of queries."""
    return recurrence.expand_many(activities.for_calendar(start, end), start, end)


def dates(
    activities: ActivityQuerySet,
    window: Window,
    *,
    since: date | None = None,
    until: date | None = None,
) -> list[Slot]:
    """The dates of the window; with since/until (the filter's days) only those starting on
    those days, which a month or a week may exceed."""
    return [
        slot
        for slot in dates_between(activities, window.starts_at, window.ends_at)
        if (since is None or slot.local_start.date() >= since)
        and (until is None or slot.local_start.date() <= until)
    ]


def by_day(slots: list[Slot]) -> dict[date, list[Slot]]:
    """The dates grouped by the local day they start on, in the order given."""
    days: dict[date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.local_start.date(), []).append(slot)
    return days


def _cell(day: date, slots: list[Slot], limit: int | None) -> dict:
    """A day of a grid: its first dates, and how many more the day view lists."""
    shown = slots if limit is None else slots[:limit]
    return {"day": day, "slots": shown, "more": len(slots) - len(shown)}


def month_weeks(window: Window, slots: list[Slot]) -> list[list[dict]]:
    """The weeks of the window's month, Monday first, with the days of the months around it."""
    grouped = by_day(slots)
    weeks = calendar.Calendar().monthdatescalendar(window.first.year, window.first.month)
    return [
        [
            {
                **_cell(day, grouped.get(day, []), MONTH_PER_DAY),
                "in_month": window.first <= day < window.end,
            }
            for day in week
        ]
        for week in weeks
    ]


def days(window: Window, slots: list[Slot]) -> list[dict]:
    """The window's days in a row: a week shows the first dates of each, a day all of them."""
    limit = WEEK_PER_DAY if window.view == WEEK else None
    grouped = by_day(slots)
    span = [window.first + timedelta(days=n) for n in range((window.end - window.first).days)]
    return [_cell(day, grouped.get(day, []), limit) for day in span]
