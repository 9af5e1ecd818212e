from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollabCityConfig(AppConfig):
    name = "collabcity"
    verbose_name = _("Nucleo del portale")

    def ready(self):
        from . import signals  # noqa: F401
