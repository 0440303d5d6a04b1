"""Revoking a session's links: every link issued so far stops working, and every screen opened
with one closes at once (4403), on every process (the broker carries the news)."""

from __future__ import annotations

from fastapi import APIRouter

from app.session.command_base import Role
from app.web.access import authorized, not_allowed
from app.web.deps import SERVICES, TOKEN
from app.web.links import CreatedSession, links_for
from app.web.problems import NoSuchSession, responses

router = APIRouter(prefix="/api", tags=["sessions"])


@router.post(
    "/sessions/{session_id}/links/revoke",
    operation_id="revoke_links",
    summary="Replace every link of the session",
    responses=responses(401, 403, 404),
)
async def revoke_links(session_id: str, svc: SERVICES, token: TOKEN) -> CreatedSession:
    """For a facilitator who fears a link went astray: every token issued so far stops working
    and every open screen closes (4403). Answers with the new links for the facilitators and
    the room; participants join again with the join code."""
    hub, grant = await authorized(svc, session_id, token)
    if grant.role is not Role.FACILITATOR:
        raise not_allowed("Only a facilitator can replace the links.")
    token_version = await svc.registry.revoke_links(hub)
    if token_version is None:
        raise NoSuchSession
    return links_for(svc, hub, token_version)
