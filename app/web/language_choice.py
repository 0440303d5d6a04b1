"""A person chooses the language they read on this device (docs/translating.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from app.web.deps import SERVICES
from app.web.languages import LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE_S

router = APIRouter(include_in_schema=False)


@router.post("/language")
async def choose_language(
    svc: SERVICES,
    language: Annotated[str, Form(max_length=16)] = "",
    back: Annotated[str, Form(max_length=2048)] = "/",
) -> RedirectResponse:
    """Remember the choice on this device and return to the page it was made on. A language
    this server does not have, or a way back off this site, is not followed: the person lands
    on what they had, in the language they had."""
    response = RedirectResponse(_on_this_site(back), status_code=303)
    if language in svc.languages.catalogs:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=LANGUAGE_COOKIE_MAX_AGE_S,
            httponly=True,
            samesite="lax",
            secure=svc.settings.base_url().startswith("https://"),
        )
    return response


def _on_this_site(path: str) -> str:
    # "//host" and "/\host" are other sites to a browser.
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return "/"
    return path
