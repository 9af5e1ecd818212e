from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollabCityConfig(AppConfig):
    name = "collabcity"
    verbose_name = _("Nucleo del portale")

    def ready(self):
        from . import registry, roles, signals  # noqa: F401

        registry.register_role(
            registry.RoleSpec(roles.MUNICIPAL_STAFF, roles.MUNICIPAL_STAFF_LABEL, admin=True)
        )
        registry.grant_permissions(roles.MUNICIPAL_STAFF, roles.CORE_STAFF_PERMISSIONS)
