"""The polling desk: a poll worker registers the electors present at their voting point, marks
those who vote on paper (so they cannot also vote online, and the reverse) and enters the
point's paper count; staff then declare the count complete, which makes the result final."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collabcity.models import User

from ..models import (
    DeskCount,
    DeskCountLine,
    Election,
    ElectionLogEntry,
    Elector,
    ElectorVote,
    Result,
    VotingPoint,
)
from ..rules import has_office_perm
from .casting import AlreadyVoted, BallotError, check_window
from .common import ElectionError, log_action
from .tally import tally_election


def check_poll_worker(*, voting_point: VotingPoint, user: User | None) -> None:
    """A person acting at a voting point must be one of its poll workers (None: the system).

    The desk's pages ask the same rule (consulte.serve_voting_point) and answer 404; it is
    asked again here, as a domain error, so that no caller, a page that forgets to ask
    included, can have someone act at a point they do not serve.
    """
    if user is not None and not has_office_perm(user, "consulte.serve_voting_point", voting_point):
        raise ElectionError(_("Non sei scrutatore di questo punto voto."))


def is_present(*, voting_point: VotingPoint, elector: Elector) -> bool:
    return ElectionLogEntry.objects.filter(
        election_id=voting_point.election_id,
        elector=elector,
        action=ElectionLogEntry.Action.PRESENT,
        details__voting_point=voting_point.pk,
    ).exists()


def register_presence(
    *, voting_point: VotingPoint, elector: Elector, user: User | None
) -> ElectionLogEntry:
    """The poll worker saw the person, with an identity document, at the point.

    Presence is what allows a terminal code: a code cannot be issued for someone absent.
    Its record is the log entry itself (append-only, attributed).
    """
    election = voting_point.election
    if elector.election_id != election.pk:
        raise BallotError(_("L'elettore non è nella lista di questa elezione."))
    check_poll_worker(voting_point=voting_point, user=user)
    check_window(election)
    if election.votes.filter(elector=elector).exists():
        raise AlreadyVoted()
    with transaction.atomic():
        return log_action(
            election=election,
            actor=user,
            action=ElectionLogEntry.Action.PRESENT,
            elector=elector,
            details={"voting_point": voting_point.pk},
        )


def mark_voted_in_person(
    *, voting_point: VotingPoint, elector: Elector, user: User | None
) -> ElectorVote:
    election = voting_point.election
    if elector.election_id != election.pk:
        raise BallotError(_("L'elettore non è nella lista di questa elezione."))
    check_poll_worker(voting_point=voting_point, user=user)
    check_window(election)
    now = timezone.now()
    try:
        with transaction.atomic():
            vote = ElectorVote.objects.create(
                election=election,
                elector=elector,
                channel=ElectorVote.Channel.IN_PERSON,
                hour=now.replace(minute=0, second=0, microsecond=0),
                voting_point=voting_point,
            )
            log_action(
                election=election,
                actor=user,
                action=ElectionLogEntry.Action.VOTED_IN_PERSON,
                elector=elector,
                details={"voting_point": voting_point.pk},
            )
            return vote
    except IntegrityError as exc:
        channel = election.votes.filter(elector=elector).values_list("channel", flat=True).first()
        raise AlreadyVoted(channel or "") from exc


def record_desk_count(
    *,
    voting_point: VotingPoint,
    valid: int,
    blank: int,
    void: int,
    votes: dict[int, int],
    entered_by: User | None,
    reason: str = "",
) -> DeskCount:
    """Enter the paper count of one voting point; a second entry is an attributed correction.

    The ballots in the box cannot outnumber the people marked as voting there: valid + blank +
    void <= voters at the point. A valid paper ballot carries 1..max_preferences preferences,
    so each candidate has at most `valid` and all of them at most valid * max_preferences.
    """
    election = voting_point.election
    check_poll_worker(voting_point=voting_point, user=entered_by)
    if not election.is_closed:
        raise ElectionError(_("Lo spoglio delle schede cartacee si inserisce dopo la chiusura."))
    approved = set(election.candidates.approved().values_list("pk", flat=True))
    if set(votes) - approved:
        raise ElectionError(_("Ci sono preferenze per candidati non ammessi."))
    if min([valid, blank, void, *votes.values()], default=0) < 0:
        raise ElectionError(_("I numeri non possono essere negativi."))
    reason = (reason or "").strip()
    with transaction.atomic():
        # The election row serialises counts, corrections and the final declaration.
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.count_declared_at is not None:
            raise ElectionError(
                _("Lo spoglio è già stato dichiarato completo: i risultati sono definitivi.")
            )
        voters = ElectorVote.objects.filter(voting_point=voting_point).count()
        if not voters:
            raise ElectionError(_("A questo punto voto non ha votato nessuno: niente spoglio."))
        if valid + blank + void > voters:
            raise ElectionError(
                _(
                    "Le schede (%(ballots)d) superano i votanti registrati al punto voto "
                    "(%(voters)d)."
                )
                % {"ballots": valid + blank + void, "voters": voters}
            )
        if any(n > valid for n in votes.values()):
            raise ElectionError(_("Un candidato non può avere più preferenze delle schede valide."))
        if sum(votes.values()) > valid * election.max_preferences:
            raise ElectionError(_("Le preferenze superano quelle possibili sulle schede valide."))
        if valid and not sum(votes.values()):
            raise ElectionError(_("Una scheda valida porta almeno una preferenza."))
        previous = DeskCount.objects.filter(voting_point=voting_point).order_by("-version").first()
        if previous is not None and not reason:
            raise ElectionError(
                _(
                    "Lo spoglio di questo punto voto è già stato inserito: per correggerlo "
                    "indica il motivo."
                )
            )
        try:
            with transaction.atomic():
                count = DeskCount.objects.create(
                    election=election,
                    voting_point=voting_point,
                    version=(previous.version + 1) if previous else 1,
                    valid=valid,
                    blank=blank,
                    void=void,
                    reason=reason,
                    entered_by=entered_by,
                )
        except IntegrityError as exc:  # a double click raced the first entry
            raise ElectionError(
                _("Lo spoglio di questo punto voto è appena stato inserito.")
            ) from exc
        DeskCountLine.objects.bulk_create(
            [DeskCountLine(desk_count=count, candidate_id=pk, votes=n) for pk, n in votes.items()]
        )
        log_action(
            election=election,
            actor=entered_by,
            action=ElectionLogEntry.Action.DESK_COUNT,
            details={
                "voting_point": voting_point.pk,
                "version": count.version,
                "valid": valid,
                "blank": blank,
                "void": void,
                "votes": {str(pk): n for pk, n in votes.items()},
                "reason": reason,
            },
        )
    if Result.objects.filter(election=election).exists():
        tally_election(election_id=election.pk)
    return count


def points_missing_count(election: Election) -> list[VotingPoint]:
    """Points where people voted on paper but no count was entered yet."""
    return list(
        VotingPoint.objects.filter(election=election, votes__isnull=False)
        .exclude(counts__isnull=False)
        .distinct()
        .order_by("name")
    )


def declare_count_complete(*, election: Election, user: User | None) -> Result:
    """Staff declare every point's paper count entered: the tally becomes final.

    After this, corrections are refused (record_desk_count): the published, notified result
    and the seated members must not move under a citizen's feet. A real error after the
    declaration is a matter for the electoral appeal, not for a form.
    """
    # The admin's action asks the same model permission; the service asks it again for any
    # other caller (None: the system, e.g. the demo loader).
    if user is not None and not user.has_perm("consulte.declare_count_complete"):
        raise ElectionError(_("Non hai il permesso di dichiarare completo lo spoglio."))
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if not election.is_closed:
            raise ElectionError(_("L'elezione non è ancora chiusa."))
        if election.count_declared_at is not None:
            raise ElectionError(_("Lo spoglio è già stato dichiarato completo."))
        missing = points_missing_count(election)
        if missing:
            raise ElectionError(
                _("Manca lo spoglio di questi punti voto: %(points)s.")
                % {"points": ", ".join(p.name for p in missing)}
            )
        election.count_declared_at = timezone.now()
        election.save(update_fields=["count_declared_at"])
        log_action(election=election, actor=user, action=ElectionLogEntry.Action.COUNT_DECLARED)
    return tally_election(election_id=election.pk)
