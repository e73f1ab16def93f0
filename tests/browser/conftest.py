"""The browser suite: Debian's Chromium, driven by Playwright, against the live app this run starts.

The app is the one ``make run`` serves (development settings, demo data from
``seed_demo``), in its own database: a SQLite file, or a database of its own
on the PostgreSQL server when ``DATABASE_URL`` points there. The browser tests
run after the rest of the suite. Under ``make test`` (``-n 2``) the run's
controller migrates and seeds that database when the run starts, and each
worker serves a copy of it when it reaches the browser tests, so that a test
never counts the bookings of one running beside it on the other worker; a run
in one process builds it at its first browser test. Tests act only through the
browser, as a resident, a counter clerk or an editor would, each with demo
accounts of its own, so they can follow each other on one app.

Without Chromium or axe-core the suite is skipped, unless ``BROWSER_TESTS=required``
(CI sets it), where a missing browser is an error. ``BROWSER_TESTS=journeys``
runs only the journeys that write to the database (marked ``journey``), and
fails as well without a browser: CI's way to drive them against PostgreSQL,
where the page sweeps would only read the same pages again. ``BROWSER_TESTS=skip``
leaves the suite out. ``BROWSER_BASE_URL`` points it at a server already running
(quicker while writing tests).
"""

import os
from pathlib import Path

import pytest

from tests.browser import clock
from tests.browser.live_app import InBackground, build, serve, wait_for

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What WCAG 2.2 AA asks, as axe tags its rules.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "Panlong-2026!"

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LANGUAGES = ("zh-hans", "en")


def _missing():
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE_JS.exists():
        return "axe-core is not installed (npm ci)"
    return None


def _chosen():
    return os.environ.get("BROWSER_TESTS")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    chosen = _chosen()
    missing = "BROWSER_TESTS=skip" if chosen == "skip" else _missing()

    def is_browser_test(item):
        return here in Path(item.fspath).parents

    for item in filter(is_browser_test, items):
        item.add_marker(pytest.mark.browser)
        if missing and chosen not in ("required", "journeys"):
            item.add_marker(pytest.mark.skip(reason=f"browser tests left out: {missing}"))
        elif chosen == "journeys" and not item.get_closest_marker("journey"):
            # The page sweeps only read pages that look the same whatever the database.
            item.add_marker(pytest.mark.skip(reason="BROWSER_TESTS=journeys: only the journeys that write"))
    # Last (a stable sort), so that a parallel run's workers find the app its controller builds serving by then;
    # so are the other tests of the live app (marked ``live_app``: the API's property-based run), just before
    # the browser tests: its few long tests at the very end kept one worker busy while the others had finished.
    items.sort(key=lambda item: 2 if is_browser_test(item) else 1 if item.get_closest_marker("live_app") else 0)


# The one demo database of a parallel run (pytest-xdist). The controller collects no tests, so it judges
# from the paths it was given whether browser tests will run; tests/conftest.py calls these.
_SHARED = pytest.StashKey[InBackground]()
_SHARED_STATE = "live_app_state"


# Tests outside this folder that serve the live app too, whether or not a browser is at hand.
LIVE_APP_TESTS = (ROOT / "tests" / "marketplace" / "api" / "test_openapi_properties.py",)


def _given(config):
    """The paths the run was given, resolved."""
    base = config.rootpath if config.args_source == pytest.Config.ArgsSource.TESTPATHS else config.invocation_params.dir
    return [(base / arg.split("::")[0]).resolve() for arg in config.args]


def _covers(path, test_path):
    return path == test_path or path in test_path.parents or test_path in path.parents


def _drives_the_browser(config):
    chosen = _chosen()
    if chosen == "skip" or os.environ.get("BROWSER_BASE_URL"):
        return False
    if _missing() and chosen not in ("required", "journeys"):
        return False
    here = Path(__file__).parent
    return any(_covers(path, here) for path in _given(config))


def _needs_the_live_app(config):
    if os.environ.get("BROWSER_BASE_URL"):
        return False
    return _drives_the_browser(config) or any(
        _covers(path, test_path) for path in _given(config) for test_path in LIVE_APP_TESTS
    )


def share_live_app(node):
    """For each worker: the state file of the demo the controller builds from the first worker on."""
    config = node.config
    if _SHARED not in config.stash:
        if not _needs_the_live_app(config):
            return
        config.stash[_SHARED] = InBackground()
    node.workerinput[_SHARED_STATE] = str(config.stash[_SHARED].state)


def stop_shared_live_app(config):
    if _SHARED in config.stash:
        config.stash[_SHARED].stop()


def shared_state(config):
    """In a worker of a parallel run whose controller builds the live app, its state file (``InBackground``)."""
    return getattr(config, "workerinput", {}).get(_SHARED_STATE)


def demo_of_the_run(request):
    """The demo database the live app serves a copy of, built by the run's controller or here;
    None when ``BROWSER_BASE_URL`` points at an app started by its owner. The ``live_demo`` fixture
    (tests/conftest.py, so that tests outside this folder share it)."""
    if os.environ.get("BROWSER_BASE_URL"):
        yield None
        return
    shared = shared_state(request.config)
    if shared:
        yield wait_for(shared)
        return
    with build() as demo:
        yield demo


@pytest.fixture(scope="session")
def live_app(live_demo):
    """The base URL of the app, migrated and seeded with the demo data, served for the whole run."""
    if live_demo is None:
        yield os.environ["BROWSER_BASE_URL"].rstrip("/")
        return
    with serve(live_demo) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def live_clock(live_demo):
    """Seconds from the real clock to the live app's (tests/browser/clock.py); 0 for an app at
    ``BROWSER_BASE_URL``, started by its owner on the real clock."""
    return live_demo.clock_offset if live_demo else 0.0


@pytest.fixture
def on_the_apps_clock(live_clock):
    """The test reads the clock the app reads: ``datetime.now()`` gives the app's "now" and "today"."""
    with clock.travel(live_clock):
        yield


@pytest.fixture(scope="module")
def browser():
    # Per module, not per run: Playwright's sync API keeps an asyncio loop running in this thread
    # while it is started, and the worker's database tests after the browser tests would then
    # refuse to run (Django's SynchronousOnlyOperation). A launch costs about two seconds.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_app):
    """``open_page(viewport="phone", language="zh-hans", javascript=True, elderly=False)``: a page of a
    fresh browser context (no cookies shared with other tests) on the live app.

    Every page it opens is also watched for Content-Security-Policy violations (Chromium reports each
    on the console): a test that met one fails at teardown, naming the page and what was refused."""
    contexts = []
    refused = []

    def watch(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def open_page(viewport="phone", language="zh-hans", javascript=True, elderly=False):
        context = browser.new_context(
            base_url=live_app,
            viewport=VIEWPORTS[viewport],
            java_script_enabled=javascript,
            locale="zh-CN" if language == "zh-hans" else "en-GB",
            timezone_id="Asia/Shanghai",
        )
        cookies = [{"name": "django_language", "value": language, "url": live_app}]
        if elderly:
            cookies.append({"name": "elderly", "value": "1", "url": live_app})
        context.add_cookies(cookies)
        context.set_default_timeout(15_000)
        context.on("console", watch)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert refused == [], "Content-Security-Policy violations:\n" + "\n".join(refused)


def log_in(page, email, password=PASSWORD, next_path="/"):
    """Sign in through the login form, as a person would, and land on ``next_path``."""
    page.goto(f"/shop/accounts/login/?next={next_path}")
    page.locator("#id_login-username").fill(email)
    page.locator("#id_login-password").fill(password)
    page.locator("button[name=login_submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"could not sign in as {email}"


def axe_violations(page):
    """axe-core's WCAG 2.2 AA violations on the page as it is now, each as a readable line."""
    # Evaluated by the browser's developer protocol, not a <script> the page runs: our pages allow
    # no inline script (Content-Security-Policy), and the check must not weaken what it checks.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s), e.g. "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
    ]
