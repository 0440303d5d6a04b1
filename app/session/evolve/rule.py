"""The rule table evolve() dispatches on, and the small helpers its rules share."""

from __future__ import annotations

from collections.abc import Callable
from functools import singledispatch

from app.rounds.turns import Round, Turn
from app.session import events as ev
from app.session.event_base import EventBase
from app.session.state import SessionState, Stage, TakingTime, TurnSlot
from app.timekeeping.timer import Timer


@singledispatch
def rule(event: EventBase, state: SessionState) -> SessionState:
    raise TypeError(f"no evolve rule for {type(event).__name__}")


def stage_from(spec: ev.StageSpec) -> Stage:
    return Stage(
        id=spec.id,
        kind=spec.kind,
        title=spec.title,
        prompt=spec.prompt,
        planned_s=spec.planned_s,
        timer=Timer(budget_s=spec.planned_s),
        taking_time=TakingTime() if spec.kind == "taking_time" else None,
    )


def with_stage(
    state: SessionState, stage_id: str, change: Callable[[Stage], Stage]
) -> SessionState:
    return state.model_copy(
        update={"stages": tuple(change(s) if s.id == stage_id else s for s in state.stages)}
    )


def with_participant(state: SessionState, participant_id: str, **changes: object) -> SessionState:
    person = state.participants[participant_id]
    return state.model_copy(
        update={
            "participants": {
                **state.participants,
                participant_id: person.model_copy(update=changes),
            }
        }
    )


def with_round(stage: Stage, change: Callable[[Round], Round]) -> Stage:
    assert stage.round is not None
    return stage.model_copy(update={"round": change(stage.round)})


def with_taking_time(stage: Stage, **changes: object) -> Stage:
    taking = stage.taking_time or TakingTime()
    return stage.model_copy(update={"taking_time": taking.model_copy(update=changes)})


def change_active_turn(stage: Stage, slot: TurnSlot, change: Callable[[Turn], Turn]) -> Stage:
    """Apply `change` to the turn in `slot`: the round's current turn, or a taker's turn."""
    turn = stage.turn_in(slot)
    assert turn is not None
    if slot is TurnSlot.ROUND:
        assert stage.round is not None
        return stage.model_copy(update={"round": stage.round.with_turn(change(turn))})
    field = "taker_turn" if slot is TurnSlot.TAKER else "reflection_turn"
    return with_taking_time(stage, **{field: change(turn)})


def with_speaker_timer(stage: Stage, slot: TurnSlot, change: Callable[[Timer], Timer]) -> Stage:
    def change_turn(turn: Turn) -> Turn:
        assert turn.timer is not None
        return turn.model_copy(update={"timer": change(turn.timer)})

    return change_active_turn(stage, slot, change_turn)
