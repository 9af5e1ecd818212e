from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UserQuerySet(models.QuerySet):
    def opted_in_to(self, topic: str):
        """People who have not turned the topic's e-mails off in their profile."""
        return self.exclude(muted_topics__topic=topic)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account; the e-mail address is the login."""

    username = None
    email = models.EmailField(_("indirizzo e-mail"), unique=True)
    quartiere = models.ForeignKey(
        "collabcity.Quartiere",
        verbose_name=_("quartiere di residenza"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
    )
    email_notifications = models.BooleanField(
        _("ricevi le notifiche anche per e-mail"),
        default=True,
        help_text=_("Le notifiche arrivano sempre nella tua casella del portale."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def has_role(self, role: str) -> bool:
        return self.is_active and (self.is_superuser or self.groups.filter(name=role).exists())

    def has_muted(self, topic: str) -> bool:
        return self.muted_topics.filter(topic=topic).exists()


class FactSource(models.Model):
    """Where one fact of the city data comes from: a public page read on a date, or a member of
    staff who corrected it in the admin (no address, `recorded_by` set).

    A source states the value the fact had when it was recorded (`value`). When the fact changes,
    a source of the old value no longer counts: the fact is to be verified again until a source
    states its new value.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey()
    fact = models.CharField(_("dato"), max_length=40)
    value = models.CharField(_("valore attestato"), max_length=300, blank=True)
    url = models.URLField(
        _("indirizzo della fonte"),
        max_length=500,
        blank=True,
        help_text=_("Vuoto quando la fonte è il personale del Comune che ha corretto il dato."),
    )
    read_on = models.DateField(_("consultata il"))
    note = models.CharField(_("nota"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrata da"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("fonte di un dato")
        verbose_name_plural = _("fonti dei dati")
        ordering = ["fact", "-read_on", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="fact_source_subject")]

    def __str__(self):
        return self.url or gettext("Personale del Comune")

    @property
    def is_staff_correction(self) -> bool:
        return not self.url


class CityRecord(models.Model):
    """A record of the city data (ambito, quartiere, organisation, centre): each of its
    SOURCED_FACTS is shown as fact only while a source states its current value."""

    SOURCED_FACTS: tuple[str, ...] = ()

    sources = GenericRelation(FactSource)

    class Meta:
        abstract = True

    def fact_value(self, fact: str) -> str:
        """The fact as a source states it: a related record by its key, a blank as ""."""
        field = self._meta.get_field(fact)
        value = getattr(self, field.attname)
        return "" if value is None else str(value)

    def current_sources(self, sources=None) -> list[FactSource]:
        """The sources stating the facts as they are now; of `sources` if given, else of the
        record's sources (prefetched, when the query asked for them)."""
        values = {fact: self.fact_value(fact) for fact in self.SOURCED_FACTS}
        candidates = self.sources.all() if sources is None else sources
        return [s for s in candidates if s.value and values.get(s.fact) == s.value]

    def unverified_facts(self) -> list[str]:
        """Facts missing, or with no source for their current value: staff are to verify them."""
        stated = {source.fact for source in self.current_sources()}
        return [fact for fact in self.SOURCED_FACTS if fact not in stated]


class AmbitoQuerySet(models.QuerySet):
    def with_quartieri(self):
        return self.prefetch_related(
            models.Prefetch("quartieri", queryset=Quartiere.objects.order_by("name"))
        )


class Ambito(CityRecord):
    """One of the nine ambiti territoriali: each has its own consulta.

    Some ambiti have no published title and are known by their letter alone: their `name`
    stays blank rather than invented.
    """

    SOURCED_FACTS = ("name",)

    code = models.CharField(_("lettera"), max_length=1, unique=True)
    name = models.CharField(
        _("titolo"),
        max_length=120,
        blank=True,
        help_text=_("Il titolo pubblicato dal Comune; vuoto se non ne ha uno."),
    )
    slug = models.SlugField(unique=True)

    objects = AmbitoQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ambito territoriale")
        verbose_name_plural = _("ambiti territoriali")
        ordering = ["code"]

    def __str__(self):
        label = gettext("Ambito %(code)s") % {"code": self.code}
        return f"{label} – {self.name}" if self.has_own_name else label

    @property
    def has_own_name(self) -> bool:
        return bool(self.name)


class QuartiereQuerySet(models.QuerySet):
    def with_ambito(self):
        return self.select_related("ambito").order_by("ambito__code", "name")


class Quartiere(CityRecord):
    """A quartiere or frazione of the city, grouped into one ambito."""

    SOURCED_FACTS = ("name", "ambito")

    name = models.CharField(_("nome"), max_length=120, unique=True)
    slug = models.SlugField(unique=True)
    ambito = models.ForeignKey(
        Ambito, verbose_name=_("ambito"), on_delete=models.PROTECT, related_name="quartieri"
    )

    objects = QuartiereQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quartiere")
        verbose_name_plural = _("quartieri")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("quartiere_detail", kwargs={"slug": self.slug})


class Organisation(CityRecord):
    """An association, school, Third-Sector body or the Comune itself."""

    SOURCED_FACTS = ("name", "kind", "description")

    class Kind(models.TextChoices):
        COMUNE = "comune", _("Comune")
        APS = "aps", _("Associazione di promozione sociale (APS)")
        ODV = "odv", _("Organizzazione di volontariato (ODV)")
        ETS = "ets", _("Altro ente del Terzo Settore (ETS)")
        ASSOCIATION = "associazione", _("Associazione")
        SCHOOL = "scuola", _("Scuola")
        COOPERATIVE = "cooperativa", _("Cooperativa sociale")
        COMMUNITY_COOPERATIVE = "cooperativa_comunita", _("Cooperativa di comunità")
        INFORMAL_GROUP = "gruppo_informale", _("Gruppo informale")

    name = models.CharField(_("nome"), max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(_("tipo"), max_length=24, choices=Kind.choices)
    description = models.TextField(_("descrizione"), blank=True)
    quartiere = models.ForeignKey(
        Quartiere,
        verbose_name=_("quartiere della sede"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
    )
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["name"]

    def __str__(self):
        return self.name


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(delivered_at__isnull=True)

    def delivered(self):
        return self.filter(delivered_at__isnull=False)

    def unread(self):
        return self.delivered().filter(read_at__isnull=True)


class Notification(models.Model):
    """Outbox row: written with the event that causes it, delivered later by Celery."""

    # The core's own topic; each programme registers its topics (collabcity.registry.Topic).
    ACCOUNT_TOPIC = "account"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinatario"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    topic = models.CharField(_("argomento"), max_length=20)
    subject = models.CharField(_("oggetto"), max_length=200)
    body = models.TextField(_("testo"))
    url = models.CharField(_("collegamento"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("consegnata il"), null=True, blank=True)
    emailed = models.BooleanField(_("inviata per e-mail"), default=False)
    read_at = models.DateTimeField(_("letta il"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi di consegna"), default=0)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    # What makes a notification one of a kind for its recipient (e.g. "election:7:opened"):
    # the unique constraint, not a flag checked beforehand, makes "send once" hold under
    # concurrent senders and re-run tasks.
    once_key = models.CharField(_("chiave di invio unico"), max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="notification_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "once_key"],
                condition=~models.Q(once_key=""),
                name="notification_sent_once",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_delivered(self) -> bool:
        return self.delivered_at is not None

    def wants_email(self) -> bool:
        if not self.recipient.email_notifications:
            return False
        return self.topic == self.ACCOUNT_TOPIC or not self.recipient.has_muted(self.topic)


class MutedTopic(models.Model):
    """A notification topic the person receives in the portal's inbox only, not by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        on_delete=models.CASCADE,
        related_name="muted_topics",
    )
    topic = models.CharField(_("argomento"), max_length=20)

    class Meta:
        verbose_name = _("argomento senza e-mail")
        verbose_name_plural = _("argomenti senza e-mail")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="muted_topic_once"),
        ]

    def __str__(self):
        return self.topic
