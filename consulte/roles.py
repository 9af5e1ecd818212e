"""The consulte's role (the poll worker) and the permissions it grants, registered at start-up."""

from django.utils.translation import gettext_lazy as _

from collabcity import registry
from collabcity.roles import MUNICIPAL_STAFF, full_control

POLL_WORKER = "Scrutatore"

# Consulte: a council is never deleted (its history stays), an opinion request only while
# untouched (the admin enforces it). Ballots and "has voted" records have no admin at all.
COUNCILS_STAFF_PERMISSIONS = [
    "consulte.add_council",
    "consulte.change_council",
    "consulte.view_council",
    *full_control("consulte", "member", "meeting", "programmingdocument", "opinionrequest"),
]
ELECTIONS_STAFF_PERMISSIONS = [
    "consulte.add_election",
    "consulte.change_election",
    "consulte.view_election",
    "consulte.change_candidate",
    "consulte.view_candidate",
    "consulte.view_elector",
    "consulte.add_rollimport",
    "consulte.view_rollimport",
    "consulte.view_result",
    "consulte.view_deskcount",
    "consulte.add_guardian",
    "consulte.change_guardian",
    "consulte.delete_guardian",
    "consulte.view_guardian",
    "consulte.view_ballotbox",
    "consulte.run_key_ceremony",
    "consulte.open_ballot_box",
    # Voting points and their poll workers; the election's append-only log, read only.
    "consulte.add_votingpoint",
    "consulte.change_votingpoint",
    "consulte.view_votingpoint",
    "consulte.view_electionlogentry",
    "consulte.declare_count_complete",
    # Not "consulte.issue_code_during_vote": re-issuing a code while voting is open lets one
    # officer vote for someone else, so it is granted to named people only.
]


def register() -> None:
    # Scrutatori work from the portal's voting-desk pages (not the admin): the role itself is
    # the check there; they read the roll of the election they serve.
    registry.register_role(registry.RoleSpec(POLL_WORKER, _("Scrutatore")))
    registry.grant_permissions(POLL_WORKER, ["consulte.view_elector"])
    registry.grant_permissions(
        MUNICIPAL_STAFF, [*COUNCILS_STAFF_PERMISSIONS, *ELECTIONS_STAFF_PERMISSIONS]
    )
