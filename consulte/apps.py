from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsulteConfig(AppConfig):
    name = "consulte"
    verbose_name = _("Consulte di quartiere")

    def ready(self):
        from . import portal

        # Everything this programme adds to the core: see collabcity.registry.
        portal.register()

        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .elections import verification

        def end_anonymous_verifications(sender, request, **kwargs):
            if request is not None and hasattr(request, "session"):
                verification.forget_all_in_session(request.session)

        user_logged_in.connect(
            end_anonymous_verifications, dispatch_uid="consulte-login", weak=False
        )
        user_logged_out.connect(
            end_anonymous_verifications, dispatch_uid="consulte-logout", weak=False
        )
