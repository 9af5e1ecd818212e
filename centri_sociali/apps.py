from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentriSocialiConfig(AppConfig):
    name = "centri_sociali"
    verbose_name = _("Centri sociali")

    def ready(self):
        from collabcity import registry

        from . import demo, opendata

        registry.register_demo(
            registry.DemoLoader(app_label="centri_sociali", load=demo.load, after=())
        )
        registry.register_datasets(opendata.datasets)
