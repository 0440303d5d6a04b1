"""What of a session may be written down: the same facts, minus anything anybody said."""

from __future__ import annotations

from typing import Any

from app.session.event_base import EventBase
from app.session.events import EVENTS_ADAPTER, ParticipantJoined, SessionCreated
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


def erase_member(
    events: list[dict[str, Any]], member_id: str, name: str | None
) -> list[dict[str, Any]]:
    """Stored events without the name of the member being erased (the same list if unnamed).

    Their arrival stays in the record (its timing facts name a person), their name does not.
    What the session was created with names people only by preferred name (apologies, and
    actions carried for a peer): those go when `name` is given, that is when no other member
    of the group has the same name.
    """
    if not any(_names_member(event, member_id, name) for event in events):
        return events
    erased: list[EventBase] = []
    for event in EVENTS_ADAPTER.validate_python(events):
        if isinstance(event, ParticipantJoined) and event.member_id == member_id:
            erased.append(event.model_copy(update={"name": ERASED_NAME}))
        elif isinstance(event, SessionCreated) and name is not None:
            apologies = tuple(n for n in event.apologies if n != name)
            carried = tuple(a for a in event.carried_over if a.peer_name != name)
            erased.append(
                event.model_copy(update={"apologies": apologies, "carried_over": carried})
            )
        else:
            erased.append(event)
    return events_for_storage(erased)


def _names_member(event: dict[str, Any], member_id: str, name: str | None) -> bool:
    if event.get("type") == "participant_joined":
        return bool(event.get("member_id") == member_id)
    if event.get("type") != "session_created" or name is None:
        return False
    carried = event.get("carried_over", ())
    return name in event.get("apologies", ()) or any(a.get("peer_name") == name for a in carried)


# The events that say who asked for support: kept only until the follow-up is marked done.
SUPPORT_REQUEST_TYPES = frozenset({"support_requested", "support_request_cleared"})
FOLLOWED_UP_TYPE = "support_followed_up"


def closes_support_follow_up(events: list[dict[str, Any]]) -> bool:
    """Whether storing these events must first forget who asked for support."""
    return any(event.get("type") == FOLLOWED_UP_TYPE for event in events)


def forget_support_requests(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored events without who asked for support (the same list if none said it).

    The count stays, in the follow-up's own event; a commit may be left with no events, which
    folds to nothing and keeps the versions whole.
    """
    if not any(event.get("type") in SUPPORT_REQUEST_TYPES for event in events):
        return events
    return [event for event in events if event.get("type") not in SUPPORT_REQUEST_TYPES]
