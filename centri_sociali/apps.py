from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentriSocialiConfig(AppConfig):
    name = "centri_sociali"
    verbose_name = _("Centri sociali")

    def ready(self):
        from . import portal

        # Everything this programme adds to the core: see collabcity.registry.
        portal.register()
