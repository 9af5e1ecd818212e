"""The lifecycle of an agreement, its comments and the daily date-driven work, in one place."""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collabcity.models import User
from collabcity.notifications import notify
from collabcity.roles import MUNICIPAL_STAFF

from . import rules
from .models import NOTIFICATION_TOPIC, Agreement, Comment, Party, Status, StatusChange

logger = logging.getLogger(__name__)

# The structure of the lifecycle; whether a step may be taken *now* is decided by `refusal`.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.CODESIGN, Status.WITHDRAWN),
    Status.CODESIGN: (Status.APPROVED, Status.WITHDRAWN),
    Status.APPROVED: (Status.SIGNED, Status.WITHDRAWN),
    Status.SIGNED: (Status.ACTIVE,),
    Status.ACTIVE: (Status.CONCLUDED,),
    Status.CONCLUDED: (),
    Status.WITHDRAWN: (),
}

ENDING_NOTICE_DAYS = 60
# Staff hear of a monitoring value a week before it is due, then nothing until the next one.
MEASUREMENT_NOTICE_DAYS = 7


class TransitionError(ValidationError):
    """A lifecycle step that may not be taken, with the reason for the staff."""


class CommentError(ValidationError):
    """A comment that may not be written, with the reason for the party's representative."""


def allowed_targets(agreement: Agreement) -> tuple[str, ...]:
    return TRANSITIONS[agreement.status]


def refusal(agreement: Agreement, to: str, *, today: date, note: str = "") -> str | None:
    """Why agreement may not move to `to` today, or None if it may."""
    if to not in Status.values:
        return _("Lo stato richiesto non esiste.")
    if to not in TRANSITIONS[agreement.status]:
        return _("Un accordo nello stato «%(from)s» non può passare a «%(to)s».") % {
            "from": Status(agreement.status).label,
            "to": Status(to).label,
        }
    check = _CHECKS.get(to)
    return check(agreement, today=today, note=note) if check else None


def _check_codesign(agreement: Agreement, **kwargs) -> str | None:
    if not agreement.parties.exclude(kind=Party.Kind.COMUNE).exists():
        return _("Per avviare la co-progettazione indica almeno una parte oltre al Comune.")
    if not agreement.quartieri.exists():
        return _("Per avviare la co-progettazione indica almeno un quartiere.")
    return None


def _check_approved(agreement: Agreement, *, today: date, **kwargs) -> str | None:
    if not agreement.resolution_number.strip() or agreement.resolution_date is None:
        return _("Per l'approvazione servono il numero e la data della delibera di Giunta.")
    if agreement.resolution_date > today:
        return _("La data della delibera di Giunta non può essere nel futuro.")
    if agreement.start_date is None or agreement.end_date is None:
        return _("Per l'approvazione servono la data di inizio e la data di fine dell'accordo.")
    kinds = set(agreement.parties.values_list("kind", flat=True))
    if Party.Kind.COMUNE not in kinds:
        return _("Tra le parti manca il Comune.")
    if not kinds - {Party.Kind.COMUNE}:
        return _(
            "Tra le parti manca la comunità: almeno un'organizzazione, un gruppo o un cittadino."
        )
    return None


def _check_signed(agreement: Agreement, *, today: date, **kwargs) -> str | None:
    parties = list(agreement.parties.select_related("organisation"))
    unsigned = [party.display_name for party in parties if party.signed_on is None]
    if unsigned:
        return _("Manca la data di firma di: %(parties)s.") % {"parties": ", ".join(unsigned)}
    if any(party.signed_on > today for party in parties):
        return _("Una data di firma è nel futuro.")
    if any(party.signed_on < agreement.resolution_date for party in parties):
        return _("Una data di firma precede la delibera di Giunta che ha approvato l'accordo.")
    return None


def _check_active(agreement: Agreement, *, today: date, **kwargs) -> str | None:
    if agreement.start_date > today:
        return _("L'accordo diventa attivo dalla data di inizio, il %(date)s.") % {
            "date": date_format(agreement.start_date)
        }
    return None


def _check_concluded(agreement: Agreement, *, today: date, **kwargs) -> str | None:
    if agreement.end_date >= today:
        return _("L'accordo si può concludere solo dopo la data di fine, il %(date)s.") % {
            "date": date_format(agreement.end_date)
        }
    if not agreement.final_report.strip():
        return _("Per concludere l'accordo serve la relazione finale.")
    return None


def _check_withdrawn(agreement: Agreement, *, note: str, **kwargs) -> str | None:
    if not note.strip():
        return _("Per ritirare l'accordo scrivi il motivo nella nota: resta nello storico.")
    return None


_CHECKS = {
    Status.CODESIGN: _check_codesign,
    Status.APPROVED: _check_approved,
    Status.SIGNED: _check_signed,
    Status.ACTIVE: _check_active,
    Status.CONCLUDED: _check_concluded,
    Status.WITHDRAWN: _check_withdrawn,
}


def transition(
    *, agreement: Agreement, to: str, by: User | None, note: str = "", today: date | None = None
) -> StatusChange:
    """Move agreement to `to` if the lifecycle allows it now; record and notify, atomically.

    `by` is None for the automatic steps of the daily task. Raises TransitionError. Who may
    take a step is the rule accordi.steer_agreement, asked by the admin before calling this;
    the daily task is trusted.
    """
    today = today or timezone.localdate()
    note = note.strip()
    with transaction.atomic():
        # The lock serialises a double click or the daily task racing a member of staff:
        # the second one sees the new status and is refused.
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        reason = refusal(locked, to, today=today, note=note)
        if reason:
            raise TransitionError(reason, code="refused")
        change = StatusChange.objects.create(
            agreement=locked, from_status=locked.status, to_status=to, by=by, note=note
        )
        locked.status = to
        fields = ["status", "updated_at"]
        if to == Status.APPROVED:
            locked.approved_at = timezone.now()
            fields.append("approved_at")
        if to == Status.WITHDRAWN:
            locked.withdrawal_reason = note
            fields.append("withdrawal_reason")
        locked._history_user = by
        locked._change_reason = _("Stato: %(from)s → %(to)s") % {
            "from": Status(change.from_status).label,
            "to": Status(to).label,
        }
        locked.save(update_fields=fields)
        _notify_parties(locked, change)
    for name in ("status", "approved_at", "withdrawal_reason", "updated_at"):
        setattr(agreement, name, getattr(locked, name))
    return change


def _notify_parties(agreement: Agreement, change: StatusChange) -> None:
    representatives = User.objects.filter(
        agreement_parties__agreement=agreement, is_active=True
    ).distinct()
    url = agreement.get_absolute_url() if agreement.is_public else agreement.get_draft_url()
    for user in representatives:
        notify(
            recipient=user,
            topic=NOTIFICATION_TOPIC,
            event="accordi/status_changed",
            context={"agreement": agreement, "change": change},
            url=url,
        )


def representative_party(agreement: Agreement, user: User) -> Party | None:
    if not user.is_authenticated:
        return None
    return agreement.parties.filter(representative=user).first()


def add_comment(*, agreement: Agreement, author: User, body: str) -> Comment:
    """A party's representative comments on the draft while it is in co-design.

    This is the rule accordi.comment_draft, asked here under the agreement's lock because the
    status may have moved on since the page was shown. Its predicates are asked one by one,
    for the reason to give, and not through author.has_perm, which lets a superuser through
    although no party of theirs could sign the comment.
    """
    body = body.strip()
    if not body:
        raise CommentError(_("Il commento è vuoto."), code="empty")
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if not rules.is_party_representative(author, locked):
            raise CommentError(
                _("Solo i referenti delle parti possono commentare questo accordo."), code="party"
            )
        if not rules.is_in_codesign(author, locked):
            raise CommentError(
                _("Si può commentare solo durante la co-progettazione."), code="closed"
            )
        party = representative_party(locked, author)
        comment = Comment.objects.create(agreement=locked, party=party, author=author, body=body)
        _notify_officer(locked, comment)
        return comment


def _notify_officer(agreement: Agreement, comment: Comment) -> None:
    """The member of staff who opened the co-design hears of each comment."""
    opened = (
        StatusChange.objects.filter(agreement=agreement, to_status=Status.CODESIGN)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    if opened is None or opened.by is None or not opened.by.is_active:
        return
    notify(
        recipient=opened.by,
        topic=NOTIFICATION_TOPIC,
        event="accordi/comment_added",
        context={"agreement": agreement, "comment": comment},
        url=reverse("admin:accordi_agreement_change", args=[agreement.pk]),
    )


# -- The daily task ------------------------------------------------------------------------


@dataclass
class DailyReport:
    activated: list[str] = field(default_factory=list)
    concluded: list[str] = field(default_factory=list)
    reminders: int = 0
    errors: list[str] = field(default_factory=list)


def run_daily(*, today: date | None = None) -> DailyReport:
    """Date-driven steps (firmato → attivo → concluso) and the staff's reminders."""
    today = today or timezone.localdate()
    report = DailyReport()
    for agreement in Agreement.objects.filter(status=Status.SIGNED, start_date__lte=today):
        _automatic(agreement, Status.ACTIVE, today, report.activated, report)
    # Without its final report an expired agreement stays active and the staff are reminded.
    expired = Agreement.objects.filter(status=Status.ACTIVE, end_date__lt=today)
    for agreement in expired.exclude(final_report=""):
        _automatic(agreement, Status.CONCLUDED, today, report.concluded, report)
    report.reminders = send_reminders(today=today)
    return report


def _automatic(agreement, to, today, done: list[str], report: DailyReport) -> None:
    try:
        transition(agreement=agreement, to=to, by=None, today=today)
    except TransitionError as error:
        report.errors.append(f"{agreement.slug}: {error.messages[0]}")
        logger.warning("Agreement %s not moved to %s: %s", agreement.pk, to, error.messages[0])
    else:
        done.append(agreement.slug)


def staff_recipients() -> list[User]:
    return list(User.objects.filter(groups__name=MUNICIPAL_STAFF, is_active=True).distinct())


def send_reminders(*, today: date) -> int:
    """Remind the staff of what is due; returns how many reminders went out to someone.

    Each reminder goes to each member of staff once (its once_key), however many days of its
    notice period the task runs: whoever joins the staff meanwhile gets the ones still due.
    """
    staff = staff_recipients()
    sent = 0
    active = Agreement.objects.filter(status=Status.ACTIVE).prefetch_related(
        "indicators__measurements"
    )
    for agreement in active:
        key = f"agreement:{agreement.pk}"
        for indicator in agreement.indicators.all():
            due_on = indicator.next_due_on()
            if due_on and due_on <= today + timedelta(days=MEASUREMENT_NOTICE_DAYS):
                sent += _remind(
                    staff,
                    agreement,
                    "measurement_due",
                    f"{key}:indicator:{indicator.pk}:due:{due_on}",
                    indicator=indicator,
                    due_on=due_on,
                )
        if today <= agreement.end_date <= today + timedelta(days=ENDING_NOTICE_DAYS):
            sent += _remind(staff, agreement, "ending", f"{key}:ending:{agreement.end_date}")
        if agreement.end_date < today and not agreement.final_report.strip():
            sent += _remind(
                staff, agreement, "final_report_missing", f"{key}:no-report:{agreement.end_date}"
            )
    return sent


def _remind(staff: list[User], agreement: Agreement, event: str, once_key: str, **context) -> int:
    """1 if the reminder reached someone now, 0 if every member of staff already had it."""
    url = reverse("admin:accordi_agreement_change", args=[agreement.pk])
    recorded = [
        notify(
            recipient=user,
            topic=NOTIFICATION_TOPIC,
            event=f"accordi/{event}",
            context={"agreement": agreement, **context},
            url=url,
            once_key=once_key,
        )
        for user in staff
    ]
    return int(any(recorded))


TRANSITION_LABELS = {
    Status.CODESIGN: gettext_lazy("Avvia la co-progettazione"),
    Status.APPROVED: gettext_lazy("Segna come approvato dalla Giunta"),
    Status.SIGNED: gettext_lazy("Segna come firmato"),
    Status.ACTIVE: gettext_lazy("Attiva"),
    Status.CONCLUDED: gettext_lazy("Concludi"),
    Status.WITHDRAWN: gettext_lazy("Ritira"),
}
