"""What the accordi add to the portal's shared pages (see collabcity.registry)."""

from collabcity import registry

from .models import Agreement


def quartiere_section(request, quartiere) -> dict:
    return {"agreements": Agreement.objects.public().filter(quartieri=quartiere)}


def register() -> None:
    registry.register_home_section(
        registry.PageSection("accordi", "accordi/home_card.html", lambda request: {}, 20)
    )
    registry.register_quartiere_section(
        registry.PageSection("accordi", "accordi/quartiere_section.html", quartiere_section, 30)
    )
