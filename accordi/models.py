from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from collabcity.files import document_field, private_storage

# The notifications of this programme, registered as a topic in portal.py.
NOTIFICATION_TOPIC = "agreements"


class Theme(models.TextChoices):
    GREEN = "verde", _("Cura del verde e dei beni comuni")
    CULTURE = "cultura", _("Cultura")
    SPORT = "sport", _("Sport e benessere")
    INCLUSION = "inclusione", _("Inclusione sociale")
    EDUCATION = "educazione", _("Educazione e giovani")
    ENVIRONMENT = "ambiente", _("Ambiente e sostenibilità")
    LOCAL_ECONOMY = "economia", _("Economia di prossimità")
    COMMUNITY_CARE = "prossimita", _("Welfare di comunità e prossimità")


class Status(models.TextChoices):
    DRAFT = "bozza", _("Bozza")
    CODESIGN = "in_coprogettazione", _("In co-progettazione")
    APPROVED = "approvato", _("Approvato dalla Giunta")
    SIGNED = "firmato", _("Firmato")
    ACTIVE = "attivo", _("Attivo")
    CONCLUDED = "concluso", _("Concluso")
    WITHDRAWN = "ritirato", _("Ritirato")


# From the Giunta's approval on an agreement is a public act.
PUBLIC_STATUSES = (Status.APPROVED, Status.SIGNED, Status.ACTIVE, Status.CONCLUDED)
# From the signature on, the text the parties signed is frozen: only monitoring goes on.
SIGNED_STATUSES = (Status.SIGNED, Status.ACTIVE, Status.CONCLUDED)


def contents_prefetches() -> tuple:
    """The prefetches of AgreementQuerySet.with_contents(), for agreements already read."""
    return (
        "quartieri",
        models.Prefetch("parties", queryset=Party.objects.select_related("organisation")),
        "actions",
        models.Prefetch(
            "commitments", queryset=Commitment.objects.select_related("party__organisation")
        ),
        models.Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
    )


class AgreementQuerySet(models.QuerySet):
    def public(self):
        """Approved and later, plus the withdrawn ones whose approval had already been published."""
        return self.filter(
            Q(status__in=PUBLIC_STATUSES) | Q(status=Status.WITHDRAWN, approved_at__isnull=False)
        )

    def for_listing(self):
        return self.prefetch_related(
            models.Prefetch("quartieri", queryset=_quartieri()),
            models.Prefetch("parties", queryset=Party.objects.select_related("organisation")),
        )

    def with_contents(self):
        """What both the page and the open-data files tell of each agreement, nothing more:
        every prefetch loads rows for each agreement of an export."""
        return self.prefetch_related(*contents_prefetches())

    def in_year(self, year: int):
        """Agreements in force at some point of the year."""
        return self.filter(start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1))


def _quartieri():
    from collabcity.models import Quartiere

    return Quartiere.objects.order_by("name")


class Agreement(models.Model):
    """An accordo di cittadinanza between the Comune and a community."""

    # The colour of each status's badge ({% status_badge %}): an agreement that ended recedes.
    STATUS_COLOURS = {
        Status.DRAFT: "primary",
        Status.CODESIGN: "primary",
        Status.APPROVED: "primary",
        Status.SIGNED: "primary",
        Status.ACTIVE: "primary",
        Status.CONCLUDED: "dark",
        Status.WITHDRAWN: "secondary",
    }

    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(
        _("indirizzo della pagina"),
        max_length=200,
        unique=True,
        help_text=_("Parte finale dell'indirizzo della pagina pubblica, es. orti-di-via-adua."),
    )
    quartieri = models.ManyToManyField(
        "collabcity.Quartiere",
        verbose_name=_("quartieri"),
        related_name="agreements",
        blank=True,
        help_text=_("I quartieri in cui si svolgono le azioni dell'accordo."),
    )
    theme = models.CharField(_("tema"), max_length=20, choices=Theme.choices)
    summary = models.TextField(
        _("sintesi"), help_text=_("Poche righe in linguaggio semplice: che cosa fa l'accordo.")
    )
    objectives = models.TextField(_("obiettivi"), blank=True, help_text=_("Un obiettivo per riga."))
    resources = models.TextField(
        _("risorse"),
        blank=True,
        help_text=_("Risorse complessive messe in campo, oltre agli impegni delle singole parti."),
    )
    start_date = models.DateField(
        _("data di inizio"),
        null=True,
        blank=True,
        help_text=_(
            "Obbligatoria per l'approvazione. Da questa data l'accordo firmato diventa attivo."
        ),
    )
    end_date = models.DateField(
        _("data di fine"),
        null=True,
        blank=True,
        help_text=_(
            "Obbligatoria per l'approvazione. Dopo questa data l'accordo si può concludere."
        ),
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    resolution_number = models.CharField(
        _("numero della delibera di Giunta"),
        max_length=40,
        blank=True,
        help_text=_("Obbligatorio per approvare l'accordo, es. 123/2026."),
    )
    resolution_date = models.DateField(
        _("data della delibera di Giunta"),
        null=True,
        blank=True,
        help_text=_("Obbligatoria per approvare l'accordo."),
    )
    approved_at = models.DateTimeField(_("approvato il"), null=True, blank=True, editable=False)
    final_report = models.TextField(
        _("relazione finale"),
        blank=True,
        help_text=_("Risultati raggiunti: obbligatoria per concludere l'accordo."),
    )
    withdrawal_reason = models.TextField(_("motivo del ritiro"), blank=True, editable=False)
    activities_link = models.URLField(
        _("attività nei centri sociali"),
        blank=True,
        help_text=_("Collegamento alle attività che l'accordo realizza nei centri sociali."),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[quartieri])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("accordo di cittadinanza")
        verbose_name_plural = _("accordi di cittadinanza")
        ordering = ["-start_date", "title"]
        permissions = [("transition_agreement", _("Può cambiare lo stato di un accordo"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="agreement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date"))
                | Q(start_date__isnull=True)
                | Q(end_date__isnull=True),
                name="agreement_ends_after_start",
            ),
            # Whatever path a row takes, an approved agreement carries its resolution and dates.
            models.CheckConstraint(
                condition=~Q(status__in=PUBLIC_STATUSES)
                | (
                    ~Q(resolution_number="")
                    & Q(resolution_date__isnull=False)
                    & Q(start_date__isnull=False)
                    & Q(end_date__isnull=False)
                    & Q(approved_at__isnull=False)
                ),
                name="agreement_approved_has_resolution",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CONCLUDED) | ~Q(final_report=""),
                name="agreement_concluded_has_report",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accordi:detail", kwargs={"slug": self.slug})

    def get_draft_url(self):
        return reverse("accordi:draft", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES or (
            self.status == Status.WITHDRAWN and self.approved_at is not None
        )

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED_STATUSES

    def totals(self) -> dict[str, Decimal]:
        """Euro and hours the parties commit, from the (prefetched) commitments."""
        commitments = list(self.commitments.all())
        kind = Commitment.Kind
        return {
            "euro": total(commitments, lambda c: c.kind == kind.FUNDS),
            "staff_hours": total(commitments, lambda c: c.kind == kind.STAFF_HOURS),
            "volunteer_hours": total(commitments, lambda c: c.kind == kind.VOLUNTEER_HOURS),
        }

    @property
    def objectives_list(self) -> list[str]:
        return [line.strip(" -•") for line in self.objectives.splitlines() if line.strip(" -•")]


class Party(models.Model):
    """One of the signatories: the Comune, an organisation, an informal group or a citizen."""

    class Kind(models.TextChoices):
        COMUNE = "comune", _("Comune")
        ORGANISATION = "organizzazione", _("Organizzazione o ente")
        INFORMAL_GROUP = "gruppo_informale", _("Gruppo informale")
        CITIZEN = "cittadino", _("Singolo cittadino o cittadina")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("accordo"), on_delete=models.CASCADE, related_name="parties"
    )
    kind = models.CharField(_("tipo di parte"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "collabcity.Organisation",
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        help_text=_("Per il Comune e le organizzazioni registrate sul portale."),
    )
    name = models.CharField(
        _("nome"),
        max_length=200,
        blank=True,
        help_text=_("Per i gruppi informali e i singoli cittadini (o se l'ente non è registrato)."),
    )
    signatory_name = models.CharField(_("firmatario"), max_length=200)
    signatory_role = models.CharField(
        _("ruolo del firmatario"),
        max_length=200,
        help_text=_("Es. presidente, assessora, referente."),
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referente sul portale"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreement_parties",
        help_text=_(
            "Account che può leggere la bozza e commentarla durante la co-progettazione, "
            "e riceve le notifiche dei cambi di stato."
        ),
    )
    signed_on = models.DateField(
        _("data della firma"),
        null=True,
        blank=True,
        help_text=_("Serve la data di firma di ogni parte per segnare l'accordo come firmato."),
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parte")
        verbose_name_plural = _("parti")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(name=""), name="party_has_a_name"
            ),
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="party_organisation_once"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return self.organisation.name if self.organisation_id else ""


class Action(models.Model):
    """Something the agreement will do: what, where, when."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("accordo"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("che cosa"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    place = models.CharField(_("dove"), max_length=200, blank=True)
    schedule = models.CharField(
        _("quando"),
        max_length=200,
        blank=True,
        help_text=_("Es. ogni sabato mattina da aprile a ottobre."),
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class Commitment(models.Model):
    """What one party puts in: spaces, money, staff time, materials, activities, volunteer hours."""

    class Kind(models.TextChoices):
        SPACES = "spazi", _("Spazi")
        FUNDS = "fondi", _("Fondi")
        STAFF_HOURS = "ore_personale", _("Ore di personale")
        MATERIALS = "materiali", _("Materiali")
        ACTIVITIES = "attivita", _("Attività")
        VOLUNTEER_HOURS = "ore_volontariato", _("Ore di volontariato")

    # Kinds whose amount has a fixed unit, so that totals can be added up.
    FIXED_UNITS = {Kind.FUNDS: "€", Kind.STAFF_HOURS: "ore", Kind.VOLUNTEER_HOURS: "ore"}

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("accordo"), on_delete=models.CASCADE, related_name="commitments"
    )
    party = models.ForeignKey(
        Party,
        verbose_name=_("parte"),
        on_delete=models.CASCADE,
        related_name="commitments",
        help_text=_("Salva prima le parti: qui si sceglie tra le parti già salvate."),
    )
    kind = models.CharField(_("tipo di impegno"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("descrizione"), max_length=300)
    amount = models.DecimalField(
        _("quantità"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Euro per i fondi, ore per il personale e il volontariato."),
    )
    unit = models.CharField(
        _("unità"),
        max_length=30,
        blank=True,
        help_text=_("Per fondi e ore è fissata automaticamente (€, ore); altrimenti es. m², kit."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("impegno")
        verbose_name_plural = _("impegni")
        ordering = ["party__order", "party_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="commitment_amount_not_negative",
            ),
        ]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        if self.kind in self.FIXED_UNITS:
            self.unit = self.FIXED_UNITS[self.kind]
        super().save(*args, **kwargs)

    def clean(self):
        if self.party_id and self.agreement_id and self.party.agreement_id != self.agreement_id:
            raise ValidationError({"party": _("La parte appartiene a un altro accordo.")})

    @property
    def is_euro(self) -> bool:
        return self.kind == self.Kind.FUNDS

    @property
    def is_hours(self) -> bool:
        return self.kind in (self.Kind.STAFF_HOURS, self.Kind.VOLUNTEER_HOURS)


class Indicator(models.Model):
    """A monitoring indicator: the value measured over time is compared with the target."""

    class Frequency(models.IntegerChoices):
        MONTHLY = 1, _("mensile")
        QUARTERLY = 3, _("trimestrale")
        HALF_YEARLY = 6, _("semestrale")
        YEARLY = 12, _("annuale")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("accordo"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicatore"), max_length=200)
    unit = models.CharField(
        _("unità di misura"), max_length=40, help_text=_("Es. persone, m², ore.")
    )
    target = models.DecimalField(
        _("obiettivo"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Valore da raggiungere entro la fine dell'accordo."),
    )
    frequency = models.PositiveSmallIntegerField(
        _("frequenza della rilevazione"),
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
        help_text=_("Il personale riceve un promemoria quando una rilevazione è dovuta."),
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        ordering = ["agreement", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gt=0), name="indicator_target_positive"),
        ]

    def __str__(self):
        return self.name

    def _measurements(self) -> list["Measurement"]:
        # Works with and without a prefetch of the measurements, newest first.
        return sorted(self.measurements.all(), key=lambda m: m.measured_on, reverse=True)

    @property
    def latest(self) -> "Measurement | None":
        measurements = self._measurements()
        return measurements[0] if measurements else None

    @property
    def progress_percent(self) -> int:
        latest = self.latest
        if latest is None:
            return 0
        return max(0, min(100, int(latest.value * 100 / self.target)))

    def next_due_on(self) -> date | None:
        """When the next value is due: one period after the last measurement, or the start."""
        latest = self.latest
        start = latest.measured_on if latest else self.agreement.start_date
        if start is None:
            return None
        return start + relativedelta(months=self.frequency)


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicatore"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    measured_on = models.DateField(_("data della rilevazione"))
    value = models.DecimalField(_("valore"), max_digits=12, decimal_places=2)
    note = models.CharField(_("nota"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rilevazione")
        verbose_name_plural = _("rilevazioni")
        ordering = ["indicator", "-measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="measurement_one_per_day"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="measurement_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value} ({self.measured_on})"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"accordi/{instance.agreement_id}/{filename}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        SIGNED = "accordo_firmato", _("Accordo firmato")
        RESOLUTION = "delibera", _("Delibera di Giunta")
        REPORT = "relazione", _("Relazione di monitoraggio")
        OTHER = "altro", _("Altro")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("accordo"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("titolo"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # Private whether public or not: a document becomes visible with its agreement, and the
    # view `attachment` decides for each request.
    file = document_field(
        _("file"), upload_to=attachment_path, storage=private_storage, max_length=300
    )
    public = models.BooleanField(
        _("pubblico"),
        default=True,
        help_text=_(
            "I documenti pubblici si scaricano dalla pagina dell'accordo, una volta approvato. "
            "Togli la spunta per i documenti con dati personali."
        ),
    )
    uploaded_at = models.DateTimeField(_("caricato il"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accordi:attachment", kwargs={"slug": self.agreement.slug, "pk": self.pk})

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class StatusChange(models.Model):
    """One step of the lifecycle: who moved the agreement, from where to where, when."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("accordo"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("da"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("a"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("da chi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vuoto per i passaggi automatici alle date previste."),
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("cambio di stato")
        verbose_name_plural = _("cambi di stato")
        ordering = ["agreement", "at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Comment(models.Model):
    """A party representative's remark on the draft during co-design."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("accordo"), on_delete=models.CASCADE, related_name="comments"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("parte"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        on_delete=models.PROTECT,
        related_name="agreement_comments",
    )
    body = models.TextField(_("commento"), max_length=4000)
    created_at = models.DateTimeField(_("scritto il"), auto_now_add=True)

    class Meta:
        verbose_name = _("commento")
        verbose_name_plural = _("commenti")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author} – {self.created_at:%d/%m/%Y}"


def total(commitments, predicate) -> Decimal:
    return sum((c.amount or Decimal(0) for c in commitments if predicate(c)), Decimal(0))


# --- Proposals -------------------------------------------------------------------------------
#
# The first phase of an agreement. The Comune opens a call for co-programming (Call); a person
# proposes a project on their own behalf, for an informal group or for an organisation they
# represent; residents support and discuss it, the consulta of its ambito gives its opinion,
# the staff admit it to co-design and turn it into an agreement draft. The lifecycle and every
# rule that changes these rows: accordi/proposals/services.py; who may do what: accordi/rules.py.


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def open(self, today: date | None = None):
        """Published calls accepting proposals today."""
        today = today or timezone.localdate()
        return self.published().filter(opens_on__lte=today, closes_on__gte=today)

    def covering(self, ambito_id: int):
        """Calls for the whole city (no ambito named) or naming this ambito."""
        links = Call.ambiti.through.objects.filter(call=models.OuterRef("pk"))
        return self.filter(~models.Exists(links) | models.Exists(links.filter(ambito=ambito_id)))


class Call(models.Model):
    """An avviso di co-programmazione: what the Comune looks for and what it offers in return."""

    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(
        _("indirizzo della pagina"),
        max_length=200,
        unique=True,
        help_text=_("Parte finale dell'indirizzo della pagina pubblica."),
    )
    theme = models.CharField(_("tema"), max_length=20, choices=Theme.choices)
    description = models.TextField(
        _("che cosa cerca l'avviso"),
        help_text=_("I bisogni e gli obiettivi a cui le proposte rispondono."),
    )
    ambiti = models.ManyToManyField(
        "collabcity.Ambito",
        verbose_name=_("ambiti territoriali"),
        related_name="calls",
        blank=True,
        help_text=_("Lascia vuoto per un avviso rivolto a tutta la città."),
    )
    offered_spaces = models.TextField(
        _("spazi offerti"), blank=True, help_text=_("Es. le sale di un centro sociale, un'area.")
    )
    offered_centres = models.ManyToManyField(
        "centri_sociali.Centre",
        verbose_name=_("centri sociali che mettono a disposizione spazi"),
        related_name="calls",
        blank=True,
    )
    offered_materials = models.TextField(_("materiali offerti"), blank=True)
    offered_staff_time = models.TextField(
        _("tempo del personale comunale"),
        blank=True,
        help_text=_("Es. un facilitatore per la co-progettazione, un tecnico del verde."),
    )
    budget_ceiling = models.DecimalField(
        _("tetto di spesa (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Il contributo massimo del Comune per ciascuna proposta, se c'è."),
    )
    opens_on = models.DateField(_("apertura"))
    closes_on = models.DateField(
        _("chiusura"), help_text=_("Ultimo giorno in cui si possono presentare proposte.")
    )
    criteria = models.TextField(_("criteri di valutazione"))
    published = models.BooleanField(
        _("pubblicato"),
        default=False,
        help_text=_("L'avviso compare sul portale solo una volta pubblicato."),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[ambiti])
    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("avviso di co-programmazione")
        verbose_name_plural = _("avvisi di co-programmazione")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(budget_ceiling__isnull=True) | Q(budget_ceiling__gte=0),
                name="call_budget_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accordi:call_detail", kwargs={"slug": self.slug})

    def is_open(self, today: date) -> bool:
        return self.published and self.opens_on <= today <= self.closes_on

    def phase(self, today: date) -> str:
        """«in arrivo», «aperto» or «chiuso», for the badge on the pages."""
        if today < self.opens_on:
            return "upcoming"
        return "open" if today <= self.closes_on else "closed"


class ProposalQuerySet(models.QuerySet):
    def public(self):
        """Everything but drafts: from submission on, a proposal and its path are public."""
        return self.exclude(status=Proposal.Status.DRAFT)

    def by(self, user):
        return self.filter(author=user) if user.is_authenticated else self.none()

    def for_listing(self):
        return self.select_related("call", "organisation", "author").prefetch_related(
            models.Prefetch("quartieri", queryset=_quartieri())
        )

    def with_support_count(self):
        # A subquery, not an aggregate: no GROUP BY, so the default ordering and the filters
        # across quartieri stay as they are.
        supports = (
            Support.objects.filter(proposal=models.OuterRef("pk"))
            .order_by()
            .values("proposal")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            support_count=Coalesce(models.Subquery(supports), 0, output_field=models.IntegerField())
        )


def proposal_attachment_path(instance: "ProposalAttachment", filename: str) -> str:
    return f"proposte/{instance.proposal_id}/{filename}"


class ProposalStatus(models.TextChoices):
    DRAFT = "bozza", _("Bozza")
    SUBMITTED = "presentata", _("Presentata")
    EVALUATION = "in_valutazione", _("In valutazione")
    ADMITTED = "ammessa", _("Ammessa alla co-progettazione")
    NOT_ADMITTED = "non_ammessa", _("Non ammessa")
    CONVERTED = "trasformata", _("Trasformata in accordo")
    WITHDRAWN = "ritirata", _("Ritirata dai proponenti")


class Proposal(models.Model):
    """A project a community proposes to the Comune, answering a call or on its own initiative."""

    Status = ProposalStatus

    class ProposerKind(models.TextChoices):
        PERSON = "persona", _("A titolo personale")
        GROUP = "gruppo_informale", _("Per un gruppo informale")
        ORGANISATION = "organizzazione", _("Per un'organizzazione che rappresento")

    # Residents support a proposal while the Comune has not yet decided on it.
    SUPPORT_STATUSES = (Status.SUBMITTED, Status.EVALUATION)
    # The public discussion goes on until the proposal ends its path (the agreement's
    # co-design then has its own comments).
    DISCUSSION_STATUSES = (Status.SUBMITTED, Status.EVALUATION, Status.ADMITTED)

    call = models.ForeignKey(
        Call,
        verbose_name=_("avviso"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Vuoto per una proposta spontanea."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proponente"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    proposer_kind = models.CharField(
        _("chi propone"), max_length=20, choices=ProposerKind.choices, default=ProposerKind.PERSON
    )
    group_name = models.CharField(_("nome del gruppo"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "collabcity.Organisation",
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    author_role = models.CharField(
        _("il tuo ruolo"),
        max_length=200,
        blank=True,
        help_text=_("Nel gruppo o nell'organizzazione, es. presidente, referente."),
    )
    show_author_name = models.BooleanField(
        _("mostra il mio nome sulla pagina pubblica"),
        default=False,
        help_text=_(
            "Senza la spunta la pagina pubblica mostra solo il nome del gruppo o "
            "dell'organizzazione, o «un cittadino o una cittadina»."
        ),
    )
    title = models.CharField(_("titolo"), max_length=200)
    summary = models.CharField(
        _("in breve"), max_length=500, help_text=_("Due o tre righe: che cosa volete fare.")
    )
    theme = models.CharField(_("tema"), max_length=20, choices=Theme.choices)
    need = models.TextField(
        _("a quale bisogno risponde"),
        blank=True,
        help_text=_("Che cosa manca oggi nel quartiere, per chi."),
    )
    activities = models.TextField(
        _("che cosa farete"), blank=True, help_text=_("Le attività, chi le svolge, per chi.")
    )
    quartieri = models.ManyToManyField(
        "collabcity.Quartiere",
        verbose_name=_("quartieri"),
        related_name="proposals",
        blank=True,
    )
    centre = models.ForeignKey(
        "centri_sociali.Centre",
        verbose_name=_("centro sociale"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Se il progetto si svolge in un centro sociale."),
    )
    place = models.CharField(
        _("luogo"), max_length=200, blank=True, help_text=_("Es. il parco di via Premuda.")
    )
    latitude = models.DecimalField(
        _("latitudine"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitudine"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    requested_spaces = models.TextField(_("spazi che chiedete al Comune"), blank=True)
    requested_materials = models.TextField(_("materiali che chiedete al Comune"), blank=True)
    requested_staff_hours = models.DecimalField(
        _("ore di personale comunale richieste"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    requested_budget = models.DecimalField(
        _("contributo richiesto (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    committed_people = models.PositiveIntegerField(
        _("persone che si impegnano"), null=True, blank=True
    )
    committed_hours = models.DecimalField(
        _("ore di volontariato che mettete"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("In tutto, per la durata del progetto."),
    )
    committed_means = models.TextField(
        _("mezzi e materiali che mettete voi"), blank=True, help_text=_("Es. attrezzi, un furgone.")
    )
    timeline = models.TextField(
        _("tempi"), blank=True, help_text=_("Quando comincia, quanto dura, con quale frequenza.")
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    submitted_at = models.DateTimeField(_("presentata il"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(
        _("motivazione della decisione"),
        blank=True,
        editable=False,
        help_text=_("Pubblica: perché la proposta è o non è ammessa alla co-progettazione."),
    )
    withdrawal_reason = models.TextField(_("motivo del ritiro"), blank=True, editable=False)
    opinion_requests = models.ManyToManyField(
        "consulte.OpinionRequest",
        verbose_name=_("richieste di parere alle consulte"),
        related_name="proposals",
        blank=True,
        editable=False,
    )
    agreement = models.OneToOneField(
        Agreement,
        verbose_name=_("accordo di cittadinanza"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
        editable=False,
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persone che seguono la proposta"),
        through="ProposalFollow",
        related_name="followed_proposals",
        blank=True,
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificata il"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[quartieri], excluded_fields=["updated_at"])
    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposta")
        verbose_name_plural = _("proposte")
        ordering = ["-submitted_at", "-created_at", "-pk"]
        permissions = [
            ("manage_proposals", _("Può valutare le proposte e moderarne i commenti")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(proposer_kind="gruppo_informale") | ~Q(group_name=""),
                name="proposal_group_has_name",
            ),
            models.CheckConstraint(
                condition=~Q(proposer_kind="organizzazione") | Q(organisation__isnull=False),
                name="proposal_organisation_named",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="proposal_point_complete_and_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="bozza") | Q(submitted_at__isnull=False),
                name="proposal_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="non_ammessa") | ~Q(decision_reason=""),
                name="proposal_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="ritirata") | ~Q(withdrawal_reason=""),
                name="proposal_withdrawal_has_reason",
            ),
            # An agreement exists exactly when the proposal has become one.
            models.CheckConstraint(
                condition=Q(status="trasformata", agreement__isnull=False)
                | (~Q(status="trasformata") & Q(agreement__isnull=True)),
                name="proposal_converted_has_agreement",
            ),
            models.CheckConstraint(
                condition=(Q(requested_budget__isnull=True) | Q(requested_budget__gte=0))
                & (Q(requested_staff_hours__isnull=True) | Q(requested_staff_hours__gte=0))
                & (Q(committed_hours__isnull=True) | Q(committed_hours__gte=0)),
                name="proposal_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accordi:proposal_detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def accepts_supports(self) -> bool:
        return self.status in self.SUPPORT_STATUSES

    @property
    def is_open_for_discussion(self) -> bool:
        return self.status in self.DISCUSSION_STATUSES

    def is_proposer(self, user) -> bool:
        return user.is_authenticated and user.pk == self.author_id

    @property
    def proposer_name(self) -> str:
        """Who proposes, as the public may read it: never a person's name unless they chose so."""
        if self.proposer_kind == self.ProposerKind.ORGANISATION and self.organisation_id:
            return self.organisation.name
        if self.proposer_kind == self.ProposerKind.GROUP:
            return self.group_name
        if self.show_author_name:
            return self.author.get_full_name() or str(_("Un cittadino o una cittadina"))
        return str(_("Un cittadino o una cittadina"))

    @property
    def author_public_name(self) -> str:
        """The person behind a group's or an organisation's proposal, if they chose to show it."""
        if self.show_author_name and self.proposer_kind != self.ProposerKind.PERSON:
            return self.author.get_full_name()
        return ""

    @property
    def position(self) -> tuple[float, float] | None:
        """Where to put the proposal on a map: its own point, or its centre's."""
        if self.latitude is not None and self.longitude is not None:
            return float(self.latitude), float(self.longitude)
        centre = self.centre
        if centre is not None and centre.latitude is not None and centre.longitude is not None:
            return float(centre.latitude), float(centre.longitude)
        return None


class Support(models.Model):
    """One resident's support for a proposal: one per person, enforced by the database."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposta"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="proposal_supports",
    )
    created_at = models.DateTimeField(_("dato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("sostegno")
        verbose_name_plural = _("sostegni")
        ordering = ["proposal", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_person"),
        ]

    def __str__(self):
        return f"{self.user} → {self.proposal}"


class ProposalFollow(models.Model):
    """Someone who wants to hear of each step of a proposal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposta"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="proposal_follows",
    )
    created_at = models.DateTimeField(_("dal"), auto_now_add=True)

    class Meta:
        verbose_name = _("persona che segue la proposta")
        verbose_name_plural = _("persone che seguono la proposta")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="proposal_follow_once"),
        ]

    def __str__(self):
        return f"{self.user} → {self.proposal}"


class ProposalStatusChange(models.Model):
    """One step of a proposal's path: who moved it, from where to where, when, and why."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposta"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("da"), max_length=20, choices=ProposalStatus.choices)
    to_status = models.CharField(_("a"), max_length=20, choices=ProposalStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("da chi"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("passaggio di stato di una proposta")
        verbose_name_plural = _("passaggi di stato delle proposte")
        ordering = ["proposal", "at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ProposalCommentQuerySet(models.QuerySet):
    def awaiting_moderation(self):
        """Visible comments reported since the staff last looked at them."""
        reported_since = CommentReport.objects.filter(comment=models.OuterRef("pk")).filter(
            Q(comment__reviewed_at__isnull=True) | Q(created_at__gt=models.OuterRef("reviewed_at"))
        )
        return self.filter(hidden_at__isnull=True).filter(models.Exists(reported_since))


class ProposalComment(models.Model):
    """A remark on a public proposal. Moderation hides it with a public reason, never deletes it."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposta"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        on_delete=models.PROTECT,
        related_name="proposal_comments",
    )
    body = models.TextField(_("commento"), max_length=2000)
    created_at = models.DateTimeField(_("scritto il"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("nascosto il"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nascosto da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.TextField(_("motivo"), blank=True)
    # The last time the staff looked at the reports and kept the comment visible.
    reviewed_at = models.DateTimeField(_("segnalazioni esaminate il"), null=True, blank=True)

    objects = ProposalCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commento a una proposta")
        verbose_name_plural = _("commenti alle proposte")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True, hidden_by__isnull=True, hidden_reason="")
                | (Q(hidden_at__isnull=False, hidden_by__isnull=False) & ~Q(hidden_reason="")),
                name="proposal_comment_hidden_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.author} – {self.created_at:%d/%m/%Y}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def author_name(self) -> str:
        """A commenter's first name and initial; the proposer as their proposal's page names them
        (a comment must not reveal the name they chose to keep private)."""
        proposal = self.proposal
        if self.author_id == proposal.author_id:
            return _("%(proposer)s (chi propone)") % {"proposer": proposal.proposer_name}
        author = self.author
        initial = f" {author.last_name[:1]}." if author.last_name else ""
        return f"{author.first_name}{initial}".strip() or str(_("Una persona registrata"))


class CommentReport(models.Model):
    """Someone tells the staff a comment breaks the rules of the discussion."""

    comment = models.ForeignKey(
        ProposalComment,
        verbose_name=_("commento"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("segnalato da"),
        on_delete=models.CASCADE,
        related_name="comment_reports",
    )
    reason = models.CharField(_("motivo della segnalazione"), max_length=500)
    created_at = models.DateTimeField(_("segnalato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("segnalazione di un commento")
        verbose_name_plural = _("segnalazioni di commenti")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="comment_report_once"),
        ]

    def __str__(self):
        return self.reason


class ProposalAttachment(models.Model):
    """A document the proposers attach: private storage, served by a view that checks."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposta"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    title = models.CharField(_("titolo del documento"), max_length=200)
    file = document_field(
        _("file"), upload_to=proposal_attachment_path, storage=private_storage, max_length=300
    )
    public = models.BooleanField(
        _("pubblico"),
        default=True,
        help_text=_("Togli la spunta per i documenti con dati personali: li vede solo il Comune."),
    )
    uploaded_at = models.DateTimeField(_("caricato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("documento di una proposta")
        verbose_name_plural = _("documenti delle proposte")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "accordi:proposal_attachment", kwargs={"pk": self.proposal_id, "document": self.pk}
        )

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
