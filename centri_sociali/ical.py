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
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from . import recurrence
from .models import Activity, Occurrence

UTC = ZoneInfo("UTC")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Feeds carry the recent past too, so a subscribed calendar does not lose last week's entries.
FEED_PAST = timedelta(days=60)
# Content lines longer than this many octets are folded (RFC 5545, 3.1).
LINE_OCTETS = 75


def exceptions():
    """The stored dates a feed writes: suspended or moved ones (others only hold registrations)."""
    differs = Q(cancelled=True) | Q(room__isnull=False) | ~Q(starts_at=F("original_start"))
    return Occurrence.objects.filter(differs).select_related("room")


class FeedSeries(NamedTuple):
    """A series as a feed writes it, read as a row: a city feed holds thousands of series, and
    building a model object for each, its centre and its room took a third of the feed's time.
    """

    pk: int
    title: str
    description: str
    category: str
    starts_at: datetime
    ends_at: datetime
    recurrence: str
    weekdays: list[int]
    month_week: int | None
    repeat_until: date | None
    repeat_count: int | None
    updated_at: datetime
    centre_name: str
    centre_address: str
    room_name: str | None

    @property
    def is_recurring(self) -> bool:
        return self.recurrence != Activity.Recurrence.NONE


def feed_series(activities) -> tuple[list[FeedSeries], dict[int, list[Occurrence]]]:
    """The series a feed exports, and each one's suspended and moved dates, in two queries."""
    exported = activities.published().filter(last_end__gte=timezone.now() - FEED_PAST)
    rows = (
        exported.annotate(
            centre_name=F("centre__name"),
            centre_address=F("centre__address"),
            room_name=F("room__name"),
        )
        .order_by("first_start", "pk")
        .values_list(*FeedSeries._fields)
    )
    # A join on the series' own query: a list of thousands of ids would be sent and parsed.
    differing = exceptions().filter(activity__in=exported.values("pk")).order_by("starts_at", "pk")
    by_series: dict[int, list[Occurrence]] = {}
    for occurrence in differing:
        by_series.setdefault(occurrence.activity_id, []).append(occurrence)
    return [FeedSeries._make(row) for row in rows], by_series


@dataclass(frozen=True)
class Feed:
    """What every event of one feed shares, found once: the portal's address for the links,
    the UIDs' host, the categories' names in the current language and the places' texts
    (hundreds of places for thousands of series), escaped."""

    absolute_url: Callable[[str], str]
    origin: str = field(init=False)
    series_path_parts: tuple[str, str] = field(init=False)
    host: str = field(default_factory=lambda: urlparse(settings.PORTAL_URL).hostname)
    categories: dict = field(
        default_factory=lambda: {
            code: _text(str(label)) for code, label in Activity.Category.choices
        }
    )
    locations: dict = field(default_factory=dict)

    def __post_init__(self):
        # Building each absolute link from the request checks the host every time.
        object.__setattr__(self, "origin", self.absolute_url("/").removesuffix("/"))
        # A reverse() per series took a sixth of a city feed's time; paths differ by the pk only.
        before, after = reverse("centri_sociali:activity_detail", kwargs={"pk": 0}).rsplit("/0/", 1)
        object.__setattr__(self, "series_path_parts", (before + "/", "/" + after))

    def link(self, path: str) -> str:
        return self.origin + path

    def series_link(self, series: FeedSeries) -> str:
        before, after = self.series_path_parts
        return f"{self.origin}{before}{series.pk}{after}"

    def uid(self, series: FeedSeries) -> str:
        return f"attivita-{series.pk}@{self.host or 'collabcity'}"

    def location(self, series: FeedSeries, room_name: str | None) -> str:
        place = (room_name or "", series.centre_name, series.centre_address)
        if place not in self.locations:
            self.locations[place] = _text(", ".join(part for part in place if part))
        return self.locations[place]


def rrule_for(activity: FeedSeries) -> str | None:
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
    return f";TZID={settings.TIME_ZONE}:{moment.astimezone(recurrence.ROME):%Y%m%dT%H%M%S}"


def _fold(line: str) -> str:
    """The line folded every 75 octets, never inside a UTF-8 character (RFC 5545, 3.1)."""
    if len(line) <= LINE_OCTETS and line.isascii():
        return line  # most lines: no encoding needed to know they fit
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


def _event(series: FeedSeries, feed: Feed, *, start, end, room_name, link, extra=()) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(series.title)}",
        f"DTSTART{_local(start)}",
        f"DTEND{_local(end)}",
        f"DTSTAMP:{series.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"UID:{feed.uid(series)}",
        *extra,
        f"CATEGORIES:{feed.categories[series.category]}",
    ]
    if series.description:
        lines.append(f"DESCRIPTION:{_text(series.description)}")
    lines += [
        f"LOCATION:{feed.location(series, room_name)}",
        f"URL:{link}",
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
    """The feed of activities (a queryset); absolute_url turns a path into a full link to the
    portal."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Comune di Reggio Emilia//CollabCity centri sociali//IT",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
    ]
    feed = Feed(absolute_url)
    series, exceptions_by_series = feed_series(activities)
    events = [
        line
        for one in series
        for line in series_events(one, exceptions_by_series.get(one.pk, ()), feed)
    ]
    folded = [_fold(line) for line in lines]
    if events:
        folded.append(vtimezone())  # folded already
    folded += [_fold(line) for line in events]
    folded.append("END:VCALENDAR")
    return ("\r\n".join(folded) + "\r\n").encode()


def series_events(series: FeedSeries, occurrences, feed: Feed) -> list[str]:
    """The content lines of a series: its master event, then one override per moved date."""
    link = feed.series_link(series)
    rule = rrule_for(series)
    if rule is None:
        first = next((o for o in occurrences if o.original_start == series.starts_at), None)
        if first is None:
            return _event(
                series, feed, start=series.starts_at, end=series.ends_at,
                room_name=series.room_name, link=link,
            )  # fmt: skip
        return _event(
            series, feed, start=first.starts_at, end=first.ends_at,
            room_name=first.room.name if first.room else series.room_name, link=link,
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
        series, feed, start=series.starts_at, end=series.ends_at,
        room_name=series.room_name, link=link, extra=extra,
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
        date_path = recurrence.date_url(series.pk, occurrence.original_start)
        lines += _event(
            series, feed, start=occurrence.starts_at, end=occurrence.ends_at,
            room_name=occurrence.room.name if occurrence.room else series.room_name,
            link=feed.link(date_path), extra=override,
        )  # fmt: skip
    return lines
