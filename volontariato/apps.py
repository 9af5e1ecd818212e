from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolontariatoConfig(AppConfig):
    name = "volontariato"
    verbose_name = _("Volontariato civico")

    def ready(self):
        from . import portal

        # Everything this programme adds to the core: see collabcity.registry.
        portal.register()
