from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
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
        return self.prefetch_related(
            "quartieri",
            models.Prefetch("parties", queryset=Party.objects.select_related("organisation")),
            "actions",
            models.Prefetch(
                "commitments", queryset=Commitment.objects.select_related("party__organisation")
            ),
            models.Prefetch(
                "indicators", queryset=Indicator.objects.prefetch_related("measurements")
            ),
        )

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
