"""Where one command's time goes in the whole stack of one process, without sockets.

    .venv/bin/python bench/stack.py [--blocks 10] [--block 20] [--participants 11]

The real app (create_app on a fresh SQLite file, logging configured as `serve` does, to
/dev/null) with two sessions set up as bench/load.py sets them up: one whose 13 screens speak
HTML as the live pages do (cookie, `?format=html`), one whose screens speak JSON as scripts do
(hello with the token). Each screen is an ASGI websocket driven in-process: what the app sends
is taken at once, and an HTML screen's frames are compressed with permessage-deflate in a
context of their own, as uvicorn does for a browser (`--no-deflate` leaves that out). With
`--shared-frames` the screens are written to as `peer-rounds serve` writes them
(app/web/frames.py): each message framed, and compressed without context takeover, once for
every screen of the same encoding. Not included: uvicorn's protocol and the kernel's socket
writes, and the lifespan's background jobs (none of which runs per command).

The connections' command allowances are raised out of the way (the commands come hundreds a
second). One command at a time: the facilitator sends pause_timer / resume_timer and the next
is sent when every screen holds the new version. Blocks of commands alternate between the two
sessions (HTML first, then JSON first, ...), so both see the same machine.

Printed per command, for each format:
- CPU time of the main thread (the event loop) and of the other threads (the SQLite writer),
  medians over the blocks, with the profiler off. CPU time, not wall time: a neighbour that
  takes the core makes the run longer, not the numbers larger.
- Python function calls per command (cProfile: the same every run).
- Where the main thread's time goes, from a second pass under cProfile (timer: the thread's CPU
  time): each function's own time is put in a part of the stack by the file it is in (a
  builtin's by the file of its caller), as a share, and that share of the unprofiled time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode

from app.config import Settings
from app.main import create_app
from app.observability.logging import configure
from app.web.connections import DEFLATE_SETTINGS, DEFLATE_WINDOW_BITS
from app.web.frames import DIRECT_FRAMES, PLAIN, Encoding, SharedFrames
from app.web.rate_limits import RateLimitPolicy, install_rate_limits
from bench.load import set_up_session
from bench.loadgen import version_of
from tests.support.api import BASE_URL, client_of, websocket_scope

ORIGIN = BASE_URL
COMMANDS = ("pause_timer", "resume_timer")
FORMATS = ("html", "json")
# Commands go one after the other as fast as the app answers, hundreds a second: far beyond a
# connection's allowance for people (app/web/rate_limits.py), which is raised out of the way.
UNLIMITED = RateLimitPolicy(
    command_burst="1000000 per 2 seconds",
    command_sustained="1000000/minute",
    flood="1000000 per 10 seconds",
)
COMMAND_TIMEOUT_S = 30.0
SHARED_DEFLATE: Encoding = (DEFLATE_WINDOW_BITS, tuple(sorted(DEFLATE_SETTINGS.items())))

# Parts of the stack, by where a function is defined: the first pattern found in its file
# name (or, for a builtin, in its description) names its part.
PARTS: list[tuple[str, tuple[str, ...]]] = [
    ("rendering (jinja2, templates/)", ("jinja2", "/templates/", "markupsafe")),
    ("views (app/session/views)", ("app/session/views",)),
    ("engine (decide, evolve, state)", ("app/session/", "app/rounds/", "app/timekeeping/")),
    ("hub, frames, outbox (app/realtime)", ("app/realtime/",)),
    ("websocket endpoint (app/web)", ("app/web/",)),
    ("store (app/store, sqlalchemy, sqlite3)", ("app/store/", "sqlalchemy", "sqlite3")),
    ("pydantic (validate, serialise)", ("pydantic",)),
    ("json", ("json/", "orjson", "_json")),
    ("deflate (permessage-deflate, zlib)", ("websockets/", "zlib")),
    ("starlette, fastapi", ("starlette", "fastapi")),
    ("logging (structlog, logging)", ("structlog", "logging/", "app/observability/logging")),
    ("metrics (prometheus_client)", ("prometheus_client", "app/observability/metrics")),
    ("event loop, anyio, threads", ("asyncio", "anyio", "threading", "selectors", "queue")),
    ("this bench's fake transports", ("bench/stack.py", "bench/loadgen.py")),
]
OTHER = "other"


def part_of(where: str) -> str:
    for name, patterns in PARTS:
        if any(pattern in where for pattern in patterns):
            return name
    return OTHER


# --- fake transports ----------------------------------------------------------------------------


@dataclass(eq=False)
class Screen:
    """One open screen: the app's websocket as seen from the client side, in memory."""

    session: SessionUnderTest
    deflate: PerMessageDeflate | None
    to_app: asyncio.Queue[Message] = field(default_factory=asyncio.Queue)
    version: int = -1
    frames: int = 0
    text_bytes: int = 0
    wire_bytes: int = 0

    async def send(self, message: Message) -> None:
        """What the app sends on this socket."""
        if message["type"] == "websocket.close":
            self.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
        if message["type"] != "websocket.send":
            return
        text: str = message.get("text") or message["bytes"].decode()
        data: bytes = text.encode()
        if self.deflate is not None:
            data = bytes(self.deflate.encode(Frame(Opcode.TEXT, data)).data)
        self.received(text, len(data))

    def write(self, frames: SharedFrames, message: str, shared: bool) -> bool:
        """What our server writes straight to this socket (app/web/connections.py)."""
        encoding = PLAIN if self.deflate is None else SHARED_DEFLATE
        if shared:
            frame = frames.text(message, encoding)
        else:
            own = [] if self.deflate is None else [self.deflate]
            frame = Frame(Opcode.TEXT, message.encode()).serialize(mask=False, extensions=own)
        length = frame[1] & 0x7F
        self.received(message, len(frame) - (2 if length < 126 else 4 if length == 126 else 10))
        return True

    def received(self, text: str, wire_bytes: int) -> None:
        self.frames += 1
        self.text_bytes += len(text.encode())
        self.wire_bytes += wire_bytes
        version = version_of(text)
        if version is not None and version > self.version:
            self.version = version
            self.session.screen_moved_on()


@dataclass(eq=False)
class SessionUnderTest:
    format: str
    screens: list[Screen] = field(default_factory=list)
    target = 0
    arrived: asyncio.Future[None] | None = None
    sent = 0

    def screen_moved_on(self) -> None:
        if self.arrived is None or self.arrived.done():
            return
        if all(screen.version >= self.target for screen in self.screens):
            self.arrived.set_result(None)

    @property
    def facilitator(self) -> Screen:
        return self.screens[0]

    async def command(self) -> None:
        """One command; back when every screen holds the version it made."""
        kind = COMMANDS[self.sent % 2]
        command_id = f"{self.format}-{self.sent}"
        self.sent += 1
        self.target = max(screen.version for screen in self.screens) + 1
        self.arrived = asyncio.get_running_loop().create_future()
        if self.format == "html":
            form = f'{{"type":"{kind}","id":"{command_id}","expected_version":{self.target - 1}}}'
            self.facilitator.to_app.put_nowait({"type": "websocket.receive", "text": form})
        else:
            envelope = f'{{"type":"command","command":{{"type":"{kind}","id":"{command_id}"}}}}'
            self.facilitator.to_app.put_nowait({"type": "websocket.receive", "text": envelope})
        try:
            await asyncio.wait_for(self.arrived, COMMAND_TIMEOUT_S)
        except TimeoutError:
            raise RuntimeError(
                f"{command_id}: not every screen got version {self.target}"
            ) from None


async def serve(app: ASGIApp, scope: dict[str, Any], screen: Screen) -> None:
    await app(scope, screen.to_app.get, screen.send)


def server_deflate(context_takeover: bool) -> PerMessageDeflate:
    """The server's side of permessage-deflate as a browser's offer is answered: by uvicorn's
    protocol (context takeover), or by ours (none)."""
    bits = DEFLATE_WINDOW_BITS
    return PerMessageDeflate(False, not context_takeover, bits, bits, dict(DEFLATE_SETTINGS))


async def open_screens(
    app: ASGIApp, plan: dict[str, Any], format: str, deflate: bool, frames: SharedFrames | None
) -> tuple[SessionUnderTest, list[asyncio.Task[None]]]:
    session = SessionUnderTest(format)
    tasks: list[asyncio.Task[None]] = []
    for sock in [plan["facilitator"], *plan["viewers"]]:
        path, _, query = sock["path"].partition("?")
        scope = websocket_scope(path)
        scope["query_string"] = query.encode()
        compressed = deflate and format == "html"
        screen = Screen(session, server_deflate(frames is None) if compressed else None)
        if frames is not None:
            write = functools.partial(screen.write, frames)
            scope["extensions"] = {DIRECT_FRAMES: {"write": write}}
        screen.to_app.put_nowait({"type": "websocket.connect"})
        if sock.get("cookie"):
            scope["headers"] += [(b"cookie", sock["cookie"].encode()), (b"origin", ORIGIN.encode())]
        else:
            hello = f'{{"type":"hello","token":"{sock["token"]}"}}'
            screen.to_app.put_nowait({"type": "websocket.receive", "text": hello})
        session.screens.append(screen)
        tasks.append(asyncio.create_task(serve(app, scope, screen)))
    deadline = time.monotonic() + 30
    while any(screen.version < 0 for screen in session.screens):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the {format} screens did not all get a first version")
        await asyncio.sleep(0.01)
    return session, tasks


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Block:
    main_cpu_s: float
    process_cpu_s: float
    commands: int

    @property
    def main_ms(self) -> float:
        return 1000 * self.main_cpu_s / self.commands

    @property
    def others_ms(self) -> float:
        return 1000 * max(0.0, self.process_cpu_s - self.main_cpu_s) / self.commands


async def run_block(
    session: SessionUnderTest, commands: int, profiler: cProfile.Profile | None
) -> Block:
    main_start, process_start = time.thread_time(), time.process_time()
    if profiler is not None:
        profiler.enable()
    for _ in range(commands):
        await session.command()
    if profiler is not None:
        profiler.disable()
    return Block(time.thread_time() - main_start, time.process_time() - process_start, commands)


def where_time_goes(profiler: cProfile.Profile) -> tuple[dict[str, float], int]:
    """Seconds of own time per part of the stack, and the number of calls."""
    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    parts: dict[str, float] = {}
    calls = 0
    for (file, _line, name), (_cc, count, own, _cumulative, callers) in stats.items():
        calls += count
        if file != "~":
            part = part_of(file)
            parts[part] = parts.get(part, 0.0) + own
            continue
        # A builtin (str.join, zlib's compress, a sqlite3 cursor's execute) is put where it was
        # called from, unless its own name says where it belongs.
        own_part = part_of(name)
        if not callers:  # called from outside the profile (the profiler's own disable)
            parts[own_part] = parts.get(own_part, 0.0) + own
        for (caller_file, _l, _n), caller_calls in callers.items():
            caller_own = caller_calls[2]
            part = own_part if own_part != OTHER else part_of(caller_file)
            parts[part] = parts.get(part, 0.0) + caller_own
    return parts, calls


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(data_dir=args.data_dir)
    app = create_app(settings)
    install_rate_limits(app, UNLIMITED)
    sessions: dict[str, SessionUnderTest] = {}
    tasks: list[asyncio.Task[None]] = []
    frames = SharedFrames() if args.shared_frames else None
    async with client_of(app) as client:
        for index, format in enumerate(FORMATS):
            plan = await set_up_session(
                client, index, args.participants + 1, "participants", format
            )
            sessions[format], opened = await open_screens(app, plan, format, args.deflate, frames)
            tasks += opened
    for session in sessions.values():
        await session.command()  # warm: first renders, caches, the writer thread
        await session.command()
    timed: dict[str, list[Block]] = {format: [] for format in FORMATS}
    profilers = {format: cProfile.Profile(time.thread_time_ns, 1e-9) for format in FORMATS}
    profiled: dict[str, list[Block]] = {format: [] for format in FORMATS}
    for runs, profile in ((timed, False), (profiled, True)):
        for number in range(args.blocks):
            order = FORMATS if number % 2 == 0 else FORMATS[::-1]
            for format in order:
                profiler = profilers[format] if profile else None
                runs[format].append(await run_block(sessions[format], args.block, profiler))
    for session in sessions.values():
        for screen in session.screens:
            screen.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
    results: dict[str, Any] = {}
    for format in FORMATS:
        session = sessions[format]
        parts, calls = where_time_goes(profilers[format])
        profiled_commands = sum(block.commands for block in profiled[format])
        all_commands = session.sent
        results[format] = {
            "main_ms": statistics.median(block.main_ms for block in timed[format]),
            "others_ms": statistics.median(block.others_ms for block in timed[format]),
            "profiled_main_ms": statistics.median(block.main_ms for block in profiled[format]),
            "calls_per_command": calls / profiled_commands,
            "parts_s": parts,
            "screens": len(session.screens),
            "frames_per_command": sum(s.frames for s in session.screens) / all_commands,
            "text_bytes_per_command": sum(s.text_bytes for s in session.screens) / all_commands,
            "wire_bytes_per_command": sum(s.wire_bytes for s in session.screens) / all_commands,
        }
    return results


# --- report -------------------------------------------------------------------------------------


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    html, json_ = results["html"], results["json"]
    deflate = "HTML screens deflated per socket" if args.deflate else "no deflate"
    if args.shared_frames:
        deflate = ("HTML screens deflated" if args.deflate else "no deflate") + ", shared frames"
    lines = [
        f"one command at a time, {args.blocks} blocks of {args.block} per format, "
        f"{html['screens']} screens a session ({deflate}); medians of the blocks",
        "",
        f"{'per command':44}{'HTML':>14}{'JSON':>14}{'HTML / JSON':>14}",
    ]

    def row(label: str, key: str, digits: int = 2) -> None:
        ratio = html[key] / json_[key] if json_[key] else float("nan")
        lines.append(
            f"{label:44}{html[key]:>14,.{digits}f}{json_[key]:>14,.{digits}f}{ratio:>13.2f}x"
        )

    row("main thread CPU (ms)", "main_ms")
    row("other threads CPU (ms; the SQLite writer)", "others_ms")
    row("main thread CPU under the profiler (ms)", "profiled_main_ms")
    row("Python function calls", "calls_per_command", 0)
    row("frames sent", "frames_per_command", 1)
    row("bytes sent (text)", "text_bytes_per_command", 0)
    row("bytes sent (on the wire, after deflate)", "wire_bytes_per_command", 0)
    lines += [
        "",
        "where the main thread's time goes (share of its CPU under the profiler, and that share "
        "of the unprofiled ms):",
        f"{'':44}{'HTML':>20}{'JSON':>20}",
    ]
    totals = {format: sum(results[format]["parts_s"].values()) for format in FORMATS}
    names = [name for name, _ in PARTS] + [OTHER]
    names.sort(key=lambda name: -html["parts_s"].get(name, 0.0))
    for name in names:
        cells = []
        for format in FORMATS:
            share = results[format]["parts_s"].get(name, 0.0) / max(totals[format], 1e-12)
            cells.append(f"{100 * share:5.1f}% {share * results[format]['main_ms']:6.2f} ms")
        lines.append(f"{name:44}" + "".join(f"{cell:>20}" for cell in cells))
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=10, help="blocks per format and pass")
    parser.add_argument("--block", type=int, default=20, help="commands per block")
    parser.add_argument("--participants", type=int, default=11)
    parser.add_argument(
        "--no-deflate",
        dest="deflate",
        action="store_false",
        help="leave out the HTML screens' permessage-deflate",
    )
    parser.add_argument(
        "--shared-frames",
        action="store_true",
        help="write frames encoded once per encoding, as `serve` does (app/web/frames.py)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> dict[str, Any]:
    args = parse_args(argv)
    started = time.monotonic()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    with (
        open(os.devnull, "w") as nowhere,
        tempfile.TemporaryDirectory(prefix="peer-rounds-stack-") as data_dir,
    ):
        configure("json", nowhere)
        args.data_dir = Path(data_dir)
        try:
            results = asyncio.run(measure(args))
        finally:
            # Called from a test, the process goes on logging where it did, not to a closed file.
            root.handlers = handlers
            root.setLevel(level)
    out(report(results, args))
    out(f"\n({time.monotonic() - started:.0f} s, Python {sys.version.split()[0]})")
    return results


if __name__ == "__main__":
    main()
