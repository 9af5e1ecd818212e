"""What the accordi add to the core (see collabcity.registry): pages, topics, roles, tasks, demo."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from collabcity import registry
from collabcity.demo import DemoAccount

from . import demo, opendata, roles, schedule
from .models import NOTIFICATION_TOPIC, Agreement, Call, Proposal


def quartiere_section(request, quartiere) -> dict:
    return {"agreements": Agreement.objects.public().filter(quartieri=quartiere)}


def quartiere_proposals(request, quartiere) -> dict:
    """The calls open to the quartiere and its proposals still on their way (never a draft)."""
    return {
        "calls": Call.objects.open().covering(quartiere.ambito_id).order_by("closes_on"),
        "proposals": Proposal.objects.public()
        .filter(quartieri=quartiere, status__in=Proposal.DISCUSSION_STATUSES)
        .order_by("-submitted_at"),
    }


def working_areas(user):
    if Proposal.objects.by(user).exists():
        yield registry.WorkingArea(_("Le mie proposte"), reverse("accordi:my_proposals"))
    if user.has_perm("accordi.evaluate_proposals"):
        yield registry.WorkingArea(
            _("Proposte da valutare"),
            reverse("accordi:proposal_list") + f"?stato={Proposal.Status.SUBMITTED}",
        )
        yield registry.WorkingArea(_("Commenti da moderare"), reverse("accordi:moderation"))


def register() -> None:
    registry.register_datasets(opendata.datasets)
    roles.register()
    registry.register_periodic_tasks(schedule.BEAT_SCHEDULE)
    registry.register_private_folder("accordi", "accordi.view_attachment")
    registry.register_private_folder("proposte", "accordi.view_proposalattachment")
    registry.register_demo(
        registry.DemoLoader(
            app_label="accordi",
            load=demo.load,
            after=("centri_sociali",),
        )
    )
    # The proposals come after the consulte, whose opinions they carry.
    registry.register_demo(
        registry.DemoLoader(
            app_label="accordi.proposals",
            load=demo.load_proposals,
            after=("accordi", "consulte"),
            accounts=(DemoAccount(demo.PROPOSER_EMAIL, "Pietro", "Proponente"),),
        )
    )
    registry.register_topic(registry.Topic(NOTIFICATION_TOPIC, _("Accordi di cittadinanza"), 20))
    registry.register_home_section(
        registry.PageSection("accordi", "accordi/home_card.html", lambda request: {}, 20)
    )
    registry.register_quartiere_section(
        registry.PageSection("accordi", "accordi/quartiere_section.html", quartiere_section, 30)
    )
    registry.register_quartiere_section(
        registry.PageSection("accordi", "accordi/quartiere_proposals.html", quartiere_proposals, 35)
    )
    registry.register_working_areas(working_areas)
