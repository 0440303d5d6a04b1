"""Who is asking: a token (header, cookie or hello message) checked against the session."""

from __future__ import annotations

from app.realtime.hub import SessionHub
from app.session.commands import Role
from app.session.state import Presence
from app.web.tokens import Grant, TokenError, Tokens

PAGE_OF_ROLE = {Role.FACILITATOR: "console", Role.PARTICIPANT: "me", Role.ROOM: "room"}


def cookie_name(session_id: str, role: Role) -> str:
    return f"pr_{role.value}_{session_id}"


class AccessDenied(Exception):
    """Not allowed; `message` is calm and safe to show, `status` is the HTTP status to use."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def check_grant(tokens: Tokens, token: str | None, hub: SessionHub, role: Role | None) -> Grant:
    if not token:
        raise AccessDenied("Please open the link you were given for this session.", 401)
    try:
        grant = tokens.read(token)
    except TokenError as problem:
        raise AccessDenied(str(problem), 401) from problem
    if grant.session_id != hub.record.id or (role is not None and grant.role is not role):
        raise AccessDenied("This link is for a different session or screen.")
    if grant.token_version != hub.record.token_secret_version:
        raise AccessDenied("This link is no longer valid. Ask a facilitator for a new one.", 401)
    state = hub.state
    if grant.role is Role.PARTICIPANT:
        person = state.participants.get(grant.person_id)
        if person is None or person.presence is Presence.LEFT:
            raise AccessDenied("You are no longer part of this session. Take care.")
    if grant.role is Role.FACILITATOR and grant.person_id not in state.facilitators:
        raise AccessDenied("You are not a facilitator of this session.")
    return grant
