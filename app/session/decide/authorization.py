"""Who may do what (as each command declares it), and whether a click is stale."""

from __future__ import annotations

from app.session import commands as cmd
from app.session.command_base import Actor, CommandBase, Role, SelfServiceCommand
from app.session.decisions import Refusal, RejectionCode
from app.session.state import Presence, SessionState, SessionStatus
from app.translatable import translatable


def authorize(state: SessionState, command: CommandBase, actor: Actor) -> None:
    senders = type(command).senders
    if actor.role is Role.ROOM:
        raise Refusal(RejectionCode.NOT_ALLOWED, translatable("The room view can only watch."))
    if state.status is SessionStatus.NEW:
        if not isinstance(command, cmd.CreateSession) or actor.role not in senders:
            raise Refusal(
                RejectionCode.NOT_FOUND, translatable("This session has not been set up.")
            )
        return
    if isinstance(command, cmd.CreateSession):
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("This session has already been set up.")
        )
    if state.status is SessionStatus.ENDED and not type(command).after_the_end:
        raise Refusal(
            RejectionCode.SESSION_ENDED, translatable("This session has ended. Thank you.")
        )
    if (actor.role is Role.SERVER) != (Role.SERVER in senders):
        # What only the server knows (an outage) no screen may claim, and the server speaks
        # for nobody.
        raise Refusal(
            RejectionCode.NOT_ALLOWED, translatable("Only the server itself records that.")
        )
    if actor.role is Role.SERVER:
        return
    if actor.role is Role.FACILITATOR:
        if actor.id not in state.facilitators:
            raise Refusal(
                RejectionCode.NOT_ALLOWED,
                translatable("You are not a facilitator of this session."),
            )
        if Role.FACILITATOR not in senders:
            raise Refusal(
                RejectionCode.NOT_ALLOWED, translatable("Only a participant can do that.")
            )
        return
    if Role.PARTICIPANT not in senders:
        raise Refusal(RejectionCode.NOT_ALLOWED, translatable("Only a facilitator can do that."))
    person = state.participants.get(actor.id)
    if isinstance(command, cmd.Join):
        if person is not None:
            raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("You have already joined."))
        return
    if person is None or person.presence is Presence.LEFT:
        raise Refusal(
            RejectionCode.NOT_ALLOWED, translatable("You are no longer part of this session.")
        )
    if person.presence is Presence.WAITING_ROOM and not isinstance(command, cmd.Leave):
        raise Refusal(
            RejectionCode.NOT_ALLOWED, translatable("A facilitator will let you in soon.")
        )
    if isinstance(command, SelfServiceCommand) and command.participant_id not in (
        None,
        actor.id,
    ):
        raise Refusal(RejectionCode.NOT_ALLOWED, command.only_for_oneself)


def check_fresh(state: SessionState, command: CommandBase, actor: Actor) -> None:
    """Refuse a flow command made against an older flow than the current one."""
    change = state.flow_change
    if (
        not command.moves_flow
        or command.expected_version is None
        or change is None
        or change.version <= command.expected_version
    ):
        return
    who = None if change.actor_id == actor.id else state.name_of(change.actor_id)
    raise Refusal(RejectionCode.STALE, change.already_done_by(who))
