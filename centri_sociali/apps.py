from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentriSocialiConfig(AppConfig):
    name = "centri_sociali"
    verbose_name = _("Centri sociali")
