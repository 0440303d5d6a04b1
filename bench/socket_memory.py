"""What one idle JSON viewer socket keeps in the server: RSS and tracemalloc, per socket.

    .venv/bin/python bench/socket_memory.py [--sessions 20] [--viewers 12] [--rounds 3]
        [--checkout DIR] [--no-trace] [--depth 1]

Each server runs as its own process, started as bench/load.py starts it (`peer-rounds serve`
through bench/server_probe.py, a fresh temporary SQLite database; the bare server is
`../shared/bench/ws_baseline.py`, when it is beside the checkout). For Peer Rounds, S sessions
are set up with V viewers each (V-1 admitted participants and the room screen, as load.py's
JSON mode does); one viewer per session connects first (the session's hub and first views are
made then, once per session), then RSS is read, then the other S x (V-1) viewers connect
(`hello` with their token; each waits for its first snapshot) and sit idle; after a settling
pause RSS is read again. Per socket = (RSS idle - RSS before) / those sockets. Before each
reading the server collects its garbage (SIGUSR1), so a collection due or not does not tip it.

`--checkout DIR` adds another checkout (an earlier commit, e.g. a worktree of main) run with
this interpreter and PYTHONPATH=DIR; the servers alternate in each round, the order rotating,
and medians are printed with ratios to the bare server and to the other checkout.

Then, unless `--no-trace`, one more run of each Peer Rounds checkout under tracemalloc (its own
memory overhead makes its RSS no measure): the difference between the snapshots at the two
readings, grouped by file and line, top 15, in bytes and blocks per socket; with `--depth N`
(frames traced) the top stacks too. The frames encoded once (app/web/frames.py, at most 64 kept)
show up as a share per socket when there are few sockets: a fixed cost, not one per socket.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and str(REPO) not in sys.path:
    # After PYTHONPATH: a server of another checkout imports that checkout's app.
    sys.path.append(str(REPO))

TOP = 15
OBJECT_TYPES_SHOWN = 40
SETTLE_S = 2.0
CONNECT_CONCURRENCY = 20
MARK_TIMEOUT_S = 60.0


# --- in the server process -----------------------------------------------------------------


def serve(out: Path, depth: int, what: list[str]) -> None:
    """Run a server (bench/server_probe.py's way) that, on SIGUSR1, collects its garbage,
    dumps a tracemalloc snapshot if tracing (`depth` frames > 0), and writes the next mark."""
    trace = depth > 0
    if trace:
        tracemalloc.start(depth)
    marks = 0

    def mark(signum: int, frame: FrameType | None) -> None:
        nonlocal marks
        marks += 1
        gc.collect()
        # A second collection finds nothing to free: its time is the walk itself, what every
        # full collection under load costs.
        started = time.perf_counter()
        gc.collect()
        walk_s = time.perf_counter() - started
        if trace:
            tracemalloc.take_snapshot().dump(str(out / f"snapshot-{marks}"))
        # Written whole, then renamed: the bench reads it as soon as the name exists.
        (out / "mark.tmp").write_text(json.dumps({"walk_s": walk_s, "objects": tracked_objects()}))
        (out / "mark.tmp").rename(out / f"mark-{marks}")

    signal.signal(signal.SIGUSR1, mark)
    from bench import server_probe

    server_probe.main([str(out / "probes.json"), *what])


# --- in the measuring process ------------------------------------------------------------------


def tracked_objects() -> dict[str, int]:
    """The objects a full collection walks (those gc.freeze() set aside are not), by type; a
    coroutine, generator or bound method by its function too, which says whose it is."""
    return dict(Counter(map(kind_of, gc.get_objects())))


def kind_of(thing: object) -> str:
    kind = f"{type(thing).__module__}.{type(thing).__qualname__}"
    if isinstance(thing, types.CoroutineType | types.GeneratorType):
        return f"{kind} {thing.__qualname__}"
    if isinstance(thing, types.MethodType):
        return f"{kind} {thing.__func__.__qualname__}"
    return kind


def rss_kib(pid: int) -> int:
    from bench.load import status_kib

    return status_kib(pid, "VmRSS")


async def marked(pid: int, out: Path, number: int) -> tuple[int, dict[str, Any]]:
    """Ask the server for mark `number`; its RSS once it has written it, and its objects."""
    os.kill(pid, signal.SIGUSR1)
    path = out / f"mark-{number}"
    deadline = time.monotonic() + MARK_TIMEOUT_S
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no mark {number} from {pid}")
        await asyncio.sleep(0.05)
    return rss_kib(pid), json.loads(path.read_text())


async def open_socket(url: str, token: str | None, limit: asyncio.Semaphore) -> Any:
    from websockets.asyncio.client import connect

    async with limit:
        connection = await connect(
            url, compression=None, ping_interval=None, max_size=2**22, close_timeout=1
        )
        if token is not None:
            await connection.send(json.dumps({"type": "hello", "token": token}))
        await asyncio.wait_for(connection.recv(), 30)
        return connection


def start(
    name: str, work: Path, checkout: Path | None, args: argparse.Namespace, *, trace: bool
) -> tuple[Any, Path]:
    """A server process (`checkout` None: the bare one); its load.Server and marks folder."""
    from bench import load

    out = work / f"{name}-{time.monotonic_ns()}"
    out.mkdir()
    port = load.free_port()
    log = out / "server.log"
    depth = str(args.depth if trace else 0)
    command = [sys.executable, str(Path(__file__).resolve()), "serve", str(out), depth]
    env = dict(os.environ)
    env.pop("PEER_ROUNDS_DATABASE_URL", None)
    if checkout is None:
        command += ["script", str(load.BASELINE_SCRIPT), str(port)]
        cwd = load.BASELINE_SCRIPT.parent
        env["PYTHONPATH"] = str(REPO)
    else:
        data = out / "data"
        data.mkdir()
        command.append("peer-rounds")
        cwd = checkout
        env.update(
            PEER_ROUNDS_DATA_DIR=str(data),
            PEER_ROUNDS_PORT=str(port),
            PEER_ROUNDS_HOST="127.0.0.1",
            PEER_ROUNDS_LOG_LEVEL="warning",
            # The checkout's app first; this checkout's bench (for server_probe) after it.
            PYTHONPATH=f"{checkout}{os.pathsep}{REPO}",
        )
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    server = load.Server(
        name, process, port, log, out / "probes.json", ws_base=f"ws://127.0.0.1:{port}"
    )
    load.wait_until_listening(server, "tcp" if checkout is None else "http")
    return server, out


async def measure(
    name: str, work: Path, checkout: Path | None, args: argparse.Namespace, *, trace: bool
) -> dict[str, Any]:
    from bench import load

    server, out = start(name, work, checkout, args, trace=trace)
    connections: list[Any] = []
    try:
        if checkout is None:
            plans = load.baseline_sessions(args.sessions, args.viewers)
        else:
            plans = await load.setup_peer_rounds(
                server, args.sessions, args.viewers, "participants"
            )
        limit = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def connect_all(sockets: list[dict[str, Any]]) -> None:
            connections.extend(
                await asyncio.gather(
                    *(open_socket(server.ws_base + s["path"], s["token"], limit) for s in sockets)
                )
            )

        await connect_all([plan["viewers"][0] for plan in plans])
        await asyncio.sleep(SETTLE_S)
        before, objects_before = await marked(server.pid, out, 1)
        measured = [s for plan in plans for s in plan["viewers"][1:]]
        await connect_all(measured)
        await asyncio.sleep(SETTLE_S)
        idle, objects_idle = await marked(server.pid, out, 2)
        added = Counter(objects_idle["objects"])
        added.subtract(objects_before["objects"])
        walked_s = objects_idle["walk_s"] - objects_before["walk_s"]
        result: dict[str, Any] = {
            "name": name,
            "sockets": len(measured),
            "kib_per_socket": (idle - before) / len(measured),
            "rss_before_kib": before,
            "objects_per_socket": added.total() / len(measured),
            "collection_us_per_socket": 1e6 * walked_s / len(measured),
            "object_types": [
                (kind, count / len(measured))
                for kind, count in added.most_common(OBJECT_TYPES_SHOWN)
            ],
        }
        if trace:
            result["top"], result["stacks"] = traced(out, len(measured))
        return result
    finally:
        for connection in connections:
            with contextlib.suppress(Exception):
                await connection.close()
        server.stop()


Row = tuple[str, float, float]


def traced(out: Path, sockets: int) -> tuple[list[Row], list[Row]]:
    """The top lines of the snapshots' difference: (place, bytes per socket, blocks per socket);
    and the top stacks, when traced deeper than one frame."""
    from bench.server_probe import short

    before = tracemalloc.Snapshot.load(str(out / "snapshot-1"))
    idle = tracemalloc.Snapshot.load(str(out / "snapshot-2"))
    # What tracemalloc and our own marks allocate is not the server's.
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__)]
    stats = idle.filter_traces(ignore).compare_to(before.filter_traces(ignore), "lineno")
    total = sum(stat.size_diff for stat in stats)
    rows = [("total", total / sockets, sum(s.count_diff for s in stats) / sockets)]
    for stat in stats[:TOP]:
        frame = stat.traceback[0]
        place = f"{short(frame.filename)}:{frame.lineno}"
        rows.append((place, stat.size_diff / sockets, stat.count_diff / sockets))
    stacks: list[Row] = []
    if len(idle.traces[0].traceback if idle.traces else ()) > 1:
        deep = idle.filter_traces(ignore).compare_to(before.filter_traces(ignore), "traceback")
        for stat in deep[:TOP]:
            place = " < ".join(f"{short(f.filename)}:{f.lineno}" for f in stat.traceback)
            stacks.append((place, stat.size_diff / sockets, stat.count_diff / sockets))
    return rows, stacks


async def main_async(args: argparse.Namespace, out: Callable[[str], None]) -> dict[str, Any]:
    from bench import load

    servers: list[tuple[str, Path | None]] = [("peer-rounds", REPO)]
    if args.checkout is not None:
        servers.append(("checkout", args.checkout.resolve()))
    if load.BASELINE_SCRIPT.exists():
        servers.insert(0, ("bare", None))
    else:
        out(f"no bare server at {load.BASELINE_SCRIPT}: Peer Rounds only")
    load.raise_fd_limit(4 * args.sessions * args.viewers + 256)
    per: dict[str, list[float]] = {name: [] for name, _ in servers}
    objects: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="socket-memory-") as temporary:
        work = Path(temporary)
        for number in range(args.rounds):
            shift = number % len(servers)
            for name, checkout in servers[shift:] + servers[:shift]:
                result = await measure(name, work, checkout, args, trace=False)
                per[name].append(result["kib_per_socket"])
                objects[name] = result
                out(
                    f"round {number + 1} {name:12} {result['sockets']} sockets "
                    f"{result['kib_per_socket']:6.1f} KiB/socket "
                    f"{result['objects_per_socket']:6.1f} objects/socket "
                    f"{result['collection_us_per_socket']:5.2f} us/socket of a full collection "
                    f"(RSS before {result['rss_before_kib'] / 1024:.1f} MiB)"
                )
        medians = {name: statistics.median(values) for name, values in per.items()}
        out("\nmedian KiB per idle JSON socket:")
        for name, value in medians.items():
            ratios = [
                f"{value / medians[other]:.2f}x {other}" for other in medians if other != name
            ]
            out(f"  {name:12} {value:6.1f}  ({', '.join(ratios)})")
        for name, result in objects.items():
            out(
                f"\nGC-tracked objects per idle socket, {name} (last round): "
                f"{result['objects_per_socket']:.1f}; by type (top {OBJECT_TYPES_SHOWN})"
            )
            for kind, count in result["object_types"]:
                out(f"  {count:7.2f}  {kind}")
        tops: dict[str, list[tuple[str, float, float]]] = {}
        if not args.no_trace:
            for name, checkout in servers:
                if checkout is None:
                    continue
                result = await measure(name, work, checkout, args, trace=True)
                tops[name] = result["top"]
                out(f"\ntracemalloc, {name}: per socket, by file and line (top {TOP})")
                for place, size, count in result["top"]:
                    out(f"  {size:9.0f} B {count:7.1f} blocks  {place}")
                for place, size, count in result["stacks"]:
                    out(f"  {size:9.0f} B {count:7.1f} blocks  {place}")
    return {
        "kib_per_socket": per,
        "medians": medians,
        "objects_per_socket": {
            name: result["objects_per_socket"] for name, result in objects.items()
        },
        "tracemalloc": tops,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=12, help="viewer sockets per session")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--checkout", type=Path, default=None, help="another checkout to compare")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc run")
    parser.add_argument(
        "--depth", type=int, default=1, help="frames traced; above 1 the top stacks are printed"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> dict[str, Any]:
    return asyncio.run(main_async(parse_args(argv), out))


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
    else:
        main()
