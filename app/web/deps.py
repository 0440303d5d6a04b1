"""Every FastAPI dependency a route takes, named once: routers import these aliases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.web.account_services import AccountServices, account_services
from app.web.groups.access import Facilitating, facilitated_group
from app.web.groups.member_links import LinkedMember, linked_member
from app.web.problems import Problem
from app.web.rate_limits import SLOW_DOWN, Bucket, attempt
from app.web.services import Services, services

# The OpenAPI security scheme `token`: what every route taking TOKEN names as its security.
BEARER = HTTPBearer(
    scheme_name="token",
    description="A token of a session's links: a facilitator's or the room's from"
    " `create_session` (or a console link), a participant's from joining. Tokens expire"
    " (two days by default) and stop working when the session's links are revoked.",
    auto_error=False,
)


def bearer(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> str | None:
    """The token of an `Authorization: Bearer …` header, if that is what it holds."""
    return None if credentials is None else credentials.credentials.strip()


def rate_limited(bucket: Bucket) -> Callable[[Request], None]:
    """A dependency counting one attempt per client address; 429 with Retry-After beyond."""

    def check(request: Request) -> None:
        wait = attempt(request, bucket)
        if wait is not None:
            raise Problem(
                SLOW_DOWN[bucket],
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                code="slow_down",
                headers={"Retry-After": str(wait)},
            )

    return check


SERVICES = Annotated[Services, Depends(services)]
ACCOUNTS = Annotated[AccountServices, Depends(account_services)]
# One attempt at starting or joining a session, counted per client address (429 beyond).
LIMIT_CREATING = Depends(rate_limited("create_session"))
LIMIT_JOINING = Depends(rate_limited("join"))
# A script's `Authorization: Bearer` token, if it sent one.
TOKEN = Annotated[str | None, Depends(bearer)]
# The signed-in facilitator and the group of the path (app/web/groups/access.py).
FACILITATING = Annotated[Facilitating, Depends(facilitated_group)]
# The group and member named by a member's own link (app/web/groups/member_links.py).
LINKED_MEMBER = Annotated[LinkedMember, Depends(linked_member)]
