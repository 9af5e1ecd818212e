"""Expansion of activities into their dates, in the wall time of Europe/Rome.

Rules are expanded on naive local datetimes and only then made aware, so that a course at
18:00 stays at 18:00 when the clocks change (RFC 5545 semantics for DTSTART with TZID).
Cancelled and moved dates come from the activity's Occurrence rows. The calendar's pages
read the expansion stored by date_rows (models.CalendarDate) rather than expanding here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.conf import settings
from django.utils import timezone

from .models import MAX_DURATION, Activity, CalendarDate, Occurrence, Room, is_moved

ROME = ZoneInfo(settings.TIME_ZONE)
UTC = ZoneInfo("UTC")
KEY_FORMAT = "%Y%m%dT%H%M%SZ"
# A guard against runaway series: no rule yields more dates than this.
MAX_OCCURRENCES = 400

RRULE_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass(frozen=True)
class Slot:
    """One date of an activity as people see it: possibly moved, possibly cancelled."""

    activity: Activity
    original_start: datetime
    start: datetime
    end: datetime
    room: Room | None
    cancelled: bool = False
    moved: bool = False
    occurrence: Occurrence | None = None

    @property
    def key(self) -> str:
        return occurrence_key(self.original_start)

    @property
    def local_start(self) -> datetime:
        return timezone.localtime(self.start)

    @property
    def local_end(self) -> datetime:
        return timezone.localtime(self.end)

    def get_absolute_url(self) -> str:
        return date_url(self.activity.pk, self.original_start)


def date_url(activity_id: int, original_start: datetime) -> str:
    """The page of one date of a series, by the date's start in the rule."""
    from django.urls import reverse

    return reverse(
        "centri_sociali:occurrence_detail",
        kwargs={"pk": activity_id, "key": occurrence_key(original_start)},
    )


def occurrence_key(original_start: datetime) -> str:
    return original_start.astimezone(UTC).strftime(KEY_FORMAT)


def parse_occurrence_key(key: str) -> datetime | None:
    try:
        return datetime.strptime(key, KEY_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def to_local_naive(moment: datetime) -> datetime:
    return moment.astimezone(ROME).replace(tzinfo=None)


def to_aware(naive_local: datetime) -> datetime:
    # zoneinfo resolves the hour that does not exist in March and the repeated one in
    # October with fold=0, like RFC 5545 asks for the first of two repeated times. The result
    # is in UTC because Python compares and subtracts two datetimes of the same zone on their
    # wall clocks, which would make durations across the change an hour wrong.
    return naive_local.replace(tzinfo=ROME).astimezone(UTC)


def build_rule(activity: Activity) -> rrule.rrule | None:
    """The dateutil rule of a recurring activity, on naive local time; None for one date."""
    # Fields only, no model property: the data migration passes historical models.
    if activity.recurrence == Activity.Recurrence.NONE:
        return None
    dtstart = to_local_naive(activity.starts_at)
    # RFC 5545 allows UNTIL or COUNT, not both: the count wins when both are set.
    count = activity.repeat_count
    until = None
    if not count and activity.repeat_until:
        until = datetime.combine(activity.repeat_until, time(23, 59, 59))
    elif not count:
        count = MAX_OCCURRENCES
    if activity.recurrence == Activity.Recurrence.WEEKLY:
        days = sorted(set(activity.weekdays or [dtstart.weekday()]))
        byweekday = [RRULE_WEEKDAYS[day] for day in days]
    else:
        week = activity.month_week or nth_weekday_of_month(dtstart)
        byweekday = [RRULE_WEEKDAYS[dtstart.weekday()](week)]
    freq = rrule.WEEKLY if activity.recurrence == Activity.Recurrence.WEEKLY else rrule.MONTHLY
    return rrule.rrule(freq, dtstart=dtstart, byweekday=byweekday, until=until, count=count)


def nth_weekday_of_month(day: datetime) -> int:
    """1 for the first Tuesday of the month, …; -1 when it is also the last one past the 4th."""
    week = (day.day - 1) // 7 + 1
    return -1 if week > 4 else week


def rule_starts(activity: Activity, start: datetime | None = None, end: datetime | None = None):
    """Aware starts given by the rule alone (no exceptions), optionally within [start, end)."""
    rule = build_rule(activity)
    if rule is None:
        first = activity.starts_at
        if (start is None or first >= start) and (end is None or first < end):
            return [first]
        return []
    if start is None and end is None:
        naive = list(rule[:MAX_OCCURRENCES])
    else:
        low = (
            to_local_naive(start) - timedelta(days=1)
            if start
            else to_local_naive(activity.starts_at)
        )
        high = to_local_naive(end) + timedelta(days=1) if end else low + timedelta(days=3650)
        naive = rule.between(low, high, inc=True)
    starts = [to_aware(moment) for moment in naive]
    return [s for s in starts if (start is None or s >= start) and (end is None or s < end)]


def is_rule_start(activity: Activity, original_start: datetime) -> bool:
    return original_start in rule_starts(
        activity, original_start - timedelta(minutes=1), original_start + timedelta(minutes=1)
    )


def end_for(activity: Activity, start: datetime) -> datetime:
    """End of the date that starts at start: the same wall-clock duration as the first date."""
    wall = to_local_naive(activity.ends_at) - to_local_naive(activity.starts_at)
    return to_aware(to_local_naive(start) + wall)


def rule_bounds(activity: Activity) -> tuple[datetime, datetime]:
    """First start and last end of the dates the rule gives (exceptions not included)."""
    starts = rule_starts(activity)
    if not starts:
        return activity.starts_at, activity.ends_at
    return starts[0], end_for(activity, starts[-1])


def expand(
    activity: Activity,
    start: datetime,
    end: datetime,
    occurrences: list[Occurrence] | None = None,
) -> list[Slot]:
    """The dates of activity that overlap [start, end), with cancellations and moves applied.

    occurrences defaults to the activity's prefetched (or fetched) Occurrence rows.
    """
    if occurrences is None:
        occurrences = list(activity.occurrences.all())
    by_original = {occurrence.original_start: occurrence for occurrence in occurrences}
    wall = to_local_naive(activity.ends_at) - to_local_naive(activity.starts_at)
    slots = []
    for original in rule_starts(activity, start - MAX_DURATION, end):
        if original in by_original:
            continue  # placed below from the row, which may have moved elsewhere
        slot_end = to_aware(to_local_naive(original) + wall)
        if slot_end > start:
            slots.append(Slot(activity, original, original, slot_end, activity.room))
    for occurrence in occurrences:
        if occurrence.starts_at < end and occurrence.ends_at > start:
            slots.append(slot_from_occurrence(activity, occurrence))
    slots.sort(key=lambda slot: (slot.start, slot.activity.title))
    return slots


def slot_from_occurrence(activity: Activity, occurrence: Occurrence) -> Slot:
    return Slot(
        activity,
        occurrence.original_start,
        occurrence.starts_at,
        occurrence.ends_at,
        occurrence.room or activity.room,
        cancelled=occurrence.cancelled,
        moved=occurrence.is_moved,
        occurrence=occurrence,
    )


def date_rows(activity, occurrences) -> list[dict]:
    """The field values of every CalendarDate of activity: each date its rule gives, with the
    stored occurrences applied, as expand() gives them over the whole series.

    Fields only (the data migration passes historical models); activity.centre is read for
    its quartiere.
    """
    overridden = {occurrence.original_start for occurrence in occurrences}
    wall = to_local_naive(activity.ends_at) - to_local_naive(activity.starts_at)
    dates = [
        (original, original, to_aware(to_local_naive(original) + wall), activity.room_id, False)
        for original in rule_starts(activity)
        if original not in overridden
    ]
    dates += [
        (o.original_start, o.starts_at, o.ends_at, o.room_id or activity.room_id, o.cancelled)
        for o in occurrences
    ]
    moved = {o.original_start for o in occurrences if is_moved(o)}
    series = {
        "activity_id": activity.pk,
        "centre_id": activity.centre_id,
        "quartiere_id": activity.centre.quartiere_id,
        "title": activity.title,
        "category": activity.category,
        "audience": activity.audience,
        "free": not activity.price,
        "published": activity.published,
    }
    return [
        {
            **series,
            "original_start": original,
            "starts_at": start,
            "local_day": to_local_naive(start).date(),
            "ends_at": end,
            "room_id": room_id,
            "cancelled": cancelled,
            "moved": original in moved,
        }
        for original, start, end, room_id, cancelled in dates
    ]


def slot_from_date(date: CalendarDate) -> Slot:
    """A stored calendar date as the pages show it (its activity and room already loaded)."""
    return Slot(
        date.activity,
        date.original_start,
        date.starts_at,
        date.ends_at,
        date.room,
        cancelled=date.cancelled,
        moved=date.moved,
    )
