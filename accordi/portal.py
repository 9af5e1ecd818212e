"""What the accordi add to the portal's shared pages (see collabcity.registry)."""

from django.utils.translation import gettext_lazy as _

from collabcity import registry

from .models import NOTIFICATION_TOPIC, Agreement


def quartiere_section(request, quartiere) -> dict:
    return {"agreements": Agreement.objects.public().filter(quartieri=quartiere)}


def register() -> None:
    registry.register_topic(registry.Topic(NOTIFICATION_TOPIC, _("Accordi di cittadinanza"), 20))
    registry.register_home_section(
        registry.PageSection("accordi", "accordi/home_card.html", lambda request: {}, 20)
    )
    registry.register_quartiere_section(
        registry.PageSection("accordi", "accordi/quartiere_section.html", quartiere_section, 30)
    )
