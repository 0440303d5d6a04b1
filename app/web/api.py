"""The JSON API, for scripts and other tools (OpenAPI at /docs)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel

from app.agenda.templates import TEMPLATES, AgendaTemplate
from app.plain_text import PlainName, plain_text_problem
from app.realtime.hub import Committed
from app.session.commands import Command
from app.session.views import FacilitatorView, ParticipantView, RoomView, view_for
from app.web.access import authorized, session_hub
from app.web.commands import submit
from app.web.deps import LIMIT_CREATING, LIMIT_JOINING, SERVICES, TOKEN
from app.web.links import (
    CreatedSession,
    CreateSessionRequest,
    Joined,
    join_with_code,
    links_for,
    start_session,
)
from app.web.problems import Problem, answer, invalid_request, responses
from app.web.rate_limits import COMMANDS_TOO_FAST, rate_limits_of
from app.web.strict_json import StrictJsonRoute

# Bodies are read as strict JSON (app/web/strict_json.py): no NaN, Infinity or half characters.
router = APIRouter(prefix="/api", tags=["api"], route_class=StrictJsonRoute)


class JoinRequest(BaseModel):
    name: PlainName
    # The word the facilitators said in the room, when the session asks for one.
    word: PlainName | None = None


class CommandResult(BaseModel):
    status: Literal["accepted", "already_done"]
    version: int


@router.get("/templates")
async def list_templates() -> list[AgendaTemplate]:
    return list(TEMPLATES.values())


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    responses=responses(422, 413, 429),
    dependencies=[LIMIT_CREATING],
)
async def create_session(request: CreateSessionRequest, svc: SERVICES) -> CreatedSession:
    if request.template_key not in TEMPLATES:
        raise Problem(
            "There is no agenda template with that name.",
            status=status.HTTP_422_UNPROCESSABLE_CONTENT,
            code="not_found",
        )
    hub = await start_session(
        svc,
        title=request.title,
        group_name=request.group_name,
        template_key=request.template_key,
        facilitator_names=request.facilitator_names,
    )
    return links_for(svc, hub)


@router.post(
    "/sessions/{session_id}/participants",
    status_code=status.HTTP_201_CREATED,
    responses=responses(404, 409, 413, 429),
    dependencies=[LIMIT_JOINING],
)
async def join(http: Request, session_id: str, request: JoinRequest, svc: SERVICES) -> Joined:
    hub = await session_hub(svc, session_id)
    return await join_with_code(http, svc, hub, request.name, request.word)


@router.get("/sessions/{session_id}/view", responses=responses(401, 403, 404))
async def current_view(
    session_id: str, svc: SERVICES, token: TOKEN
) -> FacilitatorView | ParticipantView | RoomView:
    hub, grant = await authorized(svc, session_id, token)
    return view_for(hub.state, grant.role, grant.person_id)


@router.post(
    "/sessions/{session_id}/commands",
    responses=responses(401, 403, 404, 409, 422, 413, 429),
)
async def send_command(
    request: Request, session_id: str, command: Command, svc: SERVICES, token: TOKEN
) -> CommandResult:
    hub, grant = await authorized(svc, session_id, token)
    budget = rate_limits_of(request.app).budget(f"api:{hub.record.id}:{grant.person_id}")
    if not budget.command():
        raise Problem(COMMANDS_TOO_FAST, status=status.HTTP_429_TOO_MANY_REQUESTS, code="slow_down")
    outcome = await submit(hub, command, grant.actor)
    return CommandResult(
        status="accepted" if isinstance(outcome, Committed) else "already_done",
        version=outcome.version,
    )


async def plain_text_handler(request: Request, exc: Exception) -> Response:
    """A command whose text is not plain text is refused as a problem like any refusal."""
    assert isinstance(exc, RequestValidationError)
    problem = plain_text_problem(exc.errors())
    if problem is None or getattr(request.scope.get("route"), "endpoint", None) is not send_command:
        return await invalid_request(request, exc)
    return answer(request, Problem(problem, status=status.HTTP_422_UNPROCESSABLE_CONTENT))
