"""Who is asking: a token (header, cookie or hello message) checked against the session."""

from __future__ import annotations

import structlog
from fastapi import status
from sqlalchemy.exc import SQLAlchemyError

from app.realtime.hub import SessionHub
from app.realtime.store_calls import in_thread
from app.session.command_base import Role
from app.session.state import Presence
from app.translatable import translatable
from app.web.problems import NoSuchSession, Problem
from app.web.services import Services
from app.web.tokens import Grant, TokenError, Tokens

# Said to someone a facilitator did not let in (it closes their screens, so at most 120 bytes).
SENT_AWAY = translatable(
    "The facilitators could not let you in this time. If you think that is a mistake, please "
    "speak to one of them."
)
PAGE_OF_ROLE = {Role.FACILITATOR: "console", Role.PARTICIPANT: "me", Role.ROOM: "room"}

log = structlog.get_logger(__name__)


def cookie_name(session_id: str, role: Role) -> str:
    return f"pr_{role.value}_{session_id}"


def not_allowed(message: str, status_code: int = status.HTTP_403_FORBIDDEN) -> Problem:
    return Problem(message, status=status_code, code="not_allowed")


async def session_hub(svc: Services, session_id: str) -> SessionHub:
    hub = await svc.registry.get(session_id)
    if hub is None:
        raise NoSuchSession
    return hub


async def authorized(svc: Services, session_id: str, token: str | None) -> tuple[SessionHub, Grant]:
    """The session and what `token` allows in it, for any screen of it."""
    hub = await session_hub(svc, session_id)
    return hub, await authorize(svc, token, hub, None)


async def authorize(svc: Services, token: str | None, hub: SessionHub, role: Role | None) -> Grant:
    """check_grant() against the session's token version as stored now (see below)."""
    return check_grant(
        svc.tokens, token, hub, role, token_version=await current_token_version(svc, hub)
    )


async def current_token_version(svc: Services, hub: SessionHub) -> int:
    """The stored token version: bumping it (in any process) revokes every link of the session.

    The hub's copy of the session record is read once, when the hub is loaded, so it cannot be
    trusted to show a bump. One primary-key read per page, request, connection or new link.
    """
    try:
        record = await in_thread(svc.registry.sessions.get, hub.record.id)
    except SQLAlchemyError as error:
        # Like the registry: show what this process knows rather than nothing. Commands still
        # need the database, so nothing can be changed on the strength of this.
        log.warning("token_version_unread", session_id=hub.record.id, error=str(error))
        return hub.record.token_secret_version
    return hub.record.token_secret_version if record is None else record.token_secret_version


def check_grant(
    tokens: Tokens, token: str | None, hub: SessionHub, role: Role | None, *, token_version: int
) -> Grant:
    unauthorized = status.HTTP_401_UNAUTHORIZED
    if not token:
        raise not_allowed(
            translatable("Please open the link you were given for this session."), unauthorized
        )
    try:
        grant = tokens.read(token)
    except TokenError as problem:
        raise not_allowed(str(problem), unauthorized) from problem
    if grant.session_id != hub.record.id or (role is not None and grant.role is not role):
        raise not_allowed(translatable("This link is for a different session or screen."))
    if grant.token_version != token_version:
        raise not_allowed(
            translatable("This link is no longer valid. Ask a facilitator for a new one."),
            unauthorized,
        )
    denied = membership_problem(grant, hub)
    if denied is not None:
        raise denied
    return grant


def membership_problem(grant: Grant, hub: SessionHub) -> Problem | None:
    """Why the holder of `grant` no longer belongs here (they left, or were removed), if so.

    Cheap (no signature, no database): open connections ask after every update they send.
    """
    state = hub.state
    if grant.role is Role.PARTICIPANT:
        person = state.participants.get(grant.person_id)
        if person is not None and person.sent_away:
            return not_allowed(SENT_AWAY)
        if person is None or person.presence is Presence.LEFT:
            return not_allowed(translatable("You are no longer part of this session. Take care."))
    if grant.role is Role.FACILITATOR and grant.person_id not in state.facilitators:
        return not_allowed(translatable("You are not a facilitator of this session."))
    return None
