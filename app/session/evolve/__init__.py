"""evolve(): apply one event to the state. Facts only; every decision was made in decide().

Each event's rule is registered on `rule` (rule.py) in the module of its capability.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.plain_text import quoted
from app.rounds.turns import TurnStatus
from app.session import events as ev
from app.session.decisions import Accepted
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
from app.session.flow_steps import FlowStep, fragment
from app.session.state import FlowChange, SessionState, TurnSlot, UndoPoint

# The latest accepted command ids the state remembers, answering a resend at once. A resend
# comes seconds after its command (a page that lost its socket); an older one is decided again
# and, if it still applies, the database refuses its second commit and answers it with the
# original version (docs/architecture.md, "Idempotency"). Without a bound the record grew with
# every command a session ever took, and was copied whole on each.
REMEMBERED_COMMANDS = 256


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
    batch = tuple(events)
    folded = Accepted(batch, fold(state, batch))
    return committed(state, folded, version=version, command_id=command_id, actor_id=actor_id)


def committed(
    before: SessionState, decision: Accepted, *, version: int, command_id: str, actor_id: str
) -> SessionState:
    """The state after a commit of a decision's events, which took `before` to the state the
    decision carries (decide() folded them to decide them; apply_commit folds them again):
    its version, what it means for stale clicks and whether it can be undone."""
    state, batch = decision.state, decision.events
    update: dict[str, object] = {
        "version": version,
        "command_versions": _remembered(state.command_versions, command_id, version),
        "undo_point": state.undo_point,
    }
    if any(event.moves_flow for event in batch):
        step, values = describe_flow(batch, state, actor_id)
        description = fragment(step, values)
        update["flow_change"] = FlowChange(
            version=version, actor_id=actor_id, description=description, step=step, values=values
        )
        if all(event.undo_effect is UndoEffect.AGENDA for event in batch):
            update["undo_point"] = UndoPoint(
                version=version,
                actor_id=actor_id,
                description=description,
                step=step,
                values=values,
                stages=before.stages,
                promises=before.promises,
            )
        else:
            update["undo_point"] = None
    elif any(event.undo_effect is not UndoEffect.BYSTANDER for event in batch):
        update["undo_point"] = None
    return state.model_copy(update=update)


# The step of one's own turn ending, alone and with the next speaker's turn begun.
_OWN_OUTCOME = {
    TurnStatus.SHARED: (FlowStep.FINISHED_SHARING, FlowStep.FINISHED_SHARING_THEN),
    TurnStatus.PASSED: (FlowStep.PASSED, FlowStep.PASSED_THEN),
    TurnStatus.PASSED_FOR_NOW: (FlowStep.PASSED_FOR_NOW, FlowStep.PASSED_FOR_NOW_THEN),
    TurnStatus.WAITING: (FlowStep.STEPPED_OUT, FlowStep.STEPPED_OUT_THEN),
    TurnStatus.SKIPPED: (FlowStep.SKIPPED_OWN_TURN, FlowStep.SKIPPED_OWN_TURN_THEN),
}
# Steps that need nothing but who took them, by the event that makes them.
_PLAIN_STEPS: tuple[tuple[type[EventBase], FlowStep], ...] = (
    (ev.SessionEnded, FlowStep.ENDED_SESSION),
    (ev.SessionStarted, FlowStep.STARTED_SESSION),
    (ev.RoundStarted, FlowStep.STARTED_ROUND),
    (ev.RoundReordered, FlowStep.REORDERED_ROUND),
    (ev.TakerChosen, FlowStep.CHOSE_TAKER),
    (ev.TakingTimePhaseChanged, FlowStep.MOVED_TAKING_TIME_ON),
)
# Steps that name the person whose turn it was about.
_NAMING_STEPS: tuple[
    tuple[type[ev.TurnEnded | ev.TurnSkipped | ev.TurnReopened], FlowStep], ...
] = (
    (ev.TurnEnded, FlowStep.ENDED_TURN),
    (ev.TurnSkipped, FlowStep.SKIPPED_TURN),
    (ev.TurnReopened, FlowStep.RETURNED_TO),
)


def describe_flow(
    batch: Sequence[EventBase], state: SessionState, actor_id: str
) -> tuple[FlowStep, dict[str, str]]:
    """What a flow commit did: its kind of step, and the names or title it is about."""
    started = next((e for e in reversed(batch) if isinstance(e, ev.TurnStarted)), None)
    own_turn = next(
        (e for e in batch if isinstance(e, ev.TurnEnded) and e.participant_id == actor_id), None
    )
    if own_turn is not None:
        alone, then = _OWN_OUTCOME[own_turn.outcome]
        if started is None:
            return alone, {}
        return then, {"next": state.name_of(started.participant_id)}
    if started is not None and started.slot is TurnSlot.ROUND:
        return FlowStep.NEXT_SPEAKER, {"name": state.name_of(started.participant_id)}
    if started is not None:
        return FlowStep.GAVE_THE_TURN, {"name": state.name_of(started.participant_id)}
    for event in reversed(batch):
        if isinstance(event, ev.FlowUndone):
            return FlowStep.UNDID, {"step": event.description}
        if isinstance(event, ev.StageStarted):
            stage = state.stage(event.stage_id)
            if stage is None:
                return FlowStep.MOVED_TO_NEXT_ITEM, {}
            return FlowStep.MOVED_TO_STAGE, {"title": quoted(stage.title)}
        for kind, step in _PLAIN_STEPS:
            if isinstance(event, kind):
                return step, {}
        for naming, step in _NAMING_STEPS:
            if isinstance(event, naming):
                return step, {"name": state.name_of(event.participant_id)}
        if isinstance(event, ev.PromiseReleased):
            return FlowStep.RELEASED_PROMISE, {"name": _promised(state, event.promise)}
    return FlowStep.CHANGED_AGENDA, {}


def _promised(state: SessionState, key: str) -> str:
    action = next((a for a in state.carried_over if a.key == key), None)
    return "someone" if action is None or action.peer_name is None else action.peer_name


def evolve(state: SessionState, event: EventBase) -> SessionState:
    return rule(event, state)


def fold(state: SessionState, events: Iterable[EventBase]) -> SessionState:
    for event in events:
        state = evolve(state, event)
    return state


def _remembered(versions: dict[str, int], command_id: str, version: int) -> dict[str, int]:
    """The command ids remembered after this one: the newest REMEMBERED_COMMANDS, oldest first."""
    remembered = {**versions, command_id: version}
    while len(remembered) > REMEMBERED_COMMANDS:
        del remembered[next(iter(remembered))]
    return remembered
