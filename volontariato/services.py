"""The rules of civic volunteering that change data, called by views, admin, commands and tasks.

Locks are always taken in the same order, volunteer row first and shift row second, so that a
sign-up, a cancellation and a change of status can never wait for each other in a cycle.

Who may act is decided before a service is called: the portal's views ask the permissions of
volontariato.rules, the admin its model permissions; commands and tasks act for the Comune.
Notifications name their event; the wording is in templates/volontariato/notifications/.
"""

import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collabcity.models import Quartiere, User
from collabcity.notifications import notify, notify_many

from .models import (
    CONSENT_VERSION,
    NOTIFICATION_TOPIC,
    Certificate,
    HoursLog,
    Opportunity,
    Shift,
    Signup,
    Skill,
    StatusChange,
    Volunteer,
    availability_choices,
)
from .roles import VOLUNTEER_COORDINATOR

Status = Volunteer.Status


class VolunteeringError(ValidationError):
    """A rule of civic volunteering stopped the action; the message is for the person."""


class ApplicationError(VolunteeringError):
    pass


class StatusError(VolunteeringError):
    pass


class SignupError(VolunteeringError):
    pass


class ShiftFullError(SignupError):
    pass


class AlreadySignedUpError(SignupError):
    pass


class ShiftError(VolunteeringError):
    pass


class HoursError(VolunteeringError):
    pass


class CertificateError(VolunteeringError):
    pass


# --- Enrolment -------------------------------------------------------------------------------


def minimum_age() -> int:
    return getattr(settings, "VOLUNTEER_MINIMUM_AGE", 18)


def apply(
    *,
    user: User,
    birth_date: date,
    consent: bool,
    skills: Iterable[Skill] = (),
    availability: Iterable[str] = (),
    quartieri: Iterable[Quartiere] = (),
    motivation: str = "",
    phone: str = "",
) -> Volunteer:
    """Enrol the user's application in the register, in status «domanda»."""
    if not consent:
        raise ApplicationError(_("Per candidarti devi acconsentire al trattamento dei dati."))
    today = timezone.localdate()
    if birth_date > today:
        raise ApplicationError(_("La data di nascita non può essere nel futuro."))
    volunteer = Volunteer(birth_date=birth_date)
    if volunteer.age_on(today) < minimum_age():
        raise ApplicationError(
            _("Per diventare volontario civico devi avere almeno %(age)s anni.")
            % {"age": minimum_age()}
        )
    slots = _checked_slots(availability)
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(
                user=user,
                birth_date=birth_date,
                phone=phone.strip(),
                availability=slots,
                motivation=motivation.strip(),
                consent_at=timezone.now(),
                consent_version=CONSENT_VERSION,
            )
            volunteer.skills.set(skills)
            volunteer.quartieri.set(quartieri)
            StatusChange.objects.create(
                volunteer=volunteer, from_status="", to_status=Status.APPLIED, changed_by=user
            )
            notify(
                recipient=user,
                topic=NOTIFICATION_TOPIC,
                event="volontariato/application_received",
                url=reverse("volontariato:my_volunteering"),
            )
            notify_many(
                recipients=User.objects.filter(groups__name=VOLUNTEER_COORDINATOR, is_active=True),
                topic=NOTIFICATION_TOPIC,
                event="volontariato/application_to_review",
                context={"volunteer": volunteer},
                url=volunteer.get_absolute_url(),
            )
    except IntegrityError as exc:
        # The user already has a record: two submissions of the form, or an earlier application.
        raise ApplicationError(_("Hai già presentato la domanda di iscrizione.")) from exc
    return volunteer


def _checked_slots(availability: Iterable[str]) -> list[str]:
    chosen = set(availability)
    valid = [slot for slot, _label in availability_choices()]
    if chosen - set(valid):
        raise ApplicationError(_("La disponibilità indicata non è valida."))
    return [slot for slot in valid if slot in chosen]


def update_preferences(
    *,
    volunteer: Volunteer,
    skills: Iterable[Skill],
    availability: Iterable[str],
    quartieri: Iterable[Quartiere],
    phone: str = "",
) -> Volunteer:
    """The volunteer changes what they can do, when and where; not the data staff checked."""
    if volunteer.status == Status.CEASED:
        raise ApplicationError(_("Hai lasciato l'albo dei volontari civici."))
    with transaction.atomic():
        volunteer.availability = _checked_slots(availability)
        volunteer.phone = phone.strip()
        volunteer.save(update_fields=["availability", "phone"])
        volunteer.skills.set(skills)
        volunteer.quartieri.set(quartieri)
    return volunteer


ALLOWED_TRANSITIONS = {
    Status.APPLIED: {Status.TRAINING, Status.CEASED},
    Status.TRAINING: {Status.ACTIVE, Status.APPLIED, Status.CEASED},
    # Active to active renews the insurance cover.
    Status.ACTIVE: {Status.ACTIVE, Status.SUSPENDED, Status.CEASED},
    Status.SUSPENDED: {Status.ACTIVE, Status.CEASED},
    Status.CEASED: set(),
}


def allowed_transitions(volunteer: Volunteer) -> list[str]:
    return [status for status in Status if status in ALLOWED_TRANSITIONS[volunteer.status]]


def change_status(
    *,
    volunteer: Volunteer,
    to_status: str,
    by: User | None,
    insurance_from: date | None = None,
    insurance_to: date | None = None,
    training_notes: str | None = None,
    note: str = "",
) -> Volunteer:
    """Move a volunteer to another status; activation records the insurance cover."""
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        from_status = volunteer.status
        validate_status_change(
            volunteer=volunteer,
            to_status=to_status,
            insurance_from=insurance_from,
            insurance_to=insurance_to,
        )
        if to_status == Status.ACTIVE:
            volunteer.insurance_from, volunteer.insurance_to = insurance_from, insurance_to
        if training_notes is not None:
            volunteer.training_notes = training_notes.strip()
        volunteer.status = to_status
        recipient = volunteer.user
        if to_status in (Status.SUSPENDED, Status.CEASED):
            _cancel_upcoming_signups(volunteer)
        if to_status == Status.CEASED:
            _anonymise(volunteer)
            note = ""
        volunteer.save()
        StatusChange.objects.create(
            volunteer=volunteer,
            from_status=from_status,
            to_status=to_status,
            # Who ceased is not kept when it is the person themselves: it would name them.
            changed_by=None if to_status == Status.CEASED and by == recipient else by,
            note=note.strip(),
        )
        if recipient is not None:
            _notify_status(recipient, volunteer)
    return volunteer


def cease(*, volunteer: Volunteer, by: User) -> Volunteer:
    """The volunteer leaves the register: their data are erased, their hours stay anonymous."""
    return change_status(volunteer=volunteer, to_status=Status.CEASED, by=by)


def validate_status_change(
    *,
    volunteer: Volunteer,
    to_status: str,
    insurance_from: date | None = None,
    insurance_to: date | None = None,
) -> None:
    """Raise StatusError unless the move is allowed; activation needs a current insurance cover."""
    if to_status not in ALLOWED_TRANSITIONS[volunteer.status]:
        raise StatusError(
            _("Non si può passare da «%(from)s» a «%(to)s».")
            % {"from": Status(volunteer.status).label, "to": Status(to_status).label}
        )
    if to_status != Status.ACTIVE:
        return
    if insurance_from is None or insurance_to is None:
        raise StatusError(
            _("Per attivare il volontario indica le date della copertura assicurativa.")
        )
    if insurance_to < insurance_from:
        raise StatusError(_("La copertura assicurativa deve finire dopo il suo inizio."))
    if insurance_to < timezone.localdate():
        raise StatusError(_("La copertura assicurativa indicata è già scaduta."))


def _anonymise(volunteer: Volunteer) -> None:
    initials = volunteer.initials
    volunteer.history.filter(changed_by=volunteer.user).update(changed_by=None)
    volunteer.user = None
    volunteer.birth_date = None
    volunteer.phone = ""
    volunteer.motivation = ""
    volunteer.training_notes = ""
    volunteer.availability = []
    volunteer.ceased_at = timezone.now()
    volunteer.skills.clear()
    volunteer.quartieri.clear()
    volunteer.history.update(note="")
    volunteer.certificates.update(holder_name=initials)


# What the volunteer is told when their record reaches each status.
STATUS_EVENTS = {
    Status.APPLIED: "volontariato/application_reopened",
    Status.TRAINING: "volontariato/admitted_to_training",
    Status.ACTIVE: "volontariato/enrolled",  # also when the insurance cover is renewed
    Status.SUSPENDED: "volontariato/suspended",
    Status.CEASED: "volontariato/ceased",
}


def _notify_status(recipient: User, volunteer: Volunteer) -> None:
    notify(
        recipient=recipient,
        topic=NOTIFICATION_TOPIC,
        event=STATUS_EVENTS[volunteer.status],
        context={"volunteer": volunteer},
        url=reverse("volontariato:my_volunteering") if volunteer.user_id else "",
    )


def _cancel_upcoming_signups(volunteer: Volunteer) -> None:
    signups = Signup.objects.active().filter(
        volunteer=volunteer, shift__starts_at__gt=timezone.now()
    )
    for signup in signups.select_related("shift"):
        _cancel_locked(signup)


# --- Shifts ----------------------------------------------------------------------------------


def check_can_take_shift(*, volunteer: Volunteer, shift: Shift) -> None:
    """The one check for taking a shift, from any path: raises SignupError with the reason."""
    if volunteer.status != Status.ACTIVE:
        raise SignupError(
            _("Solo i volontari attivi possono iscriversi ai turni: la tua iscrizione è «%(s)s».")
            % {"s": volunteer.get_status_display()}
        )
    if not shift.opportunity.published:
        raise SignupError(_("Questa opportunità non è pubblicata."))
    if shift.starts_at <= timezone.now():
        raise SignupError(_("Il turno è già iniziato: non è più possibile iscriversi."))
    first_day = timezone.localtime(shift.starts_at).date()
    last_day = timezone.localtime(shift.ends_at).date()
    if not (volunteer.is_insured_on(first_day) and volunteer.is_insured_on(last_day)):
        raise SignupError(
            _("La tua copertura assicurativa non è valida il giorno del turno: rivolgiti al "
              "coordinatore per rinnovarla.")
        )  # fmt: skip
    overlapping = (
        Signup.objects.active()
        .filter(volunteer=volunteer)
        .exclude(shift=shift)
        .filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
    )
    if overlapping.exists():
        raise SignupError(_("Sei già iscritto a un altro turno nello stesso orario."))


def sign_up(*, volunteer: Volunteer, shift: Shift, waiting_list: bool = False) -> Signup:
    """Take a place on the shift; when it is full, join its waiting list if asked to."""
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        shift = Shift.objects.select_for_update().get(pk=shift.pk)
        existing = Signup.objects.active().filter(shift=shift, volunteer=volunteer).first()
        if existing is not None:
            raise AlreadySignedUpError(
                _("Sei già iscritto a questo turno.")
                if existing.status == Signup.Status.CONFIRMED
                else _("Sei già in lista d'attesa per questo turno.")
            )
        check_can_take_shift(volunteer=volunteer, shift=shift)
        confirmed = Signup.objects.confirmed().filter(shift=shift).count()
        now = timezone.now()
        if confirmed < shift.places:
            signup = Signup.objects.create(
                shift=shift,
                volunteer=volunteer,
                status=Signup.Status.CONFIRMED,
                created_at=now,
                confirmed_at=now,
            )
            event = "volontariato/signup_confirmed"
        elif waiting_list:
            signup = Signup.objects.create(
                shift=shift, volunteer=volunteer, status=Signup.Status.WAITING, created_at=now
            )
            event = "volontariato/signup_waiting"
        else:
            raise ShiftFullError(_("Il turno è al completo: puoi metterti in lista d'attesa."))
        notify(
            recipient=volunteer.user,
            topic=NOTIFICATION_TOPIC,
            event=event,
            context={"shift": shift},
            url=reverse("volontariato:my_volunteering"),
        )
    return signup


def cancel_signup(*, signup: Signup) -> Signup:
    """The volunteer gives up a place (or a waiting-list place); the first in line moves up."""
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=signup.volunteer_id)
        Shift.objects.select_for_update().get(pk=signup.shift_id)
        signup = Signup.objects.select_related("shift").get(pk=signup.pk)
        if signup.status == Signup.Status.CANCELLED:
            raise SignupError(_("Questa iscrizione è già stata annullata."))
        if signup.shift.has_started:
            raise SignupError(_("Il turno è già iniziato: l'iscrizione non si può più annullare."))
        _cancel_locked(signup)
    return signup


def _cancel_locked(signup: Signup) -> None:
    """Cancel a signup whose shift row the caller holds (or is about to lock)."""
    Shift.objects.select_for_update().get(pk=signup.shift_id)
    # Read again under the lock: a promotion may have confirmed it since it was fetched.
    signup.refresh_from_db(fields=["status"])
    if signup.status == Signup.Status.CANCELLED:
        return
    was_confirmed = signup.status == Signup.Status.CONFIRMED
    signup.status = Signup.Status.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    if was_confirmed:
        promote_waiting(shift=signup.shift)


def promote_waiting(*, shift: Shift) -> list[Signup]:
    """Fill free places from the waiting list, first come first served; caller holds the lock."""
    promoted = []
    free = shift.places - Signup.objects.confirmed().filter(shift=shift).count()
    for signup in Signup.objects.waiting().filter(shift=shift).select_related("volunteer__user"):
        if free <= 0:
            break
        try:
            check_can_take_shift(volunteer=signup.volunteer, shift=shift)
        except SignupError:
            # No longer eligible (insurance ended): the place goes to the next in line.
            signup.status = Signup.Status.CANCELLED
            signup.cancelled_at = timezone.now()
            signup.save(update_fields=["status", "cancelled_at"])
            continue
        signup.status = Signup.Status.CONFIRMED
        signup.confirmed_at = timezone.now()
        signup.save(update_fields=["status", "confirmed_at"])
        notify(
            recipient=signup.volunteer.user,
            topic=NOTIFICATION_TOPIC,
            event="volontariato/waiting_list_promoted",
            context={"shift": shift},
            url=reverse("volontariato:my_volunteering"),
        )
        promoted.append(signup)
        free -= 1
    return promoted


def add_shift(
    *, opportunity: Opportunity, starts_at: datetime, ends_at: datetime, places: int
) -> Shift:
    """A new shift of an opportunity."""
    if starts_at <= timezone.now():
        raise ShiftError(_("Il turno deve cominciare nel futuro."))
    if ends_at <= starts_at:
        raise ShiftError(_("Il turno deve finire dopo il suo inizio."))
    if ends_at - starts_at > timedelta(hours=24):
        raise ShiftError(_("Un turno non può durare più di 24 ore."))
    if places < 1:
        raise ShiftError(_("Un turno ha almeno un posto."))
    return Shift.objects.create(
        opportunity=opportunity, starts_at=starts_at, ends_at=ends_at, places=places
    )


# --- Hours -----------------------------------------------------------------------------------


def _check_hours(hours: Decimal | None, shift: Shift) -> Decimal:
    if hours is None or hours <= 0:
        raise HoursError(_("Indica un numero di ore maggiore di zero."))
    if hours > shift.duration_hours:
        raise HoursError(
            _("Le ore non possono superare la durata del turno (%(hours)s).")
            % {"hours": shift.duration_hours}
        )
    return hours


def submit_hours(*, signup: Signup, hours: Decimal, note: str = "") -> HoursLog:
    """The volunteer declares the hours of a past shift, for the coordinator to confirm."""
    with transaction.atomic():
        signup = Signup.objects.select_for_update().select_related("shift").get(pk=signup.pk)
        shift = signup.shift
        if signup.status != Signup.Status.CONFIRMED:
            raise HoursError(_("Puoi dichiarare le ore solo dei turni a cui eri iscritto."))
        if shift.ends_at > timezone.now():
            raise HoursError(_("Potrai dichiarare le ore quando il turno sarà finito."))
        hours = _check_hours(hours, shift)
        log = HoursLog.objects.filter(signup=signup).first()
        if log is not None and log.status != HoursLog.Status.SUBMITTED:
            raise HoursError(
                _("Le ore di questo turno sono già state registrate dal coordinatore.")
            )
        log, _created = HoursLog.objects.update_or_create(
            signup=signup,
            defaults={
                "hours": hours,
                "status": HoursLog.Status.SUBMITTED,
                "note": note.strip(),
                "submitted_at": timezone.now(),
            },
        )
        opportunity = shift.opportunity
        notify(
            recipient=opportunity.coordinator,
            topic=NOTIFICATION_TOPIC,
            event="volontariato/hours_submitted",
            context={"shift": shift, "volunteer": signup.volunteer, "hours": hours},
            url=reverse("volontariato:shift_attendance", kwargs={"pk": shift.pk}),
        )
    return log


# What the volunteer is told of the coordinator's decision on a shift's hours.
OUTCOME_EVENTS = {
    HoursLog.Status.CONFIRMED: "volontariato/hours_confirmed",
    HoursLog.Status.ABSENT: "volontariato/marked_absent",
    HoursLog.Status.REJECTED: "volontariato/hours_rejected",
}


def record_attendance(
    *,
    signup: Signup,
    by: User,
    outcome: str,
    hours: Decimal | None = None,
    note: str = "",
) -> HoursLog:
    """The coordinator confirms the hours of a shift, marks the volunteer absent, or rejects."""
    if outcome not in (HoursLog.Status.CONFIRMED, HoursLog.Status.ABSENT, HoursLog.Status.REJECTED):
        raise HoursError(_("Esito non valido."))
    with transaction.atomic():
        signup = Signup.objects.select_for_update().select_related("shift").get(pk=signup.pk)
        shift = signup.shift
        if signup.status != Signup.Status.CONFIRMED:
            raise HoursError(_("Si registrano le ore solo delle iscrizioni confermate."))
        if not shift.has_started:
            raise HoursError(_("Le presenze si registrano dopo l'inizio del turno."))
        if outcome == HoursLog.Status.CONFIRMED:
            hours = _check_hours(shift.duration_hours if hours is None else hours, shift)
        else:
            hours = Decimal("0")
        log, _created = HoursLog.objects.update_or_create(
            signup=signup,
            defaults={
                "hours": hours,
                "status": outcome,
                "note": note.strip(),
                "decided_by": by,
                "decided_at": timezone.now(),
            },
        )
        if signup.volunteer.user_id:
            notify(
                recipient=signup.volunteer.user,
                topic=NOTIFICATION_TOPIC,
                event=OUTCOME_EVENTS[outcome],
                context={"shift": shift, "hours": hours},
                url=reverse("volontariato:my_volunteering"),
            )
    return log


# --- Certificates ----------------------------------------------------------------------------

# No 0/O, 1/I/L: the code is read aloud and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def confirmed_hours(*, volunteer: Volunteer, period_from: date, period_to: date) -> dict:
    logs = HoursLog.objects.filter(
        status=HoursLog.Status.CONFIRMED,
        signup__volunteer=volunteer,
        signup__shift__starts_at__date__gte=period_from,
        signup__shift__starts_at__date__lte=period_to,
    )
    totals = logs.aggregate(total=Sum("hours"), shifts=Count("pk"))
    return {"total": totals["total"] or Decimal("0"), "shifts": totals["shifts"]}


def issue_certificate(*, volunteer: Volunteer, period_from: date, period_to: date) -> Certificate:
    """Certify the volunteer's confirmed hours in a period, with a code anyone can verify."""
    if volunteer.user_id is None:
        raise CertificateError(_("Gli attestati si rilasciano solo ai volontari iscritti."))
    if period_to < period_from:
        raise CertificateError(_("La fine del periodo deve venire dopo il suo inizio."))
    if period_to > timezone.localdate():
        raise CertificateError(_("Il periodo dell'attestato non può finire nel futuro."))
    totals = confirmed_hours(volunteer=volunteer, period_from=period_from, period_to=period_to)
    if not totals["shifts"]:
        raise CertificateError(_("Nel periodo scelto non ci sono ore confermate."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    volunteer=volunteer,
                    holder_name=volunteer.display_name,
                    period_from=period_from,
                    period_to=period_to,
                    total_hours=totals["total"],
                    shift_count=totals["shifts"],
                    code=new_certificate_code(),
                )
        except IntegrityError:
            continue  # a code already taken: 31^12 makes this all but impossible, retry anyway
    raise CertificateError(_("Non è stato possibile rilasciare l'attestato: riprova."))


# --- Reminders -------------------------------------------------------------------------------


# Both tasks look at every shift in their window at each run and let the notification's
# once_key keep what was already sent from going out again: the windows are a day or two wide,
# so nothing needs marking to keep the scan small.


def send_shift_reminders(*, now: datetime | None = None) -> int:
    """Remind each confirmed volunteer of a shift starting within 24 hours, once."""
    now = now or timezone.now()
    due = Signup.objects.confirmed().filter(
        volunteer__user__isnull=False,
        shift__starts_at__gt=now,
        shift__starts_at__lte=now + timedelta(hours=24),
    )
    sent = 0
    for signup in due.select_related("shift__opportunity", "volunteer__user"):
        reminder = notify(
            recipient=signup.volunteer.user,
            topic=NOTIFICATION_TOPIC,
            event="volontariato/shift_reminder",
            context={"shift": signup.shift},
            url=reverse("volontariato:my_volunteering"),
            once_key=f"shift:{signup.shift_id}:reminder",
        )
        sent += reminder is not None
    return sent


def send_understaffed_alerts(*, now: datetime | None = None) -> int:
    """Tell the coordinator, once, of each shift within 48 hours that still has free places."""
    now = now or timezone.now()
    shifts = (
        Shift.objects.filter(
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=48),
            opportunity__published=True,
        )
        .with_confirmed_count()
        .select_related("opportunity__coordinator")
    )
    sent = 0
    for shift in shifts:
        if shift.confirmed_count >= shift.places:
            continue
        alert = notify(
            recipient=shift.opportunity.coordinator,
            topic=NOTIFICATION_TOPIC,
            event="volontariato/shift_understaffed",
            context={"shift": shift},
            url=reverse("volontariato:shift_attendance", kwargs={"pk": shift.pk}),
            once_key=f"shift:{shift.pk}:understaffed",
        )
        sent += alert is not None
    return sent


# --- Personal data ---------------------------------------------------------------------------


def export_personal_data(*, volunteer: Volunteer) -> dict:
    """Everything the register holds about the volunteer, as plain data (for a JSON download)."""
    user = volunteer.user
    signups = volunteer.signups.select_related("shift__opportunity").order_by("shift__starts_at")
    hours = {log.signup_id: log for log in HoursLog.objects.filter(signup__volunteer=volunteer)}
    return {
        "generato_il": timezone.now().isoformat(),
        "persona": {
            "nome": user.first_name if user else "",
            "cognome": user.last_name if user else "",
            "email": user.email if user else "",
            "telefono": volunteer.phone,
            "data_di_nascita": volunteer.birth_date.isoformat() if volunteer.birth_date else None,
        },
        "iscrizione_albo": {
            "stato": volunteer.status,
            "domanda_presentata_il": volunteer.applied_at.isoformat(),
            "consenso_il": volunteer.consent_at.isoformat(),
            "versione_informativa": volunteer.consent_version,
            "competenze": [skill.code for skill in volunteer.skills.all()],
            "disponibilita": volunteer.availability,
            "quartieri": [quartiere.name for quartiere in volunteer.quartieri.all()],
            "motivazione": volunteer.motivation,
            "note_formazione": volunteer.training_notes,
            "assicurazione_dal": _iso(volunteer.insurance_from),
            "assicurazione_al": _iso(volunteer.insurance_to),
        },
        "storico_stati": [
            {
                "da": change.from_status,
                "a": change.to_status,
                "il": change.changed_at.isoformat(),
                "nota": change.note,
            }
            for change in volunteer.history.all()
        ],
        "turni": [
            {
                "opportunita": signup.shift.opportunity.title,
                "inizio": signup.shift.starts_at.isoformat(),
                "fine": signup.shift.ends_at.isoformat(),
                "stato": signup.status,
                "iscrizione_il": signup.created_at.isoformat(),
                "ore": str(hours[signup.pk].hours) if signup.pk in hours else None,
                "stato_ore": hours[signup.pk].status if signup.pk in hours else None,
            }
            for signup in signups
        ],
        "attestati": [
            {
                "codice": certificate.code,
                "dal": certificate.period_from.isoformat(),
                "al": certificate.period_to.isoformat(),
                "ore": str(certificate.total_hours),
                "rilasciato_il": certificate.issued_at.isoformat(),
            }
            for certificate in volunteer.certificates.all()
        ],
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
