from django import template

from consulte.rules import has_office_perm as _has_office_perm

register = template.Library()


@register.simple_tag
def has_office_perm(permission: str, user, obj=None) -> bool:
    """{% has_office_perm "consulte.draft_opinion" user opinion_request as can_draft %}: the
    {% has_perm %} of the acts of an office, which a superuser passes only by holding the office
    (see consulte/rules.py)."""
    return _has_office_perm(user, permission, obj)
