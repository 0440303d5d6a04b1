"""evolve(): apply one event to the state. Facts only; every decision was made in decide().

Each event's rule is registered on `rule` (rule.py) in the module of its capability.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.plain_text import quoted
from app.rounds.turns import TurnStatus
from app.session import events as ev
from app.session.event_base import EventBase, UndoEffect

# Importing each capability module registers its rules.
from app.session.evolve import (  # noqa: F401
    agenda,
    people,
    rounds,
    session,
    taking_time,
)
from app.session.evolve.rule import rule
from app.session.state import FlowChange, SessionState, TurnSlot, UndoPoint


def apply_commit(
    state: SessionState,
    events: Iterable[EventBase],
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
        if all(event.undo_effect is UndoEffect.AGENDA for event in batch):
            update["undo_point"] = UndoPoint(
                version=version,
                actor_id=actor_id,
                description=description,
                stages=before.stages,
                promises=before.promises,
            )
        else:
            update["undo_point"] = None
    elif any(event.undo_effect is not UndoEffect.BYSTANDER for event in batch):
        update["undo_point"] = None
    return state.model_copy(update=update)


_OUTCOME_WORDS = {
    TurnStatus.SHARED: "finished sharing",
    TurnStatus.PASSED: "passed",
    TurnStatus.PASSED_FOR_NOW: "passed for now",
    TurnStatus.WAITING: "stepped out",
    TurnStatus.SKIPPED: "skipped a turn",
}


def describe_flow(batch: list[EventBase], state: SessionState, actor_id: str) -> str:
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
            return f"undid the last step: {event.description}"
        if isinstance(event, ev.StageStarted):
            stage = state.stage(event.stage_id)
            return f"moved to {quoted(stage.title) if stage else 'the next item'}"
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
        if isinstance(event, ev.PromiseReleased):
            return f"released the promise of Taking Time to {_promised(state, event.promise)}"
    return "changed the agenda"


def _promised(state: SessionState, key: str) -> str:
    action = next((a for a in state.carried_over if a.key == key), None)
    return "someone" if action is None or action.peer_name is None else action.peer_name


def evolve(state: SessionState, event: EventBase) -> SessionState:
    return rule(event, state)


def fold(state: SessionState, events: Iterable[EventBase]) -> SessionState:
    for event in events:
        state = evolve(state, event)
    return state
