"""How the agenda changes: stages started, closed, inserted, moved, given time."""

from __future__ import annotations

from app.rounds.turns import TurnStatus
from app.session import events as ev
from app.session.evolve.rule import rule, stage_from, with_stage
from app.session.state import SessionState, Stage, StageStatus


@rule.register
def _(event: ev.StageStarted, state: SessionState) -> SessionState:
    # While everything is paused a stage begins with its clock waiting for the resume.
    def start(stage: Stage) -> Stage:
        timer = stage.timer if state.pause else stage.timer.start(event.at)
        return stage.model_copy(update={"status": StageStatus.CURRENT, "timer": timer})

    return with_stage(state, event.stage_id, start)


@rule.register
def _(event: ev.StageClosed, state: SessionState) -> SessionState:
    def close(stage: Stage) -> Stage:
        round_ = stage.round
        if round_ is not None:
            round_ = round_.model_copy(
                update={
                    "current": None,
                    "turns": {
                        person: turn.model_copy(
                            update={
                                "status": TurnStatus.SKIPPED,
                                "timer": turn.timer.stop(event.at) if turn.timer else None,
                            }
                        )
                        if turn.status.pending
                        else turn
                        for person, turn in round_.turns.items()
                    },
                }
            )
        return stage.model_copy(
            update={
                "status": StageStatus.SKIPPED if event.skipped else StageStatus.DONE,
                "timer": stage.timer.stop(event.at),
                "round": round_,
            }
        )

    return with_stage(state, event.stage_id, close)


@rule.register
def _(event: ev.StageInserted, state: SessionState) -> SessionState:
    stages = list(state.stages)
    stages.insert(event.index, stage_from(event.stage))
    return state.model_copy(
        update={"stages": tuple(stages), "stages_created": state.stages_created + 1}
    )


@rule.register
def _(event: ev.StageMoved, state: SessionState) -> SessionState:
    stages = list(state.stages)
    stage = stages.pop(state.stage_index(event.stage_id))
    stages.insert(event.index, stage)
    return state.model_copy(update={"stages": tuple(stages)})


@rule.register
def _(event: ev.StageBudgetSet, state: SessionState) -> SessionState:
    return with_stage(
        state,
        event.stage_id,
        lambda s: s.model_copy(
            update={"planned_s": event.planned_s, "timer": s.timer.with_budget(event.planned_s)}
        ),
    )


@rule.register
def _(event: ev.StageTimeExtended, state: SessionState) -> SessionState:
    return with_stage(
        state,
        event.stage_id,
        lambda s: s.model_copy(update={"timer": s.timer.extend(event.seconds)}),
    )
