"""How a Taking Time changes: its taker, its phase and the agreed question."""

from __future__ import annotations

from app.session import events as ev
from app.session.evolve.rule import rule, with_participant, with_stage, with_taking_time
from app.session.state import PromiseOutcome, SessionState, TakingTimePhase


@rule.register
def _(event: ev.TakerChosen, state: SessionState) -> SessionState:
    phase = TakingTimePhase.CHOOSING
    state = with_stage(
        state,
        event.stage_id,
        lambda s: with_taking_time(
            s, taker_id=event.participant_id, phase=phase, taker_turn=None, reflection_turn=None
        ),
    )
    if event.participant_id is not None and event.participant_id in state.participants:
        state = with_participant(state, event.participant_id, offered_to_take_time=False)
    return state


@rule.register
def _(event: ev.TakingTimePhaseChanged, state: SessionState) -> SessionState:
    return with_stage(state, event.stage_id, lambda s: with_taking_time(s, phase=event.phase))


@rule.register
def _(event: ev.AgreedQuestionSet, state: SessionState) -> SessionState:
    return with_stage(
        state, event.stage_id, lambda s: with_taking_time(s, agreed_question=event.question)
    )


@rule.register
def _(event: ev.PromiseKept, state: SessionState) -> SessionState:
    return state.model_copy(
        update={"promises": {**state.promises, event.promise: PromiseOutcome.KEPT}}
    )


@rule.register
def _(event: ev.PromiseReleased, state: SessionState) -> SessionState:
    released = {**state.promises, event.promise: PromiseOutcome.RELEASED}
    return state.model_copy(update={"promises": released})
