from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsulteConfig(AppConfig):
    name = "consulte"
    verbose_name = _("Consulte di quartiere")

    def ready(self):
        from collabcity import registry

        from . import demo, opendata

        registry.register_demo(
            registry.DemoLoader(app_label="consulte", load=demo.load, after=("volontariato",))
        )
        registry.register_datasets(opendata.datasets)

        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from collabcity.files import STAFF_DOWNLOAD_PERMISSIONS

        # Only the electoral rolls are private among the consulte's files.
        STAFF_DOWNLOAD_PERMISSIONS["consulte"] = "consulte.view_rollimport"

        from . import elections

        def end_anonymous_verifications(sender, request, **kwargs):
            if request is not None and hasattr(request, "session"):
                elections.forget_all_in_session(request.session)

        user_logged_in.connect(
            end_anonymous_verifications, dispatch_uid="consulte-login", weak=False
        )
        user_logged_out.connect(
            end_anonymous_verifications, dispatch_uid="consulte-logout", weak=False
        )
