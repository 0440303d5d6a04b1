"""Retention: days counted where the group meets, and one purge at a time however many
processes there are. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.store.chores import Chores
from app.store.database import create_database_engine
from app.store.groups import Groups
from app.web.groups.retention_purge import PURGE_CHORE, purge_expired, purge_if_due
from tests.support.groups import (
    account_services,
    browser,
    create_group,
    group_form,
    post,
    register,
)

pytestmark = pytest.mark.anyio

MET_ON = date(2026, 12, 3)
# 12:00 UTC on 10 December is already the 11th in Auckland (UTC+13) and still the 10th in
# Chicago (UTC-6): a week of records kept means the 3rd has expired in Auckland only.
NOON_UTC_10TH = datetime(2026, 12, 10, 12, 0, tzinfo=UTC).timestamp()
# 03:00 UTC on the 11th is the 11th in UTC but still the evening of the 10th in Chicago.
EARLY_UTC_11TH = datetime(2026, 12, 11, 3, 0, tzinfo=UTC).timestamp()
# 07:00 UTC on the 11th is past midnight in Chicago too.
LATER_UTC_11TH = datetime(2026, 12, 11, 7, 0, tzinfo=UTC).timestamp()


async def group_in(app: FastAPI, time_zone: str, name: str) -> str:
    """A group that keeps a week of records, with a session held on MET_ON; its id."""
    async with browser(app) as client:
        await register(client, email=f"{name.lower()}@example.org", name=name)
        path = await create_group(client, name=name, time_zone=time_zone, retention_days="7")
    group_id = path.rsplit("/", 1)[-1]
    account_services(app).groups.record_session(group_id, f"session-{name}", MET_ON, 0.0, [])
    return group_id


def held(groups: Groups, group_id: str) -> list[date]:
    return [s.meeting_on for s in groups.sessions(group_id)]


async def test_retention_days_are_counted_in_the_groups_own_time_zone(app: FastAPI) -> None:
    auckland = await group_in(app, "Pacific/Auckland", "Aroha")
    chicago = await group_in(app, "America/Chicago", "Dana")
    groups = account_services(app).groups

    assert purge_expired(groups, NOON_UTC_10TH) == 1
    assert (held(groups, auckland), held(groups, chicago)) == ([], [MET_ON])
    # Counted in UTC days, Chicago's session would go here, on its own evening of the 10th.
    assert purge_expired(groups, EARLY_UTC_11TH) == 0
    assert held(groups, chicago) == [MET_ON]
    assert purge_expired(groups, LATER_UTC_11TH) == 1
    assert held(groups, chicago) == []


async def test_a_shortened_retention_counts_days_in_the_groups_time_zone(app: FastAPI) -> None:
    app.state.account_services = dataclasses.replace(
        account_services(app), clock=lambda: NOON_UTC_10TH
    )
    async with browser(app) as client:
        await register(client)
        path = await create_group(client, time_zone="Pacific/Auckland")
        group_id = path.rsplit("/", 1)[-1]
        account_services(app).groups.record_session(group_id, "the-3rd", MET_ON, 0.0, [])
        changed = await post(
            client,
            f"{path}/settings",
            **group_form(time_zone="Pacific/Auckland", retention_days="7"),
        )

    assert changed.status_code == 303
    assert held(account_services(app).groups, group_id) == []


async def test_of_two_processes_asking_at_once_only_one_purges(
    app: FastAPI, tmp_path: Path, database_url: str
) -> None:
    auckland = await group_in(app, "Pacific/Auckland", "Aroha")
    other = create_app(Settings(data_dir=tmp_path / "other", database_url=database_url))
    processes = [
        dataclasses.replace(account_services(one), clock=lambda: NOON_UTC_10TH)
        for one in (app, other)
    ]
    engines = [create_database_engine(database_url) for _ in processes]
    chores = [Chores(engine) for engine in engines]
    start = threading.Barrier(2)
    outcomes: list[int | None] = [None, None]

    def run(index: int) -> None:
        start.wait()
        outcomes[index] = purge_if_due(processes[index], chores[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes, key=lambda o: o is None) == [1, None]
    assert held(account_services(app).groups, auckland) == []
    assert chores[0].last_started(PURGE_CHORE) == NOON_UTC_10TH
    # Asked again within six hours, neither process purges.
    assert purge_if_due(processes[0], chores[0]) is None
    assert purge_if_due(processes[1], chores[1]) is None
    for engine in engines:
        engine.dispose()
