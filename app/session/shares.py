"""Whom a round still owes a share, and what a Taking Time keeps back for the reflection.

Shared by decide() (the budget a turn is given), the schedule and the facilitator view (the
floor signal), so the console's warning, its suggestion and the shares themselves count in
exactly the same way (docs/timekeeping.md).
"""

from __future__ import annotations

from app.rounds.turns import Round


def shares_owed(round_: Round) -> int:
    """Everyone whose turn in the round is still to come, whether in the room or stepped out.

    Someone who has stepped out keeps their turn (it waits for them), so they keep their share
    too: counting only those in the room would hand their time to whoever is asked while they
    are out, and make everyone's share depend on who happens to be out of the room.
    """
    return sum(1 for person in round_.pending() if person != round_.current)


# Within Taking Time the taker's reflection is kept short, and never under a minute.
REFLECTION_SHARE = 1 / 8
MINIMUM_REFLECTION_S = 60.0


def reflection_reserve_s(planned_s: float) -> float:
    """What a Taking Time planned at ``planned_s`` keeps back for the taker's reflection."""
    return max(MINIMUM_REFLECTION_S, planned_s * REFLECTION_SHARE)


def taking_time_budget_for(sharing_s: float) -> float:
    """The Taking Time budget that leaves ``sharing_s`` for its Round of Sharing (and what the
    stage before it used) once the reflection's reserve, itself a share of the budget, is kept.
    """
    return max(sharing_s + MINIMUM_REFLECTION_S, sharing_s / (1 - REFLECTION_SHARE))
