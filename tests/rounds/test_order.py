"""Turn order policies: join order, a facilitator's order, round the circle, random."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rounds.order import OrderError, OrderPolicy, round_order
from tests.support.engine import engine_settings

SEATING = ("ann", "bo", "cy", "di", "ed")
seatings = st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=12, unique=True)


def test_join_order() -> None:
    assert round_order(OrderPolicy.JOIN_ORDER, SEATING) == SEATING


def test_left_of_goes_round_the_circle() -> None:
    assert round_order(OrderPolicy.LEFT_OF, SEATING, start_with="cy") == (
        "cy",
        "di",
        "ed",
        "ann",
        "bo",
    )


def test_right_of_goes_the_other_way() -> None:
    assert round_order(OrderPolicy.RIGHT_OF, SEATING, start_with="cy") == (
        "cy",
        "bo",
        "ann",
        "ed",
        "di",
    )


@pytest.mark.parametrize("policy", [OrderPolicy.LEFT_OF, OrderPolicy.RIGHT_OF])
@pytest.mark.parametrize("start_with", [None, "zed"])
def test_the_circle_needs_someone_in_it_to_start(
    policy: OrderPolicy, start_with: str | None
) -> None:
    with pytest.raises(OrderError, match=r"Choose who the round starts with\."):
        round_order(policy, SEATING, start_with=start_with)


def test_facilitator_set_order_then_everyone_left_out() -> None:
    assert round_order(OrderPolicy.FACILITATOR_SET, SEATING, chosen=("di", "ann")) == (
        "di",
        "ann",
        "bo",
        "cy",
        "ed",
    )
    assert round_order(OrderPolicy.FACILITATOR_SET, SEATING) == SEATING


def test_facilitator_set_order_refusals() -> None:
    with pytest.raises(OrderError, match="only once"):
        round_order(OrderPolicy.FACILITATOR_SET, SEATING, chosen=("di", "di"))
    with pytest.raises(OrderError, match="not in the session"):
        round_order(OrderPolicy.FACILITATOR_SET, SEATING, chosen=("zed",))


def test_random_is_the_same_for_the_same_seed() -> None:
    first = round_order(OrderPolicy.RANDOM, SEATING, seed="command-42")
    assert round_order(OrderPolicy.RANDOM, SEATING, seed="command-42") == first
    # A fixed seed gives a fixed order on every machine and Python process (no hash seeding).
    assert first == ("ed", "di", "bo", "ann", "cy")


@engine_settings(150)
@given(
    seating=seatings,
    policy=st.sampled_from(OrderPolicy),
    data=st.data(),
)
def test_every_policy_gives_everyone_exactly_one_turn(
    seating: list[str], policy: OrderPolicy, data: st.DataObject
) -> None:
    start_with = data.draw(st.sampled_from(seating))
    chosen = data.draw(st.lists(st.sampled_from(seating), unique=True))
    seed = data.draw(st.text(max_size=8))
    order = round_order(policy, seating, start_with=start_with, chosen=chosen, seed=seed)
    assert sorted(order) == sorted(seating)
    if policy in {OrderPolicy.LEFT_OF, OrderPolicy.RIGHT_OF}:
        assert order[0] == start_with
    if policy is OrderPolicy.FACILITATOR_SET:
        assert order[: len(chosen)] == tuple(chosen)
