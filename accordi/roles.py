"""The permissions the accordi grant to the Comune's staff, registered at start-up."""

from collabcity import registry
from collabcity.roles import MUNICIPAL_STAFF, full_control

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
]

# Proposals: staff open calls in the admin; they read proposals there, and evaluate them,
# moderate their comments and turn them into agreements on the portal's pages.
PROPOSALS_STAFF_PERMISSIONS = [
    *full_control("accordi", "call"),
    "accordi.manage_proposals",
    "accordi.view_proposal",
    "accordi.view_proposalstatuschange",
    "accordi.view_proposalcomment",
    "accordi.view_commentreport",
    "accordi.view_proposalattachment",
    "accordi.view_support",
]


def register() -> None:
    registry.grant_permissions(MUNICIPAL_STAFF, AGREEMENTS_STAFF_PERMISSIONS)
    registry.grant_permissions(MUNICIPAL_STAFF, PROPOSALS_STAFF_PERMISSIONS)
