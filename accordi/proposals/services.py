"""The life of a proposal, its supports and its discussion, in one place.

bozza → presentata → in valutazione → ammessa alla co-progettazione / non ammessa → trasformata in
accordo; the proposers may withdraw it (ritirata) until it becomes an agreement. Each step is
taken by the right person only (the permissions in accordi/rules.py, asked here with
`rules.has_perm` so that a superuser gets no shortcut past the state of the proposal), recorded
with who and when, and told to the proposers and the followers through the outbox, in the same
transaction.

Entering evaluation asks the consulta of each ambito the proposal touches for its opinion,
through the consulte's own opinion-request flow (deadline, draft, transmission). The decision
waits for those opinions, or for their deadline: the opinion is mandatory but not binding.
"""

from collections.abc import Iterable
from datetime import date
from functools import partial

import rules
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accordi.models import (
    NOTIFICATION_TOPIC,
    Agreement,
    CommentReport,
    Commitment,
    Party,
    Proposal,
    ProposalAttachment,
    ProposalComment,
    ProposalFollow,
    ProposalStatusChange,
    Support,
)
from collabcity.models import Organisation, Quartiere, User
from collabcity.notifications import notify, notify_many
from consulte.models import Council, OpinionRequest
from consulte.services import announce_opinion_request

Status = Proposal.Status

# Paths of the agreements' public pages that an agreement's slug must not take.
RESERVED_SLUGS = {"proposte", "avvisi", "dati", "come-funziona"}
# Commitment.description is 300 characters: longer texts are cut with an ellipsis.
DESCRIPTION_LENGTH = 300


class ProposalError(ValidationError):
    """Something a person may not do to a proposal now, with the reason in Italian."""


def _require(permission: str, user: User, obj, message: str, code: str) -> None:
    if not rules.has_perm(permission, user, obj):
        raise ProposalError(message, code=code)


def _lock(proposal: Proposal) -> Proposal:
    # Every step locks the row: a double click, or the proposer withdrawing while the staff
    # decide, is serialised, and the second one sees the new status and is refused.
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("author", "call")
        .get(pk=proposal.pk)
    )


def _refresh(proposal: Proposal, locked: Proposal) -> None:
    for name in ("status", "submitted_at", "decision_reason", "withdrawal_reason", "updated_at"):
        setattr(proposal, name, getattr(locked, name))
    proposal.agreement_id = locked.agreement_id


# -- Drafting ------------------------------------------------------------------------------


def save_draft(
    *,
    proposal: Proposal,
    by: User,
    quartieri: Iterable[Quartiere],
    new_document: ProposalAttachment | None = None,
    remove_documents: Iterable[ProposalAttachment] = (),
) -> Proposal:
    """Create or update a draft with its quartieri and documents: all of it, or nothing.

    `proposal` carries the fields a form has already validated. A new proposal needs its call
    open (or no call); an existing one may be edited by its proposer while it is a draft.
    """
    with transaction.atomic():
        if proposal.pk is None:
            _require(
                "accordi.propose",
                by,
                proposal.call,
                _("L'avviso non accetta proposte in questo momento."),
                "call_closed",
            )
            proposal.author = by
        else:
            locked = _lock(proposal)
            _require(
                "accordi.edit_proposal",
                by,
                locked,
                _("Si può modificare solo una propria proposta, finché è in bozza."),
                "not_editable",
            )
        proposal._history_user = by
        proposal.save()
        proposal.quartieri.set(quartieri)
        for document in remove_documents:
            if document.proposal_id == proposal.pk:
                document.delete()
                # The file goes once the row is gone for good, not if the save rolls back.
                transaction.on_commit(partial(document.file.delete, save=False))
        if new_document is not None:
            new_document.proposal = proposal
            new_document.save()
    return proposal


def discard_draft(*, proposal: Proposal, by: User) -> None:
    """A draft was never public: its proposer may delete it, documents and all."""
    with transaction.atomic():
        locked = _lock(proposal)
        _require(
            "accordi.discard_draft",
            by,
            locked,
            _("Si può eliminare solo una propria proposta in bozza."),
            "not_draft",
        )
        documents = list(locked.attachments.all())
        locked.delete()
        for document in documents:
            transaction.on_commit(partial(document.file.delete, save=False))


def submission_gaps(proposal: Proposal, *, today: date) -> list[str]:
    """What the proposal still lacks to be submitted, one Italian sentence each."""
    gaps = []
    if not proposal.need.strip():
        gaps.append(_("Descrivi il bisogno a cui risponde la proposta."))
    if not proposal.activities.strip():
        gaps.append(_("Descrivi che cosa farete."))
    if not proposal.quartieri.exists():
        gaps.append(_("Indica almeno un quartiere."))
    if not proposal.timeline.strip():
        gaps.append(_("Indica i tempi del progetto."))
    if not proposal.committed_people:
        gaps.append(_("Indica quante persone si impegnano nel progetto."))
    if not proposal.committed_hours:
        gaps.append(_("Indica quante ore di volontariato mettete."))
    call = proposal.call
    ceiling = call.budget_ceiling if call is not None else None
    if ceiling is not None and (proposal.requested_budget or 0) > ceiling:
        gaps.append(
            _("L'avviso prevede un contributo fino a %(ceiling)s € per proposta.")
            % {"ceiling": number_format(ceiling, decimal_pos=2, force_grouping=True)}
        )
    if call is not None and not call.is_open(today):
        gaps.append(
            _(
                "L'avviso «%(call)s» accetta proposte dal %(opens)s al %(closes)s: puoi "
                "presentarla come proposta spontanea, togliendo l'avviso."
            )
            % {
                "call": call.title,
                "opens": date_format(call.opens_on),
                "closes": date_format(call.closes_on),
            }
        )
    return gaps


def submit(*, proposal: Proposal, by: User, today: date | None = None) -> ProposalStatusChange:
    """The proposer submits the draft: from now on it is public."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock(proposal)
        _require(
            "accordi.submit_proposal",
            by,
            locked,
            _("Si può presentare solo una propria proposta in bozza."),
            "not_draft",
        )
        gaps = submission_gaps(locked, today=today)
        if gaps:
            raise ProposalError(gaps, code="incomplete")
        locked.submitted_at = timezone.now()
        change = _move(locked, Status.SUBMITTED, by=by, fields=["submitted_at"], original=proposal)
        notify_many(
            recipients=officers(),
            topic=NOTIFICATION_TOPIC,
            event="accordi/proposal_to_evaluate",
            context={"proposal": locked, "proposer": locked.proposer_name},
            url=locked.get_absolute_url(),
            once_key=f"proposal:{locked.pk}:submitted",
        )
    return change


# -- The Comune's evaluation ------------------------------------------------------------------


def councils_for(proposal: Proposal) -> QuerySet[Council]:
    """The consulte of the ambiti the proposal's quartieri belong to."""
    return Council.objects.filter(ambito__quartieri__proposals=proposal).distinct().order_by("pk")


def start_evaluation(
    *, proposal: Proposal, by: User, deadline: date, note: str = "", today: date | None = None
) -> ProposalStatusChange:
    """Staff take the proposal into evaluation and ask its consulte for their opinion."""
    today = today or timezone.localdate()
    note = note.strip()
    with transaction.atomic():
        locked = _lock(proposal)
        _require(
            "accordi.start_evaluation",
            by,
            locked,
            _("Solo il personale comunale può avviare la valutazione di una proposta presentata."),
            "refused",
        )
        if deadline <= today:
            raise ProposalError(
                _("Il termine per il parere della consulta deve essere dopo oggi."),
                code="deadline",
            )
        for council in councils_for(locked):
            opinion_request = OpinionRequest.objects.create(
                council=council,
                title=_("Proposta «%(title)s»") % {"title": locked.title},
                description=_opinion_request_text(locked, note),
                requested_on=today,
                deadline=deadline,
            )
            announce_opinion_request(opinion_request=opinion_request)
            locked.opinion_requests.add(opinion_request)
        return _move(locked, Status.EVALUATION, by=by, note=note, original=proposal)


def _opinion_request_text(proposal: Proposal, note: str) -> str:
    parts = [
        _(
            "Il Comune chiede il parere della consulta sulla proposta «%(title)s» di "
            "%(proposer)s, prima di decidere se ammetterla alla co-progettazione."
        )
        % {"title": proposal.title, "proposer": proposal.proposer_name},
        proposal.summary,
    ]
    if note:
        parts.append(note)
    parts.append(
        _("La proposta completa: %(url)s")
        % {"url": f"{settings.PORTAL_URL}{proposal.get_absolute_url()}"}
    )
    return "\n\n".join(parts)


def pending_opinions(
    opinion_requests: Iterable[OpinionRequest], *, today: date
) -> list[OpinionRequest]:
    """The consulte's opinions still awaited: not published and not past their deadline."""
    return [
        request
        for request in opinion_requests
        if request.status != OpinionRequest.Status.PUBLISHED and request.deadline >= today
    ]


def decide(
    *, proposal: Proposal, by: User, admitted: bool, reason: str, today: date | None = None
) -> ProposalStatusChange:
    """Staff admit the proposal to co-design or not, with a public reason."""
    today = today or timezone.localdate()
    reason = reason.strip()
    with transaction.atomic():
        locked = _lock(proposal)
        _require(
            "accordi.decide_proposal",
            by,
            locked,
            _("Solo il personale comunale può decidere su una proposta in valutazione."),
            "refused",
        )
        if not reason:
            raise ProposalError(
                _("Scrivi la motivazione della decisione: è pubblica."), code="reason"
            )
        waiting = pending_opinions(locked.opinion_requests.select_related("council"), today=today)
        if waiting:
            raise ProposalError(
                _(
                    "Si attende il parere della %(council)s fino al %(deadline)s: decidi dopo "
                    "il parere, o dopo il termine."
                )
                % {
                    "council": waiting[0].council.name,
                    "deadline": date_format(waiting[0].deadline),
                },
                code="opinion_pending",
            )
        locked.decision_reason = reason
        to = Status.ADMITTED if admitted else Status.NOT_ADMITTED
        return _move(locked, to, by=by, note=reason, fields=["decision_reason"], original=proposal)


def withdraw(*, proposal: Proposal, by: User, reason: str) -> ProposalStatusChange:
    """The proposer withdraws a submitted proposal; the reason stays public in its path."""
    reason = reason.strip()
    with transaction.atomic():
        locked = _lock(proposal)
        _require(
            "accordi.withdraw_proposal",
            by,
            locked,
            _("Solo chi l'ha presentata può ritirare la proposta, finché non diventa un accordo."),
            "refused",
        )
        if not reason:
            raise ProposalError(
                _("Scrivi perché ritiri la proposta: resta nel suo percorso pubblico."),
                code="reason",
            )
        locked.withdrawal_reason = reason
        return _move(
            locked,
            Status.WITHDRAWN,
            by=by,
            note=reason,
            fields=["withdrawal_reason"],
            original=proposal,
        )


def convert(*, proposal: Proposal, by: User) -> Agreement:
    """Staff turn an admitted proposal into an agreement draft, prefilled, linked both ways."""
    with transaction.atomic():
        locked = _lock(proposal)
        _require(
            "accordi.convert_proposal",
            by,
            locked,
            _("Solo il personale comunale può trasformare in accordo una proposta ammessa."),
            "refused",
        )
        agreement = Agreement(
            title=locked.title,
            slug=_free_slug(locked.title),
            theme=locked.theme,
            summary=locked.summary,
        )
        agreement._history_user = by
        agreement._change_reason = _("Dalla proposta n. %(number)d") % {"number": locked.pk}
        agreement.save()
        agreement.quartieri.set(locked.quartieri.all())
        comune, proposers = _parties(agreement, locked)
        for party, kind, description, amount in _commitments(locked, comune, proposers):
            Commitment.objects.create(
                agreement=agreement,
                party=party,
                kind=kind,
                description=_cut(description),
                amount=amount,
            )
        locked.agreement = agreement
        _move(
            locked,
            Status.CONVERTED,
            by=by,
            note=_("Bozza di accordo: %(title)s") % {"title": agreement.title},
            fields=["agreement"],
            original=proposal,
        )
    return agreement


def _free_slug(title: str) -> str:
    base = (slugify(title) or "accordo")[:190]
    slug, number = base, 1
    while slug in RESERVED_SLUGS or Agreement.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _parties(agreement: Agreement, proposal: Proposal) -> tuple[Party, Party]:
    comune_organisation = (
        Organisation.objects.filter(kind=Organisation.Kind.COMUNE).order_by("pk").first()
    )
    # The Comune's signatory is chosen during co-design; the admin asks for it at the next save.
    comune = Party.objects.create(
        agreement=agreement,
        kind=Party.Kind.COMUNE,
        organisation=comune_organisation,
        name="" if comune_organisation else _("Comune"),
        signatory_name="",
        signatory_role="",
        order=0,
    )
    author = proposal.author
    kind = {
        Proposal.ProposerKind.ORGANISATION: Party.Kind.ORGANISATION,
        Proposal.ProposerKind.GROUP: Party.Kind.INFORMAL_GROUP,
        Proposal.ProposerKind.PERSON: Party.Kind.CITIZEN,
    }[proposal.proposer_kind]
    name = {
        Proposal.ProposerKind.ORGANISATION: "",
        Proposal.ProposerKind.GROUP: proposal.group_name,
        Proposal.ProposerKind.PERSON: author.get_full_name() or author.email,
    }[proposal.proposer_kind]
    proposers = Party.objects.create(
        agreement=agreement,
        kind=kind,
        organisation=proposal.organisation if kind == Party.Kind.ORGANISATION else None,
        name=name,
        signatory_name=author.get_full_name() or author.email,
        signatory_role=proposal.author_role or _("Proponente"),
        # The proposer reads and comments on the draft during co-design, as a representative.
        representative=author,
        order=1,
    )
    return comune, proposers


def _commitments(proposal: Proposal, comune: Party, proposers: Party):
    kind = Commitment.Kind
    if proposal.requested_spaces.strip():
        yield comune, kind.SPACES, proposal.requested_spaces, None
    if proposal.requested_budget:
        budget = proposal.requested_budget
        yield comune, kind.FUNDS, _("Contributo richiesto nella proposta"), budget
    if proposal.requested_staff_hours:
        yield (
            comune,
            kind.STAFF_HOURS,
            _("Ore di personale richieste nella proposta"),
            proposal.requested_staff_hours,
        )
    if proposal.requested_materials.strip():
        yield comune, kind.MATERIALS, proposal.requested_materials, None
    if proposal.committed_hours:
        people = proposal.committed_people or 0
        description = _("Volontariato di %(people)d persone") % {"people": people}
        yield proposers, kind.VOLUNTEER_HOURS, description, proposal.committed_hours
    if proposal.committed_means.strip():
        yield proposers, kind.MATERIALS, proposal.committed_means, None
    if proposal.activities.strip():
        yield proposers, kind.ACTIVITIES, proposal.activities, None


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1] + "…"


def _move(
    locked: Proposal,
    to: str,
    *,
    by: User,
    note: str = "",
    fields: Iterable[str] = (),
    original: Proposal | None = None,
) -> ProposalStatusChange:
    change = ProposalStatusChange.objects.create(
        proposal=locked, from_status=locked.status, to_status=to, by=by, note=note
    )
    locked.status = to
    locked._history_user = by
    locked._change_reason = _("Stato: %(from)s → %(to)s") % {
        "from": Status(change.from_status).label,
        "to": Status(to).label,
    }
    locked.save(update_fields=["status", "updated_at", *fields])
    _announce(locked, change)
    if original is not None:
        _refresh(original, locked)
    return change


def _announce(proposal: Proposal, change: ProposalStatusChange) -> None:
    """The proposer and the followers hear of each step (the proposer in their own words)."""
    context = {
        "proposal": proposal,
        "to_status": change.to_status,
        "status": Status(change.to_status).label,
        "note": change.note,
    }
    url = proposal.get_absolute_url()
    if proposal.author.is_active:
        notify(
            recipient=proposal.author,
            topic=NOTIFICATION_TOPIC,
            event="accordi/proposal_status",
            context=context,
            url=url,
            once_key=f"proposal-change:{change.pk}",
        )
    notify_many(
        recipients=proposal.followers.filter(is_active=True).exclude(pk=proposal.author_id),
        topic=NOTIFICATION_TOPIC,
        event="accordi/followed_proposal_status",
        context=context,
        url=url,
        once_key=f"proposal-change:{change.pk}",
    )


def officers() -> QuerySet[User]:
    """Active people holding the permission to evaluate proposals (the Comune's staff)."""
    permission = Permission.objects.get(
        content_type__app_label="accordi", codename="manage_proposals"
    )
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
    )


# -- Supports and follows -----------------------------------------------------------------------


def support(*, proposal: Proposal, user: User) -> Support:
    """One support per person: the unique constraint holds it, even for two clicks at once."""
    if not rules.has_perm("accordi.support_proposal", user, proposal):
        raise ProposalError(_support_refusal(proposal, user), code="refused")
    try:
        with transaction.atomic():
            return Support.objects.create(proposal=proposal, user=user)
    except IntegrityError as duplicate:
        raise ProposalError(
            _("Sostieni già questa proposta."), code="already_supported"
        ) from duplicate


def _support_refusal(proposal: Proposal, user: User) -> str:
    if not user.is_authenticated:
        return _("Accedi per sostenere una proposta.")
    if proposal.is_proposer(user):
        return _("Non si può sostenere la propria proposta.")
    if not proposal.accepts_supports:
        return _("La proposta non raccoglie più sostegni: il Comune ha già deciso.")
    return _(
        "Per sostenere una proposta indica nel tuo profilo il quartiere in cui vivi: i sostegni "
        "contano i residenti."
    )


def withdraw_support(*, proposal: Proposal, user: User) -> bool:
    """Take one's support back while supports are open; False if there was none."""
    if not proposal.accepts_supports:
        raise ProposalError(
            _("La proposta non raccoglie più sostegni: il conteggio è chiuso."), code="closed"
        )
    deleted, _details = Support.objects.filter(proposal=proposal, user=user).delete()
    return deleted > 0


def supports(proposal: Proposal, user: User) -> bool:
    return user.is_authenticated and Support.objects.filter(proposal=proposal, user=user).exists()


def follow(*, proposal: Proposal, user: User) -> None:
    if not rules.has_perm("accordi.follow_proposal", user, proposal):
        raise ProposalError(_("Questa proposta non si può seguire."), code="refused")
    ProposalFollow.objects.get_or_create(proposal=proposal, user=user)


def unfollow(*, proposal: Proposal, user: User) -> None:
    ProposalFollow.objects.filter(proposal=proposal, user=user).delete()


def follows(proposal: Proposal, user: User) -> bool:
    return (
        user.is_authenticated
        and ProposalFollow.objects.filter(proposal=proposal, user=user).exists()
    )


# -- Discussion and moderation ------------------------------------------------------------------


def add_comment(*, proposal: Proposal, author: User, body: str) -> ProposalComment:
    body = body.strip()
    if not body:
        raise ProposalError(_("Il commento è vuoto."), code="empty")
    with transaction.atomic():
        locked = _lock(proposal)
        _require(
            "accordi.comment_proposal",
            author,
            locked,
            _("La discussione su questa proposta è chiusa."),
            "closed",
        )
        comment = ProposalComment.objects.create(proposal=locked, author=author, body=body)
        if author.pk != locked.author_id and locked.author.is_active:
            notify(
                recipient=locked.author,
                topic=NOTIFICATION_TOPIC,
                event="accordi/proposal_commented",
                context={"proposal": locked, "comment": comment},
                url=f"{locked.get_absolute_url()}#commento-{comment.pk}",
            )
    return comment


def report_comment(*, comment: ProposalComment, reporter: User, reason: str) -> CommentReport:
    """Tell the staff; each person reports a comment once, and the staff hear of it once."""
    reason = reason.strip()
    if not rules.has_perm("accordi.report_comment", reporter, comment):
        raise ProposalError(_("Questo commento non si può segnalare."), code="refused")
    if not reason:
        raise ProposalError(_("Scrivi perché segnali il commento."), code="reason")
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason)
    except IntegrityError as duplicate:
        raise ProposalError(
            _("Hai già segnalato questo commento."), code="already_reported"
        ) from duplicate
    round_ = comment.reviewed_at.isoformat() if comment.reviewed_at else "new"
    notify_many(
        recipients=officers(),
        topic=NOTIFICATION_TOPIC,
        event="accordi/comment_reported",
        context={"proposal": comment.proposal, "comment": comment, "reason": reason},
        url=f"{comment.proposal.get_absolute_url()}#commento-{comment.pk}",
        once_key=f"proposal-comment:{comment.pk}:reported:{round_}",
    )
    return report


def hide_comment(*, comment: ProposalComment, by: User, reason: str) -> ProposalComment:
    """Staff hide a comment with a public reason; the text stays for the staff and its author."""
    reason = reason.strip()
    _require(
        "accordi.moderate_comment",
        by,
        comment,
        _("Solo il personale comunale modera i commenti."),
        "refused",
    )
    if not reason:
        raise ProposalError(_("Scrivi il motivo: compare al posto del commento."), code="reason")
    with transaction.atomic():
        locked = ProposalComment.objects.select_for_update().get(pk=comment.pk)
        if locked.is_hidden:
            raise ProposalError(_("Il commento è già nascosto."), code="hidden")
        locked.hidden_at = timezone.now()
        locked.hidden_by = by
        locked.hidden_reason = reason
        locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        if locked.author.is_active:
            notify(
                recipient=locked.author,
                topic=NOTIFICATION_TOPIC,
                event="accordi/comment_hidden",
                context={"proposal": locked.proposal, "comment": locked, "reason": reason},
                url=f"{locked.proposal.get_absolute_url()}#commento-{locked.pk}",
            )
    return locked


def keep_comment(*, comment: ProposalComment, by: User) -> ProposalComment:
    """Staff read the reports and keep the comment: it leaves the queue until a new report."""
    _require(
        "accordi.moderate_comment",
        by,
        comment,
        _("Solo il personale comunale modera i commenti."),
        "refused",
    )
    comment.reviewed_at = timezone.now()
    comment.save(update_fields=["reviewed_at"])
    return comment
