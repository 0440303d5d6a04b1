"""The API explorer at /docs: Swagger UI from the locked npm package, never from a CDN.

FastAPI's own /docs loads its code from a CDN and starts it with an inline script; this page is
blank offline and needs a looser Content-Security-Policy. Ours serves the same explorer from
node_modules (VENDOR_FILES) and starts it from static/js/api-docs.js.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.deps import SERVICES

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request, svc: SERVICES) -> HTMLResponse:
    return svc.templates.TemplateResponse(
        request, "api_docs.html", {"openapi_url": request.app.openapi_url}
    )
