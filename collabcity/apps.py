from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollabCityConfig(AppConfig):
    name = "collabcity"
    verbose_name = _("Nucleo del portale")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import (  # noqa: F401
            db_loaders,
            page_cache,
            prepared_statements,
            registry,
            roles,
            signals,
        )

        connection_created.connect(db_loaders.read_timestamps_in_c)
        connection_created.connect(prepared_statements.prepare_again_after_migrations)
        connection_created.connect(prepared_statements.plan_value_sensitive_reads_per_run)

        # The page cache's version (collabcity/page_cache.py) ignores what no public page shows
        # and happens on every request or login: sessions, the admin's log, Celery beat's
        # bookkeeping, allauth's confirmations and tokens, the outbox, and the user's last login
        # (and the password rehash that may come with it).
        for app_label in ("sessions", "admin", "django_celery_beat", "account", "socialaccount"):
            registry.register_unshown_writes(app_label)
        registry.register_unshown_writes("collabcity.Notification")
        registry.register_unshown_writes("collabcity.User", columns=("last_login", "password"))
        post_migrate.connect(page_cache.install_triggers, sender=self)

        registry.register_role(
            registry.RoleSpec(roles.MUNICIPAL_STAFF, roles.MUNICIPAL_STAFF_LABEL, admin=True)
        )
        registry.grant_permissions(roles.MUNICIPAL_STAFF, roles.CORE_STAFF_PERMISSIONS)
