"""Volontariato's role (the coordinator) and the permissions it grants, registered at start-up."""

from django.utils.translation import gettext_lazy as _

from collabcity import registry
from collabcity.roles import MUNICIPAL_STAFF

VOLUNTEER_COORDINATOR = "Coordinatore dei volontari"

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


def register() -> None:
    registry.register_role(
        registry.RoleSpec(VOLUNTEER_COORDINATOR, _("Coordinatore dei volontari"))
    )
    registry.grant_permissions(MUNICIPAL_STAFF, VOLUNTEERING_PERMISSIONS)
    registry.grant_permissions(
        VOLUNTEER_COORDINATOR, ["collabcity.view_organisation", *VOLUNTEERING_PERMISSIONS]
    )
