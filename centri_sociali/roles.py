"""The centres' role (the centre manager) and the permissions they grant, registered at start-up."""

from django.utils.translation import gettext_lazy as _

from collabcity import registry
from collabcity.roles import MUNICIPAL_STAFF, full_control

CENTRE_MANAGER = "Gestore di centro sociale"

# Centri sociali: staff keep the centres, rooms and every calendar in the admin; managers are
# not staff and work only from the managers' page of their own centre (no model permission).
CENTRES_STAFF_PERMISSIONS = [
    *full_control("centri_sociali", "centre", "room", "openinghours", "facility", "activity"),
    "centri_sociali.view_occurrence",
    "centri_sociali.view_registration",
    "centri_sociali.view_centrefollow",
]


def register() -> None:
    registry.register_role(registry.RoleSpec(CENTRE_MANAGER, _("Gestore di centro sociale")))
    registry.grant_permissions(MUNICIPAL_STAFF, CENTRES_STAFF_PERMISSIONS)
