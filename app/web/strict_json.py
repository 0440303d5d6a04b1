"""JSON as this server reads it from the network: RFC 8259, and text that can be stored.

Python's `json` reads more than JSON: `NaN`, `Infinity` and `-Infinity`, numbers too large for a
float (`1e400` becomes infinity) and escaped lone surrogates (`"\\ud800"`, half of a character,
which no UTF-8 database, log or reply can hold). Each would be accepted here only to fail later,
far from the input: in an answer that echoes it, a log line or a commit. So they are refused
while reading, the one place every API body and websocket message passes through.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

NOT_FINITE = "numbers must be finite: no NaN or Infinity"
NOT_UNICODE = "text must be whole Unicode characters, and a lone surrogate is half of one"


def loads(text: str | bytes) -> Any:
    """The JSON value of `text`; json.JSONDecodeError (a ValueError) when it is not strict JSON.

    RecursionError, as from `json.loads`, for arrays or objects nested thousands deep.
    """
    value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    _refuse_lone_surrogates(value)
    return value


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(NOT_FINITE, name, 0)


def _finite_float(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise json.JSONDecodeError(NOT_FINITE, literal, 0)
    return number


def _refuse_lone_surrogates(value: Any) -> None:
    # A loop with a stack, not recursion: what json.loads accepted may be nested ~1,000 deep.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            _whole_characters(item)
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            for key, inner in item.items():
                _whole_characters(key)
                pending.append(inner)


def _whole_characters(text: str) -> None:
    try:
        text.encode()
    except UnicodeEncodeError as error:
        raise json.JSONDecodeError(NOT_UNICODE, text, error.start) from None


class StrictJsonRequest(Request):
    """A request whose JSON body is read by `loads` (FastAPI answers its errors with a 422)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """The route class of the JSON API's routers: their bodies are read as strict JSON."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
