"""What a browser keeps for this site: every cookie set the same way."""

from __future__ import annotations

from starlette.responses import Response

from app.config import Settings


def keep_in_browser(
    response: Response, settings: Settings, name: str, value: str, max_age_s: int
) -> None:
    """Set a cookie no script can read (httponly), sent only with this site's own navigation
    and forms (lax), and only over HTTPS where the site is served over it."""
    response.set_cookie(
        name,
        value,
        max_age=max_age_s,
        httponly=True,
        samesite="lax",
        secure=settings.base_url().startswith("https://"),
    )
