"""Fixtures every app's tests share: required services, real Daphne servers, Chromium.

Outside CI a test whose service (PostgreSQL, Redis, Chromium) is missing skips with its reason;
with HADIR_REQUIRE_SERVICES=1 (CI) it fails instead.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.support import daphne as daphne_support
from tests.support.janus import JanusProcess
from tests.support.services import require

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _close_the_sync_thread_connection():
    """Async tests reach the database through asgiref's one sync thread, whose connection outlives
    the test. Closed after each test, so that a later test without database access does not trip on
    it (Channels' close_old_connections checks it before every consumer handler)."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language. A test client's request leaves the language its
    LocaleMiddleware chose active in the thread; a later test on the same xdist worker that calls a
    service directly (the roster preview's messages, say) would otherwise read it in Indonesian."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def redis_url():
    """The Redis of the scaled-out run; tests that need several processes on one Redis use it."""
    url = settings.REDIS_URL or os.environ.get("HADIR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    require("redis", url)
    return url


@pytest.fixture
def daphne_factory(transactional_db, tmp_path):
    """Start real Daphne processes on free loopback ports, sharing this test's database:
    ``start(args=("--proxy-headers",), NAME=value)`` adds command-line options and environment."""
    servers = []

    def start(*, args=(), **env):
        server = daphne_support.DaphneServer(log_dir=tmp_path, extra_env=env, extra_args=args)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def daphne_server(daphne_factory):
    return daphne_factory()


@pytest.fixture
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("HADIR_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Chromium is required (HADIR_REQUIRE_SERVICES=1) but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def browser(chromium):
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--allow-loopback-in-peer-connection",
            ],
        )
        yield instance
        instance.close()


def pytest_sessionstart(session):
    """The scaled-out run needs PostgreSQL and Redis; without them it skips (or fails in CI)."""
    if os.environ.get("HADIR_SCALED_RUN") != "1":
        return
    from tests.support.services import reachable, services_required

    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not name PostgreSQL")
    else:
        where = settings.DATABASES["default"]
        problem = reachable(f"postgres://{where.get('HOST') or '127.0.0.1'}:{where.get('PORT') or 5432}", 5432)
        if problem:
            problems.append(f"PostgreSQL {problem}")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    elif problem := reachable(settings.REDIS_URL, 6379):
        problems.append(f"Redis {problem}")
    if problems:
        reason = "; ".join(problems)
        if services_required():
            pytest.exit(f"scaled-out run: {reason} (HADIR_REQUIRE_SERVICES=1)", returncode=1)
        pytest.exit(f"scaled-out run skipped: {reason}", returncode=0)


def pytest_sessionfinish(session, exitstatus):
    """Django deletes the SQLite test database but not its WAL files; remove this run's."""
    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" or not test_name:
        return
    for leftover in Path(test_name).parent.glob(f"{Path(test_name).name}*"):
        main = leftover.with_name(leftover.name.removesuffix("-wal").removesuffix("-shm"))
        if leftover.name.endswith(("-wal", "-shm")) and not main.exists():
            leftover.unlink(missing_ok=True)


def pytest_report_header(config):
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer = "redis" if settings.REDIS_URL else "in-memory"
    return f"hadir: database={db} channel_layer={layer} chromium={'yes' if shutil.which('chromium') else 'no'}"


@pytest.fixture
def janus(tmp_path):
    """A real Janus on loopback, from deploy/janus with free ports and fresh secrets (skips, or fails
    under HADIR_REQUIRE_SERVICES=1, where janus is missing)."""
    server = JanusProcess(tmp_path / "janus").start()
    yield server
    server.stop()
