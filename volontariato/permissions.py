"""Who may see and do what in civic volunteering: one place, used by views and admin."""

from collabcity.roles import MUNICIPAL_STAFF

from .roles import VOLUNTEER_COORDINATOR

REGISTRY_ROLES = (VOLUNTEER_COORDINATOR, MUNICIPAL_STAFF)


def is_registry_staff(user) -> bool:
    """Keepers of the register: coordinators with the role and municipal staff."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=REGISTRY_ROLES).exists()


def coordinates(user, opportunity) -> bool:
    """May confirm attendance and hours on this opportunity's shifts."""
    if not user.is_authenticated:
        return False
    return opportunity.coordinator_id == user.pk or is_registry_staff(user)


def is_coordinator(user) -> bool:
    """Has a coordination page: coordinates some opportunity, or keeps the register."""
    if not user.is_authenticated:
        return False
    return is_registry_staff(user) or user.coordinated_opportunities.exists()


def may_see_volunteer(user, volunteer) -> bool:
    """Personal data: registry staff, and coordinators of an opportunity the volunteer joined."""
    if not user.is_authenticated:
        return False
    if volunteer.user_id == user.pk or is_registry_staff(user):
        return True
    return volunteer.signups.filter(shift__opportunity__coordinator=user).exists()
