"""What the centri sociali add to the core: pages, topics, roles, tasks, demo.

See collabcity.registry.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collabcity import registry
from collabcity.demo import DemoAccount

from . import demo, opendata, roles
from .models import NOTIFICATION_TOPIC, Centre


def home_card(request) -> dict:
    return {"centre_count": Centre.objects.network().count()}


def quartiere_section(request, quartiere) -> dict:
    return {"centres": Centre.objects.for_listing().filter(quartiere=quartiere)}


def working_areas(user):
    yield registry.WorkingArea(
        _("Le mie iscrizioni alle attività dei centri sociali"),
        reverse("centri_sociali:my_registrations"),
    )
    if Centre.objects.managed_by(user).exists():
        yield registry.WorkingArea(
            _("Gestione del centro sociale"), reverse("centri_sociali:manage_index")
        )


def register() -> None:
    registry.register_datasets(opendata.datasets)
    roles.register()
    registry.register_demo(
        registry.DemoLoader(
            app_label="centri_sociali",
            load=demo.load,
            after=(),
            accounts=(
                DemoAccount(
                    "gestore@demo.collabcity.it", "Giorgio", "Gestore", role=roles.CENTRE_MANAGER
                ),
            ),
        )
    )
    registry.register_topic(
        registry.Topic(NOTIFICATION_TOPIC, gettext_lazy("Attività dei centri sociali"), 30)
    )
    registry.register_home_section(
        registry.PageSection("centri_sociali", "centri_sociali/home_card.html", home_card, 30)
    )
    registry.register_quartiere_section(
        registry.PageSection(
            "centri_sociali", "centri_sociali/quartiere_section.html", quartiere_section, 20
        )
    )
    registry.register_working_areas(working_areas)
