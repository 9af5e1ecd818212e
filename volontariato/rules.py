"""Who may see and do what in civic volunteering (see STYLE.md, "Who may do what").

The portal's views ask these permissions (404 when the object is not the person's to see, 403
when they may see it but not act), the templates ask them with {% has_perm %} and the profile's
working-area link with user.has_perm. The services do not ask again: their callers are the
views, the admin (which asks its model permissions) and the Comune's commands and tasks.
tests/volontariato/test_permissions.py holds the whole matrix.
"""

import rules

from .models import Volunteer


@rules.predicate
def keeps_the_register(user) -> bool:
    """Coordinators with the role and the Comune's staff, the roles volontariato.roles lets
    change volunteers' records: they keep the register, post opportunities, oversee them all."""
    # A model permission of ModelBackend, cached on the user: asked many times per page.
    return user.has_perm("volontariato.change_volunteer")


@rules.predicate
def coordinates_any_opportunity(user) -> bool:
    return user.is_authenticated and user.coordinated_opportunities.exists()


@rules.predicate
def is_published(user, opportunity) -> bool:
    return opportunity is not None and opportunity.published


@rules.predicate
def coordinates_opportunity(user, opportunity) -> bool:
    return (
        opportunity is not None and user.is_authenticated and opportunity.coordinator_id == user.pk
    )


@rules.predicate
def coordinates_shift(user, shift) -> bool:
    return shift is not None and coordinates_opportunity(user, shift.opportunity)


@rules.predicate
def is_active_volunteer(user) -> bool:
    if not user.is_authenticated:
        return False
    try:
        volunteer = user.volunteer  # cached on the user after the first question
    except Volunteer.DoesNotExist:
        return False
    return volunteer.status == Volunteer.Status.ACTIVE


@rules.predicate
def is_own_signup(user, signup) -> bool:
    return signup is not None and user.is_authenticated and signup.volunteer.user_id == user.pk


@rules.predicate
def is_the_volunteer(user, volunteer) -> bool:
    return volunteer is not None and user.is_authenticated and volunteer.user_id == user.pk


@rules.predicate
def coordinates_the_volunteer(user, volunteer) -> bool:
    """Coordinates an opportunity the volunteer signed up for."""
    if volunteer is None or not user.is_authenticated:
        return False
    return volunteer.signups.filter(shift__opportunity__coordinator=user).exists()


@rules.predicate
def is_own_certificate(user, certificate) -> bool:
    return (
        certificate is not None
        and user.is_authenticated
        and certificate.volunteer.user_id == user.pk
    )


# Opportunities and shifts
rules.add_perm(
    "volontariato.see_opportunity", is_published | coordinates_opportunity | keeps_the_register
)
rules.add_perm("volontariato.post_opportunity", keeps_the_register)
rules.add_perm("volontariato.edit_opportunity", keeps_the_register)
# Plan the opportunity's shifts and reach it from the coordination page.
rules.add_perm("volontariato.coordinate_opportunity", coordinates_opportunity | keeps_the_register)
# The shift's attendance sheet: who signed up, presences and hours.
rules.add_perm("volontariato.confirm_hours", coordinates_shift | keeps_the_register)
# The coordination page: the shifts of the opportunities one coordinates.
rules.add_perm("volontariato.coordinate", coordinates_any_opportunity | keeps_the_register)

# The volunteer's own actions. Whether this volunteer may take this shift (insured that day,
# no overlap, places left) is the service's check, with its reason for the person.
rules.add_perm("volontariato.take_shifts", is_active_volunteer)
rules.add_perm("volontariato.cancel_signup", is_own_signup)
rules.add_perm("volontariato.submit_hours", is_own_signup)
rules.add_perm("volontariato.download_certificate", is_own_certificate)

# The register: personal data, status changes, the totals and every opportunity.
rules.add_perm(
    "volontariato.see_volunteer",
    is_the_volunteer | keeps_the_register | coordinates_the_volunteer,
)
rules.add_perm("volontariato.change_volunteer_status", keeps_the_register)
rules.add_perm("volontariato.keep_register", keeps_the_register)
