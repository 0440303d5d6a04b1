"""Revoking a session's links: every link issued so far stops working, and every screen opened
with one closes at once (4403), on every process (the broker carries the news)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.session.commands import Role
from app.web.api import ApiProblem, CreatedSession, Problem, authorized, bearer, links_for
from app.web.services import Services, services

router = APIRouter(prefix="/api", tags=["api"])


@router.post(
    "/sessions/{session_id}/links/revoke",
    responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}},
)
async def revoke_links(
    session_id: str,
    svc: Annotated[Services, Depends(services)],
    token: Annotated[str | None, Depends(bearer)],
) -> CreatedSession:
    """For a facilitator who fears a link went astray. Answers with the new links for the
    facilitators and the room; participants join again with the join code."""
    hub, grant = await authorized(svc, session_id, token)
    if grant.role is not Role.FACILITATOR:
        raise ApiProblem("not_allowed", "Only a facilitator can replace the links.", 403)
    token_version = await svc.registry.revoke_links(hub)
    if token_version is None:
        raise ApiProblem("not_found", "There is no session with that id.", 404)
    return links_for(svc, hub, token_version)
