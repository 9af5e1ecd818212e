"""iCalendar (RFC 5545) export of activities: series as RRULE with EXDATE and overrides."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from . import recurrence
from .models import Activity, Occurrence

UTC = ZoneInfo("UTC")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Feeds carry the recent past too, so a subscribed calendar does not lose last week's entries.
FEED_PAST = timedelta(days=60)


def feed_queryset(activities):
    """The series a feed exports, with every stored date, in a fixed number of queries."""
    return (
        activities.published()
        .filter(last_end__gte=timezone.now() - FEED_PAST)
        .select_related("centre", "room")
        .prefetch_related(
            Prefetch("occurrences", queryset=Occurrence.objects.select_related("room"))
        )
        .order_by("first_start", "pk")
    )


def uid_for(activity: Activity) -> str:
    return f"attivita-{activity.pk}@{urlparse(settings.PORTAL_URL).hostname or 'collabcity'}"


def rrule_for(activity: Activity) -> dict | None:
    if not activity.is_recurring:
        return None
    local_start = recurrence.to_local_naive(activity.starts_at)
    if activity.recurrence == Activity.Recurrence.WEEKLY:
        rule = {"FREQ": "WEEKLY", "BYDAY": [RRULE_DAYS[day] for day in activity.weekdays]}
    else:
        week = activity.month_week or recurrence.nth_weekday_of_month(local_start)
        rule = {"FREQ": "MONTHLY", "BYDAY": [f"{week}{RRULE_DAYS[local_start.weekday()]}"]}
    if activity.repeat_count:
        rule["COUNT"] = activity.repeat_count
    elif activity.repeat_until:
        # With a DTSTART in a time zone, UNTIL must be in UTC (RFC 5545, 3.3.10).
        until = recurrence.to_aware(datetime.combine(activity.repeat_until, time(23, 59, 59)))
        rule["UNTIL"] = until.astimezone(UTC)
    return rule


def _location(activity: Activity, room) -> str:
    parts = [room.name if room else "", activity.centre.name, activity.centre.address]
    return ", ".join(part for part in parts if part)


def _event(activity: Activity, absolute_url, *, start, end, room, url) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid_for(activity))
    event.add("dtstamp", activity.updated_at.astimezone(UTC))
    event.add("dtstart", timezone.localtime(start))
    event.add("dtend", timezone.localtime(end))
    event.add("summary", activity.title)
    if activity.description:
        event.add("description", activity.description)
    event.add("location", _location(activity, room))
    event.add("categories", [str(activity.get_category_display())])
    event.add("url", absolute_url(url))
    return event


def build_calendar(activities, *, name: str, absolute_url) -> bytes:
    """The feed of activities; absolute_url turns a path into a full link to the portal."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Comune di Reggio Emilia//CollabCity centri sociali//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for activity in activities:
        for component in activity_events(activity, absolute_url):
            calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def activity_events(activity: Activity, absolute_url) -> list[icalendar.Event]:
    occurrences = list(activity.occurrences.all())
    master = _event(
        activity,
        absolute_url,
        start=activity.starts_at,
        end=activity.ends_at,
        room=activity.room,
        url=activity.get_absolute_url(),
    )
    rule = rrule_for(activity)
    if rule is None:
        first = next((o for o in occurrences if o.original_start == activity.starts_at), None)
        if first is not None:
            master = _event(
                activity, absolute_url, start=first.starts_at, end=first.ends_at,
                room=first.room or activity.room, url=activity.get_absolute_url(),
            )  # fmt: skip
            if first.cancelled:
                master.add("status", "CANCELLED")
        return [master]
    master.add("rrule", rule)
    cancelled = sorted(o.original_start for o in occurrences if o.cancelled)
    if cancelled:
        master.add("exdate", [timezone.localtime(moment) for moment in cancelled])
    events = [master]
    for occurrence in occurrences:
        if occurrence.cancelled or not occurrence.is_moved:
            continue
        override = _event(
            activity,
            absolute_url,
            start=occurrence.starts_at,
            end=occurrence.ends_at,
            room=occurrence.room or activity.room,
            url=recurrence.slot_from_occurrence(activity, occurrence).get_absolute_url(),
        )
        override.add("recurrence-id", timezone.localtime(occurrence.original_start))
        override.add("sequence", 1)
        if occurrence.note:
            override.add("comment", occurrence.note)
        events.append(override)
    return events
