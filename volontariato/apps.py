from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolontariatoConfig(AppConfig):
    name = "volontariato"
    verbose_name = _("Volontariato civico")

    def ready(self):
        from collabcity import registry

        from . import demo, opendata

        registry.register_demo(
            registry.DemoLoader(
                app_label="volontariato", load=demo.load, after=("centri_sociali", "accordi")
            )
        )
        registry.register_datasets(opendata.datasets)
