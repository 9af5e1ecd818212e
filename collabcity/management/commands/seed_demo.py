"""Load the city of Reggio Emilia and one demo account per role; safe to run again."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from collabcity import city, city_data, registry
from collabcity.models import Ambito, Organisation, Quartiere, User
from collabcity.roles import Role
from collabcity.services import assign_role

# Demo accounts only ever exist on development machines: the command refuses production.
DEMO_PASSWORD = "collabcity-demo"  # noqa: S105
DEMO_ACCOUNTS = [
    # (e-mail, first name, last name, role or None for a citizen, superuser)
    ("admin@demo.collabcity.it", "Amministratrice", "Demo", None, True),
    ("personale@demo.collabcity.it", "Paola", "Personale", Role.MUNICIPAL_STAFF, False),
    ("gestore@demo.collabcity.it", "Giorgio", "Gestore", Role.CENTRE_MANAGER, False),
    ("scrutatore@demo.collabcity.it", "Sara", "Scrutatrice", Role.POLL_WORKER, False),
    ("scrutatore2@demo.collabcity.it", "Sandro", "Scrutatore", Role.POLL_WORKER, False),
    ("coordinatore@demo.collabcity.it", "Carlo", "Coordinatore", Role.VOLUNTEER_COORDINATOR, False),
    ("cittadina@demo.collabcity.it", "Chiara", "Cittadina", None, False),
]
DEMO_HOME_QUARTIERE = "Orologio"


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


class Command(BaseCommand):
    help = "Carica la città, gli account dimostrativi e i contenuti di ogni programma."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo crea account con password nota: non va usato in produzione."
            )
        with transaction.atomic():
            self.load_city()
            accounts = self.load_accounts()
            # Each programme loads its own content after the city and the accounts, in the
            # order its registration asks (see collabcity.registry.DemoLoader).
            for loader in registry.demo_loaders():
                loader.load(self)
        self.stdout.write(self.style.SUCCESS("Dati dimostrativi caricati."))
        self.stdout.write(f"Account dimostrativi (password per tutti: {DEMO_PASSWORD}):")
        for email, label in accounts:
            self.stdout.write(f"  {email:34} {label}")

    def load_city(self) -> None:
        """The ambiti, quartieri and organisations of city_data with their sources; records
        staff have corrected are left as they are (collabcity.city.load_record)."""
        for entry in city_data.AMBITI:
            ambito = city.load_record(
                Ambito,
                key={"code": entry["code"]},
                facts={"name": entry["title"]},
                defaults={"slug": slugify(f"ambito-{entry['code']}")},
            )
            for name in entry["quartieri"]:
                city.load_record(
                    Quartiere,
                    key={"name": name.value},
                    facts={"name": name, "ambito": city.Fact(ambito, name.source)},
                    defaults={"slug": slugify(name.value)},
                )
        for entry in city_data.ORGANISATIONS:
            city.load_record(
                Organisation,
                key={"name": entry["name"].value},
                facts={fact: entry[fact] for fact in Organisation.SOURCED_FACTS},
                defaults={"slug": slugify(entry["name"].value)},
            )

    def load_accounts(self) -> list[tuple[str, str]]:
        printed = []
        for email, first_name, last_name, role, superuser in DEMO_ACCOUNTS:
            user = demo_account(
                email=email, first_name=first_name, last_name=last_name, superuser=superuser
            )
            if role:
                assign_role(user=user, role=role)
            label = "amministratore" if superuser else (role.label if role else "cittadina")
            printed.append((email, str(label)))
        return printed
