"""SPID/CIE verification through allauth's OpenID Connect provider, against a provider that
this test serves itself (discovery, authorize, token with an RS256 id_token, userinfo, jwks)."""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from consulte.elections import oidc
from consulte.models import ElectorVerification

CLIENT_ID, CLIENT_SECRET = "collabcity", "segreto-di-prova"


class Provider:
    """A minimal OpenID Connect provider: one user, whose claims the test chooses."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.codes: dict[str, str] = {}  # code -> redirect_uri
        self.tokens: set[str] = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def id_token(self) -> str:
        now = int(time.time())
        payload = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": self.claims["sub"],
            "iat": now,
            "exp": now + 300,
            **self.claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "k1"})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(
                        {
                            "issuer": provider.url,
                            "authorization_endpoint": f"{provider.url}/authorize",
                            "token_endpoint": f"{provider.url}/token",
                            "userinfo_endpoint": f"{provider.url}/userinfo",
                            "jwks_uri": f"{provider.url}/jwks",
                            "token_endpoint_auth_methods_supported": ["client_secret_post"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                if url.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json({"keys": [{**jwk, "kid": "k1", "alg": "RS256"}]})
                if url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    assert query["client_id"] == CLIENT_ID
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query["redirect_uri"]
                    target = f"{query['redirect_uri']}?" + urlencode(
                        {"code": code, "state": query["state"]}
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(provider.claims)
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                valid = (
                    self.path == "/token"
                    and form.get("client_id") == CLIENT_ID
                    and form.get("client_secret") == CLIENT_SECRET
                    and provider.codes.pop(form.get("code"), None) == form.get("redirect_uri")
                )
                if not valid:
                    return self._json({"error": "invalid_grant"}, 400)
                token = secrets.token_urlsafe(16)
                provider.tokens.add(token)
                return self._json(
                    {
                        "access_token": token,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(),
                    }
                )

        return Handler


@pytest.fixture
def provider(settings):
    provider = Provider()
    provider.thread.start()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": oidc.PROVIDER_ID,
                    "name": "SPID / CIE",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": provider.url, "scope": ["openid", "profile"]},
                }
            ]
        }
    }
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


def spid_login(client, provider, fiscal_number: str):
    """The browser's trip: portal → provider's authorize → back to the portal's callback."""
    provider.claims = {
        "sub": "spid-user-1",
        "fiscalNumber": fiscal_number,
        "given_name": "Anna",
        "family_name": "Rossi",
    }
    start = client.post(oidc.login_url())
    assert start.status_code == 302
    assert start.url.startswith(provider.url + "/authorize")
    back = requests.get(start.url, allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}", follow=True)


def test_spid_fiscal_number_on_the_roll_verifies_the_elector(
    provider, citizen_client, citizen, election, elector
):
    response = spid_login(citizen_client, provider, f"TINIT-{elector.fiscal_code}")
    verification = ElectorVerification.objects.get()
    assert (verification.user, verification.elector) == (citizen, elector)
    assert verification.method == ElectorVerification.Method.OIDC
    assert response.redirect_chain[-1][0] == reverse("consulte:ballot", args=[election.pk])
    assert "Sei verificato come elettore" in response.content.decode()


def test_spid_fiscal_number_not_on_the_roll_verifies_nothing(
    provider, citizen_client, election, elector
):
    response = spid_login(citizen_client, provider, "TINIT-BNCLRA80A41H223Q")
    assert not ElectorVerification.objects.exists()
    assert "non è nella lista elettorale" in response.content.decode()


def test_verify_page_offers_spid_when_configured(provider, citizen_client, election):
    page = citizen_client.get(reverse("consulte:election_verify", args=[election.pk]))
    assert "Entra con SPID o CIE" in page.content.decode()


def test_verify_page_without_provider_has_no_spid_button(settings, citizen_client, election):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    page = citizen_client.get(reverse("consulte:election_verify", args=[election.pk]))
    assert "Entra con SPID o CIE" not in page.content.decode()


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"fiscalNumber": "TINIT-RSSMRA80A01H223Y"}, "RSSMRA80A01H223Y"),
        ({"fiscal_number": "rssmra80a01h223y"}, "RSSMRA80A01H223Y"),
        ({"email": "x@example.org"}, ""),
    ],
)
def test_fiscal_code_is_read_from_the_claims(claims, expected):
    assert oidc.fiscal_code_from_claims(claims) == expected
