"""Sending a command to a session from the web layer: one id maker, one way through the hub."""

from __future__ import annotations

from app.realtime.hub import Committed, SessionHub
from app.session.command_base import Actor, CommandBase
from app.session.decisions import AlreadyDone, Rejected
from app.web.problems import refusal


async def submit(hub: SessionHub, command: CommandBase, actor: Actor) -> Committed | AlreadyDone:
    """Run `command` as `actor`; a refusal is raised as a Problem (problems.refusal).

    Commands made here take their id from registry.new_command_id(); a client's keep theirs,
    so a retry is stored once at most.
    """
    outcome = await hub.execute(command, actor)
    if isinstance(outcome, Rejected):
        raise refusal(outcome)
    return outcome
