from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The text a citizen agrees to when applying; its version is stored with the consent, so that
# a later change of the text never rewrites what somebody agreed to.
CONSENT_VERSION = "2026-01"
CONSENT_TEXT = _(
    "Acconsento al trattamento dei miei dati personali da parte del Comune di Reggio Emilia per la "
    "gestione dell'albo dei volontari civici, dei turni, delle ore svolte e degli attestati "
    "(informativa volontariato civico, versione 2026-01)."
)

# The notifications of this programme, registered as a topic in portal.py.
NOTIFICATION_TOPIC = "volunteering"


class SkillCode(models.TextChoices):
    ACCOGLIENZA = "accoglienza", _("Accoglienza e informazioni")
    ANZIANI = "anziani", _("Compagnia e aiuto alle persone anziane")
    BAMBINI = "bambini", _("Attività con bambini e ragazzi")
    DOPOSCUOLA = "doposcuola", _("Doposcuola e aiuto compiti")
    VERDE = "verde", _("Cura del verde e degli spazi pubblici")
    MANUTENZIONE = "manutenzione", _("Piccole manutenzioni")
    EVENTI = "eventi", _("Organizzazione di eventi")
    CUCINA = "cucina", _("Cucina e distribuzione pasti")
    TRASPORTO = "trasporto", _("Guida e accompagnamento")
    DIGITALE = "digitale", _("Facilitazione digitale")
    LINGUE = "lingue", _("Lingue e mediazione culturale")
    COMUNICAZIONE = "comunicazione", _("Comunicazione, foto e social")
    AMMINISTRAZIONE = "amministrazione", _("Segreteria e amministrazione")
    SPORT = "sport", _("Sport e movimento")
    CULTURA = "cultura", _("Biblioteche, musei e cultura")


class Skill(models.Model):
    """One skill of the fixed list: a row, so that volunteers and opportunities share it."""

    code = models.CharField(_("codice"), max_length=30, choices=SkillCode.choices, unique=True)

    class Meta:
        verbose_name = _("competenza")
        verbose_name_plural = _("competenze")
        ordering = ["code"]

    def __str__(self):
        return str(self.get_code_display())


class Weekday(models.IntegerChoices):
    # Numbered as Django's __iso_week_day lookup: Monday is 1.
    MONDAY = 1, _("lunedì")
    TUESDAY = 2, _("martedì")
    WEDNESDAY = 3, _("mercoledì")
    THURSDAY = 4, _("giovedì")
    FRIDAY = 5, _("venerdì")
    SATURDAY = 6, _("sabato")
    SUNDAY = 7, _("domenica")


class PartOfDay(models.TextChoices):
    MORNING = "mattina", _("mattina")
    AFTERNOON = "pomeriggio", _("pomeriggio")
    EVENING = "sera", _("sera")


# Local start hours [from, to) of each part of the day.
PART_OF_DAY_HOURS = {
    PartOfDay.MORNING: (0, 13),
    PartOfDay.AFTERNOON: (13, 19),
    PartOfDay.EVENING: (19, 24),
}


def part_of_day(hour: int) -> str:
    for part, (start, end) in PART_OF_DAY_HOURS.items():
        if start <= hour < end:
            return part
    return PartOfDay.EVENING


def availability_choices() -> list[tuple[str, str]]:
    """Slots "<iso weekday>-<part of day>", e.g. "1-mattina" for Monday morning."""
    return [
        (f"{day.value}-{part.value}", f"{day.label} {part.label}")
        for day in Weekday
        for part in PartOfDay
    ]


class VolunteerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Volunteer.Status.ACTIVE)


class Volunteer(models.Model):
    """A citizen enrolled (or applying) in the register of civic volunteers."""

    class Status(models.TextChoices):
        APPLIED = "domanda", _("Domanda presentata")
        TRAINING = "formazione", _("In formazione")
        ACTIVE = "attivo", _("Attivo")
        SUSPENDED = "sospeso", _("Sospeso")
        CEASED = "cessato", _("Cessato")

    # The colour of each status's badge ({% status_badge %}): only an active volunteer may serve.
    STATUS_COLOURS = {
        Status.APPLIED: "secondary",
        Status.TRAINING: "secondary",
        Status.ACTIVE: "success",
        Status.SUSPENDED: "secondary",
        Status.CEASED: "secondary",
    }

    # Null once the volunteer ceased: the record stays, anonymous, for the hour statistics.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
    )
    status = models.CharField(
        _("stato"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    birth_date = models.DateField(_("data di nascita"), null=True, blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("competenze"), blank=True, related_name="volunteers"
    )
    availability = models.JSONField(
        _("disponibilità"),
        default=list,
        blank=True,
        help_text=_("Giorni e momenti della giornata, come «1-mattina» (lunedì mattina)."),
    )
    quartieri = models.ManyToManyField(
        "collabcity.Quartiere",
        verbose_name=_("quartieri preferiti"),
        blank=True,
        related_name="volunteers",
    )
    motivation = models.TextField(_("motivazione"), blank=True)
    consent_at = models.DateTimeField(_("consenso al trattamento dei dati il"))
    consent_version = models.CharField(_("versione dell'informativa"), max_length=20)
    training_notes = models.TextField(_("note sulla formazione"), blank=True)
    insurance_from = models.DateField(_("assicurazione dal"), null=True, blank=True)
    insurance_to = models.DateField(_("assicurazione al"), null=True, blank=True)
    applied_at = models.DateTimeField(_("domanda presentata il"), default=timezone.now)
    ceased_at = models.DateTimeField(_("cessato il"), null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volontario civico")
        verbose_name_plural = _("volontari civici")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(insurance_from__isnull=True)
                | Q(insurance_to__isnull=True)
                | Q(insurance_to__gte=models.F("insurance_from")),
                name="volunteer_insurance_period_ordered",
            ),
            # An active volunteer is always insured for some period: the shift check relies on it.
            models.CheckConstraint(
                condition=~Q(status="attivo")
                | Q(insurance_from__isnull=False, insurance_to__isnull=False),
                name="volunteer_active_has_insurance",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("volontariato:volunteer_detail", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        if self.user_id is None:
            return gettext("Volontario cessato n. %(number)s") % {"number": self.pk}
        return self.user.get_full_name() or self.user.email

    @property
    def initials(self) -> str:
        if self.user_id is None:
            return "—"
        parts = [self.user.first_name, self.user.last_name]
        return " ".join(f"{part.strip()[0].upper()}." for part in parts if part.strip()) or "—"

    def is_insured_on(self, day) -> bool:
        return bool(
            self.insurance_from
            and self.insurance_to
            and self.insurance_from <= day <= self.insurance_to
        )

    def age_on(self, day) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def availability_labels(self) -> list[str]:
        chosen = set(self.availability)
        return [label for slot, label in availability_choices() if slot in chosen]


class StatusChange(models.Model):
    """One move of a volunteer through the statuses: who, when, and why."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volontario"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(
        _("stato precedente"), max_length=12, choices=Volunteer.Status.choices, blank=True
    )
    to_status = models.CharField(_("nuovo stato"), max_length=12, choices=Volunteer.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("da"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("il"), default=timezone.now)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("cambio di stato")
        verbose_name_plural = _("cambi di stato")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class OpportunityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def for_listing(self):
        return self.select_related(
            "quartiere", "organisation", "centre", "agreement"
        ).prefetch_related("skills")

    def with_upcoming_shifts(self):
        """Those with a shift still to come, annotated with the start of the next one."""
        upcoming = Shift.objects.upcoming().filter(opportunity=OuterRef("pk"))
        return self.filter(Exists(upcoming)).annotate(
            next_shift_at=Subquery(upcoming.order_by("starts_at").values("starts_at")[:1])
        )

    def ranked_for(self, volunteer: "Volunteer"):
        """Matching opportunities first: skills, availability, quartieri, one point each; then
        the soonest. Needs with_upcoming_shifts().

        Skills match when the opportunity asks for one of the volunteer's skills; availability
        when one of its upcoming shifts starts in a weekday and part of the day the volunteer
        offered; quartieri when it takes place in one they chose.
        """
        no = Value(0)
        skill_ids = list(volunteer.skills.values_list("pk", flat=True))
        skill_match = no
        if skill_ids:
            asks_a_skill = Opportunity.skills.through.objects.filter(
                opportunity_id=OuterRef("pk"), skill_id__in=skill_ids
            )
            skill_match = Case(
                When(Exists(asks_a_skill), then=Value(1)), default=no, output_field=IntegerField()
            )
        slot_match = no
        if volunteer.availability:
            in_a_slot = Shift.objects.upcoming().filter(
                _starts_in_slots(volunteer.availability), opportunity=OuterRef("pk")
            )
            slot_match = Case(
                When(Exists(in_a_slot), then=Value(1)), default=no, output_field=IntegerField()
            )
        quartiere_ids = list(volunteer.quartieri.values_list("pk", flat=True))
        quartiere_match = no
        if quartiere_ids:
            quartiere_match = Case(When(quartiere_id__in=quartiere_ids, then=Value(1)), default=no)
        return (
            self.annotate(
                skill_match=skill_match, slot_match=slot_match, quartiere_match=quartiere_match
            )
            .annotate(match_score=F("skill_match") + F("slot_match") + F("quartiere_match"))
            .order_by("-match_score", "next_shift_at", "pk")
        )


def _starts_in_slots(slots: list[str]) -> Q:
    """Shifts starting in one of the availability slots ("1-mattina": Monday morning)."""
    condition = Q()
    for slot in slots:
        weekday, part = slot.split("-", 1)
        start, end = PART_OF_DAY_HOURS[PartOfDay(part)]
        condition |= Q(
            starts_at__iso_week_day=int(weekday),
            starts_at__hour__gte=start,
            starts_at__hour__lt=end,
        )
    return condition


class Opportunity(models.Model):
    """A way to help, posted by the Comune, an association or a centre, with its shifts."""

    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"))
    place = models.CharField(_("luogo"), max_length=200)
    quartiere = models.ForeignKey(
        "collabcity.Quartiere",
        verbose_name=_("quartiere"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("competenze richieste"), blank=True, related_name="opportunities"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinatore"),
        on_delete=models.PROTECT,
        related_name="coordinated_opportunities",
    )
    organisation = models.ForeignKey(
        "collabcity.Organisation",
        verbose_name=_("ente proponente"),
        on_delete=models.PROTECT,
        related_name="volunteering_opportunities",
        help_text=_("Il Comune o l'associazione che propone l'opportunità."),
    )
    centre = models.ForeignKey(
        "centri_sociali.Centre",
        verbose_name=_("centro sociale"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteering_opportunities",
    )
    agreement = models.ForeignKey(
        "accordi.Agreement",
        verbose_name=_("accordo di cittadinanza"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteering_opportunities",
        help_text=_("L'accordo di cittadinanza da cui nasce l'opportunità, se c'è."),
    )
    published = models.BooleanField(_("pubblicata"), default=False)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunità")
        verbose_name_plural = _("opportunità")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("volontariato:opportunity_detail", kwargs={"pk": self.pk})


class ShiftQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gt=timezone.now())

    def with_confirmed_count(self):
        return self.annotate(
            confirmed_count=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED)),
            waiting_count=Count("signups", filter=Q(signups__status=Signup.Status.WAITING)),
        )


class Shift(models.Model):
    """A time slot of an opportunity with a fixed number of places."""

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunità"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    places = models.PositiveSmallIntegerField(_("posti"))

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("turno")
        verbose_name_plural = _("turni")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(places__gt=0), name="shift_has_places"),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.opportunity} – {start:%d/%m/%Y %H:%M}–{end:%H:%M}"

    @property
    def local_date(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def duration_hours(self) -> Decimal:
        seconds = Decimal((self.ends_at - self.starts_at).total_seconds())
        return (seconds / Decimal(3600)).quantize(Decimal("0.01"))

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def places_left(self) -> int:
        """Needs with_confirmed_count()."""
        return max(self.places - self.confirmed_count, 0)


class SignupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Signup.ACTIVE_STATUSES)

    def confirmed(self):
        return self.filter(status=Signup.Status.CONFIRMED)

    def waiting(self):
        return self.filter(status=Signup.Status.WAITING).order_by("created_at", "pk")


class Signup(models.Model):
    """A volunteer's place on a shift, or their place in its waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confermata", _("Confermata")
        WAITING = "attesa", _("In lista d'attesa")
        CANCELLED = "annullata", _("Annullata")

    ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITING)

    shift = models.ForeignKey(
        Shift, verbose_name=_("turno"), on_delete=models.CASCADE, related_name="signups"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volontario"), on_delete=models.CASCADE, related_name="signups"
    )
    status = models.CharField(_("stato"), max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(_("iscrizione il"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confermata il"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annullata il"), null=True, blank=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("iscrizione a un turno")
        verbose_name_plural = _("iscrizioni ai turni")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status__in=["confermata", "attesa"]),
                name="signup_one_active_per_volunteer_and_shift",
            )
        ]

    def __str__(self):
        return f"{self.volunteer} – {self.shift}"

    @property
    def waiting_position(self) -> int | None:
        if self.status != self.Status.WAITING:
            return None
        earlier = Signup.objects.waiting().filter(shift_id=self.shift_id)
        earlier = earlier.filter(
            Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
        )
        return earlier.count() + 1


class HoursLog(models.Model):
    """The hours of one signup: submitted by the volunteer or recorded by the coordinator."""

    class Status(models.TextChoices):
        SUBMITTED = "dichiarate", _("Dichiarate, da confermare")
        CONFIRMED = "confermate", _("Confermate")
        ABSENT = "assente", _("Assente")
        REJECTED = "respinte", _("Respinte")

    signup = models.OneToOneField(
        Signup, verbose_name=_("iscrizione"), on_delete=models.CASCADE, related_name="hours"
    )
    hours = models.DecimalField(_("ore"), max_digits=4, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("stato"), max_length=12, choices=Status.choices)
    note = models.TextField(_("nota"), blank=True)
    submitted_at = models.DateTimeField(_("dichiarate il"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confermate da"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("confermate il"), null=True, blank=True)

    class Meta:
        verbose_name = _("ore di volontariato")
        verbose_name_plural = _("ore di volontariato")
        ordering = ["-signup__shift__starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=24), name="hours_within_a_day"
            ),
            models.CheckConstraint(
                condition=~Q(status="confermate") | Q(hours__gt=0),
                name="hours_confirmed_are_positive",
            ),
        ]

    def __str__(self):
        return f"{self.signup} – {self.hours}"


class Certificate(models.Model):
    """An attestation of confirmed hours over a period, checkable by its code."""

    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volontario"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    holder_name = models.CharField(_("intestatario"), max_length=300)
    period_from = models.DateField(_("dal"))
    period_to = models.DateField(_("al"))
    total_hours = models.DecimalField(_("ore confermate"), max_digits=8, decimal_places=2)
    shift_count = models.PositiveIntegerField(_("turni svolti"))
    code = models.CharField(_("codice di verifica"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("rilasciato il"), default=timezone.now)

    class Meta:
        verbose_name = _("attestato")
        verbose_name_plural = _("attestati")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")),
                name="certificate_period_ordered",
            )
        ]

    def __str__(self):
        return self.code

    @property
    def holder_initials(self) -> str:
        words = [word for word in self.holder_name.replace(".", " ").split() if word]
        return " ".join(f"{word[0].upper()}." for word in words) or "—"


def ensure_skills() -> None:
    """Create any skill of the fixed list that is missing (the migration creates them all)."""
    for code in SkillCode.values:
        Skill.objects.get_or_create(code=code)
