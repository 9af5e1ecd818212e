from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    minutes_file = models.FileField(
        _("verbale (file)"), upload_to="consulte/verbali/%Y/", blank=True
    )

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
    document = models.FileField(_("documento"), upload_to="consulte/patti/%Y/", blank=True)
    approved_on = models.DateField(_("approvato il"), null=True, blank=True)
    valid_from = models.DateField(_("in vigore dal"), null=True, blank=True)
    valid_until = models.DateField(_("in vigore fino al"), null=True, blank=True)

    class Meta:
        verbose_name = _("patto di ambito")
        verbose_name_plural = _("patti di ambito")
        ordering = ["-approved_on", "-id"]

    def __str__(self):
        return self.title


class OpinionRequest(models.Model):
    """A plan the Comune submits to a council for its mandatory, non-binding opinion (parere)."""

    class Status(models.TextChoices):
        REQUESTED = "richiesto", _("Richiesto")
        DRAFTING = "in_redazione", _("In redazione")
        PUBLISHED = "pubblicato", _("Pubblicato")

    council = models.ForeignKey(
        Council,
        verbose_name=_("consulta"),
        on_delete=models.CASCADE,
        related_name="opinion_requests",
    )
    title = models.CharField(_("piano o atto sottoposto"), max_length=250)
    description = models.TextField(_("descrizione della richiesta"))
    document = models.FileField(
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
