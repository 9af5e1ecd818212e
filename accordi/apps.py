from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccordiConfig(AppConfig):
    name = "accordi"
    verbose_name = _("Accordi di cittadinanza")

    def ready(self):
        from . import portal

        # Everything this programme adds to the core: see collabcity.registry.
        portal.register()
