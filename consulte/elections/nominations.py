"""Candidacies: an elector on the roll stands while nominations are open; staff admit or reject
the candidacy, and a candidate may withdraw, until voting opens."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from collabcity.models import User

from ..models import Candidate, Election, Elector
from .common import ElectionError


class NominationError(ElectionError):
    pass


def submit_candidacy(*, election: Election, elector: Elector, user: User | None, statement: str):
    if not election.nomination_is_open:
        raise NominationError(_("Le candidature per questa elezione non sono aperte."))
    if elector.election_id != election.pk:
        raise NominationError(_("Non sei nella lista elettorale di questa elezione."))
    if not statement.strip():
        raise NominationError(_("Scrivi una breve presentazione."))
    try:
        with transaction.atomic():
            return Candidate.objects.create(
                election=election,
                elector=elector,
                user=user,
                first_name=elector.first_name,
                last_name=elector.last_name,
                gender=elector.gender,
                birth_date=elector.birth_date,
                statement=statement.strip(),
            )
    except IntegrityError as exc:
        raise NominationError(_("Hai già presentato la tua candidatura.")) from exc


def withdraw_candidacy(*, candidate: Candidate) -> None:
    if candidate.election.has_started:
        raise NominationError(_("Il voto è già iniziato: la candidatura non si può ritirare."))
    candidate.status = Candidate.Status.WITHDRAWN
    candidate.save(update_fields=["status"])


def decide_candidacy(*, candidate: Candidate, approve: bool, reason: str = "") -> None:
    """Staff admit or reject a candidacy, before voting opens."""
    if candidate.election.has_started:
        raise NominationError(_("Il voto è già iniziato: le candidature sono fissate."))
    if candidate.status == Candidate.Status.WITHDRAWN:
        raise NominationError(_("La candidatura è stata ritirata."))
    if not approve and not reason.strip():
        raise NominationError(_("Indica il motivo del rifiuto."))
    candidate.status = Candidate.Status.APPROVED if approve else Candidate.Status.REJECTED
    candidate.rejection_reason = "" if approve else reason.strip()
    candidate.save(update_fields=["status", "rejection_reason"])
