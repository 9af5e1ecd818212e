import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # The Debian chromium, not a browser downloaded by Playwright (this network has none to offer).
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _sync_database_access_beside_playwright():
    # Playwright's sync API keeps an event loop running in the test thread; the tests (and the
    # creation of the test database, which may come after the browser started) still talk to
    # the database synchronously, which is safe here because nothing else uses that loop.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser set to Italian, as most of the portal's citizens have; the portal follows
    # Accept-Language until the person picks a language with the switch.
    return {**browser_context_args, "locale": "it-IT"}


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
