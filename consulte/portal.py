"""What the consulte add to the core: pages, topics, roles, tasks, demo.

See collabcity.registry.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collabcity import registry
from collabcity.demo import DemoAccount

from . import demo, roles, schedule
from .elections import opendata
from .models import (
    NOTIFICATION_TOPIC,
    Ballot,
    BallotBox,
    BallotPreference,
    Candidate,
    CandidateResult,
    DeskCount,
    DeskCountLine,
    Election,
    ElectionLogEntry,
    Elector,
    ElectorVerification,
    ElectorVote,
    Envelope,
    Guardian,
    Result,
    RollImport,
    VotingCredential,
    VotingPoint,
)
from .rules import has_office_perm, is_poll_worker

ELECTION_MODELS = (
    Election,
    Candidate,
    RollImport,
    Elector,
    VotingCredential,
    ElectorVerification,
    ElectorVote,
    VotingPoint,
    BallotBox,
    Guardian,
    Envelope,
    Ballot,
    BallotPreference,
    DeskCount,
    DeskCountLine,
    Result,
    CandidateResult,
    ElectionLogEntry,
)


def working_areas(user):
    if has_office_perm(user, "consulte.work_as_councillor"):
        yield registry.WorkingArea(
            _("La mia consulta: i pareri da scrivere"), reverse("consulte:council_mine")
        )
    if is_poll_worker(user):
        yield registry.WorkingArea(_("Punto voto: le elezioni"), reverse("consulte:election_list"))


def register() -> None:
    registry.register_datasets(opendata.datasets)
    # The elections' Celery tasks live beside their services, where autodiscovery (which
    # looks for <app>.tasks) does not see them.
    from .elections import tasks  # noqa: F401

    roles.register()
    registry.register_periodic_tasks(schedule.BEAT_SCHEDULE)
    # An election's pages and services read the primary database, never a replica: a lagging
    # copy would show a closed election as open, a cast vote as not cast, a roll entry as not
    # yet verified.
    registry.register_primary_reads(model._meta.label for model in ELECTION_MODELS)
    # Only the electoral rolls are private among the consulte's files.
    registry.register_private_folder("consulte", "consulte.view_rollimport")
    registry.register_demo(
        registry.DemoLoader(
            app_label="consulte",
            load=demo.load,
            after=("volontariato",),
            accounts=(
                DemoAccount(
                    "scrutatore@demo.collabcity.it", "Sara", "Scrutatrice", role=roles.POLL_WORKER
                ),
                DemoAccount(
                    "scrutatore2@demo.collabcity.it", "Sandro", "Scrutatore", role=roles.POLL_WORKER
                ),
            ),
        )
    )
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
