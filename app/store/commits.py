"""A commit: the events one command produced, stored atomically as the session's next version."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Commit:
    session_id: str
    # 1, 2, 3 ... per session, with no gaps: the version the session reaches with this commit.
    version: int
    # The idempotency key of the command that produced the events.
    command_id: str
    # A facilitator or participant id, never a display name.
    actor_id: str
    # Unix seconds from the caller's clock; the store never reads the clock for domain data.
    recorded_at: float
    # JSON-ready event payloads; callers have already removed anything that somebody said.
    events: list[dict[str, Any]]


class VersionConflict(Exception):
    """The commit's version is not the session's next one: somebody else committed first."""

    def __init__(self, session_id: str, version: int) -> None:
        super().__init__(f"session {session_id!r} cannot take version {version}")
        self.session_id = session_id
        self.version = version


class DuplicateCommand(Exception):
    """The command was committed already; ``version`` is the version its commit produced."""

    def __init__(self, session_id: str, command_id: str, version: int) -> None:
        super().__init__(
            f"command {command_id!r} of session {session_id!r} was committed as version {version}"
        )
        self.session_id = session_id
        self.command_id = command_id
        self.version = version
