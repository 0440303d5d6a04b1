"""The speaker's timer and the stage's: pausing, resuming and giving more time."""

from __future__ import annotations

from app.rounds.turns import Turn, TurnStatus
from app.session import commands as cmd
from app.session import events as ev
from app.session.command_base import Role
from app.session.decide.draft import Draft, handles
from app.session.decisions import Refusal, RejectionCode
from app.session.state import Stage, TurnSlot
from app.translatable import translatable


def _speaker_timer_target(draft: Draft) -> tuple[Stage, TurnSlot, Turn]:
    draft.require_live()
    stage = draft.current_stage()
    turn = stage.active_turn
    slot = stage.active_slot
    if turn is None or slot is None or turn.status is not TurnStatus.SPEAKING:
        raise Refusal(RejectionCode.INVALID, translatable("That turn has already finished."))
    if draft.actor.role is Role.PARTICIPANT and turn.participant_id != draft.actor.id:
        raise Refusal(
            RejectionCode.NOT_YOUR_TURN,
            translatable("Only the speaker or a facilitator can do that."),
        )
    return stage, slot, turn


def _not_while_everything_waits(draft: Draft) -> None:
    if draft.state.pause is not None:
        raise Refusal(
            RejectionCode.INVALID,
            translatable(
                "Everything is paused just now; the speaker's time carries on when the session "
                "resumes."
            ),
        )


@handles(cmd.PauseTimer)
def _pause_timer(draft: Draft, command: cmd.PauseTimer) -> None:
    _not_while_everything_waits(draft)
    stage, slot, turn = _speaker_timer_target(draft)
    if turn.timer is None or not turn.timer.running:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("The timer is already paused."))
    draft.emit(ev.SpeakerTimerPaused(stage_id=stage.id, slot=slot, at=draft.now))


@handles(cmd.ResumeTimer)
def _resume_timer(draft: Draft, command: cmd.ResumeTimer) -> None:
    _not_while_everything_waits(draft)
    stage, slot, turn = _speaker_timer_target(draft)
    if turn.timer is None or turn.timer.running:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("The timer is already running."))
    draft.emit(ev.SpeakerTimerResumed(stage_id=stage.id, slot=slot, at=draft.now))


@handles(cmd.ExtendTime)
def _extend_time(draft: Draft, command: cmd.ExtendTime) -> None:
    if command.target == "stage":
        draft.require_live()
        stage = draft.current_stage()
        draft.emit(ev.StageTimeExtended(stage_id=stage.id, seconds=command.seconds))
        return
    stage, slot, _turn = _speaker_timer_target(draft)
    draft.emit(ev.SpeakerTimeExtended(stage_id=stage.id, slot=slot, seconds=command.seconds))
