"""Demo accounts, shared by seed_demo and the programmes' demo loaders.

Demo accounts only ever exist on development machines: seed_demo refuses production.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from .models import Quartiere, User

DEMO_PASSWORD = "collabcity-demo"  # noqa: S105
DEMO_HOME_QUARTIERE = "Orologio"


@dataclass(frozen=True)
class DemoAccount:
    """An account seed_demo creates and prints; `role` is a registered role's group name."""

    email: str
    first_name: str
    last_name: str
    role: str = ""
    superuser: bool = False


def demo_account(*, email: str, first_name: str, last_name: str, superuser: bool = False) -> User:
    """A verified demo account of the Orologio quartiere with the demo password."""
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_superuser": superuser,
            "is_staff": superuser,
            "quartiere": Quartiere.objects.get(name=DEMO_HOME_QUARTIERE),
        },
    )
    # Reset on every run so that the password printed by seed_demo is always the right one.
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
