"""Load the city of Reggio Emilia and one demo account per role; safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from collabcity import city, city_data, registry
from collabcity.demo import DEMO_PASSWORD, DemoAccount, demo_account
from collabcity.models import Ambito, Organisation, Quartiere
from collabcity.page_cache import compact_page_changes
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role

# The core's demo accounts; each programme adds the accounts of its roles to its DemoLoader.
DEMO_ACCOUNTS = [
    DemoAccount("admin@demo.collabcity.it", "Amministratrice", "Demo", superuser=True),
    DemoAccount("personale@demo.collabcity.it", "Paola", "Personale", role=MUNICIPAL_STAFF),
    DemoAccount("cittadina@demo.collabcity.it", "Chiara", "Cittadina"),
]


def all_demo_accounts() -> list[DemoAccount]:
    return DEMO_ACCOUNTS + [
        account for loader in registry.demo_loaders() for account in loader.accounts
    ]


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
        # Thousands of writes just logged for the page cache; every page would count them
        # until the periodic compaction's next run.
        compact_page_changes()
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
        role_labels = {role.name: role.label for role in registry.roles()}
        for account in all_demo_accounts():
            user = demo_account(
                email=account.email,
                first_name=account.first_name,
                last_name=account.last_name,
                superuser=account.superuser,
            )
            if account.role:
                assign_role(user=user, role=account.role)
            label = (
                "amministratore"
                if account.superuser
                else (role_labels[account.role] if account.role else "cittadina")
            )
            printed.append((account.email, str(label)))
        return printed
