"""iCalendar (RFC 5545) export of activities: series as RRULE with EXDATE and overrides.

The feed of the whole city holds thousands of series: it is written here line by line (the
icalendar library builds an object per property and took seconds for it). The time zone's
VTIMEZONE, the same for every feed, is made once by the library. The tests read the feeds
back with the icalendar library.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from . import recurrence
from .models import Activity, Occurrence

UTC = ZoneInfo("UTC")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Feeds carry the recent past too, so a subscribed calendar does not lose last week's entries.
FEED_PAST = timedelta(days=60)
# Content lines longer than this many octets are folded (RFC 5545, 3.1).
LINE_OCTETS = 75


FEED_FIELDS = (
    "title", "description", "category", "starts_at", "ends_at", "recurrence", "weekdays",
    "month_week", "repeat_until", "repeat_count", "updated_at", "centre__name",
    "centre__address", "room__name",
)  # fmt: skip


def feed_queryset(activities):
    """The series a feed exports, with their suspended and moved dates, in two queries."""
    return (
        activities.published()
        .filter(last_end__gte=timezone.now() - FEED_PAST)
        .select_related("centre", "room")
        # Only what the events write: a city feed makes thousands of these objects.
        .only(*FEED_FIELDS)
        .prefetch_related(Prefetch("occurrences", queryset=exceptions(), to_attr="exceptions"))
        .order_by("first_start", "pk")
    )


def exceptions():
    """The stored dates a feed writes: suspended or moved ones (others only hold registrations)."""
    differs = Q(cancelled=True) | Q(room__isnull=False) | ~Q(starts_at=F("original_start"))
    return Occurrence.objects.filter(differs).select_related("room")


@dataclass(frozen=True)
class Feed:
    """What every event of one feed shares, found once: the portal's address for the links,
    the UIDs' host and the categories' names in the current language."""

    absolute_url: Callable[[str], str]
    origin: str = field(init=False)
    host: str = field(default_factory=lambda: urlparse(settings.PORTAL_URL).hostname)
    categories: dict = field(
        default_factory=lambda: {code: str(label) for code, label in Activity.Category.choices}
    )

    def __post_init__(self):
        # Building each absolute link from the request checks the host every time.
        object.__setattr__(self, "origin", self.absolute_url("/").removesuffix("/"))

    def link(self, path: str) -> str:
        return self.origin + path

    def uid(self, activity: Activity) -> str:
        return f"attivita-{activity.pk}@{self.host or 'collabcity'}"


def rrule_for(activity: Activity) -> str | None:
    if not activity.is_recurring:
        return None
    local_start = recurrence.to_local_naive(activity.starts_at)
    if activity.recurrence == Activity.Recurrence.WEEKLY:
        parts = ["FREQ=WEEKLY"]
        days = ",".join(RRULE_DAYS[day] for day in activity.weekdays)
    else:
        week = activity.month_week or recurrence.nth_weekday_of_month(local_start)
        parts = ["FREQ=MONTHLY"]
        days = f"{week}{RRULE_DAYS[local_start.weekday()]}"
    if activity.repeat_count:
        parts.append(f"COUNT={activity.repeat_count}")
    elif activity.repeat_until:
        # With a DTSTART in a time zone, UNTIL must be in UTC (RFC 5545, 3.3.10).
        until = recurrence.to_aware(datetime.combine(activity.repeat_until, time(23, 59, 59)))
        parts.append(f"UNTIL={until.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    parts.append(f"BYDAY={days}")
    return ";".join(parts)


def _text(value: str) -> str:
    """A TEXT value, escaped (RFC 5545, 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _local(moment: datetime) -> str:
    """A DATE-TIME in the portal's time zone, with its TZID parameter."""
    return f";TZID={settings.TIME_ZONE}:{recurrence.to_local_naive(moment):%Y%m%dT%H%M%S}"


def _fold(line: str) -> str:
    """The line folded every 75 octets, never inside a UTF-8 character (RFC 5545, 3.1)."""
    encoded = line.encode()
    if len(encoded) <= LINE_OCTETS:
        return line
    parts, start, limit = [], 0, LINE_OCTETS
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        while end < len(encoded) and encoded[end] & 0xC0 == 0x80:
            end -= 1  # a continuation byte: fold before its character
        parts.append(encoded[start:end].decode())
        start, limit = end, LINE_OCTETS - 1  # the folded line starts with a space
    return "\r\n ".join(parts)


def _location(activity: Activity, room) -> str:
    parts = [room.name if room else "", activity.centre.name, activity.centre.address]
    return ", ".join(part for part in parts if part)


def _event(activity: Activity, feed: Feed, *, start, end, room, url, extra=()) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(activity.title)}",
        f"DTSTART{_local(start)}",
        f"DTEND{_local(end)}",
        f"DTSTAMP:{activity.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"UID:{feed.uid(activity)}",
        *extra,
        f"CATEGORIES:{_text(feed.categories[activity.category])}",
    ]
    if activity.description:
        lines.append(f"DESCRIPTION:{_text(activity.description)}")
    lines += [
        f"LOCATION:{_text(_location(activity, room))}",
        f"URL:{feed.link(url)}",
        "END:VEVENT",
    ]
    return lines


@functools.cache
def vtimezone() -> str:
    """The VTIMEZONE of the portal's time zone, as the icalendar library writes it."""
    calendar = icalendar.Calendar()
    event = icalendar.Event()
    event.add("dtstart", timezone.localtime(datetime(2000, 1, 1, tzinfo=UTC)))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.walk("VTIMEZONE")[0].to_ical().decode().rstrip("\r\n")


def build_calendar(activities, *, name: str, absolute_url) -> bytes:
    """The feed of activities; absolute_url turns a path into a full link to the portal."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Comune di Reggio Emilia//CollabCity centri sociali//IT",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
    ]
    feed = Feed(absolute_url)
    events = [line for activity in activities for line in activity_events(activity, feed)]
    folded = [_fold(line) for line in lines]
    if events:
        folded.append(vtimezone())  # folded already
    folded += [_fold(line) for line in events]
    folded.append("END:VCALENDAR")
    return ("\r\n".join(folded) + "\r\n").encode()


def activity_events(activity: Activity, feed: Feed) -> list[str]:
    """The content lines of a series (from feed_queryset): its master event, then one override
    per moved date."""
    occurrences = activity.exceptions
    url = activity.get_absolute_url()
    rule = rrule_for(activity)
    if rule is None:
        first = next((o for o in occurrences if o.original_start == activity.starts_at), None)
        if first is None:
            return _event(
                activity, feed, start=activity.starts_at, end=activity.ends_at,
                room=activity.room, url=url,
            )  # fmt: skip
        return _event(
            activity, feed, start=first.starts_at, end=first.ends_at,
            room=first.room or activity.room, url=url,
            extra=["STATUS:CANCELLED"] if first.cancelled else [],
        )  # fmt: skip
    extra = [f"RRULE:{rule}"]
    cancelled = sorted(o.original_start for o in occurrences if o.cancelled)
    if cancelled:
        dates = ",".join(
            f"{recurrence.to_local_naive(moment):%Y%m%dT%H%M%S}" for moment in cancelled
        )
        extra.append(f"EXDATE;TZID={settings.TIME_ZONE}:{dates}")
    lines = _event(
        activity, feed, start=activity.starts_at, end=activity.ends_at,
        room=activity.room, url=url, extra=extra,
    )  # fmt: skip
    for occurrence in occurrences:
        if occurrence.cancelled or not occurrence.is_moved:
            continue
        override = [
            f"RECURRENCE-ID{_local(occurrence.original_start)}",
            "SEQUENCE:1",
        ]
        if occurrence.note:
            override.append(f"COMMENT:{_text(occurrence.note)}")
        lines += _event(
            activity, feed, start=occurrence.starts_at, end=occurrence.ends_at,
            room=occurrence.room or activity.room,
            url=recurrence.slot_from_occurrence(activity, occurrence).get_absolute_url(),
            extra=override,
        )  # fmt: skip
    return lines
