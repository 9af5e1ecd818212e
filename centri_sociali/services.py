"""Rules of the centres' calendar that change data, called by views, admin and the demo loader.

Who may act is the callers' question (the views ask centri_sociali/rules.py; the admin and the
demo loader are trusted): these functions refuse only what the calendar's state forbids.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from collabcity.models import User
from collabcity.notifications import notify

from . import recurrence
from .models import (
    MAX_DURATION,
    NOTIFICATION_TOPIC,
    Activity,
    CalendarDate,
    Centre,
    CentreFollow,
    Occurrence,
    Registration,
    Room,
)
from .recurrence import Slot

# How far ahead a series may be planned: it bounds the room-clash check and the feeds.
MAX_SERIES_SPAN = timedelta(days=2 * 366)
MAX_SERIES_COUNT = 200


class ActivityError(ValidationError):
    """A calendar change that cannot be made; the message is for the manager."""


class RoomClashError(ActivityError):
    """Two activities would use the same room at the same time."""


class RegistrationError(ValidationError):
    """A registration that cannot be made or cancelled; the message is for the citizen."""


def day_label(moment: datetime) -> str:
    """The day as in a sentence: Italian writes "giovedì 4 marzo 2027" in lower case."""
    label = formats.date_format(moment, "l j F Y")
    return label.lower() if (get_language() or "").startswith("it") else label


def describe_slot(slot: Slot) -> str:
    start, end = slot.local_start, slot.local_end
    return _("%(date)s dalle %(start)s alle %(end)s") % {
        "date": day_label(start),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


# --- schedule -------------------------------------------------------------------------------


def validate_schedule(activity: Activity) -> None:
    """Raise ActivityError, in plain words, for a schedule that cannot be a calendar entry."""
    if activity.starts_at is None or activity.ends_at is None:
        raise ActivityError(_("Indica il giorno e l'orario dell'attività."))
    if activity.ends_at <= activity.starts_at:
        raise ActivityError(_("L'orario di fine deve venire dopo l'orario di inizio."))
    if activity.ends_at - activity.starts_at > MAX_DURATION:
        raise ActivityError(_("Un'attività può durare al massimo 24 ore."))
    if activity.room_id and activity.room.centre_id != activity.centre_id:
        raise ActivityError(_("La sala scelta non appartiene a questo centro."))
    if activity.room_id and activity.capacity and activity.capacity > activity.room.capacity:
        raise ActivityError(
            _("La sala «%(room)s» ha %(capacity)s posti: non se ne possono offrire di più.")
            % {"room": activity.room.name, "capacity": activity.room.capacity}
        )
    if not activity.is_recurring:
        activity.weekdays, activity.month_week = [], None
        activity.repeat_until = activity.repeat_count = None
        return
    if activity.repeat_until and activity.repeat_count:
        raise ActivityError(
            _("Scegli se la serie finisce a una data o dopo un numero di incontri, non entrambi.")
        )
    if not activity.repeat_until and not activity.repeat_count:
        raise ActivityError(
            _("Indica fino a quando si ripete l'attività, o quante volte si ripete.")
        )
    first_day = timezone.localtime(activity.starts_at).date()
    if activity.repeat_until and activity.repeat_until < first_day:
        raise ActivityError(_("La data finale della ripetizione viene prima della prima data."))
    if activity.repeat_until and activity.repeat_until - first_day > MAX_SERIES_SPAN:
        raise ActivityError(_("Una serie può durare al massimo due anni."))
    if activity.repeat_count and activity.repeat_count > MAX_SERIES_COUNT:
        raise ActivityError(
            _("Una serie può avere al massimo %(count)s date.") % {"count": MAX_SERIES_COUNT}
        )
    if activity.recurrence == Activity.Recurrence.WEEKLY:
        days = sorted({int(day) for day in activity.weekdays or []})
        if any(day < 0 or day > 6 for day in days):
            raise ActivityError(_("Giorno della settimana non valido."))
        activity.weekdays = days or [first_day.weekday()]
        activity.month_week = None
    else:
        activity.weekdays = []
        if activity.month_week not in (None, 1, 2, 3, 4, -1):
            raise ActivityError(
                _("Scegli la settimana del mese: prima, seconda, terza, quarta o ultima.")
            )


def align_to_rule(activity: Activity) -> None:
    """Move the first date onto the first date the rule gives, as RFC 5545 expects of DTSTART."""
    starts = recurrence.rule_starts(activity)
    if not starts:
        raise ActivityError(
            _("Con queste scelte la serie non ha nessuna data: controlla i giorni.")
        )
    first = starts[0]
    if first != activity.starts_at:
        wall = recurrence.to_local_naive(activity.ends_at) - recurrence.to_local_naive(
            activity.starts_at
        )
        activity.starts_at = first
        activity.ends_at = recurrence.to_aware(recurrence.to_local_naive(first) + wall)


def refresh_bounds(activity: Activity, occurrences: list[Occurrence] | None = None) -> None:
    first, last = recurrence.rule_bounds(activity)
    if occurrences is None:
        occurrences = list(activity.occurrences.all()) if activity.pk else []
    for occurrence in occurrences:
        first = min(first, occurrence.starts_at)
        last = max(last, occurrence.ends_at)
    activity.first_start, activity.last_end = first, last


def save_activity(*, activity: Activity) -> Activity:
    """Validate, check the room and save an activity (new or changed), atomically."""
    validate_schedule(activity)
    if activity.is_recurring:
        align_to_rule(activity)
    with transaction.atomic():
        if activity.room_id:
            # Serialises every booking of this room: two managers saving at the same moment
            # see each other's activity in the clash check.
            Room.objects.select_for_update().get(pk=activity.room_id)
        occurrences = list(activity.occurrences.select_related("room")) if activity.pk else []
        _refuse_orphaning_registrations(activity, occurrences)
        refresh_bounds(activity, occurrences)
        if activity.room_id:
            own = [
                slot
                for slot in recurrence.expand(
                    activity, activity.first_start, activity.last_end, occurrences
                )
                if not slot.cancelled and slot.room and slot.room.pk == activity.room_id
            ]
            ensure_room_free(room=activity.room, slots=own, exclude_activity=activity)
        activity.save()
        write_dates(activity=activity, occurrences=occurrences)
        _promote_after_capacity_change(activity)
    return activity


def _refuse_orphaning_registrations(activity: Activity, occurrences: list[Occurrence]) -> None:
    """A new schedule must keep every future date that people registered for."""
    now = timezone.now()
    for occurrence in occurrences:
        if occurrence.starts_at < now or occurrence.is_moved or occurrence.cancelled:
            continue
        if recurrence.is_rule_start(activity, occurrence.original_start):
            continue
        if occurrence.registrations.active().exists():
            raise ActivityError(
                _(
                    "Ci sono persone iscritte al %(date)s, che con il nuovo orario sparirebbe. "
                    "Sospendi o sposta quella data, oppure crea una nuova attività."
                )
                % {"date": formats.date_format(timezone.localtime(occurrence.starts_at), "j F Y")}
            )


def _promote_after_capacity_change(activity: Activity) -> None:
    if not activity.pk or not activity.registration_required:
        return
    upcoming = Occurrence.objects.filter(
        activity=activity, starts_at__gt=timezone.now(), cancelled=False
    )
    for occurrence in upcoming.filter(registrations__status=Registration.Status.WAITING).distinct():
        _promote_waiting(Occurrence.objects.select_for_update().get(pk=occurrence.pk))


def write_dates(*, activity: Activity, occurrences: list[Occurrence] | None = None) -> None:
    """Rewrite the calendar's dates of activity from its rule and stored occurrences.

    Every change of a series, of one of its dates or of its facts calls this inside its own
    transaction, so that the calendar never shows a state the rule and the occurrences do not.
    """
    if occurrences is None:
        occurrences = list(activity.occurrences.all())
    CalendarDate.objects.filter(activity=activity).delete()
    CalendarDate.objects.bulk_create(
        CalendarDate(**values) for values in recurrence.date_rows(activity, occurrences)
    )


def rebuild_calendar() -> int:
    """Rewrite the dates of every series (manage.py rebuild_calendar); returns how many."""
    with transaction.atomic():
        CalendarDate.objects.all().delete()
        activities = Activity.objects.select_related("centre").prefetch_related("occurrences")
        rows = [
            CalendarDate(**values)
            for activity in activities.iterator(chunk_size=500)
            for values in recurrence.date_rows(activity, list(activity.occurrences.all()))
        ]
        CalendarDate.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def delete_activity(*, activity: Activity) -> None:
    """Remove an activity from the calendar, unless people hold places at a future date."""
    with transaction.atomic():
        booked = Registration.objects.active().filter(
            occurrence__activity=activity, occurrence__starts_at__gt=timezone.now()
        )
        if booked.exists():
            raise ActivityError(
                _(
                    "Ci sono persone iscritte alle prossime date: sospendi quelle date "
                    "(le persone riceveranno un avviso) e poi elimina l'attività."
                )
            )
        activity.delete()


# --- room clashes ---------------------------------------------------------------------------


def find_clash(
    *,
    room: Room,
    slots: list[Slot],
    exclude_activity: Activity | None = None,
    exclude_key: tuple[int, datetime] | None = None,
) -> tuple[Slot, Slot] | None:
    """The first (candidate, existing) pair of dates overlapping in room, or None.

    exclude_activity leaves out a whole series (the one being saved); exclude_key one date
    (activity pk, original start) of another series (the one being moved).
    """
    if not slots:
        return None
    low = min(slot.start for slot in slots)
    high = max(slot.end for slot in slots)
    booked = CalendarDate.objects.filter(room=room, cancelled=False).overlapping(low, high)
    if exclude_activity is not None and exclude_activity.pk:
        booked = booked.exclude(activity=exclude_activity)
    if exclude_key is not None:
        booked = booked.exclude(activity_id=exclude_key[0], original_start=exclude_key[1])
    taken = [
        recurrence.slot_from_date(date)
        for date in booked.select_related("activity", "room").order_by("starts_at")
    ]
    starts = [slot.start for slot in taken]
    for candidate in sorted(slots, key=lambda slot: slot.start):
        # No date lasts more than MAX_DURATION, so earlier starts cannot reach the candidate.
        index = bisect_left(starts, candidate.start - MAX_DURATION)
        while index < len(taken) and taken[index].start < candidate.end:
            if taken[index].end > candidate.start:
                return candidate, taken[index]
            index += 1
    return None


def ensure_room_free(
    *,
    room: Room,
    slots: list[Slot],
    exclude_activity: Activity | None = None,
    exclude_key: tuple[int, datetime] | None = None,
) -> None:
    clash = find_clash(
        room=room, slots=slots, exclude_activity=exclude_activity, exclude_key=exclude_key
    )
    if clash is None:
        return
    _candidate, existing = clash
    raise RoomClashError(
        _(
            "La sala «%(room)s» è già occupata da «%(other)s» %(when)s. "
            "Scegli un altro orario o un'altra sala."
        )
        % {"room": room.name, "other": existing.activity.title, "when": describe_slot(existing)}
    )


# --- single dates ---------------------------------------------------------------------------


def get_slot(*, activity: Activity, original_start: datetime) -> Slot:
    """The date of activity keyed by original_start, or ActivityError if the series has none."""
    occurrence = (
        activity.occurrences.select_related("room").filter(original_start=original_start).first()
    )
    if occurrence is not None:
        return recurrence.slot_from_occurrence(activity, occurrence)
    if not recurrence.is_rule_start(activity, original_start):
        raise ActivityError(_("Questa attività non ha una data a quell'ora."))
    return Slot(
        activity,
        original_start,
        original_start,
        recurrence.end_for(activity, original_start),
        activity.room,
    )


def materialise(*, activity: Activity, original_start: datetime) -> Occurrence:
    """The stored row of one date, created from the rule the first time it is needed."""
    slot = get_slot(activity=activity, original_start=original_start)
    if slot.occurrence is not None:
        return slot.occurrence
    occurrence, _created = Occurrence.objects.get_or_create(
        activity=activity,
        original_start=original_start,
        defaults={"starts_at": slot.start, "ends_at": slot.end},
    )
    return occurrence


def cancel_occurrence(
    *, activity: Activity, original_start: datetime, note: str = ""
) -> Occurrence:
    """Suspend one date ("lezione sospesa"); the rest of the series is untouched."""
    with transaction.atomic():
        occurrence = materialise(activity=activity, original_start=original_start)
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if occurrence.cancelled:
            raise ActivityError(_("Questa data è già sospesa."))
        _refuse_past(occurrence)
        occurrence.cancelled = True
        occurrence.note = note
        occurrence.save(update_fields=["cancelled", "note", "updated_at"])
        write_dates(activity=activity)
        _notify_change(
            occurrence,
            event="centri_sociali/occurrence_cancelled",
            context={
                "activity": activity,
                "when": describe_slot(recurrence.slot_from_occurrence(activity, occurrence)),
                "note": note,
            },
        )
    return occurrence


def restore_occurrence(*, activity: Activity, original_start: datetime) -> Occurrence:
    """Undo a suspension, if the room is still free at that time."""
    with transaction.atomic():
        occurrence = materialise(activity=activity, original_start=original_start)
        occurrence = (
            Occurrence.objects.select_related("room")
            .select_for_update(of=("self",))
            .get(pk=occurrence.pk)
        )
        if not occurrence.cancelled:
            raise ActivityError(_("Questa data non è sospesa."))
        room = occurrence.room or activity.room
        if room is not None:
            Room.objects.select_for_update().get(pk=room.pk)
            slot = recurrence.slot_from_occurrence(activity, occurrence)
            ensure_room_free(room=room, slots=[slot], exclude_key=(activity.pk, original_start))
        occurrence.cancelled = False
        occurrence.note = ""
        occurrence.save(update_fields=["cancelled", "note", "updated_at"])
        write_dates(activity=activity)
    return occurrence


def move_occurrence(
    *,
    activity: Activity,
    original_start: datetime,
    starts_at: datetime,
    ends_at: datetime,
    room: Room | None,
    note: str = "",
) -> Occurrence:
    """Move one date to another time and/or room; the rest of the series is untouched."""
    if ends_at <= starts_at:
        raise ActivityError(_("L'orario di fine deve venire dopo l'orario di inizio."))
    if ends_at - starts_at > MAX_DURATION:
        raise ActivityError(_("Un'attività può durare al massimo 24 ore."))
    if room is not None and room.centre_id != activity.centre_id:
        raise ActivityError(_("La sala scelta non appartiene a questo centro."))
    with transaction.atomic():
        if room is not None:
            Room.objects.select_for_update().get(pk=room.pk)
        occurrence = materialise(activity=activity, original_start=original_start)
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if occurrence.cancelled:
            raise ActivityError(_("Questa data è sospesa: ripristinala prima di spostarla."))
        _refuse_past(occurrence)
        before = describe_slot(recurrence.slot_from_occurrence(activity, occurrence))
        slot = Slot(activity, original_start, starts_at, ends_at, room)
        if room is not None:
            # The series' own other dates count too: exclude_key leaves out only this one.
            ensure_room_free(room=room, slots=[slot], exclude_key=(activity.pk, original_start))
        occurrence.starts_at, occurrence.ends_at = starts_at, ends_at
        occurrence.room = room if room != activity.room else None
        occurrence.note = note
        occurrence.save()
        Activity.objects.filter(pk=activity.pk).update(
            first_start=min(activity.first_start, starts_at),
            last_end=max(activity.last_end, ends_at),
        )
        write_dates(activity=activity)
        _notify_change(
            occurrence,
            event="centri_sociali/occurrence_moved",
            context={
                "activity": activity,
                "before": before,
                "after": describe_slot(slot),
                "room": room,
                "note": note,
            },
        )
    return occurrence


def _refuse_past(occurrence: Occurrence) -> None:
    if occurrence.starts_at <= timezone.now():
        raise ActivityError(_("Questa data è già passata o iniziata: non si può più cambiare."))


def _notify_change(occurrence: Occurrence, *, event: str, context: dict) -> None:
    """Tell who registered for the date, and who follows the centre, in this transaction."""
    activity = occurrence.activity
    registrant_ids = occurrence.registrations.active().values_list("user_id", flat=True)
    follower_ids = CentreFollow.objects.filter(centre_id=activity.centre_id).values_list(
        "user_id", flat=True
    )
    recipients = User.objects.filter(
        Q(pk__in=registrant_ids) | Q(pk__in=follower_ids), is_active=True
    ).order_by("pk")
    url = recurrence.Slot(
        activity, occurrence.original_start, occurrence.starts_at, occurrence.ends_at, None
    ).get_absolute_url()
    for recipient in recipients:
        notify(
            recipient=recipient,
            topic=NOTIFICATION_TOPIC,
            event=event,
            context=context,
            url=url,
        )


# --- registrations --------------------------------------------------------------------------


def register(*, activity: Activity, original_start: datetime, user: User) -> Registration:
    """Give user a place at one date, or a place in its waiting list once it is full."""
    if not activity.registration_required:
        raise RegistrationError(_("Per questa attività non serve iscriversi: vieni direttamente."))
    with transaction.atomic():
        occurrence = materialise(activity=activity, original_start=original_start)
        # The lock on the date's row serialises registrations: the count below cannot change
        # until this transaction ends, so the capacity is never exceeded.
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if occurrence.cancelled:
            raise RegistrationError(_("Questa data è sospesa: non ci si può iscrivere."))
        if occurrence.starts_at <= timezone.now():
            raise RegistrationError(_("Questa data è già passata o iniziata."))
        if occurrence.registrations.active().filter(user=user).exists():
            raise RegistrationError(_("Sei già iscritto o iscritta a questa data."))
        confirmed = occurrence.registrations.confirmed().count()
        full = activity.capacity is not None and confirmed >= activity.capacity
        return Registration.objects.create(
            occurrence=occurrence,
            user=user,
            status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
        )


def cancel_registration(*, registration: Registration) -> Registration | None:
    """Cancel a place; the first person waiting takes it and is told. Returns them, if any."""
    with transaction.atomic():
        occurrence = Occurrence.objects.select_for_update().get(pk=registration.occurrence_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            raise RegistrationError(_("Questa iscrizione è già stata annullata."))
        if occurrence.starts_at <= timezone.now():
            raise RegistrationError(_("La data è già passata: l'iscrizione non si può annullare."))
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = _promote_waiting(occurrence)
    return promoted[0] if promoted else None


def _promote_waiting(occurrence: Occurrence) -> list[Registration]:
    """Fill free places from the waiting list, in order; the caller holds the date's lock."""
    activity = occurrence.activity
    confirmed = occurrence.registrations.confirmed().count()
    free = None if activity.capacity is None else activity.capacity - confirmed
    waiting = occurrence.registrations.waiting().select_for_update().select_related("user")
    chosen = list(waiting if free is None else waiting[: max(free, 0)])
    slot = recurrence.slot_from_occurrence(activity, occurrence)
    for registration in chosen:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at"])
        notify(
            recipient=registration.user,
            topic=NOTIFICATION_TOPIC,
            event="centri_sociali/registration_promoted",
            context={"activity": activity, "when": describe_slot(slot)},
            url=slot.get_absolute_url(),
        )
    return chosen


# --- followers ------------------------------------------------------------------------------


def follow_centre(*, centre: Centre, user: User) -> CentreFollow:
    follow, _created = CentreFollow.objects.get_or_create(centre=centre, user=user)
    return follow


def unfollow_centre(*, centre: Centre, user: User) -> None:
    CentreFollow.objects.filter(centre=centre, user=user).delete()
