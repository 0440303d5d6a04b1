"""The ASGI application: FastAPI, except that a live socket goes straight to its endpoint.

Every open socket keeps the ASGI call that serves it suspended for as long as it is open, and
with it a coroutine for each layer it went through, and their closures: through the whole stack
(FastAPI, Starlette, its error middleware, FastAPI's two, ours for the language and for
security, the exception middleware, the exit stack, the router) some 30 objects that every full
collection walks, for every socket (bench/socket_memory.py: 128 a socket with them, 97
without). None of those layers does anything for a live socket but pass it on, except the
language middleware, whose work the dispatch here does itself. Pages and the API go through
the whole stack as before.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.routing import Match, WebSocketRoute
from starlette.types import Receive, Scope, Send

from app.web.languages import Languages


class Application(FastAPI):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._direct: tuple[WebSocketRoute, Languages] | None = None

    def serve_directly(self, route: WebSocketRoute, languages: Languages) -> None:
        """Serve the websockets `route` matches without the middleware stack, in the language
        the LanguageMiddleware would have chosen."""
        self._direct = (route, languages)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and self._direct is not None:
            route, languages = self._direct
            match, child = route.matches(scope)
            if match is Match.FULL:
                scope["app"] = self
                scope.update(child)
                with languages.speaking(languages.chosen_for(Headers(scope=scope))):
                    await route.handle(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
