from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsulteConfig(AppConfig):
    name = "consulte"
    verbose_name = _("Consulte di quartiere")
