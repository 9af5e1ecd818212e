from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CentreQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("quartiere__ambito", "organisation")


class Centre(models.Model):
    """A centro sociale of the city network, or the Laboratorio Aperto hub."""

    class Kind(models.TextChoices):
        CENTRO_SOCIALE = "centro_sociale", _("Centro sociale")
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
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gestori"),
        blank=True,
        related_name="managed_centres",
        help_text=_("Utenti che possono aggiornare i contatti e il calendario del centro."),
    )

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("centro sociale")
        verbose_name_plural = _("centri sociali")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("centri_sociali:centre_detail", kwargs={"slug": self.slug})
