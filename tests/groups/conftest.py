"""The app, in-process on SQLite and on PostgreSQL, for the group and account page tests; and
Debian's Chromium and a real server for the tests that open the pages in a browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, sync_playwright

from tests.support.browser import CHROMIUM_FLAGS, chromium_path
from tests.support.groups import make_app
from tests.support.live_server import LiveServer, running_server


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> FastAPI:
    return make_app(tmp_path, database_url)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of each test's own, rather than the run's shared one: each browser test here signs
    up as the same facilitator."""
    with running_server(tmp_path) as live:
        yield live


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """Started and stopped inside the test: Playwright's sync API keeps an event loop running in
    this thread while open, which the anyio tests that follow must not inherit."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path()), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
