from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from collabcity.models import CityRecord

# The notifications of this programme, registered as a topic in portal.py.
NOTIFICATION_TOPIC = "calendar"


class Facility(models.Model):
    """Something a centre offers besides its rooms: a bar, a garden, a lift, Wi-Fi."""

    name = models.CharField(_("nome"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CentreQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("quartiere__ambito", "organisation", "network")

    def network(self):
        """The centri sociali and case di quartiere, without the Laboratorio Aperto hub."""
        return self.exclude(kind=Centre.Kind.LABORATORIO_APERTO)

    def managed_by(self, user):
        """The centres user may run from the managers' page: their own, or all for staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_perm("centri_sociali.change_activity"):
            return self
        return self.filter(managers=user)


class Centre(CityRecord):
    """A centro sociale or casa di quartiere of the city network, or the Laboratorio Aperto hub.

    A centro sociale becomes a casa di quartiere when the Comune entrusts it, under an
    agreement, to a Third-Sector body that opens it to services for the whole quartiere. Its
    quartiere is blank while no source says where it is.
    """

    SOURCED_FACTS = ("name", "kind", "address", "quartiere", "organisation", "network")

    class Kind(models.TextChoices):
        CENTRO_SOCIALE = "centro_sociale", _("Centro sociale")
        CASA_DI_QUARTIERE = "casa_di_quartiere", _("Casa di quartiere")
        LABORATORIO_APERTO = "laboratorio_aperto", _("Laboratorio Aperto")

    name = models.CharField(_("nome"), max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(
        _("tipo"), max_length=20, choices=Kind.choices, default=Kind.CENTRO_SOCIALE
    )
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    quartiere = models.ForeignKey(
        "collabcity.Quartiere",
        verbose_name=_("quartiere"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centres",
    )
    organisation = models.ForeignKey(
        "collabcity.Organisation",
        verbose_name=_("ente gestore"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_centres",
    )
    network = models.ForeignKey(
        "collabcity.Organisation",
        verbose_name=_("rete di appartenenza"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="network_centres",
        help_text=_("L'associazione a cui il centro aderisce, per esempio ANCeSCAO o Arci."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gestori"),
        blank=True,
        related_name="managed_centres",
        help_text=_("Utenti che possono aggiornare i contatti e il calendario del centro."),
    )
    description = models.TextField(_("presentazione"), blank=True)
    latitude = models.DecimalField(
        _("latitudine"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitudine"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    position_is_approximate = models.BooleanField(
        _("posizione indicativa"),
        default=False,
        help_text=_("La posizione sulla mappa è approssimata: verificare l'indirizzo."),
    )
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("sito web"), blank=True)
    accessibility_notes = models.TextField(
        _("accessibilità"),
        blank=True,
        help_text=_("Ingressi, rampe, ascensore, bagni accessibili, parcheggi riservati."),
    )
    agreement_start = models.DateField(
        _("inizio della convenzione di gestione"), null=True, blank=True
    )
    agreement_end = models.DateField(_("fine della convenzione di gestione"), null=True, blank=True)
    facilities = models.ManyToManyField(
        Facility, verbose_name=_("servizi"), blank=True, related_name="centres"
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persone che seguono il centro"),
        through="CentreFollow",
        blank=True,
        related_name="followed_centres",
    )

    objects = CentreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("centro")
        verbose_name_plural = _("centri sociali e case di quartiere")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement_end__isnull=True)
                | Q(agreement_start__isnull=True)
                | Q(agreement_end__gte=models.F("agreement_start")),
                name="centre_agreement_period_ordered",
                violation_error_message=_(
                    "La fine della convenzione non può precedere il suo inizio."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("centri_sociali:centre_detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "quartiere" in update_fields:
            # The calendar's dates carry their centre's quartiere for the quartiere filter.
            self.calendar_dates.exclude(quartiere_id=self.quartiere_id).update(
                quartiere_id=self.quartiere_id
            )

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class CentreFollow(models.Model):
    """A citizen follows a centre: they hear when its activities are cancelled or moved."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="centre_follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("persona che segue un centro")
        verbose_name_plural = _("persone che seguono i centri")
        constraints = [
            models.UniqueConstraint(fields=["centre", "user"], name="centre_follow_once")
        ]

    def __str__(self):
        return f"{self.user} → {self.centre}"


class OpeningHours(models.Model):
    """One opening interval of a centre on a weekday; a day may have two (morning, evening)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lunedì")
        TUESDAY = 1, _("martedì")
        WEDNESDAY = 2, _("mercoledì")
        THURSDAY = 3, _("giovedì")
        FRIDAY = 4, _("venerdì")
        SATURDAY = 5, _("sabato")
        SUNDAY = 6, _("domenica")

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    opens_at = models.TimeField(_("apre alle"))
    closes_at = models.TimeField(_("chiude alle"))

    class Meta:
        verbose_name = _("orario di apertura")
        verbose_name_plural = _("orari di apertura")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "weekday", "opens_at"], name="opening_hours_once"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="opening_hours_close_after_open",
                violation_error_message=_("L'orario di chiusura deve venire dopo l'apertura."),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Room(models.Model):
    """A room of a centre: one activity at a time."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centro"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(_("nome"), max_length=100)
    capacity = models.PositiveIntegerField(_("capienza (persone)"))
    notes = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sala")
        verbose_name_plural = _("sale")
        ordering = ["centre__name", "name"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="room_name_once")]

    def __str__(self):
        return f"{self.name} ({self.centre.name})"


class ActivityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def not_ended(self):
        """Series with a date still to come or under way."""
        return self.filter(last_end__gte=timezone.now())

    def free(self):
        return self.filter(Q(price__isnull=True) | Q(price=0))

    # By local day, for the filters: what cannot have a date on or after (before) the day.
    def from_day(self, day: date):
        return self.filter(last_end__date__gte=day)

    def until_day(self, day: date):
        return self.filter(first_start__date__lte=day)


# An activity lasts at most this long: it bounds how early an occurrence may start to still
# overlap a window, so that windows are fetched with a simple range condition.
MAX_DURATION = timedelta(hours=24)


class Activity(models.Model):
    """An activity of a centre: one date or a recurring series (RFC 5545 rule)."""

    class Category(models.TextChoices):
        COURSES = "corsi", _("Corsi")
        CULTURE = "cultura", _("Cultura")
        WELLBEING = "sport_benessere", _("Sport e benessere")
        DANCE = "ballo", _("Ballo")
        MEETINGS = "incontri", _("Incontri")
        CARE = "servizi_persona", _("Servizi alla persona")
        YOUTH = "giovani", _("Giovani")
        ELDERLY = "anziani", _("Anziani")

    class Audience(models.TextChoices):
        EVERYONE = "tutti", _("Per tutti")
        CHILDREN = "bambini", _("Bambini")
        TEENAGERS = "ragazzi", _("Ragazze e ragazzi")
        ADULTS = "adulti", _("Adulti")
        ELDERLY = "anziani", _("Anziani")
        FAMILIES = "famiglie", _("Famiglie")

    class Recurrence(models.TextChoices):
        NONE = "none", _("Una sola data")
        WEEKLY = "weekly", _("Ogni settimana")
        MONTHLY = "monthly", _("Ogni mese")

    centre = models.ForeignKey(
        Centre, verbose_name=_("centro"), on_delete=models.CASCADE, related_name="activities"
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("sala"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        help_text=_("Lasciare vuoto per le attività all'aperto o fuori sede."),
    )
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices)
    audience = models.CharField(
        _("pubblico"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    price = models.DecimalField(
        _("prezzo (euro)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Lasciare vuoto se l'attività è gratuita."),
    )
    registration_required = models.BooleanField(_("serve l'iscrizione"), default=False)
    capacity = models.PositiveIntegerField(
        _("posti disponibili"),
        null=True,
        blank=True,
        help_text=_("Per ogni data. Vuoto: nessun limite."),
    )
    starts_at = models.DateTimeField(_("inizio (prima data)"))
    ends_at = models.DateTimeField(_("fine (prima data)"))
    recurrence = models.CharField(
        _("ripetizione"), max_length=10, choices=Recurrence.choices, default=Recurrence.NONE
    )
    weekdays = models.JSONField(
        _("giorni della settimana"),
        default=list,
        blank=True,
        help_text=_("Per le attività settimanali: 0 = lunedì … 6 = domenica."),
    )
    month_week = models.SmallIntegerField(
        _("settimana del mese"),
        null=True,
        blank=True,
        help_text=_("Per le attività mensili: 1–4 oppure -1 per l'ultima settimana."),
    )
    repeat_until = models.DateField(_("ripeti fino al"), null=True, blank=True)
    repeat_count = models.PositiveSmallIntegerField(_("numero di date"), null=True, blank=True)
    published = models.BooleanField(_("pubblicata"), default=True)
    # Bounds of every occurrence (moved ones included), kept by services.save_activity so that
    # the feeds and the date filters select series with one indexed range condition.
    first_start = models.DateTimeField(editable=False, db_index=True)
    last_end = models.DateTimeField(editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("attività")
        verbose_name_plural = _("attività")
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_start",
                violation_error_message=_("L'attività deve finire dopo l'inizio."),
            ),
            models.CheckConstraint(
                condition=Q(recurrence="none")
                | Q(repeat_until__isnull=False)
                | Q(repeat_count__isnull=False),
                name="activity_series_is_bounded",
                violation_error_message=_(
                    "Una serie deve finire: indicare una data finale o il numero di date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="activity_price_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["first_start", "last_end"], name="activity_window")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("centri_sociali:activity_detail", kwargs={"pk": self.pk})

    @property
    def is_free(self) -> bool:
        return not self.price

    @property
    def is_recurring(self) -> bool:
        return self.recurrence != self.Recurrence.NONE

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class Occurrence(models.Model):
    """One date of an activity, stored only when it differs from the rule or has registrations.

    The key is (activity, original_start): the start the rule gives, like RECURRENCE-ID in
    RFC 5545. Moving the date changes starts_at/ends_at/room but never the key, so the
    registrations and the link stay attached to it.
    """

    activity = models.ForeignKey(
        Activity, verbose_name=_("attività"), on_delete=models.CASCADE, related_name="occurrences"
    )
    original_start = models.DateTimeField(_("inizio previsto dalla serie"))
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    room = models.ForeignKey(
        Room,
        verbose_name=_("sala"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_occurrences",
        help_text=_("Solo se questa data si svolge in un'altra sala."),
    )
    cancelled = models.BooleanField(_("sospesa"), default=False)
    note = models.CharField(_("avviso per i partecipanti"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data di un'attività")
        verbose_name_plural = _("date delle attività")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "original_start"], name="occurrence_once_per_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="occurrence_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="occurrence_window")]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.activity.title} – {local:%d/%m/%Y %H:%M}"

    @property
    def is_moved(self) -> bool:
        return is_moved(self)


def is_moved(occurrence) -> bool:
    """A stored date differs from its rule's time or room (any object with the row's fields)."""
    return occurrence.starts_at != occurrence.original_start or occurrence.room_id is not None


class CalendarDateQuerySet(models.QuerySet):
    def public(self):
        return self.filter(published=True)

    def starting_between(self, start: datetime, end: datetime):
        """Dates that start in [start, end): the days a calendar view shows."""
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def overlapping(self, start: datetime, end: datetime):
        """Dates under way at some moment of [start, end), found on the starts_at index."""
        return self.filter(
            starts_at__gte=start - MAX_DURATION, starts_at__lt=end, ends_at__gt=start
        )

    def matching(
        self,
        *,
        quartiere: str = "",
        centre: str = "",
        category: str = "",
        audience: str = "",
        free: bool = False,
    ):
        """The dates the city calendar's filters keep (their cleaned values, by slug)."""
        found = self
        if quartiere:
            found = found.filter(quartiere__slug=quartiere)
        if centre:
            found = found.filter(centre__slug=centre)
        if category:
            found = found.filter(category=category)
        if audience:
            found = found.filter(audience=audience)
        if free:
            found = found.filter(free=True)
        return found

    def for_display(self):
        """With what a date's line shows (title, centre, room), in one query, in order."""
        return (
            self.select_related("activity__centre", "room")
            # Long texts a date's line never shows.
            .defer(
                "activity__description",
                "activity__centre__description",
                "activity__centre__accessibility_notes",
            )
            .order_by("starts_at", "title", "activity_id")
        )


# The city calendar and the public pages ask only for the dates of published series.
PUBLIC_DATES = Q(published=True)


class CalendarDate(models.Model):
    """One date of an activity as the calendar shows it: possibly moved, possibly suspended.

    The series' rule and its Occurrence rows are the truth; these rows are their expansion,
    rewritten in the same transaction by every change (services.write_dates), so that a view
    reads a window with one indexed range query instead of expanding every series. Every
    series ends (a date or a number of dates, see services.validate_schedule), so all of its
    dates are here, past and future. The series' and centre's facts the filters ask are copied
    onto each date so that a filtered window is one index range too.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="dates")
    original_start = models.DateTimeField()
    starts_at = models.DateTimeField()
    # The day starts_at falls on in the city: the grids rank each day's dates, and ranking on a
    # stored day reads them in index order, where a day computed from starts_at made the
    # database sort the month (a third of the month view's time at 10x the demo data).
    local_day = models.DateField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="calendar_dates"
    )
    cancelled = models.BooleanField(default=False)
    moved = models.BooleanField(default=False)
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="calendar_dates")
    quartiere = models.ForeignKey(
        "collabcity.Quartiere",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_dates",
    )
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Activity.Category.choices)
    audience = models.CharField(max_length=20, choices=Activity.Audience.choices)
    free = models.BooleanField()
    published = models.BooleanField()

    objects = CalendarDateQuerySet.as_manager()

    class Meta:
        verbose_name = _("data in calendario")
        verbose_name_plural = _("date in calendario")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "original_start"], name="calendar_date_once_per_start"
            )
        ]
        indexes = [
            models.Index(fields=["starts_at"], condition=PUBLIC_DATES, name="calendar_date_public"),
            models.Index(
                fields=["local_day", "starts_at", "title", "activity", "id"],
                condition=PUBLIC_DATES,
                name="calendar_date_day_rank",
            ),
            models.Index(
                fields=["quartiere", "starts_at"],
                condition=PUBLIC_DATES,
                name="calendar_date_quartiere",
            ),
            models.Index(
                fields=["category", "starts_at"],
                condition=PUBLIC_DATES,
                name="calendar_date_category",
            ),
            models.Index(fields=["centre", "starts_at"], name="calendar_date_centre"),
            models.Index(fields=["room", "starts_at"], name="calendar_date_room"),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.title} – {local:%d/%m/%Y %H:%M}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")

    def tally(self) -> tuple[int, int]:
        """How many places are confirmed and how many people wait, in one query."""
        counts = self.aggregate(
            confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
        )
        return counts["confirmed"], counts["waiting"]

    def count_by_occurrence(self, occurrences) -> dict[int, int]:
        """How many registrations each of the dates has, by the date's pk, in one query."""
        return dict(
            self.filter(occurrence__in=occurrences)
            .values("occurrence_id")
            .annotate(n=Count("pk"))
            .values_list("occurrence_id", "n")
        )

    def upcoming_for(self, user):
        """The user's registrations to dates not yet over, soonest first, with their activity."""
        return (
            self.filter(user=user, occurrence__ends_at__gte=timezone.now())
            .select_related("occurrence__activity__centre", "occurrence__room")
            .order_by("occurrence__starts_at")
        )


class Registration(models.Model):
    """A person's place (or place in the waiting list) at one date of an activity."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Iscrizione confermata")
        WAITING = "waiting", _("In lista d'attesa")
        CANCELLED = "cancelled", _("Annullata")

    # The colour of each status's badge ({% status_badge %}).
    STATUS_COLOURS = {
        Status.CONFIRMED: "success",
        Status.WAITING: "secondary",
        Status.CANCELLED: "secondary",
    }

    occurrence = models.ForeignKey(
        Occurrence, verbose_name=_("data"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="activity_registrations",
    )
    status = models.CharField(_("stato"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("iscritta il"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("annullata il"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("passata dalla lista d'attesa il"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("iscrizione")
        verbose_name_plural = _("iscrizioni")
        ordering = ["created_at", "pk"]
        constraints = [
            # One live registration per person and date; cancelled ones stay as history.
            models.UniqueConstraint(
                fields=["occurrence", "user"],
                condition=~Q(status="cancelled"),
                name="registration_once_per_occurrence",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.occurrence}"
