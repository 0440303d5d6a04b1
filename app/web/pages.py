"""The HTML pages: home, join, and the three live screens (console, phone, room)."""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import TypeAdapter, ValidationError

from app.agenda.templates import TEMPLATES
from app.plain_text import PlainName, plain_text_error
from app.realtime.hub import SessionHub
from app.session.command_base import Role
from app.session.decide.people import JOINING_CLOSED
from app.session.views import view_for
from app.translatable import translatable
from app.web.access import authorize, cookie_name, current_token_version, not_allowed, session_hub
from app.web.deps import SERVICES
from app.web.groups.language import speak_the_sessions_group_language
from app.web.links import (
    CreateSessionRequest,
    enter_as,
    issue,
    join_with_code,
    links_for,
    start_session,
)
from app.web.problems import NoSuchSession, Problem
from app.web.rate_limits import SLOW_DOWN, Bucket, attempt
from app.web.rendering import VENDOR_FILES, page, qr_svg
from app.web.services import Services
from app.web.tokens import TokenError

router = APIRouter(include_in_schema=False)
PREFERRED_NAME: TypeAdapter[str] = TypeAdapter(PlainName)
NAME_NEEDED = translatable(
    "Please enter the name you'd like the group to use (up to 40 characters)."
)

GUIDELINES = [
    "What is said in the room stays in the room.",
    "Everyone has an equal chance to share, or to pass.",
    "We do not interrupt, except when a question is essential for clarity.",
    "We make no judgements and give no advice unless asked.",
    "Silence is fine. It is OK to leave and OK to come back.",
    "We do not have side conversations.",
]


def slow_down(request: Request, bucket: Bucket) -> str | None:
    """Count one attempt from this address; the calm message to show when it is one too many."""
    wait = attempt(request, bucket)
    return None if wait is None else SLOW_DOWN[bucket]


@router.get("/static/vendor/{name}")
async def vendor(name: str) -> Response:
    path = VENDOR_FILES.get(name)
    if path is None or not path.exists():
        return Response("Not found", status_code=404)
    return FileResponse(path)


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
        hub = await start_session(
            svc,
            title=wanted.title,
            group_name=wanted.group_name,
            template_key=wanted.template_key,
            facilitator_names=wanted.facilitator_names,
        )
    except ValidationError as problem:
        return _home_again(svc, request, 422, form, plain_text_error(problem.errors()) or FORM_HELP)
    except Problem:
        return _home_again(svc, request, 422, form, FORM_HELP)
    first = next(iter(hub.state.facilitators))
    token = issue(svc, hub, Role.FACILITATOR, first, hub.record.token_secret_version)
    return enter_as(svc, hub, Role.FACILITATOR, token)


LINK_DOES_NOT_WORK = translatable("This link doesn't work")
FORM_HELP = translatable(
    "Please give the session a title, the group's name and your name (up to 40 characters)."
)


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


@router.get("/enter/{token}")
async def enter(token: str, request: Request, svc: SERVICES) -> Response:
    """Links carry a token once; from then on the browser keeps it in a cookie."""
    try:
        grant = svc.tokens.read(token)
    except TokenError as problem:
        raise not_allowed(str(problem), 401).on_page(LINK_DOES_NOT_WORK) from problem
    hub = await session_hub(svc, grant.session_id)
    try:
        await authorize(svc, token, hub, grant.role)
    except Problem as denied:
        raise denied.on_page(LINK_DOES_NOT_WORK) from denied
    return enter_as(svc, hub, grant.role, token)


@router.get("/join/{join_code}", response_class=HTMLResponse)
async def join_form(join_code: str, request: Request, svc: SERVICES) -> HTMLResponse:
    hub = await svc.registry.by_join_code(join_code)
    if hub is None:
        _unknown_code(request)
    await speak_the_sessions_group_language(request, hub.record.id)
    return _join_page(svc, request, hub, 200, name="", word="", error=None)


def _join_page(
    svc: Services,
    request: Request,
    hub: SessionHub,
    status_code: int,
    *,
    name: str,
    word: str,
    error: str | None,
) -> HTMLResponse:
    """The join form, as it was filled in: a refusal loses nothing anybody typed."""
    return page(
        svc,
        request,
        "join.html",
        status_code,
        session=hub.record,
        name=name[:40],
        word=word[:40],
        asks_word=hub.state.join_word is not None,
        error=error,
        closed=None if hub.state.joining_open else JOINING_CLOSED,
    )


def _unknown_code(request: Request) -> NoReturn:
    # A wrong code counts as a try at joining: nobody can guess their way through the codes.
    waiting = slow_down(request, "join")
    if waiting is not None:
        raise Problem(waiting, status=429, code="slow_down", title="Please wait a moment")
    raise NoSuchSession


@router.post("/join/{join_code}", response_class=HTMLResponse)
async def join(
    join_code: str,
    request: Request,
    svc: SERVICES,
    name: Annotated[str, Form()] = "",
    word: Annotated[str, Form()] = "",
) -> Response:
    hub = await svc.registry.by_join_code(join_code)
    if hub is None:
        _unknown_code(request)
    await speak_the_sessions_group_language(request, hub.record.id)
    waiting = slow_down(request, "join")
    if waiting is not None:
        return _join_page(svc, request, hub, 429, name=name, word=word, error=waiting)
    try:
        preferred = _preferred_name(name)
        said = _preferred_name(word) if word.strip() else None
    except ValidationError as problem:
        return _join_page(
            svc,
            request,
            hub,
            422,
            name=name,
            word=word,
            error=plain_text_error(problem.errors()) or NAME_NEEDED,
        )
    try:
        joined = await join_with_code(request, svc, hub, preferred, said)
    except Problem as refused:
        return _join_page(
            svc, request, hub, refused.status, name=preferred, word=word, error=refused.message
        )
    return enter_as(svc, hub, Role.PARTICIPANT, joined.token)


def _preferred_name(name: str) -> str:
    return PREFERRED_NAME.validate_python(name)


async def _live_page(
    request: Request, svc: Services, hub: SessionHub, role: Role, template: str, **extra: Any
) -> HTMLResponse:
    session_id = hub.record.id
    grant = await authorize(svc, request.cookies.get(cookie_name(session_id, role)), hub, role)
    await speak_the_sessions_group_language(request, session_id)
    return page(
        svc,
        request,
        template,
        view=view_for(hub.state, role, grant.person_id),
        session=hub.record,
        ws_path=f"/ws/sessions/{session_id}/{role.value}?format=html",
        join_url=_join_url(svc, hub),
        join_code=hub.record.join_code,
        **extra,
    )


def _join_url(svc: Services, hub: SessionHub) -> str:
    return f"{svc.settings.base_url()}/join/{hub.record.join_code}"


@router.get("/s/{session_id}/console", response_class=HTMLResponse)
async def console(session_id: str, request: Request, svc: SERVICES) -> HTMLResponse:
    hub = await session_hub(svc, session_id)
    links = links_for(svc, hub, await current_token_version(svc, hub))
    return await _live_page(request, svc, hub, Role.FACILITATOR, "console.html", links=links)


@router.get("/s/{session_id}/me", response_class=HTMLResponse)
async def participant(session_id: str, request: Request, svc: SERVICES) -> HTMLResponse:
    hub = await session_hub(svc, session_id)
    group_guidelines = [g.text for g in hub.state.guidelines]
    return await _live_page(
        request,
        svc,
        hub,
        Role.PARTICIPANT,
        "participant.html",
        guidelines=group_guidelines or GUIDELINES,
    )


@router.get("/s/{session_id}/room", response_class=HTMLResponse)
async def room(session_id: str, request: Request, svc: SERVICES) -> HTMLResponse:
    hub = await session_hub(svc, session_id)
    qr = qr_svg(_join_url(svc, hub))
    return await _live_page(request, svc, hub, Role.ROOM, "room.html", qr_svg=qr)
