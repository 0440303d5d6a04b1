"""The HTML pages: home, join, and the three live screens (console, phone, room)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from app.agenda.templates import TEMPLATES
from app.plain_text import PlainName, plain_text_error
from app.realtime.hub import SessionHub
from app.realtime.registry import SessionNotCreated
from app.session.commands import Role
from app.session.decisions import Rejected
from app.session.views import view_for
from app.web.access import (
    PAGE_OF_ROLE,
    AccessDenied,
    authorize,
    cookie_name,
    current_token_version,
)
from app.web.api import CreateSessionRequest, issue, join_session, links_for
from app.web.rate_limits import SLOW_DOWN, Bucket, client_address, rate_limits_of
from app.web.rendering import VENDOR_FILES, page, qr_svg
from app.web.services import Services, services
from app.web.tokens import TokenError

router = APIRouter(include_in_schema=False)
PREFERRED_NAME: TypeAdapter[str] = TypeAdapter(PlainName)

SERVICES = Annotated[Services, Depends(services)]
GUIDELINES = [
    "What is said in the room stays in the room.",
    "Everyone has an equal chance to share, or to pass.",
    "We do not interrupt, except when a question is essential for clarity.",
    "We make no judgements and give no advice unless asked.",
    "Silence is fine. It is OK to leave and OK to come back.",
    "We do not have side conversations.",
]


def message_page(
    svc: Services, request: Request, title: str, message: str, status_code: int
) -> HTMLResponse:
    return page(svc, request, "message.html", status_code, title=title, message=message)


def slow_down(request: Request, bucket: Bucket) -> str | None:
    """Count one attempt from this address; the calm message to show when it is one too many."""
    wait = rate_limits_of(request.app).wait_for(bucket, client_address(request))
    return None if wait is None else SLOW_DOWN[bucket]


@router.get("/static/vendor/{name}")
async def vendor(name: str) -> Response:
    path = VENDOR_FILES.get(name)
    if path is None or not path.exists():
        return Response("Not found", status_code=404)
    return FileResponse(path, media_type="text/javascript")


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, svc: SERVICES) -> HTMLResponse:
    return page(svc, request, "home.html", templates=list(TEMPLATES.values()), error=None)


@router.post("/sessions", response_class=HTMLResponse)
async def create_session(
    request: Request,
    svc: SERVICES,
    title: Annotated[str, Form()] = "",
    group_name: Annotated[str, Form()] = "",
    template_key: Annotated[str, Form()] = "peer-support-plus-weekly",
    facilitator_name: Annotated[str, Form()] = "",
    co_facilitator_name: Annotated[str, Form()] = "",
) -> Response:
    form = {
        "title": title,
        "group_name": group_name,
        "facilitator_name": facilitator_name,
        "co_facilitator_name": co_facilitator_name,
    }
    waiting = slow_down(request, "create_session")
    if waiting is not None:
        return _home_again(svc, request, 429, form, waiting)
    names = [n for n in (facilitator_name, co_facilitator_name) if n.strip()]
    try:
        wanted = CreateSessionRequest(
            title=title, group_name=group_name, template_key=template_key, facilitator_names=names
        )
        hub = await svc.registry.create(
            title=wanted.title,
            group_name=wanted.group_name,
            template_key=wanted.template_key,
            facilitator_names=wanted.facilitator_names,
        )
    except ValidationError as problem:
        return _home_again(svc, request, 422, form, plain_text_error(problem.errors()) or FORM_HELP)
    except SessionNotCreated:
        return _home_again(svc, request, 422, form, FORM_HELP)
    first = next(iter(hub.state.facilitators))
    token = issue(svc, hub, Role.FACILITATOR, first, hub.record.token_secret_version)
    return enter_as(svc, hub, Role.FACILITATOR, token)


FORM_HELP = "Please give the session a title, the group's name and your name (up to 40 characters)."


def _home_again(
    svc: Services, request: Request, status_code: int, form: dict[str, str], error: str
) -> HTMLResponse:
    """The form again, as it was filled in, with what to change: nothing typed is lost."""
    return page(
        svc,
        request,
        "home.html",
        status_code,
        templates=list(TEMPLATES.values()),
        form=form,
        error=error,
    )


def enter_as(svc: Services, hub: SessionHub, role: Role, token: str) -> RedirectResponse:
    response = RedirectResponse(f"/s/{hub.record.id}/{PAGE_OF_ROLE[role]}", status_code=303)
    response.set_cookie(
        cookie_name(hub.record.id, role),
        token,
        max_age=svc.settings.token_max_age_s,
        httponly=True,
        samesite="lax",
        secure=svc.settings.base_url().startswith("https://"),
    )
    return response


@router.get("/enter/{token}")
async def enter(token: str, request: Request, svc: SERVICES) -> Response:
    """Links carry a token once; from then on the browser keeps it in a cookie."""
    try:
        grant = svc.tokens.read(token)
    except TokenError as problem:
        return message_page(svc, request, "This link doesn't work", str(problem), 401)
    hub = await svc.registry.get(grant.session_id)
    if hub is None:
        return message_page(
            svc, request, "Session not found", "This session no longer exists.", 404
        )
    try:
        await authorize(svc, token, hub, grant.role)
    except AccessDenied as denied:
        return message_page(svc, request, "This link doesn't work", denied.message, denied.status)
    return enter_as(svc, hub, grant.role, token)


@router.get("/join/{join_code}", response_class=HTMLResponse)
async def join_form(join_code: str, request: Request, svc: SERVICES) -> HTMLResponse:
    hub = await svc.registry.by_join_code(join_code)
    if hub is None:
        return _unknown_code(svc, request)
    return page(svc, request, "join.html", session=hub.record, name="", error=None)


def _unknown_code(svc: Services, request: Request) -> HTMLResponse:
    # A wrong code counts as a try at joining: nobody can guess their way through the codes.
    waiting = slow_down(request, "join")
    if waiting is not None:
        return message_page(svc, request, "Please wait a moment", waiting, 429)
    return message_page(
        svc,
        request,
        "We couldn't find that session",
        "Please check the code with your facilitator and try again.",
        404,
    )


@router.post("/join/{join_code}", response_class=HTMLResponse)
async def join(
    join_code: str, request: Request, svc: SERVICES, name: Annotated[str, Form()] = ""
) -> Response:
    hub = await svc.registry.by_join_code(join_code)
    if hub is None:
        return _unknown_code(svc, request)
    waiting = slow_down(request, "join")
    if waiting is not None:
        return page(
            svc, request, "join.html", 429, session=hub.record, name=name[:40], error=waiting
        )
    try:
        preferred = _preferred_name(name)
    except ValidationError as problem:
        return page(
            svc,
            request,
            "join.html",
            422,
            session=hub.record,
            name=name[:40],
            error=plain_text_error(problem.errors())
            or "Please enter the name you'd like the group to use (up to 40 characters).",
        )
    joined = await join_session(svc, hub, preferred)
    if isinstance(joined, Rejected):
        return page(
            svc, request, "join.html", 409, session=hub.record, name=preferred, error=joined.message
        )
    return enter_as(svc, hub, Role.PARTICIPANT, joined.token)


def _preferred_name(name: str) -> str:
    return PREFERRED_NAME.validate_python(name)


async def _live_page(
    request: Request, svc: Services, session_id: str, role: Role, template: str, **extra: Any
) -> HTMLResponse:
    hub = await svc.registry.get(session_id)
    if hub is None:
        return message_page(
            svc, request, "Session not found", "This session no longer exists.", 404
        )
    try:
        grant = await authorize(svc, request.cookies.get(cookie_name(session_id, role)), hub, role)
    except AccessDenied as denied:
        return message_page(svc, request, "Please use your link", denied.message, denied.status)
    return page(
        svc,
        request,
        template,
        view=view_for(hub.state, role, grant.person_id),
        session=hub.record,
        ws_path=f"/ws/sessions/{session_id}/{role.value}?format=html",
        join_url=f"{svc.settings.base_url()}/join/{hub.record.join_code}",
        join_code=hub.record.join_code,
        **extra,
    )


@router.get("/s/{session_id}/console", response_class=HTMLResponse)
async def console(session_id: str, request: Request, svc: SERVICES) -> HTMLResponse:
    hub = await svc.registry.get(session_id)
    return await _live_page(
        request,
        svc,
        session_id,
        Role.FACILITATOR,
        "console.html",
        links=None if hub is None else links_for(svc, hub, await current_token_version(svc, hub)),
    )


@router.get("/s/{session_id}/me", response_class=HTMLResponse)
async def participant(session_id: str, request: Request, svc: SERVICES) -> HTMLResponse:
    hub = await svc.registry.get(session_id)
    group_guidelines = [] if hub is None else [g.text for g in hub.state.guidelines]
    return await _live_page(
        request,
        svc,
        session_id,
        Role.PARTICIPANT,
        "participant.html",
        guidelines=group_guidelines or GUIDELINES,
    )


@router.get("/s/{session_id}/room", response_class=HTMLResponse)
async def room(session_id: str, request: Request, svc: SERVICES) -> HTMLResponse:
    hub = await svc.registry.get(session_id)
    join_url = f"{svc.settings.base_url()}/join/{hub.record.join_code}" if hub else ""
    return await _live_page(
        request, svc, session_id, Role.ROOM, "room.html", qr_svg=qr_svg(join_url)
    )
