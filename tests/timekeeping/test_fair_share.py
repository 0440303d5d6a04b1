"""Fair share: what is left of a round, divided among those still to speak."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.timekeeping.fair_share import at_floor, fair_share, floor_notice
from tests.support.engine import engine_settings


def test_what_is_left_is_shared_equally() -> None:
    assert fair_share(600, 4, 60) == 150


def test_passes_give_time_back() -> None:
    assert fair_share(600, 3, 60) > fair_share(600, 4, 60)


def test_never_below_the_minimum_even_after_an_overrun() -> None:
    assert fair_share(100, 4, 60) == 60
    assert fair_share(-300, 2, 60) == 60
    assert fair_share(-300, 2, 0) == 0


def test_nobody_left_to_speak() -> None:
    assert fair_share(600, 0, 60) == 0
    assert fair_share(600, -1, 60) == 0


@engine_settings(200)
@given(
    remaining=st.floats(-3_600, 3_600),
    speakers=st.integers(1, 200),
    minimum=st.floats(0, 600),
)
def test_the_share_is_at_least_the_minimum_and_never_more_than_all_that_is_left(
    remaining: float, speakers: int, minimum: float
) -> None:
    share = fair_share(remaining, speakers, minimum)
    assert share >= minimum
    assert share >= 0
    assert share <= max(minimum, remaining)


def test_the_floor_is_reached_when_an_even_split_falls_below_the_minimum() -> None:
    assert not at_floor(600, 4, 60)
    assert not at_floor(240, 4, 60)
    assert at_floor(239, 4, 60)
    assert at_floor(-30, 2, 60)
    assert not at_floor(-30, 0, 60)


def test_the_floor_notice_names_the_minimum() -> None:
    assert floor_notice(60) == "Shares are at the group's minimum (1:00)"
    assert floor_notice(90) == "Shares are at the group's minimum (1:30)"


@engine_settings(200)
@given(
    remaining=st.floats(-3_600, 3_600),
    speakers=st.integers(1, 200),
    minimum=st.floats(0, 600),
)
def test_at_the_floor_exactly_when_the_share_is_held_at_the_minimum(
    remaining: float, speakers: int, minimum: float
) -> None:
    held = fair_share(remaining, speakers, minimum) > remaining / speakers
    assert at_floor(remaining, speakers, minimum) == held
