"""Timers are values: budget, accumulated time, and since when they run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.timekeeping.timer import Timer, started_timer
from tests.support.engine import engine_settings


def test_a_new_timer_is_stopped_with_nothing_used() -> None:
    timer = Timer(budget_s=120)
    assert not timer.running
    assert timer.elapsed(1_000) == 0
    assert timer.remaining(1_000) == 120
    assert timer.overrun(1_000) == 0


def test_a_running_timer_counts_from_its_start() -> None:
    timer = started_timer(120, 1_000)
    assert timer.running
    assert timer.elapsed(1_030) == 30
    assert timer.remaining(1_030) == 90
    assert timer.overrun(1_030) == 0


def test_past_the_budget_is_an_overrun_not_an_error() -> None:
    timer = started_timer(60, 0)
    assert timer.remaining(90) == -30
    assert timer.overrun(90) == 30


def test_stop_keeps_what_was_used_and_start_goes_on_from_there() -> None:
    timer = started_timer(60, 0).stop(20)
    assert not timer.running
    assert timer.accumulated_s == 20
    assert timer.elapsed(500) == 20
    timer = timer.start(100)
    assert timer.elapsed(110) == 30


def test_start_and_stop_twice_change_nothing() -> None:
    running = started_timer(60, 0)
    assert running.start(50) == running
    stopped = running.stop(10)
    assert stopped.stop(99) == stopped


def test_a_clock_read_before_the_start_is_never_negative() -> None:
    timer = started_timer(60, 100)
    assert timer.elapsed(90) == 0
    assert timer.stop(90).accumulated_s == 0


def test_extend_and_set_the_budget() -> None:
    timer = started_timer(60, 0)
    assert timer.extend(30).budget_s == 90
    assert timer.extend(30).elapsed(10) == 10
    assert timer.with_budget(300).remaining(100) == 200


def test_a_timer_is_json() -> None:
    timer = started_timer(60, 1_763_900_000.25).stop(1_763_900_010.5)
    assert Timer.model_validate_json(timer.model_dump_json()) == timer


times = st.floats(min_value=0, max_value=10_000, allow_nan=False, allow_infinity=False)


@engine_settings(300)
@given(budget=st.floats(0, 3_600), gaps=st.lists(times, max_size=20), tail=times)
def test_elapsed_is_the_sum_of_the_running_intervals(
    budget: float, gaps: list[float], tail: float
) -> None:
    """Start and stop alternately at increasing times: elapsed sums the running stretches."""
    timer = Timer(budget_s=budget)
    now = 0.0
    running_since: float | None = None
    total = 0.0
    for gap in gaps:
        now += gap
        if running_since is None:
            timer = timer.start(now)
            running_since = now
        else:
            timer = timer.stop(now)
            total += now - running_since
            running_since = None
        assert timer.running == (running_since is not None)
    now += tail
    expected = total + (0.0 if running_since is None else now - running_since)
    assert timer.elapsed(now) == pytest.approx(expected, abs=1e-6)
    assert timer.elapsed(now) >= 0
    assert timer.remaining(now) == pytest.approx(budget - expected, abs=1e-6)


@engine_settings(200)
@given(
    actions=st.lists(st.tuples(st.sampled_from(["start", "stop", "extend"]), times), max_size=30)
)
def test_any_sequence_of_actions_keeps_elapsed_monotone_and_never_negative(
    actions: list[tuple[str, float]],
) -> None:
    timer = Timer(budget_s=60)
    now = 0.0
    for action, gap in actions:
        before = timer.elapsed(now)
        now += gap
        assert timer.elapsed(now) >= before
        elapsed_now = timer.elapsed(now)
        if action == "start":
            timer = timer.start(now)
        elif action == "stop":
            timer = timer.stop(now)
        else:
            timer = timer.extend(gap + 1)
        assert timer.elapsed(now) == pytest.approx(elapsed_now)  # acting never adds or loses
        assert timer.elapsed(now) >= 0


@given(
    budget=st.floats(min_value=1, max_value=4 * 3600),
    used=st.floats(min_value=0, max_value=3600),
    started=st.floats(min_value=1.7e9, max_value=1.8e9),
    later=st.floats(min_value=0, max_value=3600),
)
def test_a_running_timer_ends_when_what_remains_runs_out(
    budget: float, used: float, started: float, later: float
) -> None:
    """Rule: a running timer's end is `now` plus what remains, from any `now`; a stopped timer
    has no end anyone can name."""
    timer = Timer(budget_s=budget, accumulated_s=used, started_at=started)
    now = started + later
    assert timer.ends_at is not None
    assert timer.ends_at - now == pytest.approx(timer.remaining(now), abs=1e-6)
    assert timer.stop(now).ends_at is None
