"""What decide() answers: events to commit, a kind refusal, or "already done"."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.session.event_base import EventBase
from app.session.state import SessionState


class RejectionCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    NOT_YOUR_TURN = "not_your_turn"
    STALE = "stale"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOTHING_TO_DO = "nothing_to_do"
    NOT_STARTED = "not_started"
    SESSION_ENDED = "session_ended"


@dataclass(frozen=True, slots=True)
class Accepted:
    events: tuple[EventBase, ...]
    # Where the events lead, as decide() worked it out to decide them: committing them need
    # not evolve them again (app/session/evolve: committed()).
    state: SessionState


@dataclass(frozen=True, slots=True)
class Rejected:
    code: RejectionCode
    message: str


@dataclass(frozen=True, slots=True)
class AlreadyDone:
    """The same command (same id) was accepted before: answer with its original result."""

    version: int


Decision = Accepted | Rejected | AlreadyDone


class Refusal(Exception):
    """Raised inside decide() only; decide() turns it into a Rejected. It never escapes."""

    def __init__(self, code: RejectionCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
