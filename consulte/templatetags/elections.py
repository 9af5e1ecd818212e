from django import template

from consulte.elections import oidc
from consulte.models import Election

register = template.Library()


@register.simple_tag
def open_elections():
    """{% open_elections as elections %}: the elections open now, closing first."""
    return list(Election.objects.open_at().select_related("council").order_by("closes_at"))


@register.simple_tag
def spid_login_url() -> str:
    return oidc.login_url()
