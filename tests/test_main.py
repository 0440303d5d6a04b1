"""The app: its background jobs (a crash is reported without ending the others, and they all
stop), and what a process imports to start."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from app.main import _background

pytestmark = pytest.mark.anyio

PATIENCE_S = 5.0
ROOT = Path(__file__).resolve().parents[1]


async def test_the_jobs_stop_even_when_one_swallows_its_cancellation() -> None:
    # Before the jobs ran in an anyio task group, one swallowed cancellation (redis-py can
    # catch one mid-command) kept the app from ever shutting down.
    swallowing = asyncio.Event()
    stopped = asyncio.Event()

    async def swallows_once() -> None:
        swallowing.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.Event().wait()
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    async def serve_until_asked_to_stop() -> None:
        async with _background(swallows_once()):
            await swallowing.wait()

    await asyncio.wait_for(serve_until_asked_to_stop(), PATIENCE_S)
    assert stopped.is_set()


async def test_a_crashing_job_is_reported_and_the_others_go_on() -> None:
    ticks = 0

    async def crashes() -> None:
        raise RuntimeError("a bug")

    async def ticks_forever() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    with capture_logs() as logs:
        async with _background(crashes(), ticks_forever()):
            await asyncio.sleep(0.1)
            ticks_after_the_crash = ticks
            await asyncio.sleep(0.1)
            assert ticks > ticks_after_the_crash
    (crash,) = (entry for entry in logs if entry["event"] == "background_job_crashed")
    assert ".crashes at " in crash["job"]
    assert crash["log_level"] == "error"


# As `peer-rounds serve` starts: the command line's module, then the app.
STARTS_AN_APP = """
import json, sys
import app.cli
from app.config import Settings
from app.main import create_app
create_app(Settings(data_dir=sys.argv[1]))
print(json.dumps(sorted(sys.modules)))
"""


def modules_imported_to_start(data_dir: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", STARTS_AN_APP, str(data_dir)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found: list[str] = json.loads(done.stdout.splitlines()[-1])
    return set(found)


def packages_imported_to_start(data_dir: Path) -> set[str]:
    return {name.split(".")[0] for name in modules_imported_to_start(data_dir)}


# Each loaded where it is used, the first time it is: migrations on a database behind the
# schema, the Redis client with PEER_ROUNDS_REDIS_URL, calendar feeds, the room page's QR code.
LOADED_WHEN_NEEDED = {"alembic", "redis", "icalendar", "qrcode", "PIL"}


@pytest.mark.slow
def test_a_single_process_on_an_up_to_date_database_loads_only_what_it_needs_to_start(
    tmp_path: Path,
) -> None:
    first_start = packages_imported_to_start(tmp_path)
    assert "alembic" in first_start
    assert LOADED_WHEN_NEEDED & packages_imported_to_start(tmp_path) == set()


@pytest.mark.slow
def test_the_bootstrap_compiles_the_app_where_its_servers_read_it(tmp_path: Path) -> None:
    # The prefix of the Makefile and of tests/support/live_server.py, under this TMPDIR.
    subprocess.run(
        [ROOT / "scripts" / "bootstrap"],
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        check=True,
        timeout=300,
    )
    compiled = tmp_path / "peer-rounds-pycache" / ROOT.relative_to(ROOT.anchor) / "app"
    tag = sys.implementation.cache_tag
    assert (compiled / f"main.{tag}.pyc").is_file()
    assert (compiled / "web" / f"live.{tag}.pyc").is_file()


# The pages nobody on a live screen needs: loaded by the first request for one
# (tests/groups/test_lazy_pages.py).
PAGES_LOADED_WHEN_ASKED_FOR = {
    "app.web.accounts",
    "app.web.groups.actions",
    "app.web.groups.agenda_templates",
    "app.web.groups.calendar_feeds",
    "app.web.groups.cancellations",
    "app.web.groups.group",
    "app.web.groups.group_page",
    "app.web.groups.guidelines",
    "app.web.groups.invitations",
    "app.web.groups.member_link",
    "app.web.groups.members",
    "app.web.groups.privacy",
    "app.web.groups.records",
    "app.web.groups.sessions",
    "app.web.groups.support",
}


@pytest.mark.slow
def test_starting_the_app_imports_no_group_page_nor_account_page(tmp_path: Path) -> None:
    imported = modules_imported_to_start(tmp_path)
    assert "app.web.groups.routes" in imported
    assert PAGES_LOADED_WHEN_ASKED_FOR & imported == set()
