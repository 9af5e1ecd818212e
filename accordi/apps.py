from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccordiConfig(AppConfig):
    name = "accordi"
    verbose_name = _("Accordi di cittadinanza")

    def ready(self):
        from collabcity import registry

        from . import demo, opendata

        registry.register_demo(
            registry.DemoLoader(app_label="accordi", load=demo.load, after=("centri_sociali",))
        )
        registry.register_datasets(opendata.datasets)

        from collabcity.files import STAFF_DOWNLOAD_PERMISSIONS

        STAFF_DOWNLOAD_PERMISSIONS["accordi"] = "accordi.view_attachment"
