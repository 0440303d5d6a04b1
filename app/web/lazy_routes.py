"""Routes whose modules are imported on the first request that needs them, not at start.

A restarted process should answer its live screens as soon as it can (docs/operations.md,
"Restarts"); pages nobody on a live screen needs (the group pages, accounts) wait until someone
asks for one. A `LazyRouter` is included like any router, at its place among the app's routes, so
the app's middleware, exception handlers and dependencies apply exactly as to the others. It
knows only the first segments of its paths; the first request under one of them imports the
routers (once, under a lock), and FastAPI, which re-reads an included router whose routes
changed, routes that request and every later one to them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


class LazyRouter(APIRouter):
    def __init__(self, prefixes: Iterable[str], load: Callable[[], Iterable[APIRouter]]) -> None:
        super().__init__()
        self.prefixes = tuple(prefixes)
        self._load = load
        self._loaded = False
        self._loading = threading.Lock()

    def load(self) -> None:
        """Import and include the routers, the first time only (a request, the OpenAPI schema,
        or anything that walks every route)."""
        if self._loaded:
            return
        with self._loading:
            if self._loaded:
                return
            for router in self._load():
                self.include_router(router)
            self._loaded = True

    def covers(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.prefixes)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not self.covers(get_route_path(scope)):
            return Match.NONE, {}
        self.load()
        return super().matches(scope)


def include_lazily(app: FastAPI, router: LazyRouter) -> None:
    """Include `router` at this point of `app`'s routes; the OpenAPI schema (and so /docs) loads
    it first, so that the schema lists every route."""
    app.include_router(router)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        router.load()
        return generate()

    app.openapi = openapi  # type: ignore[method-assign]
