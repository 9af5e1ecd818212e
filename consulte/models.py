import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collabcity.files import ROLL_UPLOAD, document_field, private_storage

# The notifications of this programme, registered as a topic in portal.py.
NOTIFICATION_TOPIC = "elections"


class CouncilQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("ambito").order_by("ambito__code")


class Council(models.Model):
    """The consulta di quartiere of one ambito territoriale."""

    ambito = models.OneToOneField(
        "collabcity.Ambito",
        verbose_name=_("ambito territoriale"),
        on_delete=models.PROTECT,
        related_name="council",
    )
    name = models.CharField(_("nome"), max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(_("presentazione"), blank=True)
    contact_email = models.EmailField(_("e-mail della consulta"), blank=True)

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("consulta")
        verbose_name_plural = _("consulte")
        ordering = ["ambito__code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("consulte:council_detail", kwargs={"slug": self.slug})


class MemberQuerySet(models.QuerySet):
    def current(self, on=None):
        """Members whose term includes the given day (today by default)."""
        day = on or timezone.localdate()
        return self.filter(term_start__lte=day).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=day)
        )

    def held_by(self, user):
        """The seats in office today of the user's active account (none for anyone else)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.current().filter(user=user)


class Member(models.Model):
    """A seat in a council: a delegate elected by residents or a member designated by the Comune."""

    class Kind(models.TextChoices):
        ELECTED = "eletto", _("Delegato eletto")
        DESIGNATED = "designato", _("Componente designato")

    class Role(models.TextChoices):
        PRESIDENT = "presidente", _("Presidente")
        VICE_PRESIDENT = "vicepresidente", _("Vicepresidente")
        SECRETARY = "segretario", _("Segretario")
        MEMBER = "componente", _("Componente")

    council = models.ForeignKey(
        Council, verbose_name=_("consulta"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account sul portale"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_seats",
        help_text=_("Collega l'account per permettere al componente di redigere i pareri."),
    )
    full_name = models.CharField(_("nome e cognome"), max_length=200)
    kind = models.CharField(_("tipo di componente"), max_length=10, choices=Kind.choices)
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        "collabcity.Organisation",
        verbose_name=_("organizzazione che lo designa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_seats",
    )
    term_start = models.DateField(_("inizio del mandato"))
    term_end = models.DateField(_("fine del mandato"), null=True, blank=True)
    election = models.ForeignKey(
        "Election",
        verbose_name=_("eletto nell'elezione"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="elected_members",
    )
    # The natural key of an elected seat: the tally creates it once per elected candidate.
    candidate = models.OneToOneField(
        "Candidate",
        verbose_name=_("candidatura"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seat",
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("componente")
        verbose_name_plural = _("componenti")
        ordering = ["council", "kind", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="member_term_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind="eletto") | Q(organisation__isnull=False),
                name="designated_member_has_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.council})"


class Meeting(models.Model):
    """A public meeting of a council: agenda before, minutes after."""

    council = models.ForeignKey(
        Council, verbose_name=_("consulta"), on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("data e ora"))
    place = models.CharField(_("luogo"), max_length=200)
    agenda = models.TextField(_("ordine del giorno"))
    minutes = models.TextField(_("verbale"), blank=True)
    minutes_file = document_field(_("verbale (file)"), upload_to="consulte/verbali/%Y/", blank=True)

    class Meta:
        verbose_name = _("riunione")
        verbose_name_plural = _("riunioni")
        ordering = ["-starts_at"]

    def __str__(self):
        return f"{self.council} – {timezone.localtime(self.starts_at):%d/%m/%Y}"


class ProgrammingDocument(models.Model):
    """The Patto di ambito: the programming document a council co-writes with the Comune."""

    council = models.ForeignKey(
        Council,
        verbose_name=_("consulta"),
        on_delete=models.CASCADE,
        related_name="programming_documents",
    )
    title = models.CharField(_("titolo"), max_length=200)
    body = models.TextField(_("testo"))
    document = document_field(_("documento"), upload_to="consulte/patti/%Y/", blank=True)
    approved_on = models.DateField(_("approvato il"), null=True, blank=True)
    valid_from = models.DateField(_("in vigore dal"), null=True, blank=True)
    valid_until = models.DateField(_("in vigore fino al"), null=True, blank=True)

    class Meta:
        verbose_name = _("patto di ambito")
        verbose_name_plural = _("patti di ambito")
        ordering = ["-approved_on", "-id"]

    def __str__(self):
        return self.title


class OpinionRequestQuerySet(models.QuerySet):
    def open(self):
        """Requests still waiting for the council's opinion, the closest deadline first."""
        return self.exclude(status=OpinionRequest.Status.PUBLISHED).order_by("deadline", "pk")


class OpinionRequest(models.Model):
    """A plan the Comune submits to a council for its mandatory, non-binding opinion (parere)."""

    class Status(models.TextChoices):
        REQUESTED = "richiesto", _("Richiesto")
        DRAFTING = "in_redazione", _("In redazione")
        PUBLISHED = "pubblicato", _("Pubblicato")

    # The colour of each status's badge ({% status_badge %}); lateness has a badge of its own.
    STATUS_COLOURS = {
        Status.REQUESTED: "secondary",
        Status.DRAFTING: "primary",
        Status.PUBLISHED: "success",
    }

    council = models.ForeignKey(
        Council,
        verbose_name=_("consulta"),
        on_delete=models.CASCADE,
        related_name="opinion_requests",
    )
    title = models.CharField(_("piano o atto sottoposto"), max_length=250)
    description = models.TextField(_("descrizione della richiesta"))
    document = document_field(
        _("documento del piano"), upload_to="consulte/pareri/richieste/%Y/", blank=True
    )
    requested_on = models.DateField(_("richiesto il"), default=timezone.localdate)
    deadline = models.DateField(_("termine per il parere"))
    status = models.CharField(
        _("stato"), max_length=15, choices=Status.choices, default=Status.REQUESTED
    )
    opinion = models.TextField(_("testo del parere"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ultima modifica di"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)
    # The drafting form carries it, to notice a colleague's save made in the meantime.
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)

    objects = OpinionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("richiesta di parere")
        verbose_name_plural = _("richieste di parere")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("requested_on")),
                name="opinion_deadline_after_request",
            ),
            models.CheckConstraint(
                condition=~Q(status="pubblicato") | Q(published_at__isnull=False),
                name="published_opinion_has_date",
            ),
        ]

    def __str__(self):
        return self.title


# --- Elections -------------------------------------------------------------------------------
#
# Secrecy by design: an Elector (roll entry) and the fact that they voted (ElectorVote) live in
# tables that never reference a ballot. While voting is open a ballot exists only as an Envelope,
# sealed with the election's public key; plain Ballots are written only by the opening, shuffled,
# in one transaction (see consulte/elections/ballot_box.py).

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
RECEIPT_LENGTH = 20  # 100 random bits


def new_receipt_id() -> str:
    import secrets

    # One read of the system's random source, not one per character (secrets.choice): each
    # character is 5 of the bits, and 32 letters make every value equally likely.
    bits = secrets.randbits(5 * RECEIPT_LENGTH)
    return "".join(RECEIPT_ALPHABET[(bits >> (5 * i)) & 31] for i in range(RECEIPT_LENGTH))


def this_hour():
    return timezone.now().replace(minute=0, second=0, microsecond=0)


class Gender(models.TextChoices):
    FEMALE = "F", _("Femmina")
    MALE = "M", _("Maschio")


class ElectionQuerySet(models.QuerySet):
    def open_at(self, moment=None):
        now = moment or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def closed(self, moment=None):
        return self.filter(closes_at__lte=moment or timezone.now())

    def to_tally(self, moment=None):
        return self.closed(moment).filter(result__isnull=True)

    def in_nomination(self, moment=None):
        now = moment or timezone.now()
        return self.filter(nomination_opens_at__lte=now, nomination_closes_at__gt=now)

    def for_listing(self):
        """What every election page shows: the council, its ambito, and the ballot box whose
        presence says whether voting can open."""
        return self.select_related("council__ambito", "ballot_box")


class Election(models.Model):
    """The election of a council's delegates: one ballot per elector on the roll."""

    class TieRule(models.TextChoices):
        OLDER = "older", _("Vince il candidato più anziano")
        LOTS = "lots", _("Sorteggio con seme impegnato prima delle candidature")

    class BallotOrder(models.TextChoices):
        ALPHABETICAL = "alphabetical", _("Ordine alfabetico")
        RANDOM = "random", _("Ordine casuale per ogni elettore")

    council = models.ForeignKey(
        Council, verbose_name=_("consulta"), on_delete=models.PROTECT, related_name="elections"
    )
    title = models.CharField(_("titolo"), max_length=200)
    seats = models.PositiveSmallIntegerField(_("seggi da assegnare"))
    nomination_opens_at = models.DateTimeField(_("apertura delle candidature"))
    nomination_closes_at = models.DateTimeField(_("chiusura delle candidature"))
    opens_at = models.DateTimeField(_("apertura del voto"))
    closes_at = models.DateTimeField(_("chiusura del voto"))
    max_preferences = models.PositiveSmallIntegerField(_("preferenze massime"), default=2)
    gender_balance = models.BooleanField(
        _("doppia preferenza di genere"),
        default=True,
        help_text=_(
            "Nessun genere può avere più della metà delle preferenze espresse su una scheda "
            "(arrotondata per eccesso): con due preferenze dello stesso genere la seconda è "
            "nulla, con tre la terza."
        ),
    )
    tie_rule = models.CharField(
        _("regola di parità"), max_length=12, choices=TieRule.choices, default=TieRule.OLDER
    )
    # Commit and reveal: the SHA-256 of the seed is published before anyone can be a candidate;
    # the seed itself stays with the officer who chose it until the close, so nobody (a reader
    # of the database included) can work out a draw while candidacies and votes come in.
    tie_seed_commitment = models.CharField(
        _("impegno sul seme del sorteggio (SHA-256)"), max_length=64, blank=True, editable=False
    )
    tie_seed = models.CharField(
        _("seme del sorteggio"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("Rivelato dopo la chiusura; deve corrispondere all'impegno pubblicato."),
    )
    ballot_order = models.CharField(
        _("ordine sulla scheda"),
        max_length=12,
        choices=BallotOrder.choices,
        default=BallotOrder.ALPHABETICAL,
    )
    min_age = models.PositiveSmallIntegerField(_("età minima"), default=16)
    # Idempotence of the periodic notifications: each is sent once, stamped in its transaction.
    opening_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    results_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Staff declared every point's paper count entered: the result becomes final.
    count_declared_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ElectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("elezione")
        verbose_name_plural = _("elezioni")
        permissions = [
            ("issue_code_during_vote", _("Può emettere codici di voto a voto aperto")),
            ("declare_count_complete", _("Può dichiarare completo lo spoglio")),
        ]
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="election_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(nomination_closes_at__gt=models.F("nomination_opens_at"))
                & Q(nomination_closes_at__lte=models.F("opens_at")),
                name="election_nomination_before_voting",
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1) & Q(max_preferences__gte=1),
                name="election_seats_and_preferences_positive",
            ),
            models.CheckConstraint(
                condition=~Q(tie_rule="lots") | Q(tie_seed_commitment__regex=r"^[0-9a-f]{64}$"),
                name="election_lots_need_a_seed_commitment",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consulte:election_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        """Inside the window, and only once the key ceremony has made the election's key."""
        return self.opens_at <= timezone.now() < self.closes_at and self.has_ballot_key

    @property
    def has_ballot_key(self) -> bool:
        try:
            return self.ballot_box is not None
        except ObjectDoesNotExist:
            return False

    @property
    def is_closed(self) -> bool:
        return self.closes_at <= timezone.now()

    @property
    def has_started(self) -> bool:
        return self.opens_at <= timezone.now()

    @property
    def awaits_tie_seed(self) -> bool:
        """Ties are drawn by lots and the seed has not been revealed yet."""
        return self.tie_rule == self.TieRule.LOTS and not self.tie_seed

    @property
    def nomination_is_open(self) -> bool:
        return self.nomination_opens_at <= timezone.now() < self.nomination_closes_at

    @property
    def polling_day(self):
        """The day the age on the roll is measured on: the opening day."""
        return timezone.localdate(self.opens_at)


class Elector(models.Model):
    """An entry of an election's roll, imported from the civil registry."""

    election = models.ForeignKey(
        Election, verbose_name=_("elezione"), on_delete=models.CASCADE, related_name="electors"
    )
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16)
    first_name = models.CharField(_("nome"), max_length=100)
    last_name = models.CharField(_("cognome"), max_length=100)
    birth_date = models.DateField(_("data di nascita"))
    gender = models.CharField(_("genere"), max_length=1, choices=Gender.choices)
    quartiere = models.ForeignKey(
        "collabcity.Quartiere", verbose_name=_("quartiere"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("elettore")
        verbose_name_plural = _("liste elettorali")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "fiscal_code"], name="elector_once_per_election"
            ),
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name} ({self.fiscal_code})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RollImport(models.Model):
    """One upload of the civil registry's CSV: all of it is imported, or nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In coda")
        RUNNING = "running", _("In corso")
        DONE = "done", _("Importata")
        FAILED = "failed", _("Rifiutata")

    election = models.ForeignKey(
        Election, verbose_name=_("elezione"), on_delete=models.CASCADE, related_name="roll_imports"
    )
    file = models.FileField(
        _("file CSV"),
        upload_to="consulte/liste/%Y/",
        storage=private_storage,
        validators=[ROLL_UPLOAD],
        help_text=_("CSV in UTF-8 esportato dall'anagrafe, fino a 50 MB."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("caricata il"), auto_now_add=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("righe"), default=0)
    processed_rows = models.PositiveIntegerField(_("righe controllate"), default=0)
    imported_rows = models.PositiveIntegerField(_("elettori importati"), default=0)
    # [{"row": 12, "reason": "..."}]; row 0 is the file itself (encoding, columns).
    rejections = models.JSONField(_("righe rifiutate"), default=list, blank=True)

    class Meta:
        verbose_name = _("importazione della lista elettorale")
        verbose_name_plural = _("importazioni delle liste elettorali")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.election} – {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class VotingCredential(models.Model):
    """A temporary one-time voting code; only its keyed hash is stored."""

    elector = models.OneToOneField(
        Elector, verbose_name=_("elettore"), on_delete=models.CASCADE, related_name="credential"
    )
    code_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("emesso il"))
    used_at = models.DateTimeField(_("usato il (ora)"), null=True, blank=True)
    # Issued at a voting point for its terminal: it verifies a browser session, never an account.
    for_terminal = models.BooleanField(_("per il terminale del punto voto"), default=False)

    class Meta:
        verbose_name = _("credenziale temporanea")
        verbose_name_plural = _("credenziali temporanee")

    def __str__(self):
        return str(self.elector)


class ElectorVerification(models.Model):
    """This account is verified as this elector of the election's roll."""

    class Method(models.TextChoices):
        CODE = "code", _("Codice temporaneo")
        OIDC = "oidc", _("SPID/CIE")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    elector = models.OneToOneField(Elector, on_delete=models.CASCADE, related_name="verification")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="elector_verifications"
    )
    method = models.CharField(_("metodo"), max_length=4, choices=Method.choices)
    # Only the hour: a minute-exact time could be matched with a cast in an access log.
    verified_at = models.DateTimeField(_("verificato il (ora)"), default=this_hour, editable=False)

    class Meta:
        verbose_name = _("verifica dell'elettore")
        verbose_name_plural = _("verifiche degli elettori")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "user"], name="one_verified_elector_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} = {self.elector}"


def _votes_per_channel() -> dict[str, models.Count]:
    return {
        "online": models.Count("pk", filter=Q(channel=ElectorVote.Channel.ONLINE)),
        "in_person": models.Count("pk", filter=Q(channel=ElectorVote.Channel.IN_PERSON)),
    }


class ElectorVoteQuerySet(models.QuerySet):
    def channel_counts(self) -> dict[str, int]:
        """{"online": n, "in_person": n}: how many voted through each channel."""
        return self.aggregate(**_votes_per_channel())

    def per_hour(self):
        """Voters per hour and channel, the hours in order: turnout, the only count staff see
        while voting is open."""
        return self.values("hour").annotate(**_votes_per_channel()).order_by("hour")


class ElectorVote(models.Model):
    """That an elector has voted, online or at a desk; never which ballot is theirs."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("Al punto voto")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="votes")
    elector = models.ForeignKey(Elector, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("canale"), max_length=10, choices=Channel.choices)
    # Truncated to the hour: enough for turnout per hour, too coarse to pair with a ballot.
    hour = models.DateTimeField(_("ora"))
    # Set for the in-person channel: the point whose paper ballots this voter put in the box.
    voting_point = models.ForeignKey(
        "VotingPoint",
        verbose_name=_("punto voto"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
    )

    objects = ElectorVoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("voto registrato")
        verbose_name_plural = _("voti registrati")
        constraints = [
            models.UniqueConstraint(fields=["election", "elector"], name="one_vote_per_elector"),
        ]
        indexes = [models.Index(fields=["election", "hour"], name="electorvote_turnout")]

    def __str__(self):
        return f"{self.elector} ({self.get_channel_display()})"


class BallotBox(models.Model):
    """The election's key and the life of its envelopes: ceremony, close, opening.

    Only the public key is stored; the private key exists as the guardians' shares (see
    consulte/elections/ballot_box.py).
    """

    election = models.OneToOneField(
        Election, verbose_name=_("elezione"), on_delete=models.CASCADE, related_name="ballot_box"
    )
    public_key = models.CharField(_("chiave pubblica"), max_length=64)  # hex, Curve25519
    threshold = models.PositiveSmallIntegerField(_("garanti necessari per l'apertura"))
    ceremony_at = models.DateTimeField(_("cerimonia delle chiavi del"))
    # Published at the close, before the opening: what the guardians are asked to open.
    envelopes_at_close = models.PositiveIntegerField(_("buste alla chiusura"), null=True)
    envelopes_digest = models.CharField(_("impronta SHA-256 delle buste"), max_length=64)
    opened_at = models.DateTimeField(_("buste aperte il"), null=True)

    class Meta:
        verbose_name = _("urna elettronica")
        verbose_name_plural = _("urne elettroniche")
        permissions = [
            ("run_key_ceremony", _("Può svolgere la cerimonia delle chiavi con i garanti")),
            ("open_ballot_box", _("Può aprire le buste con le quote dei garanti")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=2), name="ballot_box_threshold_2"),
        ]

    def __str__(self):
        return str(self.election)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the public key in groups of four, to be read aloud and compared."""
        digest = hashlib.sha256(bytes.fromhex(self.public_key)).hexdigest().upper()
        return " ".join(digest[i : i + 4] for i in range(0, 32, 4))

    @property
    def is_closed(self) -> bool:
        return self.envelopes_at_close is not None

    @property
    def is_opened(self) -> bool:
        return self.opened_at is not None


class Guardian(models.Model):
    """A guardian (garante) of the election's key: holds one share, never stored here."""

    election = models.ForeignKey(
        Election, verbose_name=_("elezione"), on_delete=models.CASCADE, related_name="guardians"
    )
    name = models.CharField(_("nome e cognome"), max_length=200)
    role = models.CharField(
        _("ruolo"),
        max_length=200,
        help_text=_("Per esempio: presidente della consulta, funzionario comunale."),
    )
    # Set by the ceremony: the share's x coordinate and a SHA-256 check value of the share, so a
    # wrong share is named at the opening without the portal ever holding one.
    position = models.PositiveSmallIntegerField(null=True, editable=False)
    share_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("garante")
        verbose_name_plural = _("garanti")
        ordering = ["election", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "position"], name="guardian_position_once"),
        ]

    def __str__(self):
        return f"{self.name} ({self.role})"


class Envelope(models.Model):
    """The inner envelope of an online vote: the ballot sealed with the election's public key.

    A random key, no time, no person: the row says nothing but "a ballot of this election".
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="envelopes")
    ciphertext = models.BinaryField()

    class Meta:
        verbose_name = _("busta")
        verbose_name_plural = _("buste")

    def __str__(self):
        return str(self.pk)


class Ballot(models.Model):
    """An opened online ballot: random key (the receipt), no time, no person."""

    id = models.CharField(primary_key=True, max_length=RECEIPT_LENGTH, default=new_receipt_id)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")

    class Meta:
        verbose_name = _("scheda")
        verbose_name_plural = _("schede")
        # No default ordering: the natural order of rows must never be exposed.

    def __str__(self):
        return self.receipt

    @property
    def receipt(self) -> str:
        return format_receipt(self.id)


def format_receipt(ballot_id: str) -> str:
    return "-".join(ballot_id[i : i + 5] for i in range(0, len(ballot_id), 5))


class BallotPreference(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="preferences")
    candidate = models.ForeignKey("Candidate", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="preference_once"),
            models.UniqueConstraint(fields=["ballot", "position"], name="preference_position"),
        ]

    def __str__(self):
        return f"{self.position}: {self.candidate_id}"


class CandidateQuerySet(models.QuerySet):
    def approved(self):
        """The candidates on the ballot: admitted by staff (not pending, rejected or withdrawn)."""
        return self.filter(status=Candidate.Status.APPROVED)

    def alphabetical(self):
        return self.order_by("last_name", "first_name", "pk")


class Candidate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa di verifica")
        APPROVED = "approved", _("Ammessa")
        REJECTED = "rejected", _("Respinta")
        WITHDRAWN = "withdrawn", _("Ritirata")

    election = models.ForeignKey(
        Election, verbose_name=_("elezione"), on_delete=models.CASCADE, related_name="candidates"
    )
    elector = models.OneToOneField(
        Elector, verbose_name=_("elettore"), on_delete=models.PROTECT, related_name="candidacy"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidacies",
    )
    first_name = models.CharField(_("nome"), max_length=100)
    last_name = models.CharField(_("cognome"), max_length=100)
    gender = models.CharField(_("genere"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("data di nascita"))
    statement = models.TextField(_("presentazione"), max_length=1500)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rejection_reason = models.TextField(_("motivo del rifiuto"), blank=True)
    submitted_at = models.DateTimeField(_("presentata il"), auto_now_add=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidatura")
        verbose_name_plural = _("candidature")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="rejected_candidate_has_reason",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class VotingPointQuerySet(models.QuerySet):
    def served_by(self, user):
        """The voting points where this user is one of the poll workers."""
        return self.filter(poll_workers=user)


class VotingPoint(models.Model):
    """A place where electors vote on paper, staffed by the poll workers assigned to it."""

    election = models.ForeignKey(
        Election, verbose_name=_("elezione"), on_delete=models.CASCADE, related_name="points"
    )
    name = models.CharField(_("nome"), max_length=100)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    poll_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scrutatori"),
        blank=True,
        related_name="voting_points",
    )

    objects = VotingPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("punto voto")
        verbose_name_plural = _("punti voto")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "name"], name="voting_point_name_once"),
        ]

    def __str__(self):
        return self.name


class DeskCount(models.Model):
    """One version of the paper count of a voting point; a correction is a new version."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="desk_counts")
    voting_point = models.ForeignKey(
        VotingPoint,
        verbose_name=_("punto voto"),
        on_delete=models.PROTECT,
        related_name="counts",
    )
    version = models.PositiveSmallIntegerField(_("versione"), default=1)
    valid = models.PositiveIntegerField(_("schede valide"), default=0)
    blank = models.PositiveIntegerField(_("schede bianche"), default=0)
    void = models.PositiveIntegerField(_("schede nulle"), default=0)
    reason = models.TextField(_("motivo della correzione"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("inserito il"), auto_now_add=True)

    class Meta:
        verbose_name = _("spoglio di un punto voto")
        verbose_name_plural = _("spogli dei punti voto")
        constraints = [
            models.UniqueConstraint(
                fields=["voting_point", "version"], name="desk_count_version_once"
            ),
        ]

    def __str__(self):
        return f"{self.voting_point} v{self.version}"

    @property
    def ballots(self) -> int:
        return self.valid + self.blank + self.void


class DeskCountLine(models.Model):
    desk_count = models.ForeignKey(DeskCount, on_delete=models.CASCADE, related_name="lines")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField(_("preferenze"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["desk_count", "candidate"], name="desk_line_once"),
        ]

    def __str__(self):
        return f"{self.candidate_id}: {self.votes}"


class Result(models.Model):
    """The stored outcome of the tally: recomputed identically on every run."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="result")
    electors = models.PositiveIntegerField(_("elettori in lista"))
    voters_online = models.PositiveIntegerField(_("votanti online"))
    voters_in_person = models.PositiveIntegerField(_("votanti al punto voto"))
    blank_online = models.PositiveIntegerField(_("schede bianche online"))
    blank_in_person = models.PositiveIntegerField(_("schede bianche al punto voto"))
    void_in_person = models.PositiveIntegerField(_("schede nulle al punto voto"))
    void_preferences = models.PositiveIntegerField(_("preferenze nulle (genere)"))
    digest = models.CharField(_("impronta SHA-256 delle schede"), max_length=64)
    # Provisional until staff declare every point's paper count entered (issue 15, point 4).
    final = models.BooleanField(_("definitivo"), default=False)
    # Ballots against voters: online, and per voting point; shown on the results page.
    online_check_ok = models.BooleanField(_("schede online = votanti online"), default=False)
    point_checks = models.JSONField(_("controlli dei punti voto"), default=list, blank=True)
    tallied_at = models.DateTimeField(_("scrutinio del"))

    class Meta:
        verbose_name = _("risultato")
        verbose_name_plural = _("risultati")

    def __str__(self):
        return str(self.election)

    @property
    def voters(self) -> int:
        return self.voters_online + self.voters_in_person

    @property
    def turnout_percent(self) -> float:
        return round(100 * self.voters / self.electors, 1) if self.electors else 0.0


class CandidateResult(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="candidates")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    votes_online = models.PositiveIntegerField(_("preferenze online"))
    votes_in_person = models.PositiveIntegerField(_("preferenze al punto voto"))
    rank = models.PositiveSmallIntegerField(_("posizione"))
    elected = models.BooleanField(_("eletto"))

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["result", "candidate"], name="candidate_result_once"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.candidate_id}"

    @property
    def votes(self) -> int:
        return self.votes_online + self.votes_in_person


class ElectionLogEntry(models.Model):
    """Append-only record of the desk's and the officers' acts: never edited, never deleted."""

    class Action(models.TextChoices):
        CODE_ISSUED = "code_issued", _("Codice di voto emesso")
        PRESENT = "present", _("Presenza al punto voto registrata")
        VOTED_IN_PERSON = "voted_in_person", _("Voto al punto voto registrato")
        DESK_COUNT = "desk_count", _("Spoglio di un punto voto inserito")
        COUNT_DECLARED = "count_declared", _("Spoglio dichiarato completo")
        KEY_CEREMONY = "key_ceremony", _("Cerimonia delle chiavi")
        OPENING_REQUESTED = "opening_requested", _("Apertura delle buste avviata")
        TIE_SEED_COMMITTED = "tie_seed_committed", _("Impegno sul seme del sorteggio")
        TIE_SEED_REVEALED = "tie_seed_revealed", _("Seme del sorteggio rivelato")

    election = models.ForeignKey(
        Election, verbose_name=_("elezione"), on_delete=models.PROTECT, related_name="log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices)
    elector = models.ForeignKey(
        Elector,
        verbose_name=_("elettore"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    details = models.JSONField(_("dettagli"), default=dict, blank=True)

    class Meta:
        verbose_name = _("registro dell'elezione")
        verbose_name_plural = _("registro dell'elezione")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
