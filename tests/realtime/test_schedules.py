"""The console's schedule projection: made at most once a second per session, and always the
projection a fresh schedule_view() makes at the same whole second."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis.stateful import invariant

from app.realtime import schedules as schedules_module
from app.realtime.frames import VersionFrames
from app.realtime.schedules import ScheduleCache
from app.session import commands as c
from app.session.command_base import Role
from app.session.state import SessionState
from app.session.views.schedule import ScheduleView, schedule_view
from tests.support.engine import Driver, engine_settings
from tests.support.engine_machine import EngineMachine
from tests.support.frames import RECORD, render


def in_a_round() -> Driver:
    driver = Driver.weekly(participants=4)
    driver.ok(driver.sam, c.AdvanceStage)
    driver.ok(driver.sam, c.StartRound)
    return driver


@pytest.fixture
def projections_made(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    made: list[float] = []

    def counted(state: SessionState, now: float) -> ScheduleView | None:
        made.append(now)
        return schedule_view(state, now)

    monkeypatch.setattr(schedules_module, "schedule_view", counted)
    return made


def test_versions_within_one_second_share_one_projection(projections_made: list[float]) -> None:
    driver = in_a_round()
    cache = ScheduleCache()
    first = cache.view(driver.state, 2_000.2)
    driver.ok(driver.person(2), c.RaiseHand)
    assert cache.view(driver.state, 2_000.9) is first
    assert len(projections_made) == 1
    assert first is not None


def test_a_new_second_or_a_change_it_reads_makes_a_new_projection(
    projections_made: list[float],
) -> None:
    driver = in_a_round()
    cache = ScheduleCache()
    cache.view(driver.state, 2_000.2)
    cache.view(driver.state, 2_001.0)
    driver.ok(driver.sam, c.PauseTimer)
    cache.view(driver.state, 2_001.5)
    assert projections_made == [2_000.2, 2_001.0, 2_001.5]


def test_the_projection_is_made_at_the_whole_second() -> None:
    state = in_a_round().state
    assert schedule_view(state, 2_000.99) == schedule_view(state, 2_000.0)
    assert schedule_view(state, 2_001.0) != schedule_view(state, 2_000.0)


def test_the_consoles_of_versions_within_one_second_share_the_session_projection(
    projections_made: list[float],
) -> None:
    driver = in_a_round()
    cache = ScheduleCache()
    consoles = []
    for now in (2_000.1, 2_000.6):
        frames = VersionFrames(driver.state, RECORD, render, now, schedules=cache)
        consoles.append(json.loads(frames.view_json(Role.FACILITATOR, "")))
        driver.ok(driver.person(2), c.RaiseHand if now < 2_000.5 else c.LowerHand)
    assert projections_made == [2_000.1]
    assert consoles[0]["schedule"] == consoles[1]["schedule"] is not None
    assert consoles[0]["version"] != consoles[1]["version"]


class ScheduleMachine(EngineMachine):
    def __init__(self) -> None:
        super().__init__()
        # One for the whole run, as a hub keeps one for its session.
        self.schedules = ScheduleCache()

    @invariant()
    def the_cached_projection_is_a_fresh_one_at_the_same_whole_second(self) -> None:
        second = math.floor(self.now)
        fresh = schedule_view(self.state, second)
        assert self.schedules.view(self.state, self.now) == fresh
        assert self.schedules.view(self.state, second + 0.999) == fresh


ScheduleMachine.TestCase.settings = engine_settings(20, stateful_step_count=60)
# A long hypothesis run: in `make test`, not in the fast lane.
TestScheduleUnderRandomUse = pytest.mark.slow(ScheduleMachine.TestCase)
