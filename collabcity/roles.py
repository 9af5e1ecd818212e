"""The roles of the portal, each a Django group created after every migrate.

The core has one role, the Comune's staff. Each programme registers its own roles and the
permissions it grants to any role (collabcity.registry.register_role / grant_permissions);
`sync_role_groups` reads them after every migrate.
"""

from django.utils.translation import gettext_lazy as _

MUNICIPAL_STAFF = "Personale comunale"
MUNICIPAL_STAFF_LABEL = _("Personale comunale")


def full_control(app_label: str, *models: str) -> list[str]:
    return [
        f"{app_label}.{action}_{model}"
        for model in models
        for action in ("add", "change", "delete", "view")
    ]


# Records that only a service may write (ballots, votes, status changes, sign-ups' history)
# get view permissions at most, in the core as in every programme.
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
