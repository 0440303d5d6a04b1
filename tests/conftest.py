"""Fixtures shared by the whole test suite, and the markers every test gets from where it is.

Services: a missing PostgreSQL or Redis skips the tests that need it, unless
``REQUIRE_SERVICES=1``, where it fails them: CI must not turn green by skipping what it was meant
to test. Helpers that are not fixtures live in tests/support/.

Markers are given here, from what a test uses, so that a new test is marked without anyone
remembering to (``make test-fast`` runs ``not e2e and not services and not slow``):

- ``e2e``: under tests/e2e, or its module uses Playwright.
- ``services``: it takes ``postgres_url`` or ``redis_url`` (the PostgreSQL case of
  ``database_url`` is marked by its parameter), or its module uses tests/support/processes.py
  (several servers on PostgreSQL and Redis).
- ``slow``: a browser test, or it takes the shared ``server``, or its module uses
  tests/support/live_server.py or processes.py (separate processes: Chromium, real servers) or
  groups.py (its tests sign up and log in: an argon2id hash is some 0.25 s of CPU); long runs
  (hypothesis machines, schemathesis, the authorization matrix) are marked by hand.
"""

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import httpx
import psycopg
import pytest
import redis
import sqlalchemy
from hypothesis import settings
from psycopg import sql
from sqlalchemy.engine import make_url

from app.store.database import create_database_engine, migrate, sqlite_url_for
from tests.support import groups, live_server, processes
from tests.support.api import in_process
from tests.support.engine import ENGINE_PROFILE
from tests.support.live_server import LiveServer, running_server
from tests.support.services import service_missing

# Every property test, not only the engine's: derandomised (a CI run repeats the last one), no
# deadline (a loaded machine makes an example slow, not wrong: plain `@given` tests used to fail
# on the 200 ms default when the machine was busy), no example database.
settings.load_profile(ENGINE_PROFILE)

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
# A numbered database of its own, away from db 0 where a developer's data usually lives.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
SERVICE_TIMEOUT_SECONDS = 3
BROWSER_TESTS = Path(__file__).parent / "e2e"
SERVICE_FIXTURES = frozenset({"postgres_url", "redis_url"})


def _uses(module: ModuleType | None, *providers: str) -> bool:
    """Whether ``module`` imported anything defined in one of ``providers`` or in a module
    inside one of them."""
    if module is None:
        return False
    for value in vars(module).values():
        origin = getattr(value, "__module__", None)
        if isinstance(origin, str) and any(
            origin == provider or origin.startswith(f"{provider}.") for provider in providers
        ):
            return True
    return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        fixtures = set(getattr(item, "fixturenames", ()))
        browser = BROWSER_TESTS in item.path.parents or _uses(module, "playwright")
        if browser:
            item.add_marker(pytest.mark.e2e)
        if fixtures & SERVICE_FIXTURES or _uses(module, processes.__name__):
            item.add_marker(pytest.mark.services)
        if (
            browser
            or "server" in fixtures
            or _uses(module, live_server.__name__, processes.__name__, groups.__name__)
        ):
            item.add_marker(pytest.mark.slow)


# The README's pictures: browser tests write their screenshots here with UPDATE_SCREENSHOTS=1.
DOCS_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where a browser test saves what people see: docs/screenshots/ when asked to refresh the
    README's pictures, else a folder of the test's own."""
    return DOCS_SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for the whole run: each test makes its own session on it.

    A test that kills, restarts, locks or reconfigures a server, or reads a whole server's log
    or counters, starts one of its own instead.
    """
    with running_server(tmp_path_factory.mktemp("server")) as live:
        yield live


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process (httpx over ASGI), on SQLite in this test's own directory."""
    async with in_process(tmp_path) as client:
        yield client


def _libpq_url(url: sqlalchemy.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def _fresh_postgres_database(server: sqlalchemy.URL, name: str) -> Iterator[sqlalchemy.URL]:
    """Create database ``name`` on ``server`` and drop it afterwards, whoever is connected."""
    with psycopg.connect(_libpq_url(server), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.set(drivername="postgresql+psycopg", database=name)
    finally:
        with psycopg.connect(_libpq_url(server), autocommit=True) as admin:
            # FORCE terminates connections a test leaked, which would otherwise block the drop.
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test run (psycopg URL); dropped at the end."""
    server = make_url(os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    try:
        with psycopg.connect(_libpq_url(server), connect_timeout=SERVICE_TIMEOUT_SECONDS):
            pass
    except psycopg.OperationalError as error:
        service_missing(f"PostgreSQL is not reachable at {server!r}: {error}")
    name = f"pr_test_{os.getpid()}_{secrets.token_hex(4)}"
    with _fresh_postgres_database(server, name) as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis database URL that answered PING; the tests using it namespace their own keys."""
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=SERVICE_TIMEOUT_SECONDS,
        socket_timeout=SERVICE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        service_missing(f"Redis is not reachable at {make_url(url)!r}: {error}")
    finally:
        client.close()
    return url


@pytest.fixture(scope="session")
def _postgres_database_for_each_test(postgres_url: str) -> Iterator[sqlalchemy.URL]:
    """A second run database, emptied before every test that takes ``database_url``.

    It is apart from ``postgres_url``'s, so emptying it never pulls a schema from under a
    session-wide fixture built on that one.
    """
    run_database = make_url(postgres_url)
    with _fresh_postgres_database(run_database, f"{run_database.database}_each") as url:
        yield url


def _empty_postgres_database(url: sqlalchemy.URL) -> None:
    with psycopg.connect(_libpq_url(url), autocommit=True) as connection:
        # A connection an earlier test leaked could hold locks that would block the drop.
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.services),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind, never migrated: tests that need the schema call migrate().

    On PostgreSQL emptying one database (dropping its schema, some 30 ms) is several times
    quicker than creating a database per test, and as thorough: nothing lives outside the schema.
    """
    if request.param == "sqlite":
        return sqlite_url_for(tmp_path / "peer-rounds.db")
    url: str = request.getfixturevalue("empty_postgres_url")
    return url


@pytest.fixture
def empty_postgres_url(_postgres_database_for_each_test: sqlalchemy.URL) -> str:
    """An empty PostgreSQL database, never migrated (``database_url``'s PostgreSQL case)."""
    _empty_postgres_database(_postgres_database_for_each_test)
    return _postgres_database_for_each_test.render_as_string(hide_password=False)


@pytest.fixture
def migrated_engine(database_url: str) -> Iterator[sqlalchemy.Engine]:
    engine = create_database_engine(database_url)
    migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[sqlalchemy.Engine]:
    """A migrated SQLite database alone, for what only SQLite has (its one raw writer)."""
    engine = create_database_engine(sqlite_url_for(tmp_path / "peer-rounds.db"))
    migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()
