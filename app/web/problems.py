"""The web layer's one kind of refusal, and how each kind of caller is told about it.

A `Problem` says what went wrong once (an HTTP status, a machine code, a kind message and, for
pages, a heading); `problem_handler` answers it as the caller asked: JSON `{code, message}` for
scripts (the API, or a bearer token), a calm page for browsers. A websocket is closed with
`close_code` (4000 + the status) and `reason`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from app.session.decisions import Rejected, RejectionCode
from app.translatable import translatable
from app.web.languages import translated
from app.web.rendering import message_page
from app.web.services import Services

# A websocket close reason must fit in one control frame (125 bytes, 2 of them the code).
# Counted in bytes; a character cut in two is dropped.
MAX_CLOSE_REASON = 120
DEFAULT_TITLE = "Please use your link"


class ProblemBody(BaseModel):
    """What a script receives (and the OpenAPI schema shows) for any refusal: a machine `code`
    (docs/protocol.md) and a `message` written for people, safe to show as it is."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"code": "stale", "message": "Sam already moved to the next speaker (Priya)."}
            ]
        }
    )

    code: str
    message: str


class InvalidField(BaseModel):
    type: str
    loc: list[str | int]
    msg: str


class InvalidRequestBody(BaseModel):
    """A body that does not fit the schema: what is wrong, and where, never what was sent."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"detail": [{"type": "missing", "loc": ["body", "name"], "msg": "Field required"}]}
            ]
        }
    )

    detail: list[InvalidField]


# What each refusal means, for the OpenAPI document.
MEANING: Mapping[int, str] = {
    401: "No token, or a broken, expired or revoked one.",
    403: "The token is not for this session or screen, or not allowed to do this (a"
    " participant's where a facilitator's is needed); or a command only the server sends.",
    404: "No such session (or join code).",
    409: "The session refused: its rejection code (docs/protocol.md) and why, for people.",
    413: "The body is over the size limit.",
    422: "Text that is not plain text, or a date or detail to change (`invalid`, a ProblemBody);"
    " or a body that does not fit the schema (InvalidRequestBody).",
    429: "Too many at once: try again after `Retry-After` seconds.",
}


class Problem(Exception):
    """A refusal: nothing was done, and `message` is calm and safe to show to anyone.

    Fixed refusals are subclasses that set the class attributes and are raised bare.
    """

    status: int = status.HTTP_400_BAD_REQUEST
    code: str = "invalid"
    message: str = ""
    # The page's heading; the JSON and websocket message starts with it when there is one.
    title: str | None = None
    # The heading a page gives a problem without a title of its own (see on_page).
    page_title: str = DEFAULT_TITLE
    headers: Mapping[str, str] | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        if title is not None:
            self.title = title
        if headers is not None:
            self.headers = headers

    @property
    def text(self) -> str:
        """The whole message in one line, for callers that show no heading."""
        return self.message if self.title is None else f"{self.title}. {self.message}"

    @property
    def body(self) -> ProblemBody:
        return ProblemBody(code=self.code, message=self.text)

    @property
    def close_code(self) -> int:
        """The websocket close code: 4401, 4403, 4404, 4429 (docs/protocol.md)."""
        return 4000 + self.status

    @property
    def reason(self) -> str:
        """The websocket close reason, in the language at hand."""
        if self.title is None:
            return close_reason(self.message)
        return _fitting(f"{translated(self.title)}. {translated(self.message)}")

    @property
    def heading(self) -> str:
        return self.title or self.page_title

    def on_page(self, page_title: str) -> Problem:
        """The same refusal, headed `page_title` on a page unless it has a title of its own."""
        same = Problem(
            self.message, status=self.status, code=self.code, title=self.title, headers=self.headers
        )
        same.page_title = page_title
        return same


class NoSuchSession(Problem):
    status = status.HTTP_404_NOT_FOUND
    code = "not_found"
    title = translatable("We couldn't find that session")
    message = translatable("Please check the link or code with your facilitator and try again.")


def close_reason(reason: str) -> str:
    """`reason` in the language at hand (a websocket's, as a page's: LanguageMiddleware), cut
    to what a close frame holds. Every reason we send fits whole in the languages we ship
    (tests/web/test_close_reasons.py)."""
    return _fitting(translated(reason))


def _fitting(text: str) -> str:
    return text.encode()[:MAX_CLOSE_REASON].decode(errors="ignore")


STATUS_OF_REJECTION: Mapping[RejectionCode, int] = {
    RejectionCode.NOT_ALLOWED: status.HTTP_403_FORBIDDEN,
    RejectionCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
}


def refusal(rejected: Rejected) -> Problem:
    """The engine's refusal of a command, as the web answers it (409 unless it says why not)."""
    return Problem(
        rejected.message,
        status=STATUS_OF_REJECTION.get(rejected.code, status.HTTP_409_CONFLICT),
        code=rejected.code.value,
    )


def responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI: the refusals a route may answer with (any route with a body: 413, security.py)."""
    return {
        code: {
            "model": ProblemBody | InvalidRequestBody if code == 422 else ProblemBody,
            "description": MEANING[code],
        }
        for code in statuses
    }


def by_script(request: Request) -> bool:
    """Scripts use the API, or prove who they are with a bearer token; browsers use cookies."""
    return request.url.path.startswith("/api/") or "authorization" in request.headers


def answer(request: Request, problem: Problem) -> Response:
    if by_script(request):
        return JSONResponse(
            problem.body.model_dump(), status_code=problem.status, headers=problem.headers
        )
    svc: Services = request.app.state.services
    response = message_page(svc, request, problem.heading, problem.message, problem.status)
    response.headers.update(problem.headers or {})
    return response


async def invalid_request(request: Request, exc: Exception) -> Response:
    """FastAPI's 422 `{"detail": [{type, loc, msg}]}`, never echoing what was sent.

    FastAPI's own answer repeats each wrong `input`, and cannot write NaN, Infinity or half a
    character (a lone surrogate): a 500 for the very input it meant to refuse. What was sent
    is the sender's to know already, and may be a password; where it is named (a field's key,
    a command's `type`), half characters are written as `\\udxxx` escapes.
    """
    assert isinstance(exc, RequestValidationError)
    detail = [
        {
            "type": error["type"],
            "loc": [_writable(part) for part in error["loc"]],
            "msg": _writable(_message(error)),
        }
        for error in exc.errors()
    ]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def _message(error: Mapping[str, Any]) -> str:
    # A body that is not JSON is told why: the reason is ours (app/web/strict_json.py, or
    # the JSON parser's), never the input.
    why = (error.get("ctx") or {}).get("error") if error["type"] == "json_invalid" else None
    return f"{error['msg']}: {why}" if isinstance(why, str) else str(error["msg"])


def _writable(part: Any) -> Any:
    if isinstance(part, str):
        return part.encode(errors="backslashreplace").decode()
    return part


async def problem_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return answer(request, exc)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Problem, problem_handler)
