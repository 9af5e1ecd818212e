"""The rules of elections: verification, nominations, casting, the desk, the tally, notifications.

Called by the citizen views, the admin, the tasks and the commands alike.

What is secret, from whom, and what trust remains.

- While voting is open, an online vote writes two rows in one transaction: the ElectorVote
  (outer envelope: who, channel, hour) and an Envelope (inner envelope: the ballot sealed with
  the election's public key; see consulte/ballot_box.py). No plain ballot exists. A reader of
  the database, its system columns (xmin, ctid), the WAL or a backup learns who voted and when
  to the hour, and can pair each voter with a ciphertext; never how anyone voted: opening a
  ciphertext needs the private key, which exists only as the guardians' shares (t of n), never
  stored by the portal.
- The opening, after the close, needs t guardians. Their shares rebuild the key in the memory
  of the process that opens (a Celery worker, or `manage.py open_ballot_box`); the envelopes
  are shuffled with the system's cryptographic RNG, decrypted, and written as plain Ballots in
  that order in one transaction that deletes the envelopes. From then on every ballot and
  preference of the election shares one xmin (the opening's), their physical order is random,
  their keys are random and nothing links them to an ElectorVote: the pairing a reader made of
  voters and ciphertexts during the vote leads nowhere, since the plain ballots carry no trace
  of the ciphertext they came from.
- The receipt code travels inside the envelope and is shown once, in the cast response; after
  the opening the voter finds it in the public list of ballots.
- The choices never appear in SQL text (the candidate check reads every approved candidate,
  whatever the choice), so pg_stat_activity and the server log hold none.
- What remains to trust: t guardians together could decrypt a copy of the envelopes taken by
  a reader of the database during the vote and, with the pairing above, learn votes; so could
  whoever controls the opening process's memory while it runs, or the web process's memory at
  the moment a ballot is cast (it sees the choices it encrypts). At the ceremony the officer's
  browser shows all the shares at once: the officer and the guardians present are trusted not
  to keep others' shares (the key cannot be replaced once voting opens, and every ceremony is
  in the election's log with its key). At the opening the web process holds the shares for the
  moment it checks them, and they reach the worker through the broker encrypted with a key
  derived from SECRET_KEY, acknowledged on receipt: whoever holds SECRET_KEY and a copy of
  the broker at that moment holds the shares. Dead row versions of the deleted envelopes stay
  in the heap until VACUUM, but they hold only ciphertext.
"""

import hashlib
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from collabcity.models import Notification, User
from collabcity.notifications import notify

from ..models import (
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    Ballot,
    BallotBox,
    BallotPreference,
    Candidate,
    CandidateResult,
    DeskCount,
    DeskCountLine,
    Election,
    ElectionLogEntry,
    Elector,
    ElectorVerification,
    ElectorVote,
    Envelope,
    Member,
    Result,
    VotingCredential,
    VotingPoint,
    format_receipt,
    new_receipt_id,
    this_hour,
)
from . import ballot_box

TERM_YEARS = 5
CODE_ALPHABET = RECEIPT_ALPHABET
CODE_LENGTH = 10  # 50 random bits, and at most a few guesses per hour (see VERIFY_LIMITS)
# Failed verifications allowed per window: per client for one fiscal code, and per client in
# all. Never per fiscal code alone: then anyone could lock a voter out with a few wrong tries.
# The per-client limit is generous, for a voting point where everyone shares one NAT address:
# the 50-bit codes are the defence, the limits only slow a guesser down (with 100 tries an hour
# per address, even 10,000 addresses need about 100,000 years on average to hit one code).
VERIFY_LIMITS = {"fiscal_code": 5, "client": 100}
VERIFY_WINDOW_SECONDS = 60 * 60
ROLL_CHECK_LIMIT = 10
SESSION_KEY = "consulte_verified_electors"


class ElectionError(ValidationError):
    """A rule of the election stopped the action; the message is for the person."""


class BallotError(ElectionError):
    pass


class AlreadyVoted(BallotError):
    def __init__(self, channel: str = ""):
        super().__init__(_("Hai già votato in questa elezione."), code="already_voted")
        self.channel = channel


class VerificationError(ElectionError):
    pass


class NominationError(ElectionError):
    pass


# --- Fiscal codes and voting codes -----------------------------------------------------------


def normalize_fiscal_code(value: str) -> str:
    return "".join(value.split()).upper()


def normalize_code(value: str) -> str:
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    # Crockford base32 reads the look-alike letters as the digits they resemble.
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def hash_code(*, elector: Elector, code: str) -> str:
    """Keyed hash: a leaked table cannot be brute-forced without the SECRET_KEY."""
    message = f"{elector.election_id}:{elector.fiscal_code}:{normalize_code(code)}"
    return salted_hmac("consulte.voting-code", message, algorithm="sha256").hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class IssuedCode:
    elector: Elector
    code: str

    @property
    def formatted(self) -> str:
        return format_code(self.code)


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


def issue_credentials(
    *,
    electors: list[Elector],
    issued_by: User | None,
    reason: str = "",
    voting_point: VotingPoint | None = None,
    for_terminal: bool = False,
) -> list[IssuedCode]:
    """Issue a fresh one-time code to each elector (replacing any earlier code).

    The plain codes exist only in the returned list: the caller shows or exports them once.
    Electors who already voted get none. While voting is open a code is a vote in someone's
    hand: an officer needs `issue_code_during_vote` and a reason; a poll worker issues a
    terminal code at their own point only for a person registered present there.
    """
    reason = (reason or "").strip()
    open_elections = {e.pk for e in electors if e.election.is_open}
    if open_elections and issued_by is not None:
        if voting_point is not None:
            if not voting_point.poll_workers.filter(pk=issued_by.pk).exists():
                raise ElectionError(_("Non sei scrutatore di questo punto voto."))
            absent = [e for e in electors if not is_present(voting_point=voting_point, elector=e)]
            if absent:
                raise ElectionError(_("Registra prima la presenza dell'elettore al punto voto."))
            reason = reason or str(_("Codice per il terminale del punto voto"))
        else:
            if not issued_by.has_perm("consulte.issue_code_during_vote"):
                raise ElectionError(
                    _("A voto aperto i codici si emettono solo con il permesso apposito.")
                )
            if not reason:
                raise ElectionError(_("A voto aperto indica il motivo dell'emissione del codice."))
    voted = set(
        ElectorVote.objects.filter(elector__in=electors).values_list("elector_id", flat=True)
    )
    now = timezone.now()
    issued = [IssuedCode(elector, new_code()) for elector in electors if elector.pk not in voted]
    with transaction.atomic():
        VotingCredential.objects.bulk_create(
            [
                VotingCredential(
                    elector=item.elector,
                    code_hash=hash_code(elector=item.elector, code=item.code),
                    issued_by=issued_by,
                    issued_at=now,
                    used_at=None,
                    for_terminal=for_terminal,
                )
                for item in issued
            ],
            update_conflicts=True,
            unique_fields=["elector"],
            update_fields=["code_hash", "issued_by", "issued_at", "used_at", "for_terminal"],
        )
        ElectionLogEntry.objects.bulk_create(
            [
                ElectionLogEntry(
                    election_id=item.elector.election_id,
                    actor=issued_by,
                    action=ElectionLogEntry.Action.CODE_ISSUED,
                    elector=item.elector,
                    details={
                        "reason": reason,
                        "voting_point": voting_point.pk if voting_point else None,
                        "during_vote": item.elector.election_id in open_elections,
                    },
                )
                for item in issued
            ]
        )
    return issued


# --- Verification ----------------------------------------------------------------------------


def _limit_keys(fiscal_code: str, client_key: str) -> list[tuple[str, int]]:
    return [
        (f"consulte:verify:cf:{fiscal_code}:{client_key}", VERIFY_LIMITS["fiscal_code"]),
        (f"consulte:verify:client:{client_key}", VERIFY_LIMITS["client"]),
    ]


def _check_rate(keys: list[tuple[str, int]]) -> None:
    if any((cache.get(key) or 0) >= limit for key, limit in keys):
        raise VerificationError(
            _("Troppi tentativi non riusciti. Riprova tra un'ora o rivolgiti a un punto voto."),
            code="rate_limited",
        )


def _count_failure(keys: list[tuple[str, int]]) -> None:
    for key, _limit in keys:
        cache.add(key, 0, VERIFY_WINDOW_SECONDS)
        cache.incr(key)


def verify_with_code(
    *, election: Election, fiscal_code: str, code: str, client_key: str, user: User | None
) -> Elector:
    """Check fiscal code + one-time code; the code is spent on success.

    With a user, the account is linked to the elector for this election; without one (the
    voting point's terminal), the caller keeps the elector in that browser session only.
    A failure says the same thing whether or not the fiscal code is on the roll.
    """
    if election.is_closed:
        raise VerificationError(_("Questa elezione è chiusa."), code="closed")
    fiscal_code = normalize_fiscal_code(fiscal_code)
    keys = _limit_keys(fiscal_code, client_key)
    _check_rate(keys)
    with transaction.atomic():
        credential = (
            VotingCredential.objects.select_for_update()
            .select_related("elector")
            .filter(elector__election=election, elector__fiscal_code=fiscal_code)
            .first()
        )
        valid = (
            credential is not None
            and credential.used_at is None
            and constant_time_compare(
                credential.code_hash, hash_code(elector=credential.elector, code=code)
            )
        )
        if not valid:
            _count_failure(keys)
            raise VerificationError(
                _(
                    "Codice fiscale o codice di voto non validi, oppure codice già usato. "
                    "Controlla e riprova."
                ),
                code="invalid",
            )
        elector = credential.elector
        if user is not None and credential.for_terminal:
            # A logged-in browser at a voting point would tie this voter to whoever left it
            # logged in; the terminal code verifies only a logged-out browser session.
            raise VerificationError(
                _(
                    "Questo codice è per il terminale del punto voto, che non deve essere "
                    "collegato a nessun account: esci dall'account e riprova."
                ),
                code="terminal_logged_in",
            )
        if user is not None:
            _link(election=election, elector=elector, user=user, method="code")
        credential.used_at = this_hour()  # the hour only, like the vote it leads to
        credential.save(update_fields=["used_at"])
    return elector


def _link(*, election: Election, elector: Elector, user: User, method: str) -> None:
    existing = ElectorVerification.objects.filter(election=election, user=user).first()
    if existing is not None:
        if existing.elector_id == elector.pk:
            return
        raise VerificationError(
            _("Il tuo account è già verificato come un altro elettore di questa elezione."),
            code="other_elector",
        )
    if ElectorVerification.objects.filter(elector=elector).exists():
        raise VerificationError(
            _("Questo elettore è già collegato a un altro account del portale."),
            code="taken",
        )
    try:
        with transaction.atomic():
            ElectorVerification.objects.create(
                election=election, elector=elector, user=user, method=method
            )
    except IntegrityError as exc:  # a concurrent verification won the race
        raise VerificationError(
            _("Questo elettore è già collegato a un altro account del portale."), code="taken"
        ) from exc


def fiscal_code_from_claims(claims: dict) -> str:
    """SPID sends fiscalNumber as 'TINIT-<codice fiscale>'; CIE and others may send it bare."""
    for key in ("fiscalNumber", "fiscal_number", "fiscalCode"):
        value = claims.get(key)
        if value:
            value = normalize_fiscal_code(str(value))
            return value.split("-", 1)[1] if value.startswith("TINIT-") else value
    return ""


def verify_with_identity(*, user: User, fiscal_code: str) -> list[Election]:
    """An identity provider vouched for this fiscal code: verify the user in every election
    not yet closed whose roll lists it. Returns those elections."""
    fiscal_code = normalize_fiscal_code(fiscal_code)
    verified = []
    electors = Elector.objects.select_related("election").filter(
        fiscal_code=fiscal_code, election__closes_at__gt=timezone.now()
    )
    for elector in electors:
        try:
            _link(election=elector.election, elector=elector, user=user, method="oidc")
        except VerificationError:
            continue
        verified.append(elector.election)
    return verified


def check_roll(
    *, election: Election, user: User, fiscal_code: str, last_name: str
) -> Elector | None:
    """A logged-in citizen checks in advance whether they are on the roll.

    Asking for the surname too, and counting the checks per account, keeps this from being a
    way to learn where strangers live from their fiscal code alone.
    """
    key = f"consulte:roll-check:{user.pk}"
    cache.add(key, 0, VERIFY_WINDOW_SECONDS)
    if cache.incr(key) > ROLL_CHECK_LIMIT:
        raise VerificationError(
            _("Hai fatto troppe verifiche in poco tempo. Riprova tra un'ora."), code="rate_limited"
        )
    elector = Elector.objects.filter(
        election=election, fiscal_code=normalize_fiscal_code(fiscal_code)
    ).first()
    if elector is None or elector.last_name.strip().casefold() != last_name.strip().casefold():
        return None
    return elector


TERMINAL_VERIFICATION_SECONDS = 15 * 60


def verified_elector(*, election: Election, user: User, session) -> Elector | None:
    """The elector this request may vote as: the account's link, or the terminal's session,
    the latter for 15 minutes from the verification, however active the session is."""
    if user.is_authenticated:
        verification = (
            ElectorVerification.objects.select_related("elector")
            .filter(election=election, user=user)
            .first()
        )
        if verification is not None:
            return verification.elector
        return None
    entry = session.get(SESSION_KEY, {}).get(str(election.pk))
    if not isinstance(entry, list) or len(entry) != 2:
        return None
    elector_id, verified_at = entry
    if time.time() - verified_at > TERMINAL_VERIFICATION_SECONDS:
        forget_in_session(session=session, election=election)
        return None
    return Elector.objects.filter(pk=elector_id, election=election).first()


def remember_in_session(*, session, elector: Elector) -> None:
    verified = dict(session.get(SESSION_KEY, {}))
    verified[str(elector.election_id)] = [elector.pk, time.time()]
    session[SESSION_KEY] = verified


def forget_in_session(*, session, election: Election) -> None:
    verified = dict(session.get(SESSION_KEY, {}))
    if verified.pop(str(election.pk), None) is not None:
        session[SESSION_KEY] = verified


def forget_all_in_session(session) -> None:
    """Logging in or out ends every anonymous verification of this browser."""
    session.pop(SESSION_KEY, None)


# --- Nominations -----------------------------------------------------------------------------


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


def ballot_candidates(election: Election) -> list[Candidate]:
    """The approved candidates in the order this voter sees them."""
    candidates = list(
        Candidate.objects.filter(election=election, status=Candidate.Status.APPROVED).order_by(
            "last_name", "first_name", "pk"
        )
    )
    if election.ballot_order == Election.BallotOrder.RANDOM:
        random.SystemRandom().shuffle(candidates)
    return candidates


# --- Casting ---------------------------------------------------------------------------------


def check_window(election: Election) -> None:
    """The window as the pages and the desk see it; the cast checks again under its lock."""
    now = timezone.now()
    if now < election.opens_at or not election.has_ballot_key:
        raise BallotError(_("Il voto per questa elezione non è ancora aperto."), code="not_open")
    if now >= election.closes_at:
        raise BallotError(_("Il voto per questa elezione è chiuso."), code="closed")


def _lock_open_window(election: Election) -> str:
    """Hold the election row FOR SHARE and check the window on the database clock; returns the
    public key. The close (FOR UPDATE) waits for every cast that got past this check, and once
    it has counted the envelopes no cast gets in, even if someone moved the closing time."""
    if connection.vendor == "postgresql":
        election_table = Election._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {election_table} WHERE id = %s FOR SHARE",  # noqa: S608
                [election.pk],
            )
            # A second statement: its timestamp is taken after the lock was granted.
            cursor.execute(
                f"""
                SELECT e.opens_at <= statement_timestamp(),
                       e.closes_at > statement_timestamp() AND b.envelopes_at_close IS NULL,
                       b.public_key
                FROM {election_table} e
                LEFT JOIN {BallotBox._meta.db_table} b ON b.election_id = e.id
                WHERE e.id = %s
                """,  # noqa: S608  (table names from the models, value as a parameter)
                [election.pk],
            )
            opened, not_closed, public_key = cursor.fetchone()
    else:
        now = timezone.now()
        box = BallotBox.objects.filter(election=election).first()
        opened = election.opens_at <= now
        not_closed = now < election.closes_at and not (box and box.is_closed)
        public_key = box.public_key if box else None
    if not not_closed:
        raise BallotError(_("Il voto per questa elezione è chiuso."), code="closed")
    if not opened or public_key is None:
        raise BallotError(_("Il voto per questa elezione non è ancora aperto."), code="not_open")
    return public_key


MAX_DATABASE_ID = 2**31 - 1


def parse_candidate_id(value) -> int:
    """A candidate id as a form sends it (or as code passes it): ASCII digits only, not "３" or
    "٣" that int() would take, and within the database's integer range (past it SQLite raises
    OverflowError). Every other value is a tampered ballot, with one message."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        raise BallotError(_("La scheda non è valida: ricaricala e riprova."), code="tampered")
    if not 0 < int(text) <= MAX_DATABASE_ID:
        raise BallotError(_("La scheda non è valida: ricaricala e riprova."), code="tampered")
    return int(text)


def validate_choices(*, election: Election, candidate_ids: list) -> list[Candidate]:
    """The candidates of a ballot, in preference order; BallotError if it is not valid."""
    ids = [parse_candidate_id(value) for value in candidate_ids]
    if len(ids) > election.max_preferences:
        raise BallotError(
            _("Puoi esprimere al massimo %(count)d preferenze.")
            % {"count": election.max_preferences},
            code="too_many",
        )
    if len(set(ids)) != len(ids):
        raise BallotError(_("Hai scelto lo stesso candidato più di una volta."), code="duplicate")
    # The same query whatever the choice, blank included: the choices must never appear in SQL
    # text (pg_stat_activity, the server log) next to the ElectorVote this connection writes.
    approved = Candidate.objects.filter(
        election=election, status=Candidate.Status.APPROVED
    ).in_bulk()
    by_id = {pk: approved[pk] for pk in ids if pk in approved}
    if len(by_id) != len(ids):
        raise BallotError(
            _("Una delle preferenze non è un candidato ammesso a questa elezione."),
            code="unknown_candidate",
        )
    return [by_id[pk] for pk in ids]


def voided_by_gender_rule(genders: list[str]) -> list[bool]:
    """Which preferences of a ballot the gender rule voids, in the order they were written.

    No gender may take more than half of the preferences expressed, rounded up; those written
    beyond that share are void. With two preferences the second of the same gender is void (as
    in municipal elections, L. 215/2012); with three, only a third of the same gender is (as
    in European elections, L. 65/2014). `online_counts` and the recount apply the same rule.
    """
    written: Counter[str] = Counter()
    voided = []
    for gender in genders:
        voided.append(2 * written[gender] >= len(genders))
        written[gender] += 1
    return voided


def gender_warning(*, election: Election, candidates: list[Candidate]) -> list[Candidate]:
    """The chosen candidates whose preference the gender rule will void (shown before casting)."""
    if not election.gender_balance:
        return []
    voided = voided_by_gender_rule([candidate.gender for candidate in candidates])
    return [candidate for candidate, void in zip(candidates, voided, strict=True) if void]


@dataclass(frozen=True)
class CastReceipt:
    """What the voter takes home: the code under which their ballot is published."""

    code: str

    @property
    def receipt(self) -> str:
        return format_receipt(self.code)


def cast_ballot(*, election: Election, elector: Elector | None, candidate_ids: list) -> CastReceipt:
    """Record that the elector voted and store their sealed envelope, in one transaction.

    The unique constraint on (election, elector) is the guard against double votes, also
    between concurrent requests: the loser gets IntegrityError, turned into AlreadyVoted.
    """
    if elector is None or elector.election_id != election.pk:
        raise BallotError(
            _("Per votare devi prima essere verificato come elettore di questa elezione."),
            code="unverified",
        )
    candidates = validate_choices(election=election, candidate_ids=candidate_ids)
    receipt_id = new_receipt_id()
    now = timezone.now()
    try:
        with transaction.atomic():
            public_key = _lock_open_window(election)
            ElectorVote.objects.create(
                election=election,
                elector=elector,
                channel=ElectorVote.Channel.ONLINE,
                hour=now.replace(minute=0, second=0, microsecond=0),
            )
            Envelope.objects.create(
                election=election,
                ciphertext=ballot_box.seal_ballot(
                    public_key=public_key,
                    receipt_id=receipt_id,
                    candidate_ids=[candidate.pk for candidate in candidates],
                    slots=election.max_preferences,
                ),
            )
    except IntegrityError as exc:
        raise AlreadyVoted(ElectorVote.Channel.ONLINE) from exc
    return CastReceipt(code=receipt_id)


def find_receipt(*, receipt: str) -> Ballot | None:
    """The published ballot of a receipt: there is none until the envelopes are opened."""
    ballot_id = normalize_code(receipt)
    if len(ballot_id) != RECEIPT_LENGTH:
        return None
    return (
        Ballot.objects.select_related("election")
        .prefetch_related("preferences__candidate")
        .filter(pk=ballot_id)
        .first()
    )


# --- The polling desk ------------------------------------------------------------------------


def points_of(*, election: Election, user: User):
    """The election's voting points where this user is a poll worker."""
    return VotingPoint.objects.filter(election=election, poll_workers=user)


def _check_poll_worker(*, voting_point: VotingPoint, user: User | None) -> None:
    if user is not None and not voting_point.poll_workers.filter(pk=user.pk).exists():
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
    _check_poll_worker(voting_point=voting_point, user=user)
    check_window(election)
    if ElectorVote.objects.filter(election=election, elector=elector).exists():
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
    _check_poll_worker(voting_point=voting_point, user=user)
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
        channel = (
            ElectorVote.objects.filter(election=election, elector=elector)
            .values_list("channel", flat=True)
            .first()
        )
        raise AlreadyVoted(channel or "") from exc


def latest_desk_counts(election: Election):
    """The current version of each point's count (a correction supersedes, never overwrites)."""
    newer = DeskCount.objects.filter(
        voting_point=OuterRef("voting_point"), version__gt=OuterRef("version")
    )
    return DeskCount.objects.filter(election=election).filter(~Exists(newer))


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
    _check_poll_worker(voting_point=voting_point, user=entered_by)
    if not election.is_closed:
        raise ElectionError(_("Lo spoglio delle schede cartacee si inserisce dopo la chiusura."))
    approved = set(
        Candidate.objects.filter(election=election, status=Candidate.Status.APPROVED).values_list(
            "pk", flat=True
        )
    )
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


def ballot_checks(election: Election) -> tuple[bool, list[dict]]:
    """Ballots against voters: online (Ballot rows vs online ElectorVotes) and per point.

    Call after the counts are computed; the lead can call it at the end of counting.
    """
    online_ballots = Ballot.objects.filter(election=election).count()
    online_voters = ElectorVote.objects.filter(
        election=election, channel=ElectorVote.Channel.ONLINE
    ).count()
    latest = {c.voting_point_id: c for c in latest_desk_counts(election)}
    points = []
    for point in (
        VotingPoint.objects.filter(election=election)
        .annotate(voters=Count("votes"))
        .order_by("name")
    ):
        count = latest.get(point.pk)
        ballots = count.ballots if count else None
        points.append(
            {
                "point": point.name,
                "voters": point.voters,
                "ballots": ballots,
                "ok": ballots == point.voters,
            }
        )
    return online_ballots == online_voters, points


def turnout_per_hour(election: Election) -> list[dict]:
    return list(
        ElectorVote.objects.filter(election=election)
        .values("hour")
        .annotate(
            online=Count("pk", filter=Q(channel=ElectorVote.Channel.ONLINE)),
            in_person=Count("pk", filter=Q(channel=ElectorVote.Channel.IN_PERSON)),
        )
        .order_by("hour")
    )


# --- The tally -------------------------------------------------------------------------------


def canonical_line(ballot_id: str, candidate_ids: list[int]) -> str:
    return f"{ballot_id}:{','.join(str(pk) for pk in candidate_ids)}"


def digest_of_lines(lines) -> str:
    """SHA-256 of the sorted canonical lines joined by newlines (see canonical_line)."""
    sha = hashlib.sha256()
    for index, line in enumerate(lines):
        sha.update((("\n" if index else "") + line).encode())
    return sha.hexdigest()


def ballot_digest(election: Election) -> str:
    if connection.vendor == "postgresql":
        # Computed by the database: a million ballots never travel to Python.
        ballot = Ballot._meta.db_table
        preference = BallotPreference._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT encode(sha256(convert_to(coalesce(
                    string_agg(line, E'\\n' ORDER BY id COLLATE "C"), ''), 'UTF8')), 'hex')
                FROM (
                    SELECT b.id, b.id || ':' || coalesce(
                        string_agg(p.candidate_id::text, ',' ORDER BY p.position), '') AS line
                    FROM {ballot} b LEFT JOIN {preference} p ON p.ballot_id = b.id
                    WHERE b.election_id = %s GROUP BY b.id
                ) lines
                """,  # noqa: S608  (table names from the models, value as a parameter)
                [election.pk],
            )
            return cursor.fetchone()[0]
    return digest_of_lines(line for line, _prefs in iter_ballots(election))


def iter_ballots(election: Election):
    """(canonical line, [candidate ids]) of every ballot, sorted by receipt; streamed."""
    rows = (
        Ballot.objects.filter(election=election)
        .order_by("pk")
        .values_list("pk", "preferences__candidate_id", "preferences__position")
        .order_by("pk", "preferences__position")
        .iterator(chunk_size=5000)
    )
    current, prefs = None, []
    for ballot_id, candidate_id, _position in rows:
        if ballot_id != current:
            if current is not None:
                yield canonical_line(current, prefs), prefs
            current, prefs = ballot_id, []
        if candidate_id is not None:
            prefs.append(candidate_id)
    if current is not None:
        yield canonical_line(current, prefs), prefs


def tie_key(election: Election, candidate: Candidate):
    """Lower wins a tie: the earlier birth date, or the seeded draw.

    The draw hashes the revealed seed with the candidate's name and birth date, facts nobody
    at the Comune chooses (a database id could be steered by the order of submissions).
    """
    if election.tie_rule == Election.TieRule.LOTS:
        drawn = f"{election.tie_seed}:{candidate.last_name}|{candidate.first_name}|"
        return hashlib.sha256(f"{drawn}{candidate.birth_date.isoformat()}".encode()).hexdigest()
    return candidate.birth_date.isoformat()


def tie_seed_commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def reveal_tie_seed(*, election: Election, seed: str, user: User | None) -> None:
    """Publish the seed of the draw after the close, if it matches the published commitment."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.tie_rule != Election.TieRule.LOTS:
            raise ElectionError(_("Questa elezione non scioglie le parità per sorteggio."))
        if not election.is_closed:
            raise ElectionError(_("Il seme si rivela solo dopo la chiusura del voto."))
        if election.tie_seed:
            raise ElectionError(_("Il seme di questa elezione è già stato rivelato."))
        if not constant_time_compare(tie_seed_commitment(seed), election.tie_seed_commitment):
            raise ElectionError(
                _(
                    "Questo seme non corrisponde all'impegno pubblicato: controlla di averlo "
                    "scritto esattamente, maiuscole e spazi compresi."
                )
            )
        election.tie_seed = seed
        election.save(update_fields=["tie_seed"])
        log_action(
            election=election,
            actor=user,
            action=ElectionLogEntry.Action.TIE_SEED_REVEALED,
            details={"seed": seed},
        )


def rank_candidates(
    election: Election, candidates: list[Candidate], totals: dict[int, int]
) -> list[tuple[Candidate, int, bool]]:
    """(candidate, rank, elected) by votes, ties broken by the election's published rule.

    A candidate with no votes at all is not elected, even with seats left.
    """
    ordered = sorted(candidates, key=lambda c: (-totals.get(c.pk, 0), tie_key(election, c), c.pk))
    return [
        (candidate, rank, rank <= election.seats and totals.get(candidate.pk, 0) > 0)
        for rank, candidate in enumerate(ordered, start=1)
    ]


def online_counts(election: Election) -> tuple[dict[int, int], int]:
    """Valid online preferences per candidate and the number voided by the gender rule.

    Two GROUP BY queries, computed by the database: all preferences, and those voided.
    """
    preferences = BallotPreference.objects.filter(ballot__election=election)
    totals = dict(
        preferences.values("candidate_id").annotate(n=Count("pk")).values_list("candidate_id", "n")
    )
    voided = _voided_per_candidate(election) if election.gender_balance else {}
    counts = {pk: n - voided.get(pk, 0) for pk, n in totals.items()}
    return counts, sum(voided.values())


def _voided_per_candidate(election: Election) -> dict[int, int]:
    """Preferences voided by `voided_by_gender_rule`, per candidate.

    A preference is void when the preferences of its gender written before it on the ballot
    are already half of those the ballot expresses (rounded up): twice that count reaches the
    ballot's. Window functions give both counts in one pass; SQLite runs the same SQL.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT candidate_id, COUNT(*) FROM (
                SELECT preference.candidate_id,
                       COUNT(*) OVER (
                           PARTITION BY preference.ballot_id, candidate.gender
                           ORDER BY preference.position
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                       ) AS same_gender_before,
                       COUNT(*) OVER (PARTITION BY preference.ballot_id) AS expressed
                FROM consulte_ballotpreference preference
                JOIN consulte_ballot ballot ON ballot.id = preference.ballot_id
                JOIN consulte_candidate candidate ON candidate.id = preference.candidate_id
                WHERE ballot.election_id = %s
            ) counted
            WHERE 2 * same_gender_before >= expressed
            GROUP BY candidate_id
            """,
            [election.pk],
        )
        return dict(cursor.fetchall())


def tally_election(*, election_id: int) -> Result:
    """Count a closed election and store its result; the same inputs give the same result."""
    with transaction.atomic():
        election = (
            Election.objects.select_for_update().select_related("council").get(pk=election_id)
        )
        if not election.is_closed:
            raise ElectionError(_("L'elezione non è ancora chiusa: i risultati non esistono."))
        if election.awaits_tie_seed:
            raise ElectionError(
                _("Lo scrutinio attende che sia rivelato il seme del sorteggio per le parità.")
            )
        box = BallotBox.objects.filter(election=election).first()
        if box is not None and not box.is_opened:
            raise ElectionError(
                _("Le buste del voto online non sono ancora state aperte dai garanti.")
            )
        online, void_preferences = online_counts(election)
        in_person = dict(
            DeskCountLine.objects.filter(desk_count__in=latest_desk_counts(election))
            .values("candidate_id")
            .annotate(total=Sum("votes"))
            .values_list("candidate_id", "total")
        )
        desks = latest_desk_counts(election).aggregate(
            blank=Sum("blank", default=0), void=Sum("void", default=0)
        )
        voters = ElectorVote.objects.filter(election=election).aggregate(
            online=Count("pk", filter=Q(channel=ElectorVote.Channel.ONLINE)),
            in_person=Count("pk", filter=Q(channel=ElectorVote.Channel.IN_PERSON)),
        )
        blank_online = (
            Ballot.objects.filter(election=election)
            .filter(~Exists(BallotPreference.objects.filter(ballot=OuterRef("pk"))))
            .count()
        )
        values = {
            "electors": Elector.objects.filter(election=election).count(),
            "voters_online": voters["online"],
            "voters_in_person": voters["in_person"],
            "blank_online": blank_online,
            "blank_in_person": desks["blank"],
            "void_in_person": desks["void"],
            "void_preferences": void_preferences,
            "digest": ballot_digest(election),
        }
        result, _created = Result.objects.update_or_create(
            election=election,
            defaults=values,
            create_defaults={**values, "tallied_at": timezone.now()},
        )
        candidates = list(
            Candidate.objects.filter(election=election, status=Candidate.Status.APPROVED)
        )
        totals = {c.pk: online.get(c.pk, 0) + in_person.get(c.pk, 0) for c in candidates}
        ranking = rank_candidates(election, candidates, totals)
        for candidate, rank, elected in ranking:
            CandidateResult.objects.update_or_create(
                result=result,
                candidate=candidate,
                defaults={
                    "votes_online": online.get(candidate.pk, 0),
                    "votes_in_person": in_person.get(candidate.pk, 0),
                    "rank": rank,
                    "elected": elected,
                },
            )
        # Issue 15, points 1 and 4: checks stored with the result; provisional until declared.
        online_ok, point_checks = ballot_checks(election)
        result.online_check_ok = online_ok
        result.point_checks = point_checks
        result.final = election.count_declared_at is not None
        result.save(update_fields=["online_check_ok", "point_checks", "final"])
        if result.final:
            _seat_elected(election, [candidate for candidate, _rank, elected in ranking if elected])
            _notify_results(election)
    return result


def _seat_elected(election: Election, elected: list[Candidate]) -> None:
    """The elected become council members for the term; a seat follows its candidate."""
    term_start = timezone.localdate(election.closes_at)
    term_end = term_start + relativedelta(years=TERM_YEARS) - timedelta(days=1)
    Member.objects.filter(election=election).exclude(candidate__in=elected).delete()
    for candidate in elected:
        Member.objects.update_or_create(
            candidate=candidate,
            defaults={
                "council": election.council,
                "election": election,
                "full_name": candidate.full_name,
                "kind": Member.Kind.ELECTED,
                "user": candidate.user,
                "term_start": term_start,
                "term_end": term_end,
            },
        )


def tally_due_elections() -> list[int]:
    """Close the ballot box of every election past its close, and tally those whose envelopes
    are open (by the guardians, or at once when nobody voted online); returns their ids."""
    tallied = []
    for election in Election.objects.to_tally():
        box = ballot_box.close_ballot_box(election)
        if box is not None and not box.is_opened:
            continue  # waiting for the guardians
        if election.awaits_tie_seed:
            continue  # waiting for the officer who holds the seed of the draw
        tally_election(election_id=election.pk)
        tallied.append(election.pk)
    return tallied


# --- Notifications ---------------------------------------------------------------------------


def _ambito_residents(election: Election):
    return User.objects.filter(
        is_active=True,
        notify_elections=True,
        quartiere__ambito_id=election.council.ambito_id,
    )


def _notify_all(election: Election, recipients, subject: str, body: str, url: str) -> int:
    count = 0
    for user in recipients.iterator():
        notify(
            recipient=user,
            topic=Notification.Topic.ELECTIONS,
            subject=subject,
            body=body,
            url=url,
        )
        count += 1
    return count


def notify_opened_elections() -> int:
    """Tell the ambito's residents who opted in that voting is open; once per election."""
    sent = 0
    now = timezone.now()
    for election_id in (
        Election.objects.open_at(now)
        .filter(opening_notified_at__isnull=True, ballot_box__isnull=False)
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            election = (
                Election.objects.select_for_update(skip_locked=True)
                .select_related("council")
                .filter(pk=election_id, opening_notified_at__isnull=True)
                .first()
            )
            if election is None:
                continue
            sent += _notify_all(
                election,
                _ambito_residents(election),
                str(_("Si vota per la consulta: %(title)s") % {"title": election.title}),
                str(
                    _("Il voto è aperto fino al %(closes)s. Puoi votare online o a un punto voto.")
                    % {"closes": timezone.localtime(election.closes_at).strftime("%d/%m/%Y %H:%M")}
                ),
                election.get_absolute_url(),
            )
            election.opening_notified_at = now
            election.save(update_fields=["opening_notified_at"])
    return sent


def remind_before_close(hours: int = 24) -> int:
    """Remind every opted-in resident of the ambito a day before the close; once.

    Everyone, voters included, with words that fit both: a list of who was left out would tell
    staff reading the notifications who has not voted.
    """
    sent = 0
    now = timezone.now()
    due = Election.objects.open_at(now).filter(
        closes_at__lte=now + timedelta(hours=hours), reminder_notified_at__isnull=True
    )
    for election_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            election = (
                Election.objects.select_for_update(skip_locked=True)
                .select_related("council")
                .filter(pk=election_id, reminder_notified_at__isnull=True)
                .first()
            )
            if election is None:
                continue
            sent += _notify_all(
                election,
                _ambito_residents(election),
                str(_("Ultime ore per votare: %(title)s") % {"title": election.title}),
                str(
                    _(
                        "Il voto per la consulta chiude tra meno di 24 ore. Se non hai ancora "
                        "votato, puoi farlo online o a un punto voto; se hai già votato, grazie: "
                        "non devi fare altro."
                    )
                ),
                election.get_absolute_url(),
            )
            election.reminder_notified_at = now
            election.save(update_fields=["reminder_notified_at"])
    return sent


def _notify_results(election: Election) -> None:
    """Called inside the tally's transaction, with the election row locked."""
    if election.results_notified_at is not None:
        return
    from django.urls import reverse

    _notify_all(
        election,
        _ambito_residents(election),
        str(_("Risultati: %(title)s") % {"title": election.title}),
        str(_("Sono pubblicati i risultati e gli eletti della consulta.")),
        reverse("consulte:election_results", kwargs={"pk": election.pk}),
    )
    election.results_notified_at = timezone.now()
    election.save(update_fields=["results_notified_at"])


# --- Small helpers for pages -----------------------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    return relativedelta(day, birth_date).years


def hour_label(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m %H:00")
