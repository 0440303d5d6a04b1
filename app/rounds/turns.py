"""A round: each present participant in turn shares or passes.

A turn goes waiting → speaking → shared | passed | passed_for_now | skipped. Passing for now
puts the person at the end of the round, where they are asked once more. Somebody who has
stepped out keeps their turn: it waits for them, and they are asked when they are back.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from app.timekeeping.timer import Timer


class TurnStatus(StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    SHARED = "shared"
    PASSED = "passed"
    PASSED_FOR_NOW = "passed_for_now"
    SKIPPED = "skipped"

    @property
    def pending(self) -> bool:
        """Still owed a chance in this round."""
        return self in _PENDING


# Built once: `pending` is asked of every turn, several times for every screen of a version.
_PENDING = frozenset({TurnStatus.WAITING, TurnStatus.SPEAKING, TurnStatus.PASSED_FOR_NOW})


class Turn(BaseModel):
    model_config = ConfigDict(frozen=True)

    participant_id: str
    status: TurnStatus = TurnStatus.WAITING
    timer: Timer | None = None
    asked_again: bool = False
    # Time spoken in earlier goes at this turn (before stepping out, or before being returned
    # to): a new go gets a fresh timer, but what was said before still counts as airtime.
    earlier_s: float = 0.0
    # Its clock waits for the whole session to resume (stopped by a session-wide pause, or
    # begun during one); a clock the speaker paused for themselves is not held.
    held: bool = False

    @property
    def spoken_s(self) -> float:
        """Finished speaking time in this turn, all goes at it together."""
        return self.earlier_s + (0.0 if self.timer is None else self.timer.accumulated_s)


IsPresent = Callable[[str], bool]


class Round(BaseModel):
    model_config = ConfigDict(frozen=True)

    order: tuple[str, ...]
    turns: dict[str, Turn]
    current: str | None = None
    asked_again_queue: tuple[str, ...] = ()

    @classmethod
    def of(cls, order: tuple[str, ...]) -> Round:
        return cls(order=order, turns={person: Turn(participant_id=person) for person in order})

    def turn(self, participant_id: str) -> Turn | None:
        return self.turns.get(participant_id)

    @property
    def current_turn(self) -> Turn | None:
        return None if self.current is None else self.turns[self.current]

    def upcoming(self, is_present: IsPresent) -> list[str]:
        """Who will be asked after the current speaker, in order."""
        first_time = [
            person
            for person in self.order
            if person != self.current
            and self.turns[person].status is TurnStatus.WAITING
            and is_present(person)
        ]
        again = [
            person
            for person in self.asked_again_queue
            if person != self.current
            and self.turns[person].status is TurnStatus.PASSED_FOR_NOW
            and is_present(person)
        ]
        return first_time + again

    def next_speaker(self, is_present: IsPresent) -> str | None:
        upcoming = self.upcoming(is_present)
        return upcoming[0] if upcoming else None

    def pending(self) -> list[str]:
        return [person for person in self.order if self.turns[person].status.pending]

    @property
    def complete(self) -> bool:
        return not self.pending()

    def counts(self) -> dict[TurnStatus, int]:
        tally = dict.fromkeys(TurnStatus, 0)
        for turn in self.turns.values():
            tally[turn.status] += 1
        return tally

    def with_turn(self, turn: Turn) -> Round:
        return self.model_copy(update={"turns": {**self.turns, turn.participant_id: turn}})

    def with_current(self, participant_id: str | None) -> Round:
        return self.model_copy(update={"current": participant_id})

    def with_late_arrival(self, participant_id: str) -> Round:
        if participant_id in self.turns:
            return self
        return self.model_copy(
            update={
                "order": (*self.order, participant_id),
                "turns": {**self.turns, participant_id: Turn(participant_id=participant_id)},
            }
        )
