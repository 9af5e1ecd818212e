"""The online vote: the ballot a voter sees, the checks of their choices, and the cast, which
writes the outer envelope (ElectorVote) and the inner one (Envelope) in one transaction; then
the receipt lookup once the envelopes are opened. See consulte/elections/__init__.py for what
this keeps secret, from whom."""

import functools
import random
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    RECEIPT_LENGTH,
    Ballot,
    BallotBox,
    Candidate,
    Election,
    Elector,
    ElectorVerification,
    ElectorVote,
    Envelope,
    format_receipt,
    new_receipt_id,
    this_hour,
)
from . import ballot_box
from .common import ElectionError, normalize_code
from .tally import voided_by_gender_rule


class BallotError(ElectionError):
    pass


class AlreadyVoted(BallotError):
    def __init__(self, channel: str = "", election: Election | None = None):
        super().__init__(_("Hai già votato in questa elezione."), code="already_voted")
        self.channel = channel
        self.election = election


UNVERIFIED = _("Per votare devi prima essere verificato come elettore di questa elezione.")


class NotVerified(BallotError):
    """Nothing links the request to an elector of the election's roll (any more)."""

    def __init__(self, election: Election, *, is_open: bool):
        super().__init__(UNVERIFIED, code="unverified")
        self.election = election
        self.is_open = is_open


@dataclass(frozen=True)
class Voter:
    """Who asks to cast, as the request says it: a signed-in account (verified as one of the
    election's electors, if it is), or the roll entry a voting terminal's session verified.
    The cast reads which elector that is in its own transaction (see _lock_open_window)."""

    user_id: int | None = None
    elector_id: int | None = None

    @property
    def by_account(self) -> bool:
        return self.user_id is not None

    @property
    def id(self) -> int:
        """The parameter of roll_entry_sql: the account's id, or the verified roll entry's."""
        return self.user_id if self.by_account else self.elector_id

    def electors(self, election_id: int) -> QuerySet[Elector]:
        """The query of this voter's roll entry in the election (at most one), as the ORM
        writes it; on PostgreSQL the same is said in SQL (roll_entry_sql)."""
        electors = Elector.objects.filter(election_id=election_id)
        if self.by_account:
            # The verification's own election too: no constraint ties it to its elector's.
            return electors.filter(
                verification__election_id=election_id, verification__user_id=self.user_id
            )
        return electors.filter(pk=self.elector_id)


@functools.cache
def roll_entry_sql(*, by_account: bool, election: str) -> str:
    """Voter.electors in SQL, for the cast's statement and the ballot's page: what follows
    `FROM <elector> el` to keep only the voter's roll entry `el` in the election that the SQL
    expression `election` names (a parameter, or a column of the outer query). Its first
    parameter is Voter.id."""
    if by_account:
        # The verification's own election too: no constraint ties it to its elector's.
        return (
            f"JOIN {ElectorVerification._meta.db_table} v ON v.elector_id = el.id"  # noqa: S608
            f" WHERE v.user_id = %s AND v.election_id = {election}"
            " AND el.election_id = v.election_id"
        )
    return f"WHERE el.id = %s AND el.election_id = {election}"


def ballot_candidates(election: Election) -> list[Candidate]:
    """The approved candidates in the order this voter sees them."""
    candidates = list(election.candidates.approved().alphabetical())
    if election.ballot_order == Election.BallotOrder.RANDOM:
        random.SystemRandom().shuffle(candidates)
    return candidates


def _not_open() -> BallotError:
    return BallotError(_("Il voto per questa elezione non è ancora aperto."), code="not_open")


def _closed() -> BallotError:
    return BallotError(_("Il voto per questa elezione è chiuso."), code="closed")


def check_window(election: Election) -> None:
    """The window as the pages and the desk see it; the cast checks again under its lock."""
    now = timezone.now()
    if now < election.opens_at or not election.has_ballot_key:
        raise _not_open()
    if now >= election.closes_at:
        raise _closed()


@dataclass(frozen=True)
class _Window:
    """What the cast reads under the election's lock, on the database clock."""

    election: Election
    elector_id: int | None  # None: the voter is no elector of this election
    opened: bool
    not_closed: bool
    public_key: str | None
    approved: set[int]

    @property
    def is_open(self) -> bool:
        return self.opened and self.not_closed and self.public_key is not None

    def check(self) -> None:
        if not self.not_closed:
            raise _closed()
        if not self.opened or self.public_key is None:
            raise _not_open()


def _lock_open_window(election_id: int, voter: Voter) -> _Window:
    """Hold the election row FOR SHARE, then read the election, the window on the database
    clock, its public key, the ids of the approved candidates and the voter's elector, in one
    statement. The close (FOR UPDATE) waits for every cast that got past this check, and once
    it has counted the envelopes no cast gets in, even if someone moved the closing time; a
    verification revoked before the lock is seen. Election.DoesNotExist if there is none."""
    if connection.vendor != "postgresql":
        return _read_window(election_id, voter)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {Election._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
            [election_id],
        )
        # A second statement: its timestamp is taken after the lock was granted. The rest comes
        # with it, to spare the cast round trips of its own: every approved candidate, whatever
        # the choice, so that the ids chosen never reach SQL text.
        cursor.execute(
            _window_sql(voter.by_account),
            # CandidateQuerySet.approved(), written here: compiling it took longer than the
            # statement (a test compares the two).
            [Candidate.Status.APPROVED, voter.id, election_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Election.DoesNotExist
    opened, not_closed, public_key, approved_ids, elector_id, *election_values = row
    return _Window(
        election=Election.from_db(connection.alias, _election_attnames(), election_values),
        elector_id=elector_id,
        opened=opened,
        not_closed=not_closed,
        public_key=public_key,
        approved=set(approved_ids),
    )


@functools.cache
def _window_sql(by_account: bool) -> str:
    elector = (
        f"(SELECT el.id FROM {Elector._meta.db_table} el"  # noqa: S608
        f" {roll_entry_sql(by_account=by_account, election='e.id')})"
    )
    columns = ", ".join(f'e."{field.column}"' for field in Election._meta.concrete_fields)
    # Table and column names from the models, values as parameters.
    return f"""
        SELECT e.opens_at <= statement_timestamp(),
               e.closes_at > statement_timestamp() AND b.envelopes_at_close IS NULL,
               b.public_key,
               ARRAY(SELECT c.id FROM {Candidate._meta.db_table} c
                     WHERE c.election_id = e.id AND c.status = %s),
               {elector},
               {columns}
        FROM {Election._meta.db_table} e
        LEFT JOIN {BallotBox._meta.db_table} b ON b.election_id = e.id
        WHERE e.id = %s
    """  # noqa: S608


@functools.cache
def _election_attnames() -> list[str]:
    return [field.attname for field in Election._meta.concrete_fields]


def _read_window(election_id: int, voter: Voter) -> _Window:
    """The same on SQLite, which serializes its writers."""
    election = Election.objects.get(pk=election_id)
    box = BallotBox.objects.filter(election=election).first()
    now = timezone.now()
    return _Window(
        election=election,
        elector_id=voter.electors(election_id).values_list("pk", flat=True).first(),
        opened=election.opens_at <= now,
        not_closed=now < election.closes_at and not (box and box.is_closed),
        public_key=box.public_key if box else None,
        approved=set(election.candidates.approved().values_list("pk", flat=True)),
    )


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


def parse_choices(*, election: Election, candidate_ids: list) -> list[int]:
    """The chosen ids, in preference order, checked for form, number and repetition: what can be
    said of a ballot without the database. BallotError if it is not valid."""
    ids = [parse_candidate_id(value) for value in candidate_ids]
    if len(ids) > election.max_preferences:
        raise BallotError(
            _("Puoi esprimere al massimo %(count)d preferenze.")
            % {"count": election.max_preferences},
            code="too_many",
        )
    if len(set(ids)) != len(ids):
        raise BallotError(_("Hai scelto lo stesso candidato più di una volta."), code="duplicate")
    return ids


def _unknown_candidate() -> BallotError:
    return BallotError(
        _("Una delle preferenze non è un candidato ammesso a questa elezione."),
        code="unknown_candidate",
    )


def validate_choices(*, election: Election, candidate_ids: list) -> list[Candidate]:
    """The candidates of a ballot, in preference order; BallotError if it is not valid."""
    ids = parse_choices(election=election, candidate_ids=candidate_ids)
    # The same query whatever the choice, blank included: the choices must never appear in SQL
    # text (pg_stat_activity, the server log) next to the ElectorVote this connection writes.
    approved = election.candidates.approved().in_bulk()
    by_id = {pk: approved[pk] for pk in ids if pk in approved}
    if len(by_id) != len(ids):
        raise _unknown_candidate()
    return [by_id[pk] for pk in ids]


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
    """Record that the elector voted and store their sealed envelope (see cast_as)."""
    if elector is None or elector.election_id != election.pk:
        raise BallotError(UNVERIFIED, code="unverified")
    _election, receipt = cast_as(
        election_id=election.pk, voter=Voter(elector_id=elector.pk), candidate_ids=candidate_ids
    )
    return receipt


def cast_as(*, election_id: int, voter: Voter, candidate_ids: list) -> tuple[Election, CastReceipt]:
    """Record that the voter's elector voted and store their sealed envelope, in one
    transaction; the election comes back with the receipt, for the page that shows it.

    Who the elector is, the window and the approved candidates are read under the election's
    lock, in one round trip; the choices are checked against them. The unique constraint on
    (election, elector) is the guard against double votes, also between concurrent requests:
    the loser gets IntegrityError, turned into AlreadyVoted. NotVerified if the voter is no
    elector of the election; Election.DoesNotExist if there is no such election.
    """
    receipt_id = new_receipt_id()
    with transaction.atomic():
        window = _lock_open_window(election_id, voter)
        election = window.election
        if window.elector_id is None:
            raise NotVerified(election, is_open=window.is_open)
        ids = parse_choices(election=election, candidate_ids=candidate_ids)
        window.check()
        if not window.approved.issuperset(ids):
            raise _unknown_candidate()
        try:
            _insert(
                ElectorVote,
                election=election_id,
                elector=window.elector_id,
                channel=ElectorVote.Channel.ONLINE,
                hour=this_hour(),
                voting_point=None,
            )
            _insert(
                Envelope,
                id=Envelope._meta.pk.get_default(),
                election=election_id,
                ciphertext=ballot_box.seal_ballot(
                    public_key=window.public_key,
                    receipt_id=receipt_id,
                    candidate_ids=ids,
                    slots=election.max_preferences,
                ),
            )
        except IntegrityError as exc:
            raise AlreadyVoted(ElectorVote.Channel.ONLINE, election=election) from exc
    return election, CastReceipt(code=receipt_id)


def _insert(model, **values) -> None:
    """One row of `model`, every column given (foreign keys as ids), as create() would store it
    but without building the instance and compiling its INSERT on every cast, which took longer
    than the database's work (no signal or history is attached to these models)."""
    sql, fields = _insert_statement(model, tuple(values))
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                field.get_db_prep_save(value, connection)
                for field, value in zip(fields, values.values(), strict=True)
            ],
        )


@functools.cache
def _insert_statement(model, names: tuple[str, ...]) -> tuple[str, list]:
    """The INSERT of these fields of `model`, and the fields, looked up once per process."""
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608  (the model's names)
    return sql, fields


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
