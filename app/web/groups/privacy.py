"""The privacy page: what Peer Rounds keeps, and for how long, said plainly."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.deps import SERVICES
from app.web.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/privacy", response_class=HTMLResponse)
async def privacy(request: Request, svc: SERVICES) -> HTMLResponse:
    return page(svc, request, "groups/privacy.html")
