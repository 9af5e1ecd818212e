from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolontariatoConfig(AppConfig):
    name = "volontariato"
    verbose_name = _("Volontariato civico")
