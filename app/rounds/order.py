"""Who speaks in which order: the policies a facilitator can choose when a round starts."""

import random
from collections.abc import Sequence
from enum import StrEnum

from app.translatable import translatable


class OrderPolicy(StrEnum):
    JOIN_ORDER = "join_order"
    FACILITATOR_SET = "facilitator_set"
    LEFT_OF = "left_of"
    RIGHT_OF = "right_of"
    RANDOM = "random"


class OrderError(ValueError):
    """The requested order cannot be built; the message is meant for the facilitator."""


def round_order(
    policy: OrderPolicy,
    seating: Sequence[str],
    *,
    start_with: str | None = None,
    chosen: Sequence[str] = (),
    seed: str = "",
) -> tuple[str, ...]:
    """Order the people in `seating` (join order, which is also the circle in the room).

    `left_of` goes round the circle from `start_with` in seating order, `right_of` the other way.
    `random` is deterministic for a given seed so that replaying the log gives the same round.
    """
    if policy is OrderPolicy.JOIN_ORDER:
        return tuple(seating)
    if policy is OrderPolicy.FACILITATOR_SET:
        return _facilitator_order(seating, chosen)
    if policy is OrderPolicy.RANDOM:
        shuffled = list(seating)
        random.Random(seed).shuffle(shuffled)
        return tuple(shuffled)
    if start_with is None or start_with not in seating:
        raise OrderError(translatable("Choose who the round starts with."))
    start = seating.index(start_with)
    around = tuple(seating[start:]) + tuple(seating[:start])
    if policy is OrderPolicy.LEFT_OF:
        return around
    return (around[0], *reversed(around[1:]))


def _facilitator_order(seating: Sequence[str], chosen: Sequence[str]) -> tuple[str, ...]:
    if len(set(chosen)) != len(chosen):
        raise OrderError(translatable("Each person can appear only once in the order."))
    unknown = [person for person in chosen if person not in seating]
    if unknown:
        raise OrderError(translatable("The order names someone who is not in the session."))
    # Anyone the facilitator left out still gets a turn, at the end: nobody loses their chance.
    return tuple(chosen) + tuple(person for person in seating if person not in chosen)
