"""Fair share: what is left of a round, divided among everyone it still owes a turn, held
between the group's minimum and maximum (docs/timekeeping.md)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.timekeeping.fair_share import at_floor, fair_share, floor_notice
from tests.support.engine import engine_settings

remaining_s = st.floats(-3_600, 3_600)
owed = st.integers(1, 200)
minimum_s = st.floats(0, 600)
maximum_s = st.floats(60, 3_600)


def test_what_is_left_is_shared_equally() -> None:
    assert fair_share(600, 4, 60, 300) == 150


def test_passes_give_time_back() -> None:
    assert fair_share(600, 3, 60, 300) > fair_share(600, 4, 60, 300)


def test_never_below_the_minimum_even_after_an_overrun() -> None:
    assert fair_share(100, 4, 60, 300) == 60
    assert fair_share(-300, 2, 60, 300) == 60
    assert fair_share(-300, 2, 0, 300) == 0


def test_never_above_the_maximum_however_many_pass() -> None:
    assert fair_share(1_590, 1, 60, 300) == 300
    assert fair_share(1_590, 2, 60, 600) == 600


def test_a_minimum_above_the_maximum_wins() -> None:
    assert fair_share(1_000, 1, 400, 300) == 400


def test_nobody_left_to_speak() -> None:
    assert fair_share(600, 0, 60, 300) == 0
    assert fair_share(600, -1, 60, 300) == 0


@engine_settings(200)
@given(remaining=remaining_s, speakers=owed, minimum=minimum_s, maximum=maximum_s)
def test_the_share_stays_between_the_minimum_and_the_maximum(
    remaining: float, speakers: int, minimum: float, maximum: float
) -> None:
    share = fair_share(remaining, speakers, minimum, maximum)
    assert share >= minimum
    assert share <= max(minimum, maximum)
    if minimum <= remaining / speakers <= maximum:
        assert share == remaining / speakers


@engine_settings(200)
@given(remaining=remaining_s, speakers=owed, minimum=minimum_s, maximum=maximum_s)
def test_a_pass_never_shrinks_the_others_shares(
    remaining: float, speakers: int, minimum: float, maximum: float
) -> None:
    with_them = fair_share(remaining, speakers + 1, minimum, maximum)
    assert fair_share(remaining, speakers, minimum, maximum) >= with_them


@engine_settings(200)
@given(
    remaining=remaining_s,
    overrun=st.floats(0, 3_600),
    speakers=owed,
    minimum=minimum_s,
    maximum=maximum_s,
)
def test_an_overrun_takes_from_the_rest_but_never_below_the_floor(
    remaining: float, overrun: float, speakers: int, minimum: float, maximum: float
) -> None:
    after = fair_share(remaining - overrun, speakers, minimum, maximum)
    assert after <= fair_share(remaining, speakers, minimum, maximum)
    assert after >= minimum


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
@given(remaining=remaining_s, speakers=owed, minimum=minimum_s, maximum=maximum_s)
def test_at_the_floor_exactly_when_the_share_is_held_at_the_minimum(
    remaining: float, speakers: int, minimum: float, maximum: float
) -> None:
    held = fair_share(remaining, speakers, minimum, maximum) > remaining / speakers
    assert at_floor(remaining, speakers, minimum) == held
