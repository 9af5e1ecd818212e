"""Who may do what with the centri sociali (see STYLE.md, "Who may do what").

Views, templates and the portal ask these permissions. The services trust their callers on
who acts (the views ask here; the admin and the demo loader are trusted) and refuse only what
the state of a date forbids, with a message. The admin keeps Django's model permissions,
which the municipal staff's group holds (roles.py).
"""

import rules
from rules.predicates import is_authenticated

from .models import Centre


@rules.predicate
def manages_centre(user, centre: Centre | None) -> bool:
    """The centre's managers, and the staff who keep every calendar (CentreQuerySet.managed_by,
    which also lists a person's centres)."""
    return centre is not None and Centre.objects.managed_by(user).filter(pk=centre.pk).exists()


# The managers' page of a centre: its calendar, its contacts and hours, who registered.
rules.add_perm("centri_sociali.manage_centre", manages_centre)
# Anyone with an account follows centres and takes (or gives back) a place at a date, so the
# views' permission_required sends only anonymous visitors to log in. Which dates take
# registrations is the service's answer, with a message, not a permission.
rules.add_perm("centri_sociali.follow_centre", is_authenticated)
rules.add_perm("centri_sociali.register_for_activity", is_authenticated)
