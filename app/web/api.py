"""The JSON API, for scripts and other tools (OpenAPI at /openapi.json, explorer at /docs).

Every operation has an `operationId` integrators can find it by; a session's token (from its
links, or from joining) goes in an `Authorization: Bearer` header (the `token` scheme).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from app.agenda.templates import TEMPLATES, AgendaTemplate
from app.plain_text import PlainName, plain_text_problem
from app.realtime.hub import Committed
from app.session.commands import SERVER_ONLY, ClientCommand
from app.session.views import FacilitatorView, ParticipantView, RoomView, view_for
from app.web.access import authorized, session_hub
from app.web.api_examples import command_examples
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
from app.web.problems import NoSuchSession, Problem, answer, invalid_request, responses
from app.web.rate_limits import COMMANDS_TOO_FAST, rate_limits_of
from app.web.strict_json import StrictJsonRoute

# Bodies are read as strict JSON (app/web/strict_json.py): no NaN, Infinity or half characters.
router = APIRouter(prefix="/api", tags=["sessions"], route_class=StrictJsonRoute)


class JoinRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "Priya"}, {"name": "Tom", "word": "willow"}]}
    )

    name: PlainName
    # The word the facilitators said in the room, when the session asks for one.
    word: PlainName | None = None


class CommandResult(BaseModel):
    """`accepted`: committed as `version`. `already_done`: this `id` was committed before, as
    `version`; nothing happened again."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "accepted", "version": 12}]}
    )

    status: Literal["accepted", "already_done"]
    version: int


@router.get(
    "/templates",
    operation_id="list_templates",
    summary="The agenda templates",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": [TEMPLATES["peer-support-plus-weekly"].model_dump(mode="json")]
                }
            }
        }
    },
)
async def list_templates() -> list[AgendaTemplate]:
    """The seed agendas a new session can follow (`template_key` of `create_session`)."""
    return list(TEMPLATES.values())


@router.post(
    "/sessions",
    operation_id="create_session",
    summary="Start a new one-off session",
    status_code=status.HTTP_201_CREATED,
    responses=responses(422, 413, 429),
    dependencies=[LIMIT_CREATING],
)
async def create_session(request: CreateSessionRequest, svc: SERVICES) -> CreatedSession:
    """A new session and all its links: a token for each facilitator (their names in order)
    and for the room view, and the join code participants use. Keep the tokens private."""
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


JOINING = (
    "Joins the session's waiting room as a new participant: a facilitator lets them in"
    " (`admit`). The answer's token is theirs, for the websocket's `hello` or a Bearer header."
    " Refused with 409 `invalid` and the reason, for people, while joining is closed, without"
    " the word the session asks for (or with another), or when the session or its waiting room"
    " is full; 409 `session_ended` once it has ended."
)


@router.post(
    "/join/{join_code}",
    operation_id="join_by_code",
    summary="Join a session with its join code",
    status_code=status.HTTP_201_CREATED,
    description="The code people are given in the room (the end of the join link, in any"
    f" case). {JOINING}",
    responses=responses(404, 409, 413, 422, 429),
    dependencies=[LIMIT_JOINING],
)
async def join_by_code(
    http: Request, join_code: str, request: JoinRequest, svc: SERVICES
) -> Joined:
    hub = await svc.registry.by_join_code(join_code)
    if hub is None:
        raise NoSuchSession
    return await join_with_code(http, svc, hub, request.name, request.word)


@router.post(
    "/sessions/{session_id}/participants",
    operation_id="join_session",
    summary="Join a session by its id",
    description=f"As `join_by_code`, for a script that knows the session's id. {JOINING}",
    status_code=status.HTTP_201_CREATED,
    responses=responses(404, 409, 413, 422, 429),
    dependencies=[LIMIT_JOINING],
)
async def join(http: Request, session_id: str, request: JoinRequest, svc: SERVICES) -> Joined:
    hub = await session_hub(svc, session_id)
    return await join_with_code(http, svc, hub, request.name, request.word)


@router.get(
    "/sessions/{session_id}/view",
    operation_id="read_view",
    summary="The session as the token's holder sees it",
    # Its examples are added to the finished schema (api_docs.install_examples).
    responses=responses(401, 403, 404),
)
async def current_view(
    session_id: str, svc: SERVICES, token: TOKEN
) -> FacilitatorView | ParticipantView | RoomView:
    """The same view the websocket's snapshots carry, by `role`: a facilitator's (everything),
    a participant's (`you` besides the public state) or the room's (public state only)."""
    hub, grant = await authorized(svc, session_id, token)
    return view_for(hub.state, grant.role, grant.person_id)


@router.post(
    "/sessions/{session_id}/commands",
    operation_id="send_command",
    summary="Send a command",
    responses=responses(401, 403, 404, 409, 422, 413, 429),
)
async def send_command(
    request: Request,
    session_id: str,
    command: Annotated[ClientCommand, Body(openapi_examples=command_examples())],
    svc: SERVICES,
    token: TOKEN,
) -> CommandResult:
    """Run one command as the token's holder, as the websocket's `command` message does
    (docs/protocol.md). Resending the same `id` is safe: it is stored once at most. A refusal
    is a 403 (not yours to do), 404 or 409 with the engine's code and a message for people."""
    hub, grant = await authorized(svc, session_id, token)
    budget = rate_limits_of(request.app).budget(f"api:{hub.record.id}:{grant.person_id}")
    if not budget.command():
        raise Problem(COMMANDS_TOO_FAST, status=status.HTTP_429_TOO_MANY_REQUESTS, code="slow_down")
    outcome = await submit(hub, command, grant.actor)
    return CommandResult(
        status="accepted" if isinstance(outcome, Committed) else "already_done",
        version=outcome.version,
    )


async def command_body_handler(request: Request, exc: Exception) -> Response:
    """A command's refusals that are worded for people: text that is not plain text, and a
    command only the server sends (join, say), rather than FastAPI's list of expected tags."""
    assert isinstance(exc, RequestValidationError)
    if getattr(request.scope.get("route"), "endpoint", None) is not send_command:
        return await invalid_request(request, exc)
    server_only = _server_only(exc)
    if server_only is not None:
        return answer(
            request, Problem(server_only, status=status.HTTP_403_FORBIDDEN, code="not_allowed")
        )
    problem = plain_text_problem(exc.errors())
    if problem is None:
        return await invalid_request(request, exc)
    return answer(request, Problem(problem, status=status.HTTP_422_UNPROCESSABLE_CONTENT))


def _server_only(exc: RequestValidationError) -> str | None:
    for error in exc.errors():
        tag = (error.get("ctx") or {}).get("tag") if error["type"] == "union_tag_invalid" else None
        if isinstance(tag, str) and tag in SERVER_ONLY:
            return SERVER_ONLY[tag]
    return None
