"""The draft a command is decided on, and the table of which handler decides which command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from app.session.command_base import Actor, CommandBase, Role
from app.session.decisions import Refusal, RejectionCode
from app.session.event_base import EventBase
from app.session.evolve import evolve
from app.session.state import Presence, SessionState, SessionStatus, Stage
from app.translatable import Words, translatable


class Draft:
    """The events decided so far, and the state they lead to (so later steps can see them)."""

    def __init__(self, state: SessionState, actor: Actor, now: float) -> None:
        self.state = state
        self.actor = actor
        self.now = now
        self.events: list[EventBase] = []

    def emit(self, event: EventBase) -> None:
        self.events.append(event)
        self.state = evolve(self.state, event)

    def stage(self, stage_id: str) -> Stage:
        stage = self.state.stage(stage_id)
        if stage is None:
            raise Refusal(
                RejectionCode.NOT_FOUND, translatable("That agenda item is no longer there.")
            )
        return stage

    def current_stage(self) -> Stage:
        stage = self.state.current_stage
        if stage is None:
            raise Refusal(
                RejectionCode.INVALID, translatable("No agenda item is running just now.")
            )
        return stage

    def person_id(self, named: str | None) -> str:
        """Whose turn or presence a command is about: as named, or the sender's own."""
        if named is not None:
            return named
        if self.actor.role is Role.PARTICIPANT:
            return self.actor.id
        raise Refusal(RejectionCode.INVALID, translatable("Choose whose turn this is about."))

    def presence_of(self, participant_id: str) -> Presence:
        person = self.state.participants.get(participant_id)
        if person is None:
            raise Refusal(
                RejectionCode.NOT_FOUND, translatable("That person is not in this session.")
            )
        return person.presence

    def require_admitted(self, person: str, presence: Presence) -> None:
        """Refuse, naming where they are, when someone is in the waiting room or has left."""
        name = self.state.name_of(person)
        if presence is Presence.WAITING_ROOM:
            raise Refusal(
                RejectionCode.INVALID, Words("%(name)s is still in the waiting room.", name=name)
            )
        if presence is Presence.LEFT:
            raise Refusal(RejectionCode.INVALID, Words("%(name)s has left the session.", name=name))

    def require_live(self) -> None:
        if self.state.status is SessionStatus.READY:
            raise Refusal(
                RejectionCode.NOT_STARTED, translatable("The session has not started yet.")
            )


C = TypeVar("C", bound=CommandBase)
Handler = Callable[[Draft, C], None]

# Filled by @handles as each capability module is imported (app/session/decide/__init__.py).
HANDLERS: dict[type[CommandBase], Handler[Any]] = {}


def handles(kind: type[C]) -> Callable[[Handler[C]], Handler[C]]:
    """Register the decorated function as the one that decides commands of `kind`."""

    def register(handler: Handler[C]) -> Handler[C]:
        if kind in HANDLERS:
            raise ValueError(f"{kind.__name__} already has a handler")
        HANDLERS[kind] = handler
        return handler

    return register
