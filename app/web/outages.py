"""When the database does not answer: a calm 503 with Retry-After, for people and for scripts.

A request that needs the database while it is away (restarting, failing over, locked) would
otherwise end in a bare 500. Nothing was stored, so trying again later is safe; commands carry
their id, and a retried one is stored once at most.
"""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request, Response, status
from sqlalchemy.exc import SQLAlchemyError

from app.web.problems import Problem, answer

log = structlog.get_logger(__name__)

RETRY_AFTER_S = 5
TITLE = "We couldn't reach our records just now"
MESSAGE = "Nothing you did caused this. Please try again in a moment."


async def database_unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SQLAlchemyError)
    log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
    away = Problem(
        MESSAGE,
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        code="unavailable",
        title=TITLE,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )
    return answer(request, away)


def install(app: FastAPI) -> None:
    app.add_exception_handler(SQLAlchemyError, database_unavailable)
