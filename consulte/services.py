"""Rules of the consulte: who sits on a council today, and the life of an opinion (parere).

An opinion request goes richiesto → in_redazione → pubblicato. Staff file the request (the
Comune's act, public from the start); the council's current members draft the opinion in the
portal; a member transmits it, which publishes it: the opinion is the council's own act, the
Comune receives it but does not get to hold it back. Staff may also publish from the admin an
opinion they transcribed (e.g. one voted at a meeting and handed over on paper).

Drafting and transmitting stay possible after the deadline: the opinion is mandatory but not
binding, and a late opinion is worth more to the city than none. A late one is flagged on the
public page (`is_late`) so that nobody mistakes it for a timely one.
"""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collabcity.models import User
from collabcity.notifications import notify_many
from collabcity.roles import MUNICIPAL_STAFF

from .models import NOTIFICATION_TOPIC, Council, Member, OpinionRequest, ProgrammingDocument
from .rules import has_office_perm


class OpinionError(ValidationError):
    """Something a person did that the rules of the opinion workflow forbid."""


# --- councillors -------------------------------------------------------------------------------
# Who may draft is the rule consulte.draft_opinion (consulte/rules.py); these list the seats.


def councils_of(*, user: User | AnonymousUser) -> list[Council]:
    """The councils in which the user holds a seat today, without repetition."""
    seen: dict[int, Council] = {}
    seats = Member.objects.held_by(user).select_related("council__ambito")
    for seat in seats.order_by("council__ambito__code"):
        seen.setdefault(seat.council_id, seat.council)
    return list(seen.values())


def current_members(council: Council, *, on: date | None = None) -> QuerySet[Member]:
    return (
        Member.objects.current(on)
        .filter(council=council)
        .select_related("organisation")
        .order_by("kind", "role", "full_name")
    )


# Officers first, then the other members, in the order people expect on a council's page.
ROLE_ORDER = [
    Member.Role.PRESIDENT,
    Member.Role.VICE_PRESIDENT,
    Member.Role.SECRETARY,
    Member.Role.MEMBER,
]


def sort_by_role(members: list[Member]) -> list[Member]:
    return sorted(members, key=lambda m: (ROLE_ORDER.index(m.role), m.full_name))


# --- reading helpers (the model module belongs to another change; see the report) ---------------


def current_programming_document(
    documents: list[ProgrammingDocument], *, on: date | None = None
) -> ProgrammingDocument | None:
    """The Patto di ambito in force on the day: approved, started, not expired; newest first."""
    day = on or timezone.localdate()
    in_force = [
        doc
        for doc in documents
        if doc.approved_on is not None
        and (doc.valid_from is None or doc.valid_from <= day)
        and (doc.valid_until is None or doc.valid_until >= day)
    ]
    return max(in_force, key=lambda d: (d.approved_on, d.pk), default=None)


def is_late(opinion_request: OpinionRequest) -> bool:
    """Published after the deadline, or still unpublished once the deadline has passed."""
    if opinion_request.published_at is not None:
        return timezone.localdate(opinion_request.published_at) > opinion_request.deadline
    return timezone.localdate() > opinion_request.deadline


def days_left(opinion_request: OpinionRequest) -> int:
    return (opinion_request.deadline - timezone.localdate()).days


def version_of(opinion_request: OpinionRequest) -> str:
    """What a drafting form carries to notice a save made meanwhile (by a colleague, by staff)."""
    return opinion_request.updated_at.isoformat()


# --- the opinion workflow --------------------------------------------------------------------


def announce_opinion_request(*, opinion_request: OpinionRequest) -> int:
    """Tell the council's members with an account that the Comune asks for their opinion.

    Call it in the transaction that saves the new request; returns how many were notified.
    """
    return notify_many(
        recipients=_members_with_account(opinion_request.council),
        topic=NOTIFICATION_TOPIC,
        event="consulte/opinion_requested",
        context={"opinion_request": opinion_request, "council": opinion_request.council},
        url=edit_url(opinion_request),
        once_key=f"opinion:{opinion_request.pk}:requested",
    )


def save_draft(
    *, opinion_request: OpinionRequest, user: User, text: str, version: str
) -> OpinionRequest:
    """Store the council's draft opinion; refuses a stale form and a published opinion."""
    with transaction.atomic():
        locked = _lock_for_drafting(opinion_request=opinion_request, user=user, version=version)
        locked.opinion = text.strip()
        locked.drafted_by = user
        locked.status = OpinionRequest.Status.DRAFTING
        locked.save(update_fields=["opinion", "drafted_by", "status", "updated_at"])
    return locked


def transmit_opinion(
    *, opinion_request: OpinionRequest, user: User, text: str, version: str
) -> OpinionRequest:
    """A councillor transmits the final text: it is stored and published in one transaction."""
    with transaction.atomic():
        locked = _lock_for_drafting(opinion_request=opinion_request, user=user, version=version)
        locked.opinion = text.strip()
        locked.drafted_by = user
        return _publish(locked)


def publish_opinion(*, opinion_request: OpinionRequest, by: User) -> OpinionRequest:
    """Staff publish the text already stored (drafted in the portal or transcribed in the admin)."""
    with transaction.atomic():
        locked = OpinionRequest.objects.select_for_update().get(pk=opinion_request.pk)
        if locked.status == OpinionRequest.Status.PUBLISHED:
            raise OpinionError(_("Il parere è già stato pubblicato."), code="published")
        if locked.drafted_by_id is None:
            locked.drafted_by = by
        return _publish(locked)


def _publish(locked: OpinionRequest) -> OpinionRequest:
    if not locked.opinion.strip():
        raise OpinionError(
            _("Il testo del parere è vuoto: scrivilo prima di trasmetterlo."), code="empty"
        )
    locked.status = OpinionRequest.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["opinion", "drafted_by", "status", "published_at", "updated_at"])
    _announce_publication(locked)
    return locked


def _lock_for_drafting(*, opinion_request: OpinionRequest, user: User, version: str):
    # The row lock serialises two councillors saving at once: the second one sees the first
    # one's version and is told, instead of silently overwriting the text.
    locked = (
        OpinionRequest.objects.select_for_update(of=("self",))
        .select_related("council")
        .get(pk=opinion_request.pk)
    )
    # Asked again here, under the lock, whoever the caller: the view asked it to show the form,
    # but a term may have ended since, and no caller may draft for a council it does not sit on.
    if not has_office_perm(user, "consulte.draft_opinion", locked):
        raise OpinionError(
            _("Solo i componenti in carica della consulta possono redigere questo parere."),
            code="forbidden",
        )
    if locked.status == OpinionRequest.Status.PUBLISHED:
        raise OpinionError(
            _("Il parere è già stato pubblicato: non si può più modificare."), code="published"
        )
    if version != version_of(locked):
        raise OpinionError(
            _(
                "Nel frattempo qualcun altro ha modificato il parere: il tuo testo non è stato "
                "salvato. Rileggi la versione attuale e riporta le tue modifiche."
            ),
            code="stale",
        )
    return locked


def _announce_publication(opinion_request: OpinionRequest) -> None:
    """The staff and the council's members hear that the opinion is public (and whether late)."""
    council = opinion_request.council
    recipients = User.objects.filter(is_active=True).filter(
        Q(groups__name=MUNICIPAL_STAFF)
        | Q(is_superuser=True)
        | Q(council_seats__in=Member.objects.current().filter(council=council))
    )
    notify_many(
        recipients=recipients.distinct(),
        topic=NOTIFICATION_TOPIC,
        event="consulte/opinion_published",
        context={
            "opinion_request": opinion_request,
            "council": council,
            "late": is_late(opinion_request),
        },
        url=public_url(opinion_request),
        once_key=f"opinion:{opinion_request.pk}:published",
    )


def _members_with_account(council: Council) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        council_seats__in=Member.objects.current().filter(council=council),
    ).distinct()


def public_url(opinion_request: OpinionRequest) -> str:
    return reverse(
        "consulte:opinion_detail",
        kwargs={"slug": opinion_request.council.slug, "pk": opinion_request.pk},
    )


def edit_url(opinion_request: OpinionRequest) -> str:
    return reverse(
        "consulte:opinion_edit",
        kwargs={"slug": opinion_request.council.slug, "pk": opinion_request.pk},
    )


def with_deadline_state(requests: Iterable[OpinionRequest]) -> list[OpinionRequest]:
    """The requests with `is_late` and `days_left` set, for pages that list them."""
    decorated = list(requests)
    for opinion_request in decorated:
        opinion_request.is_late = is_late(opinion_request)
        opinion_request.days_left = days_left(opinion_request)
    return decorated
