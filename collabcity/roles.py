"""The roles of the portal, each a Django group created by migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MUNICIPAL_STAFF = "Personale comunale", _("Personale comunale")
    CENTRE_MANAGER = "Gestore di centro sociale", _("Gestore di centro sociale")
    POLL_WORKER = "Scrutatore", _("Scrutatore")
    VOLUNTEER_COORDINATOR = "Coordinatore dei volontari", _("Coordinatore dei volontari")


# Roles whose daily tool is the Django admin get staff status with the group.
ADMIN_ROLES = {Role.MUNICIPAL_STAFF}


def full_control(app_label: str, *models: str) -> list[str]:
    return [
        f"{app_label}.{action}_{model}"
        for model in models
        for action in ("add", "change", "delete", "view")
    ]


# The permissions of each programme, by who uses them. Records that only a service may write
# (ballots, votes, status changes, sign-ups' history) get view permissions at most.
CORE_STAFF_PERMISSIONS = [
    "collabcity.view_user",
    "collabcity.add_ambito",
    "collabcity.change_ambito",
    "collabcity.view_ambito",
    "collabcity.add_quartiere",
    "collabcity.change_quartiere",
    "collabcity.view_quartiere",
    "collabcity.add_organisation",
    "collabcity.change_organisation",
    "collabcity.view_organisation",
    # The sources of the city data, corrected with the records they support.
    *full_control("collabcity", "factsource"),
    "collabcity.view_notification",
]

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

# Accordi: staff draft agreements and steer them through the lifecycle in the admin.
AGREEMENTS_STAFF_PERMISSIONS = [
    *full_control(
        "accordi",
        "agreement",
        "party",
        "action",
        "commitment",
        "indicator",
        "measurement",
        "attachment",
    ),
    "accordi.transition_agreement",
    "accordi.view_statuschange",
    "accordi.view_comment",
    "accordi.view_reminder",
]

# Centri sociali: staff keep the centres, rooms and every calendar in the admin; managers are
# not staff and work only from the managers' page of their own centre (no model permission).
CENTRES_STAFF_PERMISSIONS = [
    *full_control("centri_sociali", "centre", "room", "openinghours", "facility", "activity"),
    "centri_sociali.view_occurrence",
    "centri_sociali.view_registration",
    "centri_sociali.view_centrefollow",
]

# Volontariato: the register, opportunities and shifts; status changes and sign-ups made in
# the admin go through volontariato.services like those made on the portal.
VOLUNTEERING_PERMISSIONS = [
    "volontariato.view_volunteer",
    "volontariato.change_volunteer",
    "volontariato.view_statuschange",
    "volontariato.add_opportunity",
    "volontariato.change_opportunity",
    "volontariato.view_opportunity",
    "volontariato.add_shift",
    "volontariato.change_shift",
    "volontariato.view_shift",
    "volontariato.add_signup",
    "volontariato.view_signup",
    "volontariato.change_signup",
    "volontariato.view_hourslog",
    "volontariato.view_certificate",
]

# The model permissions each role holds, granted after every migrate (see signals.py) so that
# a permission of a model added later reaches its role as soon as the model exists.
ROLE_PERMISSIONS = {
    Role.MUNICIPAL_STAFF: [
        *CORE_STAFF_PERMISSIONS,
        *COUNCILS_STAFF_PERMISSIONS,
        *ELECTIONS_STAFF_PERMISSIONS,
        *AGREEMENTS_STAFF_PERMISSIONS,
        *CENTRES_STAFF_PERMISSIONS,
        *VOLUNTEERING_PERMISSIONS,
    ],
    Role.CENTRE_MANAGER: [],
    # Scrutatori work from the portal's voting-desk pages (not the admin): the role itself is
    # the check there; they read the roll of the election they serve.
    Role.POLL_WORKER: ["consulte.view_elector"],
    Role.VOLUNTEER_COORDINATOR: ["collabcity.view_organisation", *VOLUNTEERING_PERMISSIONS],
}
