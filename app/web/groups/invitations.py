"""Co-facilitators: an invitation link that works once, accepted by someone logged in."""

from __future__ import annotations

import hashlib
import secrets
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.translatable import translatable
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.group_page import group_page
from app.web.rendering import page
from app.web.services import Services
from app.web.signing_in import require_form, require_signed_in

router = APIRouter(include_in_schema=False)


def _hash(token: str) -> str:
    """Only a hash is stored: a leaked table cannot be used to accept an invitation."""
    return hashlib.sha256(token.encode()).hexdigest()


@router.post("/groups/{group_id}/invitations", response_class=HTMLResponse)
async def invite(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    token = secrets.token_urlsafe(24)
    await to_thread.run_sync(
        accounts.groups.invite, _hash(token), mine.group.id, mine.me.account.id, accounts.clock()
    )
    url = f"{svc.settings.base_url()}/invitations/{token}"
    return await group_page(request, svc, accounts, mine, invitation_url=url)


@router.get("/invitations/{token}", response_class=HTMLResponse)
async def invitation(
    token: str, request: Request, svc: SERVICES, accounts: ACCOUNTS
) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    group = await to_thread.run_sync(accounts.groups.invitation_group, _hash(token))
    if group is None:
        return _spent_invitation(svc, request)
    svc.languages.speak_for_group(request, group.language)
    return page(svc, request, "groups/invitation.html", me=me, group=group, token=token)


def _spent_invitation(svc: Services, request: Request) -> HTMLResponse:
    return page(
        svc,
        request,
        "message.html",
        404,
        title=translatable("This invitation can't be used"),
        message=translatable(
            "It may have been used already. Please ask the facilitator who invited you "
            "for a new link."
        ),
    )


@router.post("/invitations/{token}")
async def accept_invitation(
    token: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group_id = await to_thread.run_sync(accounts.groups.accept, _hash(token), me.account.id)
    if group_id is None:
        return _spent_invitation(svc, request)
    return RedirectResponse(f"/groups/{group_id}", status_code=303)
