"""Who may vote as which elector: the one-time voting codes (issued by staff for the post, or
at a voting point for its terminal), the identity providers (SPID/CIE), the terminal's browser
session, and a citizen's own check of the roll."""

import functools
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, connections, router, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from collabcity.models import User

from ..models import (
    RECEIPT_ALPHABET,
    BallotBox,
    Election,
    ElectionLogEntry,
    Elector,
    ElectorVerification,
    ElectorVote,
    VotingCredential,
    VotingPoint,
    this_hour,
)
from .casting import Voter, roll_entry_sql
from .common import ElectionError, normalize_code, normalize_fiscal_code
from .desk import check_poll_worker, is_present

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


class VerificationError(ElectionError):
    pass


# --- Voting codes ----------------------------------------------------------------------------


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
    # From the opening time, key or not: a code issued before a late ceremony votes after it.
    open_elections = {e.pk for e in electors if e.election.has_started and not e.election.is_closed}
    if open_elections and issued_by is not None:
        if voting_point is not None:
            check_poll_worker(voting_point=voting_point, user=issued_by)
            absent = [e for e in electors if not is_present(voting_point=voting_point, elector=e)]
            if absent:
                raise ElectionError(_("Registra prima la presenza dell'elettore al punto voto."))
            reason = reason or str(_("Codice per il terminale del punto voto"))
        else:
            # Asked here, whoever calls (today the admin's action): the permission is granted
            # to named people only, no role holds it (roles.py).
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


def _verified_electors(*, election_id: int, user: User, session) -> QuerySet[Elector] | None:
    """The query of the elector this request may vote as (see voter). None when nothing links
    this request to the election's roll."""
    found = voter(election_id=election_id, user=user, session=session)
    return None if found is None else found.electors(election_id)


def _session_elector_id(session, election_id: int) -> int | None:
    """The elector a voting terminal's session verified, for 15 minutes from the verification
    however active the session is."""
    entry = session.get(SESSION_KEY, {}).get(str(election_id))
    if not isinstance(entry, list) or len(entry) != 2:
        return None
    elector_id, verified_at = entry
    if time.time() - verified_at > TERMINAL_VERIFICATION_SECONDS:
        _forget(session, election_id)
        return None
    return elector_id


def voter(*, election_id: int, user: User, session) -> Voter | None:
    """Who this request would vote as (casting.Voter), without a query: the signed-in account,
    or the elector the terminal's session verified; None when nothing links it to the roll."""
    if user.is_authenticated:
        return Voter(user_id=user.pk)
    elector_id = _session_elector_id(session, election_id)
    return None if elector_id is None else Voter(elector_id=elector_id)


def verified_elector(*, election: Election, user: User, session) -> Elector | None:
    """The elector this request may vote as in `election` (see _verified_electors)."""
    electors = _verified_electors(election_id=election.pk, user=user, session=session)
    elector = electors.first() if electors is not None else None
    if elector is not None:
        elector.election = election
    return elector


WITH_ELECTION = (Elector, Election, BallotBox)


def verified_elector_with_election(*, election_id: int, user: User, session) -> Elector | None:
    """The same elector with their election and its ballot box (whether voting can open), in
    one query: the ballot's pages and the cast need nothing else. In SQL on PostgreSQL, as
    select_related would write it: on the cast, compiling the ORM's query took longer than
    running it."""
    database = connections[router.db_for_read(Elector)]
    if database.vendor != "postgresql":
        # Model.from_db skips the backend's converters, which SQLite needs (aware datetimes).
        electors = _verified_electors(election_id=election_id, user=user, session=session)
        if electors is None:
            return None
        return electors.select_related("election__ballot_box").first()
    found = voter(election_id=election_id, user=user, session=session)
    if found is None:
        return None
    with database.cursor() as cursor:
        cursor.execute(_with_election_sql(found.by_account), [found.id, election_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = iter(row)
    elector, election, box = (
        model.from_db(
            database.alias,
            [field.attname for field in model._meta.concrete_fields],
            [next(values) for _field in model._meta.concrete_fields],
        )
        for model in WITH_ELECTION
    )
    elector.election = election
    # As select_related leaves it: no ballot box (no key ceremony yet) is known as such too.
    Election.ballot_box.related.set_cached_value(election, box if box.pk is not None else None)
    return elector


@functools.cache
def _with_election_sql(by_account: bool) -> str:
    """The columns of the elector, their election and its ballot box, in the models' order."""
    columns = ", ".join(
        f'{alias}."{field.column}"'
        for model, alias in zip(WITH_ELECTION, ("el", "e", "b"), strict=True)
        for field in model._meta.concrete_fields
    )
    # Names from the models, values as parameters.
    return (
        f"SELECT {columns} FROM {Elector._meta.db_table} el"  # noqa: S608
        f" JOIN {Election._meta.db_table} e ON e.id = el.election_id"
        f" LEFT JOIN {BallotBox._meta.db_table} b ON b.election_id = e.id"
        f" {roll_entry_sql(by_account=by_account, election='%s')}"
    )


def remember_in_session(*, session, elector: Elector) -> None:
    verified = dict(session.get(SESSION_KEY, {}))
    verified[str(elector.election_id)] = [elector.pk, time.time()]
    session[SESSION_KEY] = verified


def forget_in_session(*, session, election: Election) -> None:
    _forget(session, election.pk)


def _forget(session, election_id: int) -> None:
    verified = dict(session.get(SESSION_KEY, {}))
    if verified.pop(str(election_id), None) is not None:
        session[SESSION_KEY] = verified


def forget_all_in_session(session) -> None:
    """Logging in or out ends every anonymous verification of this browser."""
    session.pop(SESSION_KEY, None)
