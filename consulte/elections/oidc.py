"""SPID/CIE through allauth's OpenID Connect provider: the configured provider's verified
fiscal-number claim is matched to the electoral rolls (see verification.verify_with_identity).

The provider is configured from the environment in settings (SPID_OIDC_*), with the
provider id below; nothing here talks to the provider, allauth does.
"""

from urllib.parse import urlencode

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.urls import reverse

from collabcity.models import User

from .common import normalize_fiscal_code

PROVIDER_ID = "spid"


def is_configured() -> bool:
    apps = getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).get("openid_connect", {}).get("APPS")
    return any(app.get("provider_id") == PROVIDER_ID for app in apps or [])


def login_url() -> str:
    """Where the verification page posts to: connect the provider to the logged-in account,
    then come back to the matching view."""
    query = urlencode({"process": "connect", "next": reverse("consulte:election_verify_oidc")})
    return f"{reverse('openid_connect_login', kwargs={'provider_id': PROVIDER_ID})}?{query}"


def fiscal_code_from_claims(claims: dict) -> str:
    """SPID sends fiscalNumber as 'TINIT-<codice fiscale>'; CIE and others may send it bare."""
    for key in ("fiscalNumber", "fiscal_number", "fiscalCode"):
        value = claims.get(key)
        if value:
            value = normalize_fiscal_code(str(value))
            return value.split("-", 1)[1] if value.startswith("TINIT-") else value
    return ""


def fiscal_code_for(user: User) -> str:
    """The fiscal code the provider vouched for, from the id token or the userinfo claims."""
    for account in SocialAccount.objects.filter(user=user, provider=PROVIDER_ID):
        data = account.extra_data or {}
        claims = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
        fiscal_code = fiscal_code_from_claims(claims or data)
        if fiscal_code:
            return fiscal_code
    return ""
