"""Rules of the shared core that change data."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from . import registry
from .models import User


def assign_role(*, user: User, role: str) -> None:
    """Put the user in the role's group; admin roles also open the Django admin to them."""
    user.groups.add(Group.objects.get(name=role))
    if role in registry.admin_roles() and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def revoke_role(*, user: User, role: str) -> None:
    user.groups.remove(Group.objects.get(name=role))
    admin_roles = registry.admin_roles()
    still_admin = user.groups.filter(name__in=admin_roles).exists()
    if role in admin_roles and not still_admin and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])


def sync_role_groups() -> None:
    """Create the role groups and grant each its permissions; never removes what staff added."""
    role_permissions = registry.role_permissions()
    app_labels = {name.split(".", 1)[0] for names in role_permissions.values() for name in names}
    for app_label in app_labels:
        # post_migrate reaches this app's receivers before auth has made every app's permissions.
        create_permissions(apps.get_app_config(app_label), verbosity=0)
    for role, permission_names in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=role)
        by_app = [name.split(".", 1) for name in permission_names]
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in by_app
        ]
        group.permissions.add(*permissions)
