"""What of a session may be written down: the same facts, minus anything anybody said."""

from __future__ import annotations

from typing import Any

from app.session.events import EVENTS_ADAPTER, EventBase, ParticipantJoined, SessionCreated
from app.session.state import ERASED_NAME, SessionState, Stage


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


def erase_member(events: list[dict[str, Any]], member_id: str, name: str) -> list[dict[str, Any]]:
    """Stored events without the name of the member being erased (the same list if unnamed).

    Their arrival stays in the record (its timing facts name a person), their name does not.
    """
    if not any(_names_member(event, member_id, name) for event in events):
        return events
    erased: list[EventBase] = []
    for event in EVENTS_ADAPTER.validate_python(events):
        if isinstance(event, ParticipantJoined) and event.member_id == member_id:
            erased.append(event.model_copy(update={"name": ERASED_NAME}))
        elif isinstance(event, SessionCreated) and name in event.apologies:
            kept = tuple(n for n in event.apologies if n != name)
            erased.append(event.model_copy(update={"apologies": kept}))
        else:
            erased.append(event)
    return events_for_storage(erased)


def _names_member(event: dict[str, Any], member_id: str, name: str) -> bool:
    if event.get("type") == "participant_joined":
        return bool(event.get("member_id") == member_id)
    return event.get("type") == "session_created" and name in event.get("apologies", ())
