"""What of a session may be written down: the same facts, minus anything anybody said."""

from __future__ import annotations

from typing import Any

from app.session.events import EventBase
from app.session.state import SessionState, Stage


def events_for_storage(events: tuple[EventBase, ...] | list[EventBase]) -> list[dict[str, Any]]:
    return [event.for_storage().model_dump(mode="json") for event in events]


def state_for_storage(state: SessionState) -> dict[str, Any]:
    """A snapshot that cannot leak an agreed question (it lives only in the live session)."""
    update: dict[str, Any] = {"stages": _forget_questions(state.stages)}
    if state.undo_point is not None:
        update["undo_point"] = state.undo_point.model_copy(
            update={"stages": _forget_questions(state.undo_point.stages)}
        )
    return state.model_copy(update=update).model_dump(mode="json")


def _forget_questions(stages: tuple[Stage, ...]) -> tuple[Stage, ...]:
    return tuple(_forget_question(stage) for stage in stages)


def _forget_question(stage: Stage) -> Stage:
    taking = stage.taking_time
    if taking is None or taking.agreed_question is None:
        return stage
    return stage.model_copy(
        update={"taking_time": taking.model_copy(update={"agreed_question": None})}
    )
