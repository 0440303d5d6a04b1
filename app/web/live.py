"""The websocket endpoint: one connection per open view (docs/protocol.md).

Scripts speak JSON (`hello`, `command`, `ping`). Browser pages use the htmx websocket
extension: they are authenticated by cookie, send flat command objects, and receive HTML
fragments rendered from the same view. Both are served by the same hub.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from starlette.routing import WebSocketRoute
from starlette.types import Receive, Scope, Send

from app.observability.metrics import Metrics
from app.realtime.hub import SessionHub
from app.realtime.protocol import (
    Hello,
)
from app.session.command_base import Role
from app.translatable import translatable
from app.web import strict_json
from app.web.access import authorize, cookie_name, not_allowed
from app.web.application import Application
from app.web.groups.language import speak_the_sessions_group_language
from app.web.languages import Languages
from app.web.live_connection import Close, LiveConnection
from app.web.problems import NoSuchSession, Problem, close_reason
from app.web.rate_limits import UnauthenticatedSockets
from app.web.security import origin_allowed
from app.web.services import Services, websocket_services
from app.web.tokens import Grant

log = structlog.get_logger(__name__)

TOO_MANY_WAITING = translatable(
    "Lots of screens from your network are connecting at once. Please wait a moment; yours "
    "will try again by itself."
)
NO_HELLO = translatable("We did not hear from this screen in time. Please connect again.")


async def live(websocket: WebSocket) -> None:
    session_id: str = websocket.path_params["session_id"]
    role: str = websocket.path_params["role"]
    format = websocket.query_params.get("format", "json")
    svc = websocket_services(websocket)
    if not origin_allowed(websocket, svc.settings.base_url()) or format not in ("json", "html"):
        await websocket.close(code=Close.POLICY)
        return
    try:
        wanted_role = Role(role)
    except ValueError:
        await websocket.close(code=Close.NOT_FOUND)
        return
    await websocket.accept()
    metrics = svc.registry.metrics
    address = None if websocket.client is None else websocket.client.host
    with unauthenticated_of(websocket.app).admitted(address) as admitted:
        if not admitted:
            metrics.connections_refused.labels(reason="too_many_unauthenticated").inc()
            await websocket.close(code=Close.TOO_MANY, reason=close_reason(TOO_MANY_WAITING))
            return
        metrics.unauthenticated_connections.inc()
        try:
            proved = await _prove_who(websocket, svc, session_id, wanted_role, metrics)
        finally:
            metrics.unauthenticated_connections.dec()
    if proved is None:
        return
    hub, grant, resumed = proved
    await speak_the_sessions_group_language(websocket, session_id)
    connection = LiveConnection(websocket, svc, hub, grant, "html" if format == "html" else "json")
    await connection.run(resumed=resumed)


PATH = "/ws/sessions/{session_id}/{role}"


class LiveEndpoint:
    """`live` as a plain ASGI app. Given a function, Starlette's route wraps it in a session
    of its own that handles exceptions as the app's exception middleware already does: two
    more frames on every open socket's stack (bench/socket_memory.py)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await live(WebSocket(scope, receive=receive, send=send))


def install(app: Application, languages: Languages) -> None:
    """A plain Starlette route, not FastAPI's: FastAPI's keeps its dependency machinery (an
    exit stack and the solved parameters) alive for as long as the socket is open, about 7 KB
    per connection (bench/README.md); this endpoint reads its three parameters itself. Served
    before the middleware stack, not by the app's router: every layer's frames would stay on
    every open socket's stack (app/web/application.py)."""
    app.serve_directly(WebSocketRoute(PATH, LiveEndpoint(), name="live"), languages)


def unauthenticated_of(app: FastAPI) -> UnauthenticatedSockets:
    found: UnauthenticatedSockets = app.state.unauthenticated
    return found


async def _prove_who(
    websocket: WebSocket, svc: Services, session_id: str, role: Role, metrics: Metrics
) -> tuple[SessionHub, Grant, bool] | None:
    """The hub, the grant and whether this is a reconnect; None once the socket is closed."""
    hub = await svc.registry.get(session_id)
    if hub is None:
        metrics.connections_refused.labels(reason="no_session").inc()
        missing = NoSuchSession()
        await websocket.close(code=missing.close_code, reason=missing.reason)
        return None
    try:
        grant, resumed = await _authenticate(websocket, svc, hub, role)
    except Problem as denied:
        metrics.connections_refused.labels(reason=f"denied_{denied.status}").inc()
        await websocket.close(code=denied.close_code, reason=denied.reason)
        return None
    except TimeoutError:
        metrics.connections_refused.labels(reason="hello_timeout").inc()
        with contextlib.suppress(RuntimeError):
            await websocket.close(code=Close.UNAUTHORIZED, reason=close_reason(NO_HELLO))
        return None
    except WebSocketDisconnect:
        return None
    return hub, grant, resumed


async def _authenticate(
    websocket: WebSocket, svc: Services, hub: SessionHub, role: Role
) -> tuple[Grant, bool]:
    """The grant, and whether the screen says it saw this session before (a reconnect)."""
    token = websocket.cookies.get(cookie_name(hub.record.id, role))
    resumed = False
    if token is None:
        message = await asyncio.wait_for(websocket.receive(), svc.settings.hello_timeout_s)
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        hello = _hello_in(message.get("text"))
        token, resumed = hello.token, hello.last_version is not None
    return await authorize(svc, token, hub, role), resumed


def _hello_in(text: str | None) -> Hello:
    """The hello in the first frame; any other frame (binary, not JSON, not a hello) is a 4401."""
    try:
        if text is None:
            raise ValueError("a binary frame")
        return Hello.model_validate(strict_json.loads(text))
    except (ValueError, RecursionError) as problem:  # ValidationError is a ValueError
        raise not_allowed(
            translatable("Start with a hello message carrying your token."), 401
        ) from problem
