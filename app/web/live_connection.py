"""One open screen's connection: it reads frames, queues commands, answers and sends views.

The socket goes on being read while commands wait, so a busy hub never stops pongs and
clock-sync pings being answered (docs/protocol.md).

On our server (app/web/connections.py) a message is written to the socket the moment it is
offered, as a frame shared with every other socket it goes to (app/web/frames.py); the sender
task is made, and wakes, only when the socket cannot take it at once, or when it is to be closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import time
from typing import Any

import structlog
from fastapi import WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from app.realtime.hub import SessionHub
from app.realtime.outbox import Outbox, OutboxFull
from app.realtime.protocol import (
    Ack,
    CommandEnvelope,
    Ping,
    ProtocolError,
    Reject,
    describe_validation_error,
    pong_message,
)
from app.realtime.viewers import Format, Viewer
from app.session.commands import CLIENT_COMMAND_ADAPTER, SERVER_ONLY
from app.session.decisions import AlreadyDone
from app.translatable import translatable
from app.web import strict_json
from app.web.access import membership_problem
from app.web.commands import submit
from app.web.frames import DirectWrite, direct_writer
from app.web.languages import current_language
from app.web.problems import Problem, close_reason
from app.web.rate_limits import COMMANDS_TOO_FAST, rate_limits_of
from app.web.screens import OpenScreens
from app.web.services import Services
from app.web.tokens import LINK_EXPIRED, Grant

log = structlog.get_logger(__name__)

NOT_STORED = translatable("We couldn't save that just now. Please try again in a moment.")
TOO_MANY_AT_ONCE = translatable("Too many messages at once.")
# Commands a screen may have waiting for the hub at once (people send one at a time; a script
# pipelines a few). Beyond this it is told to slow down, and nothing it sent is half-done.
MAX_WAITING_COMMANDS = 16


class Close:
    """Close codes (RFC 6455 and the 4000 range for the application)."""

    POLICY = 1008
    INTERNAL_ERROR = 1011
    UNSUPPORTED_DATA = 1003
    TOO_BIG = 1009
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    NOT_FOUND = 4404
    # A newer screen of the same link took this one's place. Not 4403: a phone closed with 4403
    # checks now and then whether its person has been let back in (docs/protocol.md).
    TAKEN_OVER = 4409
    TOO_MANY = 4429


class LiveConnection:
    def __init__(
        self, websocket: WebSocket, svc: Services, hub: SessionHub, grant: Grant, fmt: Format
    ) -> None:
        self.websocket = websocket
        self.svc = svc
        self.hub = hub
        self.grant = grant
        self.viewer = Viewer(
            role=grant.role,
            person_id=grant.person_id,
            format=fmt,
            outbox=Outbox(),
            token_version=grant.token_version,
            language=current_language(),
        )
        self.budget = rate_limits_of(websocket.app).connection()
        # Commands wait here, in the order they came, while the socket goes on being read: a
        # busy hub must not stop the server reading pongs (uvicorn closes a socket whose
        # keepalive pong goes unread, 1011) nor answering the screen's clock-sync pings.
        self._waiting: list[dict[str, Any]] = []
        # Exists only while commands wait, so an idle connection costs no extra task.
        self._running: asyncio.Task[None] | None = None
        # Made the first time the outbox holds something the socket could not take at once
        # (or a close): most sockets never need one.
        self._sender: asyncio.Task[None] | None = None
        self.viewer.outbox.on_due = self._start_sender
        self._expired = False
        # The sender is writing what the outbox held: nothing may be written past it.
        self._sending = False
        write = direct_writer(websocket)
        if write is not None:
            self.viewer.outbox.sink = functools.partial(self._sink, write)
        self.metrics = svc.registry.metrics
        # Who is on the line is never logged: the role and the session say enough.
        self.log = log.bind(session_id=hub.record.id, role=grant.role.value, format=fmt)

    async def run(self, *, resumed: bool) -> None:
        role = self.grant.role.value
        if resumed:
            self.metrics.reconnects.labels(role=role).inc()
        self.metrics.open_connections.labels(role=role).inc()
        self.log.info("connected", resumed=resumed)
        opened = time.monotonic()
        self.hub.attach(self.viewer)
        screens = open_screens_of(self.websocket)
        screens.opened(self.grant, self.viewer.outbox)
        # One timer per connection, at the moment its token stops working: no socket is polled.
        expiry = asyncio.get_running_loop().call_later(
            max(0.0, self.grant.expires_at - self.svc.clock()), self._expire
        )
        try:
            await self._receive_forever()
        except OutboxFull:
            await self._close(Close.TOO_MANY, TOO_MANY_AT_ONCE)
        finally:
            expiry.cancel()
            # What the screen sent before it went is carried out: its person meant it, and a
            # reconnecting screen that sends it again is told it is already done.
            if self._running is not None:
                await self._running
            self.hub.detach(self.viewer)
            screens.closed(self.grant, self.viewer.outbox)
            if self._sender is not None:
                self._sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._sender
            # The outbox holds this connection's methods, and this connection its outbox: gone,
            # both are freed at once, not by a full collection.
            self.viewer.outbox.on_due = None
            self.viewer.outbox.sink = None
            self.metrics.open_connections.labels(role=role).dec()
            self.log.info("disconnected", seconds=round(time.monotonic() - opened, 1))

    def _start_sender(self) -> None:
        if self._sender is None:
            self._sender = asyncio.create_task(self._send_forever())

    async def _send_forever(self) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            while True:
                batch = await self.viewer.outbox.take()
                self._sending = True
                for message in batch:
                    await self.websocket.send_text(message)
                self._sending = False
                # Someone removed, or who left (perhaps from another device), or whose link was
                # revoked, keeps no open screen: the update that says so has just gone out.
                denied = membership_problem(self.grant, self.hub)
                reason = denied.message if denied is not None else self.viewer.outbox.closing
                if self._expired and denied is None:
                    self.log.info("link_expired")
                    await self._close(Close.UNAUTHORIZED, LINK_EXPIRED)
                    return
                if reason is not None and denied is None and self.viewer.outbox.taken_over:
                    self.log.info("taken_over")
                    await self._close(Close.TAKEN_OVER, reason)
                    return
                if reason is not None:
                    self.metrics.sockets_revoked.inc()
                    self.log.info("access_ended")
                    await self._close(Close.FORBIDDEN, reason)
                    return

    def _sink(self, write: DirectWrite, message: str, shared: bool) -> bool:
        """Write `message` at once, if nothing is on its way before it and no close must follow
        it: a person no longer allowed here is sent the update that says so by the sender,
        which then closes the socket."""
        if self._sending or membership_problem(self.grant, self.hub) is not None:
            return False
        return write(message, shared)

    def _expire(self) -> None:
        """The token this screen connected with has just stopped working (as a reconnect's
        would): it is closed with 4401, after what is due, so the page asks for a fresh link."""
        self._expired = True
        self.viewer.outbox.close(LINK_EXPIRED)

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError):
            await self.websocket.close(code=code, reason=close_reason(reason))

    async def _receive_forever(self) -> None:
        limit = self.svc.settings.max_message_bytes
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                await self._close(Close.UNSUPPORTED_DATA, translatable("Text JSON messages only."))
                return
            if len(text.encode()) > limit:
                await self._close(Close.TOO_BIG, translatable("That message is too large."))
                return
            if not self.budget.message():
                await self._close(Close.TOO_MANY, TOO_MANY_AT_ONCE)
                return
            self._handle(text)
            # Frames already buffered are read without ever waiting: give the sender its turn,
            # so that only a client that does not read (not one that pipelines) fills its outbox.
            await asyncio.sleep(0)

    def _queue(self, raw: dict[str, Any]) -> None:
        if len(self._waiting) >= MAX_WAITING_COMMANDS:
            self._refuse(_id_of(raw), "slow_down", COMMANDS_TOO_FAST)
            return
        self._waiting.append(raw)
        if self._running is None:
            self._running = asyncio.create_task(self._run_waiting())

    async def _run_waiting(self) -> None:
        try:
            while self._waiting:
                raw = self._waiting.pop(0)
                try:
                    await self._execute(raw)
                except SQLAlchemyError as error:
                    # The database is away (locked, restarting, unreachable). Sending it again
                    # with the same id is safe: stored once at most, acked either way.
                    self.log.warning("command_not_stored", error=str(error))
                    self._refuse(_id_of(raw), "unavailable", NOT_STORED)
        except OutboxFull:
            self._waiting.clear()
            await self._close(Close.TOO_MANY, TOO_MANY_AT_ONCE)
        except Exception:
            # Not the person's doing and not the database's: close, so that the screen
            # reconnects (1011 is retried) to a fresh view rather than wait for an answer.
            self.log.exception("command_failed")
            self._waiting.clear()
            await self._close(
                Close.INTERNAL_ERROR, translatable("Something went wrong. Reconnecting.")
            )
        finally:
            self._running = None

    def _reply(self, message: str) -> None:
        self.viewer.outbox.reply(message)

    def _error(self, code: str, message: str) -> None:
        self._reply(ProtocolError(code=code, message=message).model_dump_json())

    def _handle(self, text: str) -> None:
        try:
            message = strict_json.loads(text)
        except (ValueError, RecursionError) as problem:  # RecursionError: nested thousands deep
            why = f" ({problem.msg})" if isinstance(problem, json.JSONDecodeError) else ""
            self._error("bad_message", f"Messages must be JSON{why}.")
            return
        if not isinstance(message, dict):
            self._error("bad_message", "Messages must be JSON objects.")
            return
        kind = message.get("type")
        if kind == "ping":
            try:
                ping = Ping.model_validate(message)
            except ValidationError:
                self._error("bad_message", "A ping needs a numeric t0.")
                return
            self._reply(pong_message(ping.t0, self.svc.clock() * 1000))
        elif kind == "hello":
            self.hub.attach(self.viewer)
        elif kind == "command" and self.viewer.format == "json":
            inner = message.get("command")
            command_id = _id_of(inner) if isinstance(inner, dict) else None
            if not self.budget.command():
                self._refuse(command_id, "slow_down", COMMANDS_TOO_FAST)
                return
            try:
                envelope = CommandEnvelope.model_validate(message)
            except ValidationError as problem:
                self._refuse(command_id, "invalid", describe_validation_error(problem))
                return
            if envelope.session_id not in (None, self.hub.record.id):
                self._refuse(
                    _id_of(envelope.command),
                    "wrong_session",
                    "That command is for another session.",
                )
                return
            self._queue(envelope.command)
        elif self.viewer.format == "html" and isinstance(kind, str):
            if not self.budget.command():
                self._refuse(_id_of(message), "slow_down", COMMANDS_TOO_FAST)
                return
            self._queue(_form_fields(message))
        else:
            self._error("unknown_type", "Unknown message type.")

    async def _execute(self, raw: dict[str, Any]) -> None:
        asked = raw.get("type")
        server_only = SERVER_ONLY.get(asked) if isinstance(asked, str) else None
        if server_only is not None:
            self._refuse(_id_of(raw), "not_allowed", server_only)
            return
        try:
            command = CLIENT_COMMAND_ADAPTER.validate_python(raw)
        except ValidationError as problem:
            self._refuse(_id_of(raw), "invalid", describe_validation_error(problem))
            return
        started = time.perf_counter()
        kind = str(getattr(command, "type", type(command).__name__))
        try:
            outcome = await submit(self.hub, command, self.grant.actor)
        except Problem as refused:
            ms = round((time.perf_counter() - started) * 1000, 2)
            self.log.info("command_rejected", command=kind, code=refused.code, ms=ms)
            self._reject(command.id, refused.code, refused.message)
            return
        ms = round((time.perf_counter() - started) * 1000, 2)
        self.log.debug("command_accepted", command=kind, version=outcome.version, ms=ms)
        # Pages too: a tap kept while offline is told "Sent." by its ack (static/js/commands.js).
        self._reply(
            Ack(
                id=command.id,
                version=outcome.version,
                duplicate=isinstance(outcome, AlreadyDone),
            ).model_dump_json()
        )

    def _refuse(self, command_id: str | None, code: str, message: str) -> None:
        """Refused here rather than by the hub's decision (the hub counts its own answers)."""
        self.metrics.rejected(code)
        self.log.info("command_rejected", code=code)
        self._reject(command_id, code, message)

    def _reject(self, command_id: str | None, code: str, message: str) -> None:
        if self.viewer.format == "html":
            self._reply(
                self.svc.templates.get_template("live/notice.html").render(
                    message=message, tone="calm", command_id=command_id, code=code
                )
            )
            return
        self._reply(Reject(id=command_id, code=code, message=message).model_dump_json())


def _id_of(raw: dict[str, Any]) -> str | None:
    value = raw.get("id")
    return value if isinstance(value, str) else None


def _form_fields(message: dict[str, Any]) -> dict[str, Any]:
    """htmx sends every form field as a string, plus its own HEADERS; empty means absent."""
    return {
        key: value
        for key, value in message.items()
        if key != "HEADERS" and not (isinstance(value, str) and value == "")
    }


def open_screens_of(websocket: WebSocket) -> OpenScreens:
    found: OpenScreens = websocket.app.state.open_screens
    return found
