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

# The model permissions each role holds, granted after every migrate (see signals.py) so that
# a permission of a model added later reaches its role as soon as the model exists.
ROLE_PERMISSIONS = {
    Role.MUNICIPAL_STAFF: [
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
        "collabcity.view_notification",
    ],
    Role.CENTRE_MANAGER: [],
    Role.POLL_WORKER: [],
    Role.VOLUNTEER_COORDINATOR: ["collabcity.view_organisation"],
}
