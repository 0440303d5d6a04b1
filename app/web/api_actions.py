"""Housekeeping actions through the JSON API: what the console's summary-stage form records.

The same rules and words as the form (app/web/groups/action_fields.py), and the same proof: a
facilitator's token for a session that a group started. The action is the group's, for a
meeting still to come; the session it was agreed in only vouches for who may record it.
"""

from __future__ import annotations

from datetime import date

from anyio import to_thread
from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from app.agenda.carry_over import ActionKind
from app.session.command_base import Role
from app.web.access import authorized, not_allowed
from app.web.deps import ACCOUNTS, SERVICES, TOKEN
from app.web.groups.action_fields import ActionFields
from app.web.problems import Problem, responses
from app.web.strict_json import StrictJsonRoute

router = APIRouter(prefix="/api", tags=["housekeeping"], route_class=StrictJsonRoute)

NOT_A_GROUPS_SESSION = (
    "This session was not started by a group, so there is no next meeting to carry an action"
    " to. Actions can be recorded in a group's sessions."
)

EXAMPLE: dict[str, JsonValue] = {
    "kind": "seek_news",
    "detail": "Ask after Tom, who could not come this week",
    "peer_name": "Tom",
    "due_on": "2026-12-10",
}


class ActionRequest(BaseModel):
    """An action agreed at housekeeping, for the group's meeting on `due_on` (today or later).

    `peer_name` (a member's preferred name) is needed for `guaranteed_time` and `seek_news`,
    and ignored for the other kinds."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    kind: ActionKind
    detail: str = Field(max_length=1000)
    peer_name: str | None = Field(default=None, max_length=200)
    due_on: date


class RecordedAction(BaseModel):
    """The action as the group keeps it: the meeting on `due_on` opens with it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "a1b2c3", **EXAMPLE}]})

    id: str
    kind: ActionKind
    detail: str
    peer_name: str | None
    due_on: date


@router.post(
    "/sessions/{session_id}/actions",
    operation_id="record_action",
    summary="Record a housekeeping action for the group's next meeting",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 409, 413, 422, 429),
)
async def record_action(
    session_id: str, request: ActionRequest, svc: SERVICES, accounts: ACCOUNTS, token: TOKEN
) -> RecordedAction:
    """What the console's housekeeping form records, for a facilitator's token. A 409 for a
    one-off session (no group, so no next meeting); a 422 `invalid` saying what to change
    (no detail, no peer's name where the kind needs one, a date already past)."""
    hub, grant = await authorized(svc, session_id, token)
    if grant.role is not Role.FACILITATOR:
        raise not_allowed("Only a facilitator can record a housekeeping action.")
    group_id = await to_thread.run_sync(accounts.groups.group_of_session, hub.record.id)
    group = None if group_id is None else await to_thread.run_sync(accounts.groups.get, group_id)
    if group is None:
        raise Problem(NOT_A_GROUPS_SESSION, status=status.HTTP_409_CONFLICT)
    fields = ActionFields(
        kind=request.kind.value,
        detail=request.detail,
        peer_name=request.peer_name or "",
        due_on=request.due_on.isoformat(),
    )
    problem = fields.problem(accounts.today(group.time_zone))
    if problem is not None:
        raise Problem(problem, status=status.HTTP_422_UNPROCESSABLE_CONTENT)
    action = fields.action(accounts.clock())
    await to_thread.run_sync(accounts.groups.add_action, group.id, action)
    return RecordedAction(
        id=action.id,
        kind=action.kind,
        detail=action.detail,
        peer_name=action.peer_name,
        due_on=action.due_on,
    )
