"""What the accordi add to the core (see collabcity.registry): pages, topics, roles, tasks, demo."""

from django.utils.translation import gettext_lazy as _

from collabcity import registry

from . import demo, opendata, roles, schedule
from .models import NOTIFICATION_TOPIC, Agreement


def quartiere_section(request, quartiere) -> dict:
    return {"agreements": Agreement.objects.public().filter(quartieri=quartiere)}


def register() -> None:
    registry.register_datasets(opendata.datasets)
    roles.register()
    registry.register_periodic_tasks(schedule.BEAT_SCHEDULE)
    registry.register_private_folder("accordi", "accordi.view_attachment")
    registry.register_demo(
        registry.DemoLoader(
            app_label="accordi",
            load=demo.load,
            after=("centri_sociali",),
        )
    )
    registry.register_topic(registry.Topic(NOTIFICATION_TOPIC, _("Accordi di cittadinanza"), 20))
    registry.register_home_section(
        registry.PageSection("accordi", "accordi/home_card.html", lambda request: {}, 20)
    )
    registry.register_quartiere_section(
        registry.PageSection("accordi", "accordi/quartiere_section.html", quartiere_section, 30)
    )
