import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.views.defaults import server_error

PROJECT = Path(settings.BASE_DIR)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process, as a deployment would, with env on top of ours."""
    # Neither the test key nor the browser tests' async switch belongs to a deployment.
    dropped = {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    inherited = {key: value for key, value in os.environ.items() if key not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    """`check --deploy` as production runs it, with a throwaway key, a host name and env."""
    return run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="partecipa.comune.re.it",
        **env,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_render_with_the_production_static_manifest(client, tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "collabcity.static_storage.PortalStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    for path in ["/", "/account/login/", "/pagina-che-non-esiste/"]:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert "/static/bootstrap-italia/css/bootstrap-italia.min." in response.content.decode()
    assert server_error(RequestFactory().get("/")).status_code == 500


@pytest.mark.django_db
def test_a_static_files_url_is_the_manifests_and_a_missing_file_is_never_remembered(
    tmp_path, settings
):
    from collabcity.static_storage import PortalStaticFilesStorage

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "collabcity.static_storage.PortalStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    storage = PortalStaticFilesStorage()
    name = "collabcity/portal.css"

    hashed = storage.url(name)

    assert hashed == storage.url(name) != f"/static/{name}"
    assert hashed == f"/static/{storage.stored_name(name)}"
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("collabcity/non-esiste.css")
