"""The double envelope (busta doppia) in software: the election's key, sealing, the opening.

The model is the postal vote. The outer envelope is the ElectorVote (who voted, channel, hour);
the inner envelope is an Envelope row: the ballot (receipt and preferences, fixed length) sealed
with the election's public key (libsodium sealed box: X25519 + XSalsa20-Poly1305, a fresh
ephemeral key per envelope, so equal ballots give unrelated ciphertexts of the same size).

The private key is made once, at the key ceremony, and split with Shamir's scheme into one
share per guardian, t of n needed to rebuild it. The shares are shown once and never stored:
the portal keeps only the public key and, per guardian, a SHA-256 check value of their share,
so a wrong share is named at the opening. At the opening the key is rebuilt in the memory of
the process that opens, the envelopes are shuffled with the system's cryptographic RNG,
decrypted and written as plain Ballots in that order in one transaction that also deletes the
envelopes. See the docstring of consulte/elections/__init__.py for what this protects, from whom.

Libraries: PyNaCl (libsodium's sealed boxes; audited, constant-time, nothing to configure) and
pycryptodome's Shamir (GF(2^128), 16-byte secrets: the 32-byte key is shared as two halves
with the same x coordinates).
"""

import base64
import hashlib
import secrets
import struct
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from ..models import (
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    Ballot,
    BallotBox,
    BallotPreference,
    Election,
    ElectionLogEntry,
    Envelope,
    Guardian,
)

SHARE_PREFIX = "CCGARANTE1"
KEY_BYTES = 32
CANDIDATE_SLOT = struct.Struct(">Q")
MIN_GUARDIANS = 2


class BallotBoxError(ValidationError):
    """The ceremony or the opening cannot go on; the messages are for the staff and guardians."""


@dataclass(frozen=True)
class GuardianShare:
    """One guardian's share, as printed and downloaded once at the ceremony."""

    guardian: Guardian
    text: str

    @property
    def filename(self) -> str:
        return f"elezione-{self.guardian.election_id}-garante-{self.guardian.position}.txt"


# --- Shares ----------------------------------------------------------------------------------


def share_digest(*, election_id: int, position: int, secret: bytes) -> str:
    return hashlib.sha256(f"{election_id}:{position}:".encode() + secret).hexdigest()


def format_share(*, election_id: int, position: int, secret: bytes) -> str:
    """Printable text: prefix, election, position, then the share in base32 groups of four."""
    body = base64.b32encode(secret).decode().rstrip("=")
    groups = " ".join(body[i : i + 4] for i in range(0, len(body), 4))
    return f"{SHARE_PREFIX}.{election_id}.{position}.{groups}"


def parse_share(text: str) -> tuple[int, int, bytes]:
    """(election id, position, secret) of a share's text; ValueError if it is not one."""
    compact = "".join(text.split()).upper()
    prefix, election_id, position, body = compact.split(".")
    if prefix != SHARE_PREFIX or not election_id.isdecimal() or not position.isdecimal():
        raise ValueError("not a share")
    secret = base64.b32decode(body + "=" * (-len(body) % 8))
    if len(secret) != KEY_BYTES:
        raise ValueError("wrong length")
    return int(election_id), int(position), secret


# --- The key ceremony ------------------------------------------------------------------------


def run_key_ceremony(
    *, election: Election, threshold: int, expected_key: str | None = None, actor=None
) -> list[GuardianShare]:
    """Make the election's key pair and split the private key among its guardians, t of n.

    Returns the shares, to be shown once; only the public key and the check values are stored.
    Allowed until the first envelope exists (a lost share before the vote means a new ceremony).
    """
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.is_closed:
            raise BallotBoxError(_("L'elezione è chiusa: la cerimonia non si può più fare."))
        current = BallotBox.objects.filter(election=election).first()
        if expected_key is not None and expected_key != (current.public_key if current else ""):
            # A re-sent or concurrent form: the shares just handed out stay the valid ones.
            raise BallotBoxError(
                _("La cerimonia è già stata svolta: le quote consegnate restano valide.")
            )
        if current is not None and election.has_started:
            # Once voting is open, a new key would leave one officer holding the only key.
            raise BallotBoxError(
                _("Il voto è aperto: la chiave dell'elezione non si può più cambiare.")
            )
        if (
            Envelope.objects.filter(election=election).exists()
            or Ballot.objects.filter(election=election).exists()
        ):
            raise BallotBoxError(
                _("Ci sono già voti online: la chiave dell'elezione non si può più cambiare.")
            )
        guardians = list(election.guardians.order_by("pk"))
        if len(guardians) < MIN_GUARDIANS:
            raise BallotBoxError(
                _("Servono almeno %(count)d garanti: aggiungili nell'amministrazione.")
                % {"count": MIN_GUARDIANS}
            )
        if not MIN_GUARDIANS <= threshold <= len(guardians):
            raise BallotBoxError(
                _("La soglia deve essere tra %(low)d e %(high)d garanti.")
                % {"low": MIN_GUARDIANS, "high": len(guardians)}
            )
        private_key = PrivateKey.generate()
        secret = bytes(private_key)
        halves = [
            Shamir.split(threshold, len(guardians), secret[:16]),
            Shamir.split(threshold, len(guardians), secret[16:]),
        ]
        shares = []
        # Positions are unique per election: clear them before a repeated ceremony renumbers.
        Guardian.objects.filter(election=election).update(position=None)
        for guardian, (position, first), (_same, second) in zip(guardians, *halves, strict=True):
            guardian.position = position
            guardian.share_digest = share_digest(
                election_id=election.pk, position=position, secret=first + second
            )
            text = format_share(election_id=election.pk, position=position, secret=first + second)
            shares.append(GuardianShare(guardian=guardian, text=text))
        Guardian.objects.bulk_update(guardians, ["position", "share_digest"])
        BallotBox.objects.update_or_create(
            election=election,
            defaults={
                "public_key": bytes(private_key.public_key).hex(),
                "threshold": threshold,
                "ceremony_at": timezone.now(),
                "envelopes_at_close": None,
                "envelopes_digest": "",
                "opened_at": None,
            },
        )
        ElectionLogEntry.objects.create(
            election=election,
            actor=actor,
            action=ElectionLogEntry.Action.KEY_CEREMONY,
            details={
                "public_key": bytes(private_key.public_key).hex(),
                "threshold": threshold,
                "guardians": [g.name for g in guardians],
            },
        )
    return shares


# --- Sealing a ballot ------------------------------------------------------------------------


def encode_ballot(*, receipt_id: str, candidate_ids: list[int], slots: int) -> bytes:
    """Receipt, then one 8-byte slot per possible preference (0 = none): a fixed length."""
    padded = [*candidate_ids, *([0] * (slots - len(candidate_ids)))]
    return receipt_id.encode("ascii") + b"".join(CANDIDATE_SLOT.pack(pk) for pk in padded)


def decode_ballot(plain: bytes, *, slots: int) -> tuple[str, list[int]]:
    if len(plain) != RECEIPT_LENGTH + slots * CANDIDATE_SLOT.size:
        raise ValueError("wrong length")
    receipt_id = plain[:RECEIPT_LENGTH].decode("ascii")
    if any(ch not in RECEIPT_ALPHABET for ch in receipt_id):
        raise ValueError("bad receipt")
    ids = [
        CANDIDATE_SLOT.unpack_from(plain, RECEIPT_LENGTH + i * CANDIDATE_SLOT.size)[0]
        for i in range(slots)
    ]
    chosen = [pk for pk in ids if pk]
    if ids[: len(chosen)] != chosen or len(set(chosen)) != len(chosen):
        raise ValueError("bad preferences")
    return receipt_id, chosen


def seal_ballot(*, public_key: str, receipt_id: str, candidate_ids: list[int], slots: int) -> bytes:
    plain = encode_ballot(receipt_id=receipt_id, candidate_ids=candidate_ids, slots=slots)
    return SealedBox(PublicKey(bytes.fromhex(public_key))).encrypt(plain)


# --- The close -------------------------------------------------------------------------------


def envelopes_digest(election: Election) -> tuple[int, str]:
    """(count, SHA-256 of the sorted hex SHA-256 of each ciphertext, joined by newlines)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT count(*), encode(sha256(convert_to(coalesce(
                    string_agg(h, E'\\n' ORDER BY h COLLATE "C"), ''), 'UTF8')), 'hex')
                FROM (SELECT encode(sha256(ciphertext), 'hex') AS h
                      FROM {Envelope._meta.db_table} WHERE election_id = %s) envelopes
                """,  # noqa: S608  (table name from the model, value as a parameter)
                [election.pk],
            )
            count, digest = cursor.fetchone()
            return count, digest
    hashes = sorted(
        hashlib.sha256(bytes(ciphertext)).hexdigest()
        for ciphertext in Envelope.objects.filter(election=election).values_list(
            "ciphertext", flat=True
        )
    )
    return len(hashes), hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def closed_by_database_clock(election: Election) -> bool:
    """The close as the database sees it: the same clock the cast checks under its lock."""
    if connection.vendor != "postgresql":
        return election.is_closed
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT closes_at <= statement_timestamp() FROM {Election._meta.db_table} "  # noqa: S608
            "WHERE id = %s",
            [election.pk],
        )
        return cursor.fetchone()[0]


def close_ballot_box(election: Election) -> BallotBox | None:
    """Record the number and digest of the envelopes once the vote is closed; once.

    The election row is taken FOR UPDATE: casts hold it FOR SHARE from their window check to
    their commit, so every cast in flight at the close is in the count, and none comes after.
    """
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        box = BallotBox.objects.filter(election=election).first()
        if box is None or box.is_closed:
            return box
        if not closed_by_database_clock(election):
            raise BallotBoxError(_("Il voto è ancora aperto: le buste non si possono chiudere."))
        box.envelopes_at_close, box.envelopes_digest = envelopes_digest(election)
        if box.envelopes_at_close == 0:
            # Nothing sealed to open: no guardian needs to come.
            box.opened_at = timezone.now()
        box.save(update_fields=["envelopes_at_close", "envelopes_digest", "opened_at"])
    return box


# --- The opening -----------------------------------------------------------------------------


def check_shares(*, election: Election, box: BallotBox, shares: list[str]) -> dict[int, bytes]:
    """The valid shares by position, at least t of them; names every share that is not valid.

    Checked against each guardian's check value, without combining anything: the web process
    that takes the shares does not rebuild the key (though with t valid shares it could).
    """
    guardians = {g.position: g for g in election.guardians.exclude(position=None)}
    valid: dict[int, bytes] = {}
    errors = []
    for text in shares:
        if not text.strip():
            continue
        try:
            election_id, position, secret = parse_share(text)
        except (ValueError, UnicodeError):
            errors.append(_("Una quota non è leggibile: controlla di averla copiata per intero."))
            continue
        guardian = guardians.get(position)
        if election_id != election.pk or guardian is None:
            errors.append(_("Una quota inserita è di un'altra elezione."))
        elif (
            share_digest(election_id=election.pk, position=position, secret=secret)
            != guardian.share_digest
        ):
            errors.append(
                _("La quota di %(name)s non è valida: è stata alterata o copiata male.")
                % {"name": guardian.name}
            )
        else:
            valid[position] = secret
    if errors:
        raise BallotBoxError(errors)
    if len(valid) < box.threshold:
        raise BallotBoxError(
            _("Servono le quote di almeno %(needed)d garanti: ne sono arrivate %(given)d valide.")
            % {"needed": box.threshold, "given": len(valid)}
        )
    return valid


def rebuild_private_key(*, election: Election, box: BallotBox, shares: list[str]) -> PrivateKey:
    """The private key from at least t valid shares, checked against the published public key."""
    valid = check_shares(election=election, box=box, shares=shares)
    chosen = sorted(valid.items())[: box.threshold]
    secret = Shamir.combine([(x, s[:16]) for x, s in chosen]) + Shamir.combine(
        [(x, s[16:]) for x, s in chosen]
    )
    private_key = PrivateKey(secret)
    if bytes(private_key.public_key).hex() != box.public_key:
        raise BallotBoxError(
            _("Le quote non ricostruiscono la chiave pubblicata dell'elezione: non si apre nulla.")
        )
    return private_key


def open_ballot_box(*, election: Election, shares: list[str]) -> BallotBox:
    """Open the envelopes with the guardians' shares: shuffle, decrypt, write, delete; once.

    All in one transaction: a process killed half-way leaves the envelopes untouched, and the
    next opening gives the same set of ballots (the shuffle differs, the digest does not).
    """
    box = close_ballot_box(election)
    if box is None:
        raise BallotBoxError(_("Questa elezione non ha fatto la cerimonia delle chiavi."))
    if box.is_opened:
        return box
    private_key = rebuild_private_key(election=election, box=box, shares=shares)
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        box = BallotBox.objects.select_for_update().get(election=election)
        if box.is_opened:
            return box
        if envelopes_digest(election) != (box.envelopes_at_close, box.envelopes_digest):
            raise BallotBoxError(
                _("Le buste non sono più quelle contate alla chiusura: l'apertura è sospesa.")
            )
        ciphertexts = [
            bytes(c)
            for c in Envelope.objects.filter(election=election).values_list("ciphertext", flat=True)
        ]
        secrets.SystemRandom().shuffle(ciphertexts)
        ballots, preferences = _decrypt_all(election, private_key, ciphertexts)
        Ballot.objects.bulk_create(ballots, batch_size=5000)
        BallotPreference.objects.bulk_create(preferences, batch_size=5000)
        Envelope.objects.filter(election=election).delete()
        box.opened_at = timezone.now()
        box.save(update_fields=["opened_at"])
    return box


def _decrypt_all(election: Election, private_key: PrivateKey, ciphertexts: list[bytes]):
    unsealer = SealedBox(private_key)
    approved = set(election.candidates.approved().values_list("pk", flat=True))
    ballots, preferences = [], []
    broken = 0
    for ciphertext in ciphertexts:
        try:
            receipt_id, candidate_ids = decode_ballot(
                unsealer.decrypt(ciphertext), slots=election.max_preferences
            )
        except (CryptoError, ValueError, UnicodeError):
            broken += 1
            continue
        if not set(candidate_ids) <= approved:
            broken += 1
            continue
        ballots.append(Ballot(id=receipt_id, election=election))
        preferences.extend(
            BallotPreference(ballot_id=receipt_id, candidate_id=pk, position=position)
            for position, pk in enumerate(candidate_ids, start=1)
        )
    broken += len(ballots) - len({ballot.id for ballot in ballots})  # repeated receipts
    if broken:
        raise BallotBoxError(
            _("%(count)d buste non si aprono con la chiave dell'elezione: l'apertura è sospesa.")
            % {"count": broken}
        )
    return ballots, preferences


# --- Shares on their way to the worker -------------------------------------------------------


def _transit_box() -> SecretBox:
    key = salted_hmac(
        "consulte.shares-in-transit", "", secret=settings.SECRET_KEY, algorithm="sha256"
    ).digest()
    return SecretBox(key)


def seal_shares_for_worker(shares: list[str]) -> str:
    """The shares as they travel through the broker: encrypted with a key only web and worker
    derive (from SECRET_KEY), so a reader of Redis learns nothing from the queued task."""
    return base64.b64encode(_transit_box().encrypt("\n".join(shares).encode())).decode()


def unseal_shares_from_web(sealed: str) -> list[str]:
    return _transit_box().decrypt(base64.b64decode(sealed)).decode().split("\n")
