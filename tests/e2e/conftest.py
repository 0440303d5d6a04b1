"""The browser tests' fixtures: one Chromium for the directory, and each person's screens.

The browser and the helpers around it live in tests/support/browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.support.browser import CHROMIUM, Screens
from tests.support.live_server import LiveServer
from tests.support.pages import Session


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Chromium stays open from one browser test to the next, and is stopped before any other:
    Playwright's sync API keeps an event loop running in this thread while it is open, which an
    anyio test (here too: the reverse proxy's websockets) must not inherit."""
    try:
        yield
    finally:
        if nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ()):
            CHROMIUM.stop()


@pytest.fixture
def browser() -> Browser:
    return CHROMIUM.get()


@pytest.fixture
def session(server: LiveServer) -> Session:
    """A new session (facilitators Sam and Ana) on the run's shared server."""
    return Session.create(server)


@pytest.fixture
def screens(browser: Browser) -> Iterator[Screens]:
    opened = Screens(browser)
    yield opened
    opened.close()
