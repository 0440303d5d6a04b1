"""evolve(): apply one event to the state. Facts only; every decision was made in decide()."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import singledispatch

from app.rounds.turns import Round, Turn, TurnStatus
from app.session import events as ev
from app.session.state import (
    ERASED_NAME,
    FlowChange,
    Participant,
    Presence,
    SessionState,
    SessionStatus,
    Stage,
    StageStatus,
    TakingTime,
    TakingTimePhase,
    TurnSlot,
    UndoPoint,
)
from app.timekeeping.timer import Timer, started_timer


def apply_commit(
    state: SessionState,
    events: Iterable[ev.EventBase],
    *,
    version: int,
    command_id: str,
    actor_id: str,
) -> SessionState:
    """Apply a whole commit: its events, then its version, what it means for stale clicks and
    whether it can be undone."""
    before = state
    batch = list(events)
    for event in batch:
        state = evolve(state, event)
    update: dict[str, object] = {
        "version": version,
        "command_versions": {**state.command_versions, command_id: version},
        "undo_point": state.undo_point,
    }
    if any(event.moves_flow for event in batch):
        description = describe_flow(batch, state, actor_id)
        update["flow_change"] = FlowChange(
            version=version, actor_id=actor_id, description=description
        )
        if all(event.undo_effect is ev.UndoEffect.AGENDA for event in batch):
            update["undo_point"] = UndoPoint(
                version=version, actor_id=actor_id, description=description, stages=before.stages
            )
        else:
            update["undo_point"] = None
    elif any(event.undo_effect is not ev.UndoEffect.BYSTANDER for event in batch):
        update["undo_point"] = None
    return state.model_copy(update=update)


_OUTCOME_WORDS = {
    TurnStatus.SHARED: "finished sharing",
    TurnStatus.PASSED: "passed",
    TurnStatus.PASSED_FOR_NOW: "passed for now",
    TurnStatus.WAITING: "stepped out",
    TurnStatus.SKIPPED: "skipped a turn",
}


def describe_flow(batch: list[ev.EventBase], state: SessionState, actor_id: str) -> str:
    """What a flow commit did, phrased to follow "Sam already …"."""
    started = next((e for e in reversed(batch) if isinstance(e, ev.TurnStarted)), None)
    own_turn = next(
        (e for e in batch if isinstance(e, ev.TurnEnded) and e.participant_id == actor_id), None
    )
    if own_turn is not None:
        done = _OUTCOME_WORDS[own_turn.outcome]
        if started is None:
            return done
        return f"{done} — it is {state.name_of(started.participant_id)}'s turn now"
    if started is not None and started.slot is TurnSlot.ROUND:
        return f"moved to the next speaker ({state.name_of(started.participant_id)})"
    if started is not None:
        return f"gave the turn to {state.name_of(started.participant_id)}"
    for event in reversed(batch):
        if isinstance(event, ev.FlowUndone):
            return f"undid “{event.description}”"
        if isinstance(event, ev.StageStarted):
            stage = state.stage(event.stage_id)
            return f"moved to “{stage.title if stage else 'the next item'}”"
        if isinstance(event, ev.SessionEnded):
            return "ended the session"
        if isinstance(event, ev.SessionStarted):
            return "started the session"
        if isinstance(event, ev.TurnEnded):
            return f"ended {state.name_of(event.participant_id)}'s turn"
        if isinstance(event, ev.TurnSkipped):
            return f"skipped {state.name_of(event.participant_id)}'s turn"
        if isinstance(event, ev.TurnReopened):
            return f"returned to {state.name_of(event.participant_id)}"
        if isinstance(event, ev.RoundStarted):
            return "started the round"
        if isinstance(event, ev.RoundReordered):
            return "changed the order of the round"
        if isinstance(event, ev.TakerChosen):
            return "chose who is Taking Time"
        if isinstance(event, ev.TakingTimePhaseChanged):
            return "moved Taking Time on"
    return "changed the agenda"


def evolve(state: SessionState, event: ev.EventBase) -> SessionState:
    return _rule(event, state)


@singledispatch
def _rule(event: ev.EventBase, state: SessionState) -> SessionState:
    raise TypeError(f"no evolve rule for {type(event).__name__}")


def _stage_from(spec: ev.StageSpec) -> Stage:
    return Stage(
        id=spec.id,
        kind=spec.kind,
        title=spec.title,
        prompt=spec.prompt,
        planned_s=spec.planned_s,
        timer=Timer(budget_s=spec.planned_s),
        taking_time=TakingTime() if spec.kind == "taking_time" else None,
    )


def _with_stage(
    state: SessionState, stage_id: str, change: Callable[[Stage], Stage]
) -> SessionState:
    return state.model_copy(
        update={"stages": tuple(change(s) if s.id == stage_id else s for s in state.stages)}
    )


def _with_participant(state: SessionState, participant_id: str, **changes: object) -> SessionState:
    person = state.participants[participant_id]
    return state.model_copy(
        update={
            "participants": {
                **state.participants,
                participant_id: person.model_copy(update=changes),
            }
        }
    )


def _with_round(stage: Stage, change: Callable[[Round], Round]) -> Stage:
    assert stage.round is not None
    return stage.model_copy(update={"round": change(stage.round)})


def _with_taking_time(stage: Stage, **changes: object) -> Stage:
    taking = stage.taking_time or TakingTime()
    return stage.model_copy(update={"taking_time": taking.model_copy(update=changes)})


def _change_active_turn(stage: Stage, slot: TurnSlot, change: Callable[[Turn], Turn]) -> Stage:
    """Apply `change` to the turn in `slot`: the round's current turn, or a taker's turn."""
    turn = stage.turn_in(slot)
    assert turn is not None
    if slot is TurnSlot.ROUND:
        assert stage.round is not None
        return stage.model_copy(update={"round": stage.round.with_turn(change(turn))})
    field = "taker_turn" if slot is TurnSlot.TAKER else "reflection_turn"
    return _with_taking_time(stage, **{field: change(turn)})


def _with_speaker_timer(stage: Stage, slot: TurnSlot, change: Callable[[Timer], Timer]) -> Stage:
    def change_turn(turn: Turn) -> Turn:
        assert turn.timer is not None
        return turn.model_copy(update={"timer": change(turn.timer)})

    return _change_active_turn(stage, slot, change_turn)


@_rule.register
def _(event: ev.SessionCreated, state: SessionState) -> SessionState:
    return state.model_copy(
        update={
            "status": SessionStatus.READY,
            "title": event.title,
            "group_name": event.group_name,
            "template_key": event.template_key,
            "settings": event.settings,
            "facilitators": {f.id: f for f in event.facilitators},
            "stages": tuple(_stage_from(spec) for spec in event.stages),
            "stages_created": len(event.stages),
            "guidelines": event.guidelines,
            "carried_over": event.carried_over,
            "apologies": event.apologies,
            "for_group": event.for_group,
        }
    )


@_rule.register
def _(event: ev.SessionStarted, state: SessionState) -> SessionState:
    return state.model_copy(
        update={
            "status": SessionStatus.LIVE,
            "started_at": event.at,
            "planned_end": event.planned_end,
        }
    )


@_rule.register
def _(event: ev.SessionEnded, state: SessionState) -> SessionState:
    return state.model_copy(update={"status": SessionStatus.ENDED})


@_rule.register
def _(event: ev.StageStarted, state: SessionState) -> SessionState:
    def start(stage: Stage) -> Stage:
        return stage.model_copy(
            update={"status": StageStatus.CURRENT, "timer": stage.timer.start(event.at)}
        )

    return _with_stage(state, event.stage_id, start)


@_rule.register
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

    return _with_stage(state, event.stage_id, close)


@_rule.register
def _(event: ev.StageInserted, state: SessionState) -> SessionState:
    stages = list(state.stages)
    stages.insert(event.index, _stage_from(event.stage))
    return state.model_copy(
        update={"stages": tuple(stages), "stages_created": state.stages_created + 1}
    )


@_rule.register
def _(event: ev.StageMoved, state: SessionState) -> SessionState:
    stages = list(state.stages)
    stage = stages.pop(state.stage_index(event.stage_id))
    stages.insert(event.index, stage)
    return state.model_copy(update={"stages": tuple(stages)})


@_rule.register
def _(event: ev.StageBudgetSet, state: SessionState) -> SessionState:
    return _with_stage(
        state,
        event.stage_id,
        lambda s: s.model_copy(
            update={"planned_s": event.planned_s, "timer": s.timer.with_budget(event.planned_s)}
        ),
    )


@_rule.register
def _(event: ev.StageTimeExtended, state: SessionState) -> SessionState:
    return _with_stage(
        state,
        event.stage_id,
        lambda s: s.model_copy(update={"timer": s.timer.extend(event.seconds)}),
    )


@_rule.register
def _(event: ev.RoundStarted, state: SessionState) -> SessionState:
    return _with_stage(
        state, event.stage_id, lambda s: s.model_copy(update={"round": Round.of(event.order)})
    )


@_rule.register
def _(event: ev.RoundReordered, state: SessionState) -> SessionState:
    return _with_stage(
        state,
        event.stage_id,
        lambda s: _with_round(s, lambda r: r.model_copy(update={"order": event.order})),
    )


@_rule.register
def _(event: ev.LateArrivalAdded, state: SessionState) -> SessionState:
    return _with_stage(
        state,
        event.stage_id,
        lambda s: _with_round(s, lambda r: r.with_late_arrival(event.participant_id)),
    )


@_rule.register
def _(event: ev.TurnStarted, state: SessionState) -> SessionState:
    timer = started_timer(event.budget_s, event.at)

    def start(stage: Stage) -> Stage:
        if event.slot is TurnSlot.ROUND:
            assert stage.round is not None
            previous = stage.round.turns[event.participant_id]
            turn = previous.model_copy(
                update={
                    "status": TurnStatus.SPEAKING,
                    "timer": timer,
                    # Someone asked again who stepped out meanwhile is still being asked again.
                    "asked_again": previous.asked_again
                    or previous.status is TurnStatus.PASSED_FOR_NOW,
                    "earlier_s": previous.spoken_s,
                }
            )
            return _with_round(
                stage, lambda r: r.with_turn(turn).with_current(event.participant_id)
            )
        # A taker's turn and their reflection each start once per Taking Time.
        turn = Turn(participant_id=event.participant_id, status=TurnStatus.SPEAKING, timer=timer)
        field = "taker_turn" if event.slot is TurnSlot.TAKER else "reflection_turn"
        return _with_taking_time(stage, **{field: turn})

    return _with_stage(state, event.stage_id, start)


@_rule.register
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
            return _change_active_turn(stage, event.slot, end)
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

    return _with_stage(state, event.stage_id, end_in)


@_rule.register
def _(event: ev.TurnSkipped, state: SessionState) -> SessionState:
    def skip(round_: Round) -> Round:
        turn = round_.turns[event.participant_id]
        return round_.with_turn(turn.model_copy(update={"status": TurnStatus.SKIPPED}))

    return _with_stage(state, event.stage_id, lambda s: _with_round(s, skip))


@_rule.register
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

    return _with_stage(state, event.stage_id, lambda s: _with_round(s, reopen))


@_rule.register
def _(event: ev.SpeakerTimerPaused, state: SessionState) -> SessionState:
    return _with_stage(
        state,
        event.stage_id,
        lambda s: _with_speaker_timer(s, event.slot, lambda t: t.stop(event.at)),
    )


@_rule.register
def _(event: ev.SpeakerTimerResumed, state: SessionState) -> SessionState:
    return _with_stage(
        state,
        event.stage_id,
        lambda s: _with_speaker_timer(s, event.slot, lambda t: t.start(event.at)),
    )


@_rule.register
def _(event: ev.SpeakerTimeExtended, state: SessionState) -> SessionState:
    return _with_stage(
        state,
        event.stage_id,
        lambda s: _with_speaker_timer(s, event.slot, lambda t: t.extend(event.seconds)),
    )


@_rule.register
def _(event: ev.ParticipantJoined, state: SessionState) -> SessionState:
    person = Participant(
        id=event.participant_id,
        name=event.name,
        member_id=event.member_id,
        name_check_pending=event.name_check_pending,
    )
    return state.model_copy(update={"participants": {**state.participants, person.id: person}})


@_rule.register
def _(event: ev.NameCheckRecorded, state: SessionState) -> SessionState:
    return _with_participant(state, event.participant_id, name_check_pending=False)


@_rule.register
def _(event: ev.MemberForgotten, state: SessionState) -> SessionState:
    return _with_participant(state, event.participant_id, name=ERASED_NAME)


@_rule.register
def _(event: ev.ParticipantAdmitted, state: SessionState) -> SessionState:
    return _with_participant(state, event.participant_id, presence=Presence.PRESENT)


@_rule.register
def _(event: ev.ParticipantSteppedOut, state: SessionState) -> SessionState:
    return _with_participant(
        state, event.participant_id, presence=Presence.STEPPED_OUT, hand_raised=False
    )


@_rule.register
def _(event: ev.ParticipantCameBack, state: SessionState) -> SessionState:
    return _with_participant(state, event.participant_id, presence=Presence.PRESENT)


@_rule.register
def _(event: ev.ParticipantLeft, state: SessionState) -> SessionState:
    return _with_participant(
        state,
        event.participant_id,
        presence=Presence.LEFT,
        hand_raised=False,
        support_requested=False,
        offered_to_take_time=False,
    )


@_rule.register
def _(event: ev.HandRaised, state: SessionState) -> SessionState:
    return _with_participant(state, event.participant_id, hand_raised=True)


@_rule.register
def _(event: ev.HandLowered, state: SessionState) -> SessionState:
    return _with_participant(state, event.participant_id, hand_raised=False)


@_rule.register
def _(event: ev.SupportRequested, state: SessionState) -> SessionState:
    return _with_participant(state, event.participant_id, support_requested=True)


@_rule.register
def _(event: ev.SupportRequestCleared, state: SessionState) -> SessionState:
    return _with_participant(state, event.participant_id, support_requested=False)


@_rule.register
def _(event: ev.TakeTimeOffered, state: SessionState) -> SessionState:
    return _with_participant(state, event.participant_id, offered_to_take_time=event.offered)


@_rule.register
def _(event: ev.TakerChosen, state: SessionState) -> SessionState:
    phase = TakingTimePhase.CHOOSING
    state = _with_stage(
        state,
        event.stage_id,
        lambda s: _with_taking_time(
            s, taker_id=event.participant_id, phase=phase, taker_turn=None, reflection_turn=None
        ),
    )
    if event.participant_id is not None and event.participant_id in state.participants:
        state = _with_participant(state, event.participant_id, offered_to_take_time=False)
    return state


@_rule.register
def _(event: ev.TakingTimePhaseChanged, state: SessionState) -> SessionState:
    return _with_stage(state, event.stage_id, lambda s: _with_taking_time(s, phase=event.phase))


@_rule.register
def _(event: ev.AgreedQuestionSet, state: SessionState) -> SessionState:
    return _with_stage(
        state, event.stage_id, lambda s: _with_taking_time(s, agreed_question=event.question)
    )


@_rule.register
def _(event: ev.FlowUndone, state: SessionState) -> SessionState:
    point = state.undo_point
    if point is None or point.version != event.undone_version:
        raise ValueError(f"nothing to undo at version {event.undone_version}")
    return state.model_copy(update={"stages": point.stages, "undo_point": None})


@_rule.register
def _(event: ev.SettingsChanged, state: SessionState) -> SessionState:
    return state.model_copy(update={"settings": event.settings})


def fold(state: SessionState, events: Iterable[ev.EventBase]) -> SessionState:
    for event in events:
        state = evolve(state, event)
    return state
