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


def register() -> None:
    registry.grant_permissions(MUNICIPAL_STAFF, AGREEMENTS_STAFF_PERMISSIONS)
