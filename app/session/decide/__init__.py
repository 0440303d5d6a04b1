"""decide(): may this actor do this now, and if so, which facts follow?

Pure: the clock is the `now` argument, randomness is seeded by the command id. Invalid,
duplicate and stale commands are ordinary input; they come back as a Rejected or AlreadyDone
with a message a person can read, never as an exception.

Each command is decided by one handler, registered with `@handles` (draft.py) next to it in
the module of its capability.
"""

from __future__ import annotations

from app.session.command_base import Actor, CommandBase

# Importing each capability module registers its handlers.
from app.session.decide import (  # noqa: F401
    agenda,
    people,
    rounds,
    schedule,
    session,
    settings,
    taking_time,
    timers,
    undo,
)
from app.session.decide.authorization import authorize, check_fresh
from app.session.decide.draft import HANDLERS, Draft
from app.session.decisions import Accepted, AlreadyDone, Decision, Refusal, Rejected
from app.session.state import SessionState


def decide(state: SessionState, command: CommandBase, actor: Actor, now: float) -> Decision:
    if command.id in state.command_versions:
        return AlreadyDone(state.command_versions[command.id])
    draft = Draft(state, actor, now)
    try:
        authorize(state, command, actor)
        check_fresh(state, command, actor)
        HANDLERS[type(command)](draft, command)
    except Refusal as refusal:
        return Rejected(refusal.code, refusal.message)
    return Accepted(tuple(draft.events), draft.state)
