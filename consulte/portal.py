"""What the consulte add to the core: pages, topics, roles, tasks, demo.

See collabcity.registry.
"""

from datetime import datetime

from django.db.models import Min, Q
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
    Meeting,
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


ELECTION_MOMENTS = ("nomination_opens_at", "nomination_closes_at", "opens_at", "closes_at")


def next_page_change(now: datetime) -> datetime | None:
    """An election's candidacies or vote open or close, a meeting goes from upcoming to past
    (dates of terms and of opinions' deadlines change at midnight, the core's)."""
    elections = Election.objects.aggregate(
        **{name: Min(name, filter=Q(**{f"{name}__gt": now})) for name in ELECTION_MOMENTS}
    )
    meeting = Meeting.objects.filter(starts_at__gt=now).aggregate(first=Min("starts_at"))
    moments = [*elections.values(), meeting["first"]]
    return min((moment for moment in moments if moment is not None), default=None)


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
    registry.register_page_changes(next_page_change)
    # Election day writes these on every verification and vote; no public page shows them
    # (turnout and results are published by the tally, into tables that are tracked).
    for model in ("ElectorVerification", "VotingCredential", "ElectorVote", "Envelope"):
        registry.register_unshown_writes(f"consulte.{model}")
    registry.register_unshown_writes("consulte.ElectionLogEntry")
