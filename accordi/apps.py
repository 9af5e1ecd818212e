from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccordiConfig(AppConfig):
    name = "accordi"
    verbose_name = _("Accordi di cittadinanza")

    def ready(self):
        from collabcity import registry

        from . import demo, portal, schedule

        portal.register()
        registry.register_periodic_tasks(schedule.BEAT_SCHEDULE)
        registry.register_demo(
            registry.DemoLoader(app_label="accordi", load=demo.load, after=("centri_sociali",))
        )

        from collabcity.files import STAFF_DOWNLOAD_PERMISSIONS

        STAFF_DOWNLOAD_PERMISSIONS["accordi"] = "accordi.view_attachment"
