"""A person chooses the language they read on this device (docs/translating.md)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from app.web.cookies import keep_in_browser
from app.web.deps import SERVICES
from app.web.languages import LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE_S
from app.web.security import same_origin

router = APIRouter(include_in_schema=False)


@router.post("/language")
async def choose_language(
    request: Request,
    svc: SERVICES,
    language: Annotated[str, Form(max_length=16)] = "",
) -> RedirectResponse:
    """Remember the choice on this device and return to the page it was made on (the form's
    Referer: the page need not write its own address into the form, so two pages that must be
    the same, such as "not yours" and "not there", stay the same). A language this server does
    not have changes nothing."""
    response = RedirectResponse(_back(request, svc.settings.base_url()), status_code=303)
    if language in svc.languages.catalogs:
        keep_in_browser(
            response, svc.settings, LANGUAGE_COOKIE, language, LANGUAGE_COOKIE_MAX_AGE_S
        )
    return response


def _back(request: Request, public_url: str) -> str:
    """The page on this site the form was sent from; the home page when it cannot be told."""
    referer = request.headers.get("referer", "")
    if not same_origin(referer, request.headers.get("host"), public_url):
        return "/"
    parts = urlsplit(referer)
    path = parts.path or "/"
    if path.startswith(("//", "/\\")):
        return "/"
    return f"{path}?{parts.query}" if parts.query else path
