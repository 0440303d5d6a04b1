"""How rounds and turns change, and the speaker's timer."""

from __future__ import annotations

from app.rounds.turns import Round, Turn, TurnStatus
from app.session import events as ev
from app.session.evolve.rule import (
    change_active_turn,
    rule,
    with_round,
    with_speaker_timer,
    with_stage,
    with_taking_time,
)
from app.session.state import SessionState, Stage, TurnSlot
from app.timekeeping.timer import Timer, started_timer


@rule.register
def _(event: ev.RoundStarted, state: SessionState) -> SessionState:
    return with_stage(
        state, event.stage_id, lambda s: s.model_copy(update={"round": Round.of(event.order)})
    )


@rule.register
def _(event: ev.RoundReordered, state: SessionState) -> SessionState:
    return with_stage(
        state,
        event.stage_id,
        lambda s: with_round(s, lambda r: r.model_copy(update={"order": event.order})),
    )


@rule.register
def _(event: ev.LateArrivalAdded, state: SessionState) -> SessionState:
    return with_stage(
        state,
        event.stage_id,
        lambda s: with_round(s, lambda r: r.with_late_arrival(event.participant_id)),
    )


@rule.register
def _(event: ev.TurnStarted, state: SessionState) -> SessionState:
    # While everything is paused a turn begins with its clock waiting, and runs on resume.
    held = state.pause is not None
    timer = Timer(budget_s=event.budget_s) if held else started_timer(event.budget_s, event.at)

    def start(stage: Stage) -> Stage:
        if event.slot is TurnSlot.ROUND:
            assert stage.round is not None
            previous = stage.round.turns[event.participant_id]
            turn = previous.model_copy(
                update={
                    "status": TurnStatus.SPEAKING,
                    "timer": timer,
                    "held": held,
                    # Someone asked again who stepped out meanwhile is still being asked again.
                    "asked_again": previous.asked_again
                    or previous.status is TurnStatus.PASSED_FOR_NOW,
                    "earlier_s": previous.spoken_s,
                }
            )
            return with_round(stage, lambda r: r.with_turn(turn).with_current(event.participant_id))
        # A taker's turn and their reflection each start once per Taking Time.
        turn = Turn(
            participant_id=event.participant_id,
            status=TurnStatus.SPEAKING,
            timer=timer,
            held=held,
        )
        field = "taker_turn" if event.slot is TurnSlot.TAKER else "reflection_turn"
        return with_taking_time(stage, **{field: turn})

    return with_stage(state, event.stage_id, start)


@rule.register
def _(event: ev.TurnEnded, state: SessionState) -> SessionState:
    def end(turn: Turn) -> Turn:
        return turn.model_copy(
            update={
                "status": event.outcome,
                "timer": turn.timer.stop(event.at) if turn.timer else None,
            }
        )

    def end_in(stage: Stage) -> Stage:
        if event.slot is not TurnSlot.ROUND:
            return change_active_turn(stage, event.slot, end)
        assert stage.round is not None
        round_ = stage.round
        ended = end(round_.turns[event.participant_id])
        queue = round_.asked_again_queue
        if event.outcome is TurnStatus.PASSED_FOR_NOW and event.participant_id not in queue:
            queue = (*queue, event.participant_id)
        return stage.model_copy(
            update={
                "round": round_.with_turn(ended)
                .with_current(None)
                .model_copy(update={"asked_again_queue": queue})
            }
        )

    return with_stage(state, event.stage_id, end_in)


@rule.register
def _(event: ev.TurnSkipped, state: SessionState) -> SessionState:
    def skip(round_: Round) -> Round:
        turn = round_.turns[event.participant_id]
        return round_.with_turn(turn.model_copy(update={"status": TurnStatus.SKIPPED}))

    return with_stage(state, event.stage_id, lambda s: with_round(s, skip))


@rule.register
def _(event: ev.TurnReopened, state: SessionState) -> SessionState:
    def reopen(round_: Round) -> Round:
        person = event.participant_id
        turn = round_.turns[person].model_copy(
            update={"status": TurnStatus.WAITING, "asked_again": False}
        )
        others = [p for p in round_.order if p != person]
        position = others.index(round_.current) + 1 if round_.current in others else 0
        order = (*others[:position], person, *others[position:])
        return round_.with_turn(turn).model_copy(
            update={
                "order": order,
                "asked_again_queue": tuple(p for p in round_.asked_again_queue if p != person),
            }
        )

    return with_stage(state, event.stage_id, lambda s: with_round(s, reopen))


@rule.register
def _(event: ev.SpeakerTimerPaused, state: SessionState) -> SessionState:
    return with_stage(
        state,
        event.stage_id,
        lambda s: with_speaker_timer(s, event.slot, lambda t: t.stop(event.at)),
    )


@rule.register
def _(event: ev.SpeakerTimerResumed, state: SessionState) -> SessionState:
    return with_stage(
        state,
        event.stage_id,
        lambda s: with_speaker_timer(s, event.slot, lambda t: t.start(event.at)),
    )


@rule.register
def _(event: ev.SpeakerTimeExtended, state: SessionState) -> SessionState:
    return with_stage(
        state,
        event.stage_id,
        lambda s: with_speaker_timer(s, event.slot, lambda t: t.extend(event.seconds)),
    )
