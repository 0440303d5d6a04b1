"""Taking Time: choosing who takes it, the agreed question and the taker's reflection."""

from __future__ import annotations

from app.agenda.stages import StageKind
from app.plain_text import quoted
from app.rounds.turns import TurnStatus
from app.session import commands as cmd
from app.session import events as ev
from app.session.decide.draft import Draft, handles
from app.session.decide.flow import end_active_turn, start_reflection, start_taker_turn
from app.session.decisions import Refusal, RejectionCode
from app.session.state import (
    Presence,
    PromiseOutcome,
    Stage,
    StageStatus,
    TakingTime,
    TakingTimePhase,
)
from app.translatable import Words, translatable


def _taking_time_stage(draft: Draft, stage_id: str | None = None) -> tuple[Stage, TakingTime]:
    stage = draft.stage(stage_id) if stage_id is not None else draft.current_stage()
    if stage.kind is not StageKind.TAKING_TIME or stage.taking_time is None:
        raise Refusal(
            RejectionCode.INVALID,
            Words("%(title)s is not a Taking Time.", title=quoted(stage.title)),
        )
    return stage, stage.taking_time


@handles(cmd.ChooseTaker)
def _choose_taker(draft: Draft, command: cmd.ChooseTaker) -> None:
    stage, taking = _taking_time_stage(draft, command.stage_id)
    if stage.status in {StageStatus.DONE, StageStatus.SKIPPED}:
        raise Refusal(
            RejectionCode.INVALID,
            Words("%(title)s has already finished.", title=quoted(stage.title)),
        )
    if taking.phase is not TakingTimePhase.CHOOSING:
        raise Refusal(
            RejectionCode.STALE,
            Words(
                "%(name)s is already Taking Time.", name=draft.state.name_of(taking.taker_id or "")
            ),
        )
    if taking.taker_id == command.participant_id:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("That is already the plan."))
    if command.participant_id is not None:
        presence = draft.presence_of(command.participant_id)
        if presence not in {Presence.PRESENT, Presence.STEPPED_OUT}:
            raise Refusal(
                RejectionCode.INVALID, translatable("Only someone in the session can Take Time.")
            )
    draft.emit(ev.TakerChosen(stage_id=stage.id, participant_id=command.participant_id))
    stage = draft.stage(stage.id)
    if (
        stage.status is StageStatus.CURRENT
        and command.participant_id is not None
        and draft.state.is_present(command.participant_id)
    ):
        start_taker_turn(draft, stage, command.participant_id)


@handles(cmd.SetAgreedQuestion)
def _set_agreed_question(draft: Draft, command: cmd.SetAgreedQuestion) -> None:
    stage, taking = _taking_time_stage(draft)
    if taking.phase in {TakingTimePhase.CHOOSING, TakingTimePhase.COMPLETE}:
        raise Refusal(RejectionCode.INVALID, translatable("There is nobody Taking Time just now."))
    if taking.phase is TakingTimePhase.TAKER_SPEAKING:
        end_active_turn(draft, stage, TurnStatus.SHARED)
        draft.emit(
            ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.AGREEING_QUESTION)
        )
    draft.emit(ev.AgreedQuestionSet(stage_id=stage.id, question=command.question))


@handles(cmd.InviteReflection)
def _invite_reflection(draft: Draft, command: cmd.InviteReflection) -> None:
    stage, taking = _taking_time_stage(draft)
    if taking.taker_id is None or taking.phase in {
        TakingTimePhase.CHOOSING,
        TakingTimePhase.TAKER_REFLECTION,
        TakingTimePhase.COMPLETE,
    }:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("There is no reflection to invite just now.")
        )
    draft.require_admitted(taking.taker_id, draft.presence_of(taking.taker_id))
    if not draft.state.is_present(taking.taker_id):
        raise Refusal(
            RejectionCode.INVALID,
            Words(
                "%(name)s has stepped out; invite their reflection when they are back.",
                name=draft.state.name_of(taking.taker_id),
            ),
        )
    end_active_turn(draft, stage, TurnStatus.SHARED)
    stage = draft.stage(stage.id)
    if stage.round is not None:
        for person in stage.round.pending():
            draft.emit(ev.TurnSkipped(stage_id=stage.id, participant_id=person))
    start_reflection(draft, draft.stage(stage.id), taking.taker_id)


@handles(cmd.ReleasePromise)
def _release_promise(draft: Draft, command: cmd.ReleasePromise) -> None:
    # Once the session is on, so that "Undo" can take a release made by mistake back.
    draft.require_live()
    action = next((a for a in draft.state.carried_over if a.key == command.promise), None)
    if action is None or action.peer_name is None or not action.is_promise:
        raise Refusal(
            RejectionCode.NOT_FOUND, translatable("That promise is not part of this session.")
        )
    outcome = draft.state.promises.get(action.key)
    if outcome is PromiseOutcome.KEPT:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            Words(
                "%(name)s has already been given their time to Take Time today.",
                name=action.peer_name,
            ),
        )
    if outcome is PromiseOutcome.RELEASED:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("That promise has already been released.")
        )
    draft.emit(ev.PromiseReleased(promise=action.key))
