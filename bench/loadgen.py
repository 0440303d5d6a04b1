"""One load-generator process for bench/load.py (not meant to be run by hand).

    python bench/loadgen.py PLAN.json RESULT.json

It opens every socket of the sessions in PLAN (a facilitator and its viewers per session),
prints `READY {...}` on stdout, waits for `GO <t0>` on stdin (t0 on the shared CLOCK_MONOTONIC,
so several generator processes and the orchestrator agree on the schedule), then sends one
command per second per session (open loop: a late server does not slow the schedule down),
records when each viewer first sees each version, and writes RESULT.json.

Latency of a command = (the moment its session's LAST viewer first holds a version >= the
command's version) - (the moment the command was handed to the socket). Both timestamps are
taken in this process, so no clock has to be synchronised. A viewer that skips a version (Peer
Rounds' one-slot mailbox) counts as having it when it receives a newer one.

The same code drives both servers; only the wire format differs:
- baseline: ws://HOST/<session>, every text message bumps the version; messages carry
  `"version"`, and the k-th message of a session makes version k (it starts at 0).
- peer_rounds, JSON (scripts): /ws/sessions/{id}/{role} with a `hello{token}` first; the
  facilitator alternates pause_timer / resume_timer on the current speaker (both always
  succeed) and the version of each command is taken from its `ack`.
- peer_rounds, HTML (what the browser pages speak, static/js/live.js and commands.js): the
  same path with `?format=html`, the token in the cookie that `/enter/{token}` set, the page's
  Origin, and flat commands `{type, id, expected_version}` as htmx-ext-ws sends a form. Screens
  get HTML fragments carrying `data-version="N"`, and no ack: as for the baseline, the k-th
  command makes the version after the one the console showed when the load started (the
  console's last version is checked against that count at the end: `unattributed`).

Frames received in the measured window are counted on every socket (acks too), so the server's
CPU can be divided by what it delivered.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import math
import resource
import ssl
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

Kind = Literal["baseline", "peer_rounds"]
Format = Literal["json", "html"]
CONNECT_ATTEMPTS = 3
FIRST_MESSAGE_TIMEOUT_S = 30.0
DRAIN_POLL_S = 0.25
PEER_ROUNDS_COMMANDS = ("pause_timer", "resume_timer")
HTML_VERSION = 'data-version="'
# What the HTML endpoint sends a screen whose command was refused (templates/live/notice.html).
HTML_NOTICE = '<div id="notice"'


def version_of(message: str) -> int | None:
    """The version a message carries, without parsing it: `"version": N` near the start of a
    JSON message, or the `data-version="N"` of an HTML fragment's version marker."""
    if message.startswith("{"):
        at = message.find('"version":', 0, 160)
        if at < 0:
            return None
        start = at + 10
        while message[start] == " ":
            start += 1
    else:
        at = message.find(HTML_VERSION)
        if at < 0:
            return None
        start = at + len(HTML_VERSION)
    end = start
    while end < len(message) and message[end].isdigit():
        end += 1
    return int(message[start:end]) if end > start else None


@dataclass
class Socket:
    path: str
    token: str | None
    cookie: str | None = None
    connection: ClientConnection | None = None
    versions: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    received: int = 0
    received_bytes: int = 0
    window_frames: int = 0
    window_bytes: int = 0
    closed_early: str | None = None
    connect_attempts: int = 0

    def first_time_at_least(self, version: int) -> float | None:
        at = bisect.bisect_left(self.versions, version)
        return self.times[at] if at < len(self.versions) else None


@dataclass
class Sent:
    scheduled: float
    sent: float
    version: int | None = None
    acked: float | None = None
    rejected: str | None = None


@dataclass
class Session:
    index: int
    id: str
    facilitator: Socket
    viewers: list[Socket]
    commands: dict[str, Sent] = field(default_factory=dict)
    rejects: int = 0
    base_version: int = 0


def socket_of(plan: dict[str, Any]) -> Socket:
    return Socket(plan["path"], plan["token"], plan.get("cookie"))


class Generator:
    def __init__(self, plan: dict[str, Any]) -> None:
        self.kind: Kind = plan["kind"]
        self.format: Format = plan.get("format", "json")
        self.ws_base: str = plan["ws_base"]
        self.origin = Origin("http" + self.ws_base.removeprefix("ws"))
        # wss:// through the proxy (bench/proxied.py): its certificate is the test's own.
        ca_file = plan.get("ca_file")
        self.tls = None if ca_file is None else ssl.create_default_context(cafile=ca_file)
        self.total_sessions: int = plan["total_sessions"]
        self.warmup_s: float = plan["warmup_s"]
        self.measure_s: float = plan["measure_s"]
        self.drain_s: float = plan["drain_s"]
        self.compression: str | None = "deflate" if plan["compression"] == "deflate" else None
        self.connect_limit = asyncio.Semaphore(plan["connect_concurrency"])
        self.sessions = [
            Session(
                index=s["index"],
                id=s["id"],
                facilitator=socket_of(s["facilitator"]),
                viewers=[socket_of(v) for v in s["viewers"]],
            )
            for s in plan["sessions"]
        ]
        self.readers: list[asyncio.Task[None]] = []
        self.closing = False
        self.window: tuple[float, float] | None = None

    def sockets(self) -> list[Socket]:
        return [sock for s in self.sessions for sock in (s.facilitator, *s.viewers)]

    # --- connecting -----------------------------------------------------------------------

    async def open(self, sock: Socket, session: Session) -> bool:
        async with self.connect_limit:
            for attempt in range(1, CONNECT_ATTEMPTS + 1):
                sock.connect_attempts = attempt
                connection: ClientConnection | None = None
                try:
                    connection = await connect(
                        self.ws_base + sock.path,
                        ssl=self.tls,
                        compression=self.compression,
                        origin=self.origin if sock.cookie is not None else None,
                        additional_headers={"Cookie": sock.cookie} if sock.cookie else None,
                        ping_interval=None,
                        max_size=2**22,
                        open_timeout=FIRST_MESSAGE_TIMEOUT_S,
                        close_timeout=2,
                    )
                    if sock.token is not None:
                        await connection.send(json.dumps({"type": "hello", "token": sock.token}))
                    first = await asyncio.wait_for(connection.recv(), FIRST_MESSAGE_TIMEOUT_S)
                except Exception:  # refused, reset, timed out: try again, then give up
                    if connection is not None:
                        with contextlib.suppress(Exception):
                            await connection.close()
                    await asyncio.sleep(0.2 * attempt)
                    continue
                sock.connection = connection
                self.note(sock, first if isinstance(first, str) else first.decode())
                is_facilitator = sock is session.facilitator
                self.readers.append(asyncio.create_task(self.read(sock, session, is_facilitator)))
                return True
            return False

    def note(self, sock: Socket, message: str, now: float | None = None) -> None:
        sock.received += 1
        sock.received_bytes += len(message)
        version = version_of(message)
        if version is not None and (not sock.versions or version > sock.versions[-1]):
            sock.versions.append(version)
            sock.times.append(time.monotonic() if now is None else now)

    def count_frame(self, sock: Socket, message: str, now: float) -> None:
        if self.window is not None and self.window[0] <= now < self.window[1]:
            sock.window_frames += 1
            sock.window_bytes += len(message)

    async def read(self, sock: Socket, session: Session, is_facilitator: bool) -> None:
        assert sock.connection is not None
        try:
            async for raw in sock.connection:
                now = time.monotonic()
                message = raw if isinstance(raw, str) else raw.decode()
                self.count_frame(sock, message, now)
                if is_facilitator and message.startswith(HTML_NOTICE):
                    session.rejects += 1
                    continue
                if is_facilitator and message.startswith('{"type":"ack"'):
                    ack = json.loads(message)
                    sent = session.commands.get(ack["id"])
                    if sent is not None:
                        sent.version = ack["version"]
                        sent.acked = now
                    continue
                if is_facilitator and message.startswith('{"type":"reject"'):
                    reject = json.loads(message)
                    session.rejects += 1
                    sent = session.commands.get(reject.get("id") or "")
                    if sent is not None:
                        sent.rejected = reject.get("code", "?")
                    continue
                self.note(sock, message, now)
            if not self.closing:
                sock.closed_early = f"closed by server ({sock.connection.close_code})"
        except ConnectionClosed as closed:
            if not self.closing:
                sock.closed_early = f"connection lost ({closed.rcvd.code if closed.rcvd else '-'})"
        except Exception as problem:  # a dropped connection is a result, not a crash
            if not self.closing:
                sock.closed_early = f"{type(problem).__name__}: {problem}"

    # --- the load -------------------------------------------------------------------------

    async def drive(self, session: Session, t0: float, lateness: list[float]) -> None:
        """One command per second, starting at this session's slot in the first second."""
        connection = session.facilitator.connection
        if connection is None:
            return
        facilitator = session.facilitator
        session.base_version = facilitator.versions[-1] if facilitator.versions else 0
        counts_versions = self.kind == "baseline" or self.format == "html"
        offset = session.index / self.total_sessions
        end = t0 + self.warmup_s + self.measure_s
        k = 0
        while True:
            scheduled = t0 + offset + k
            if scheduled >= end:
                return
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            command_id = f"{session.index}-{k}"
            kind = PEER_ROUNDS_COMMANDS[k % 2]
            if self.kind == "baseline":
                text = '{"type":"x"}'
            elif self.format == "html":
                form: dict[str, Any] = {"type": kind, "id": str(uuid.uuid4())}
                if facilitator.versions:
                    form["expected_version"] = facilitator.versions[-1]
                text = json.dumps(form, separators=(",", ":"))
            else:
                text = json.dumps(
                    {"type": "command", "command": {"type": kind, "id": command_id}},
                    separators=(",", ":"),
                )
            sent_at = time.monotonic()
            record = Sent(scheduled=scheduled, sent=sent_at)
            if counts_versions:
                record.version = session.base_version + k + 1
            session.commands[command_id] = record
            lateness.append(sent_at - scheduled)
            try:
                await connection.send(text)
            except ConnectionClosed:
                return
            k += 1

    def in_window(self, sent: Sent, t0: float) -> bool:
        start = t0 + self.warmup_s
        return start <= sent.scheduled < start + self.measure_s

    def pending(self, t0: float) -> int:
        """Window commands whose version has not yet reached every open viewer."""
        missing = 0
        for session in self.sessions:
            for sent in session.commands.values():
                if not self.in_window(sent, t0) or sent.rejected:
                    continue
                if sent.version is None:
                    missing += 1
                    continue
                for viewer in session.viewers:
                    if viewer.closed_early or viewer.connection is None:
                        continue
                    if not viewer.versions or viewer.versions[-1] < sent.version:
                        missing += 1
                        break
        return missing

    async def run(self, t0: float) -> dict[str, Any]:
        lateness: list[float] = []
        start = t0 + self.warmup_s
        self.window = (start, start + self.measure_s)
        drivers = [asyncio.create_task(self.drive(s, t0, lateness)) for s in self.sessions]
        await asyncio.gather(*drivers)
        # The last command goes out up to a second before the window ends: stay until it has
        # (bench/load.py reads this process's CPU then), and only then drain.
        await asyncio.sleep(max(0.0, self.window[1] - time.monotonic()))
        for _ in range(math.ceil(self.drain_s / DRAIN_POLL_S)):
            if self.pending(t0) == 0:
                break
            await asyncio.sleep(DRAIN_POLL_S)
        return self.results(t0, lateness)

    def results(self, t0: float, lateness: list[float]) -> dict[str, Any]:
        latencies: list[float] = []
        acks: list[float] = []
        sent_total = window = unacked = incomplete = rejected = 0
        for session in self.sessions:
            for sent in session.commands.values():
                sent_total += 1
                if not self.in_window(sent, t0):
                    continue
                window += 1
                if sent.rejected:
                    rejected += 1
                    continue
                if sent.version is None:
                    unacked += 1
                    continue
                if sent.acked is not None:
                    acks.append(sent.acked - sent.sent)
                last = 0.0
                for viewer in session.viewers:
                    seen = viewer.first_time_at_least(sent.version)
                    if seen is None:
                        last = -1.0
                        break
                    last = max(last, seen)
                if last < 0:
                    incomplete += 1
                else:
                    latencies.append(last - sent.sent)
        sockets = self.sockets()
        unattributed = 0
        if self.format == "html" and self.kind == "peer_rounds":
            # No acks: the versions were counted. A console that ends on another version than
            # the count says a command was refused or another change happened: say how many.
            for session in self.sessions:
                shown = session.facilitator.versions
                last = shown[-1] if shown else session.base_version
                unattributed += abs(last - session.base_version - len(session.commands))
        return {
            "sessions": len(self.sessions),
            "sockets": len(sockets),
            "connected": sum(1 for s in sockets if s.connection is not None),
            "connect_failures": sum(1 for s in sockets if s.connection is None),
            "connect_retries": sum(max(0, s.connect_attempts - 1) for s in sockets),
            "dropped": sum(1 for s in sockets if s.closed_early),
            "dropped_facilitators": sum(1 for s in self.sessions if s.facilitator.closed_early),
            "drop_reasons": sorted({s.closed_early for s in sockets if s.closed_early})[:10],
            "commands_sent": sent_total,
            "window_commands": window,
            "rejected": rejected,
            "rejects_total": sum(s.rejects for s in self.sessions),
            "unattributed": unattributed,
            "unacked": unacked,
            "incomplete": incomplete,
            "latencies_s": latencies,
            "ack_latencies_s": acks,
            "send_lateness_s": lateness,
            "messages_received": sum(s.received for s in sockets),
            "bytes_received": sum(s.received_bytes for s in sockets),
            "window_frames": sum(s.window_frames for s in sockets),
            "window_bytes": sum(s.window_bytes for s in sockets),
        }

    async def close(self) -> None:
        self.closing = True
        connections = [s.connection for s in self.sockets() if s.connection is not None]
        limit = asyncio.Semaphore(256)

        async def close_one(connection: ClientConnection) -> None:
            async with limit:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), 5)

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(close_one(c) for c in connections)), 60)
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)


async def main(plan: dict[str, Any], result_path: Path) -> None:
    generator = Generator(plan)
    opened_at = time.monotonic()
    await asyncio.gather(
        *(
            generator.open(sock, session)
            for session in generator.sessions
            for sock in (session.facilitator, *session.viewers)
        )
    )
    sockets = generator.sockets()
    ready = {
        "connected": sum(1 for s in sockets if s.connection is not None),
        "failed": sum(1 for s in sockets if s.connection is None),
        "seconds": round(time.monotonic() - opened_at, 2),
    }
    print("READY " + json.dumps(ready), flush=True)
    loop = asyncio.get_running_loop()
    line = await loop.run_in_executor(None, sys.stdin.readline)
    if not line.startswith("GO "):
        await generator.close()
        return
    t0 = float(line.split()[1])
    results = await generator.run(t0)
    await asyncio.to_thread(result_path.write_text, json.dumps(results))
    print("DONE", flush=True)
    await generator.close()


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def run() -> None:
    raise_fd_limit()
    plan: dict[str, Any] = json.loads(Path(sys.argv[1]).read_text())
    result_path = Path(sys.argv[2])
    try:
        import uvloop
    except ImportError:  # the plain asyncio loop works too, only slower
        asyncio.run(main(plan, result_path))
    else:
        uvloop.run(main(plan, result_path))


if __name__ == "__main__":
    run()
