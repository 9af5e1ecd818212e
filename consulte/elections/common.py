"""What every part of the elections shares: the error a person can cause, the election's log,
and the normal form of what people type (fiscal codes, voting codes, receipts)."""

from django.core.exceptions import ValidationError

from collabcity.models import User

from ..models import Election, ElectionLogEntry, Elector


class ElectionError(ValidationError):
    """A rule of the election stopped the action; the message is for the person."""


def normalize_fiscal_code(value: str) -> str:
    return "".join(value.split()).upper()


def normalize_code(value: str) -> str:
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    # Crockford base32 reads the look-alike letters as the digits they resemble.
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def log_action(
    *,
    election: Election,
    actor: User | None,
    action: str,
    elector: Elector | None = None,
    details: dict | None = None,
) -> ElectionLogEntry:
    """Append to the election's log; call it inside the action's own transaction."""
    return ElectionLogEntry.objects.create(
        election=election, actor=actor, action=action, elector=elector, details=details or {}
    )
