"""What the consulte add to the portal's shared pages (see collabcity.registry)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collabcity import registry
from collabcity.roles import Role

from .models import NOTIFICATION_TOPIC
from .services import current_seats


def working_areas(user):
    if current_seats(user=user).exists():
        yield registry.WorkingArea(
            _("La mia consulta: i pareri da scrivere"), reverse("consulte:council_mine")
        )
    if user.has_role(Role.POLL_WORKER):
        yield registry.WorkingArea(_("Punto voto: le elezioni"), reverse("consulte:election_list"))


def register() -> None:
    registry.register_topic(
        registry.Topic(NOTIFICATION_TOPIC, gettext_lazy("Elezioni e consulte"), 10)
    )
    registry.register_home_section(
        registry.PageSection("consulte", "consulte/home_card.html", lambda request: {}, 10)
    )
    registry.register_quartiere_section(
        registry.PageSection(
            "consulte", "consulte/quartiere_section.html", lambda request, quartiere: {}, 10
        )
    )
    registry.register_working_areas(working_areas)
