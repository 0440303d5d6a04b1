"""The JSON API, for scripts and other tools (OpenAPI at /docs)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Request, status
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from app.agenda.templates import TEMPLATES, AgendaTemplate
from app.plain_text import PlainName, PlainTitle, plain_text_problem
from app.realtime.hub import Committed, SessionHub
from app.realtime.registry import SessionNotCreated, new_id
from app.session.commands import Actor, Command, Join, Role
from app.session.decisions import AlreadyDone, Rejected, RejectionCode
from app.session.views import FacilitatorView, ParticipantView, RoomView, view_for
from app.web.access import AccessDenied, authorize, current_token_version
from app.web.rate_limits import (
    COMMANDS_TOO_FAST,
    SLOW_DOWN,
    Bucket,
    client_address,
    rate_limits_of,
)
from app.web.services import Services, services
from app.web.tokens import Grant

router = APIRouter(prefix="/api", tags=["api"])

STATUS_OF_REJECTION = {
    RejectionCode.NOT_ALLOWED: status.HTTP_403_FORBIDDEN,
    RejectionCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
}


class Problem(BaseModel):
    code: str
    message: str


class CreateSessionRequest(BaseModel):
    title: PlainTitle
    group_name: PlainTitle
    template_key: str = Field(default="peer-support-plus-weekly", max_length=120)
    facilitator_names: list[PlainName] = Field(min_length=1, max_length=6)


class Link(BaseModel):
    id: str
    name: str
    token: str
    url: str


class CreatedSession(BaseModel):
    session_id: str
    join_code: str
    join_url: str
    facilitators: list[Link]
    room: Link


class JoinRequest(BaseModel):
    name: PlainName


class Joined(BaseModel):
    participant_id: str
    token: str
    url: str
    waiting_room: bool = True


class CommandResult(BaseModel):
    status: Literal["accepted", "already_done"]
    version: int


def enter_url(svc: Services, token: str) -> str:
    return f"{svc.settings.base_url()}/enter/{token}"


def issue(svc: Services, hub: SessionHub, role: Role, person_id: str, token_version: int) -> str:
    """A token for `person_id`; `token_version` is the stored one (current_token_version)."""
    return svc.tokens.issue(
        Grant(session_id=hub.record.id, role=role, person_id=person_id, token_version=token_version)
    )


def links_for(svc: Services, hub: SessionHub, token_version: int | None = None) -> CreatedSession:
    """Every link of a session. `token_version` defaults to the hub's, right for a new session."""
    version = hub.record.token_secret_version if token_version is None else token_version
    facilitators = []
    for facilitator in hub.state.facilitators.values():
        token = issue(svc, hub, Role.FACILITATOR, facilitator.id, version)
        facilitators.append(
            Link(id=facilitator.id, name=facilitator.name, token=token, url=enter_url(svc, token))
        )
    room_token = issue(svc, hub, Role.ROOM, "room", version)
    return CreatedSession(
        session_id=hub.record.id,
        join_code=hub.record.join_code,
        join_url=f"{svc.settings.base_url()}/join/{hub.record.join_code}",
        facilitators=facilitators,
        room=Link(id="room", name="Room view", token=room_token, url=enter_url(svc, room_token)),
    )


async def join_session(
    svc: Services,
    hub: SessionHub,
    name: str,
    member_id: str | None = None,
    name_check_pending: bool = False,
) -> Joined | Rejected:
    """Join as a new participant: by the session's code, or (member_id) by a member's link."""
    participant_id = new_id()
    join = Join(
        id=str(uuid.uuid4()),
        name=name,
        member_id=member_id,
        name_check_pending=name_check_pending,
    )
    outcome = await hub.execute(join, Actor(role=Role.PARTICIPANT, id=participant_id))
    if isinstance(outcome, Rejected):
        return outcome
    token = issue(svc, hub, Role.PARTICIPANT, participant_id, await current_token_version(svc, hub))
    return Joined(participant_id=participant_id, token=token, url=enter_url(svc, token))


async def hub_or_404(svc: Services, session_id: str) -> SessionHub:
    hub = await svc.registry.get(session_id)
    if hub is None:
        raise ApiProblem("not_found", "There is no session with that id.", 404)
    return hub


async def authorized(svc: Services, session_id: str, token: str | None) -> tuple[SessionHub, Grant]:
    hub = await hub_or_404(svc, session_id)
    try:
        return hub, await authorize(svc, token, hub, None)
    except AccessDenied as denied:
        raise ApiProblem("not_allowed", denied.message, denied.status) from denied


def bearer(authorization: Annotated[str | None, Header()] = None) -> str | None:
    if authorization is None or not authorization.lower().startswith("bearer "):
        return None
    return authorization[7:].strip()


class ApiProblem(Exception):
    """A refusal answered as JSON `{code, message}` with an HTTP status."""

    def __init__(
        self,
        code: str,
        message: str,
        status_code: int,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.problem = Problem(code=code, message=message)
        self.status_code = status_code
        self.headers = headers


async def api_problem_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    return JSONResponse(exc.problem.model_dump(), status_code=exc.status_code, headers=exc.headers)


async def command_text_handler(request: Request, exc: Exception) -> Response:
    """A command whose text is not plain text is refused as a problem like any refusal."""
    assert isinstance(exc, RequestValidationError)
    problem = plain_text_problem(exc.errors())
    if problem is None or getattr(request.scope.get("route"), "endpoint", None) is not send_command:
        return await request_validation_exception_handler(request, exc)
    refusal = ApiProblem("invalid", problem, status.HTTP_422_UNPROCESSABLE_CONTENT)
    return await api_problem_handler(request, refusal)


def rate_limited(bucket: Bucket) -> Callable[[Request], None]:
    """A dependency counting one attempt per client address; 429 with Retry-After beyond."""

    def check(request: Request) -> None:
        wait = rate_limits_of(request.app).wait_for(bucket, client_address(request))
        if wait is not None:
            raise ApiProblem("slow_down", SLOW_DOWN[bucket], 429, {"Retry-After": str(wait)})

    return check


# What any route with a body may answer: over the size limit (app/web/security.py).
EDGE_RESPONSES: dict[int | str, dict[str, Any]] = {413: {"model": Problem}}
SLOW_DOWN_RESPONSE: dict[int | str, dict[str, Any]] = {429: {"model": Problem}}


@router.get("/templates")
async def list_templates() -> list[AgendaTemplate]:
    return list(TEMPLATES.values())


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    responses={422: {"model": Problem}, **EDGE_RESPONSES, **SLOW_DOWN_RESPONSE},
    dependencies=[Depends(rate_limited("create_session"))],
)
async def create_session(
    request: CreateSessionRequest, svc: Annotated[Services, Depends(services)]
) -> CreatedSession:
    if request.template_key not in TEMPLATES:
        raise ApiProblem("not_found", "There is no agenda template with that name.", 422)
    try:
        hub = await svc.registry.create(
            title=request.title,
            group_name=request.group_name,
            template_key=request.template_key,
            facilitator_names=request.facilitator_names,
        )
    except SessionNotCreated as refused:
        raise ApiProblem("invalid", str(refused), 422) from refused
    return links_for(svc, hub)


@router.post(
    "/sessions/{session_id}/participants",
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"model": Problem},
        409: {"model": Problem},
        **EDGE_RESPONSES,
        **SLOW_DOWN_RESPONSE,
    },
    dependencies=[Depends(rate_limited("join"))],
)
async def join(
    session_id: str, request: JoinRequest, svc: Annotated[Services, Depends(services)]
) -> Joined:
    hub = await hub_or_404(svc, session_id)
    joined = await join_session(svc, hub, request.name)
    if isinstance(joined, Rejected):
        raise ApiProblem(joined.code, joined.message, status.HTTP_409_CONFLICT)
    return joined


@router.get(
    "/sessions/{session_id}/view",
    responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}},
)
async def current_view(
    session_id: str,
    svc: Annotated[Services, Depends(services)],
    token: Annotated[str | None, Depends(bearer)],
) -> FacilitatorView | ParticipantView | RoomView:
    hub, grant = await authorized(svc, session_id, token)
    return view_for(hub.state, grant.role, grant.person_id)


@router.post(
    "/sessions/{session_id}/commands",
    responses={
        401: {"model": Problem},
        403: {"model": Problem},
        404: {"model": Problem},
        409: {"model": Problem},
        422: {"model": Problem},
        **EDGE_RESPONSES,
        **SLOW_DOWN_RESPONSE,
    },
)
async def send_command(
    request: Request,
    session_id: str,
    command: Command,
    svc: Annotated[Services, Depends(services)],
    token: Annotated[str | None, Depends(bearer)],
) -> CommandResult:
    hub, grant = await authorized(svc, session_id, token)
    budget = rate_limits_of(request.app).budget(f"api:{hub.record.id}:{grant.person_id}")
    if not budget.command():
        raise ApiProblem("slow_down", COMMANDS_TOO_FAST, 429)
    outcome = await hub.execute(command, grant.actor)
    if isinstance(outcome, Committed):
        return CommandResult(status="accepted", version=outcome.version)
    if isinstance(outcome, AlreadyDone):
        return CommandResult(status="already_done", version=outcome.version)
    raise ApiProblem(
        outcome.code,
        outcome.message,
        STATUS_OF_REJECTION.get(outcome.code, status.HTTP_409_CONFLICT),
    )
