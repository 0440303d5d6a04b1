"""Whom a round still owes a share: the count every share is divided by (docs/timekeeping.md).

Shared by decide() (the budget a turn is given) and the facilitator view (the floor signal),
so the console's warning and the shares themselves count people in exactly the same way.
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
