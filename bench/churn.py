"""Connection churn: the server's memory while screens come and go for minutes.

    .venv/bin/python bench/churn.py [--sessions 20] [--minutes 3] [--young 700 5000]

Phones on a train, a laptop put to sleep, a page reloaded: screens leave and come back all
session long. Each one leaves its socket's objects behind, some in reference cycles only a
garbage collection frees, and the older they were when they went, the rarer the collection
that looks at them. This measures whether that memory comes back.

For each young-generation threshold asked for, in turn, with a fresh server each time: `peer-
rounds serve` as bench/load.py starts it (bench/server_probe.py sets the threshold, after
`serve` has set its own: PROBE_GC_YOUNG), S sessions set up as bench/load.py sets them up,
browser-real (cookies, HTML, deflate offered). In each session the facilitator's screen stays
and pauses or resumes the speaker's clock once a second; each of the other screens (11 phones
and the room) connects, reads its page and whatever comes for 1 to 4 s, goes, and comes back.
Every few seconds the server's RSS. Printed per threshold: RSS when the churn began and at its
end, its growth over the second half (least squares, MiB a minute), the connections made, and
the collections of each generation the server ran meanwhile (with the worst pause), each
threshold's line as its run ends. Ratios between thresholds are what to read: one run after the
other on a shared machine. With PROBE_TRACEMALLOC or PROBE_CENSUS set (bench/server_probe.py),
the server's reports of what it still holds are kept in `--reports` (the current directory
unless given): churn-THRESHOLD.tracemalloc-live.txt, taken once the screens have gone while the
sessions are still loaded, and .tracemalloc.txt and .census.txt, taken at its exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.typing import Origin

from bench.load import raise_fd_limit, setup_peer_rounds, start_peer_rounds, status_kib

SAMPLE_EVERY_S = 5.0
STAY_S = (1.0, 4.0)
COMMAND_EVERY_S = 1.0


class Churn:
    def __init__(self, base: str, origin: str, *, deflate: bool = True) -> None:
        self.base = base
        self.origin = Origin(origin)
        self.deflate = deflate
        self.connections = 0
        self.deflated = 0
        self.failures = 0

    def screen(self, sock: dict[str, Any]) -> Any:
        """A browser's socket for this screen (its cookie, deflate offered unless the run says
        not), to open with `async with`."""
        return connect(
            self.base + sock["path"],
            origin=self.origin,
            additional_headers={"Cookie": sock["cookie"]},
            compression="deflate" if self.deflate else None,
            ping_interval=None,
            max_size=2**22,
            open_timeout=10,
        )

    async def facilitator(self, session: dict[str, Any], until: float) -> None:
        """Stays, pausing and resuming the speaker's clock as a facilitator would tap."""
        async with self.screen(session["facilitator"]) as connection:
            reader = asyncio.create_task(self.drain(connection))
            kinds = ("pause_timer", "resume_timer")
            turn = 0
            while time.monotonic() < until:
                await connection.send(
                    json.dumps({"type": kinds[turn % 2], "id": str(uuid.uuid4())})
                )
                turn += 1
                await asyncio.sleep(COMMAND_EVERY_S)
            reader.cancel()

    async def drain(self, connection: Any) -> None:
        with contextlib.suppress(Exception):
            async for _message in connection:
                pass

    async def comes_and_goes(self, sock: dict[str, Any], until: float) -> None:
        """A screen that connects, reads for a while, goes, and comes back, until `until`."""
        while time.monotonic() < until:
            try:
                async with self.screen(sock) as connection:
                    self.connections += 1
                    self.deflated += any(
                        isinstance(extension, PerMessageDeflate)
                        for extension in connection.protocol.extensions
                    )
                    await connection.recv()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.drain(connection), random.uniform(*STAY_S))
            except Exception:
                self.failures += 1
                await asyncio.sleep(0.5)


async def sample_rss(pid: int, until: float, into: list[tuple[float, float]]) -> None:
    start = time.monotonic()
    while time.monotonic() < until:
        into.append((time.monotonic() - start, status_kib(pid, "VmRSS") / 1024))
        await asyncio.sleep(SAMPLE_EVERY_S)


def growth_per_minute(samples: list[tuple[float, float]]) -> float:
    """RSS growth over the second half of the churn: the least-squares slope, MiB a minute."""
    half = samples[len(samples) // 2 :]
    if len(half) < 2:
        return 0.0
    slope = statistics.linear_regression([t for t, _ in half], [m for _, m in half]).slope
    return 60 * slope


async def one_run(young: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    os.environ["PROBE_GC_YOUNG"] = str(young)
    server = start_peer_rounds(work, None, None, 0, name=f"churn-{young}")
    try:
        sessions = await setup_peer_rounds(server, args.sessions, 12, "participants", "html")
        churn = Churn(f"ws://127.0.0.1:{server.port}", server.base_url)
        if os.environ.get("PROBE_TRACEMALLOC"):
            # What the server holds from here on is what its report counts (server_probe.py).
            server.process.send_signal(signal.SIGUSR1)
        began = time.monotonic()
        until = began + 60 * args.minutes
        rss: list[tuple[float, float]] = []
        await asyncio.gather(
            sample_rss(server.pid, until, rss),
            *(churn.facilitator(session, until) for session in sessions),
            *(
                churn.comes_and_goes(sock, until)
                for session in sessions
                for sock in session["viewers"]
            ),
        )
        if os.environ.get("PROBE_TRACEMALLOC"):
            live_report(server.process, Path(f"{server.probes_path}.tracemalloc-live.txt"))
    finally:
        # A server asked for its reports writes them as it exits: a traced heap takes minutes.
        reporting = os.environ.get("PROBE_TRACEMALLOC") or os.environ.get("PROBE_CENSUS")
        server.stop(grace_s=600 if reporting else 30)
    # The collections while screens came and went: CLOCK_MONOTONIC is the server's too.
    pauses = [
        pause
        for pause in json.loads(server.probes_path.read_text())["gc_pauses"]
        if began <= pause[0] < until
    ]
    return {
        "young": young,
        "rss_start": rss[0][1],
        "rss_end": rss[-1][1],
        "rss_peak": max(m for _, m in rss),
        "growth": growth_per_minute(rss),
        "connections": churn.connections,
        "deflated": churn.deflated,
        "failures": churn.failures,
        "collections": [sum(1 for p in pauses if p[1] == g) for g in range(3)],
        "worst_pause_ms": 1000 * max((p[2] for p in pauses), default=0.0),
        "reports": keep_reports(young, server.probes_path, args.reports),
    }


def live_report(process: Any, report: Path, within_s: float = 600) -> None:
    """Asks the server for what it holds now, its sessions still loaded (SIGUSR2), and waits
    until it has written it: a traced heap takes minutes. Every screen has gone, so nothing
    here waits on this."""
    process.send_signal(signal.SIGUSR2)
    deadline = time.monotonic() + within_s
    while not report.exists() and time.monotonic() < deadline:
        time.sleep(1)


def header(args: argparse.Namespace) -> str:
    return "\n".join(
        [
            f"churn: {args.sessions} sessions x 13 screens, {args.minutes:g} min each, "
            f"browser-real{'' if args.deflate else ' but deflate not offered'}",
            f"{'young threshold':>16} {'RSS start':>10} {'end':>8} {'peak':>8} "
            f"{'MiB/min (2nd half)':>19} {'connections':>12} {'failed':>7} "
            f"{'collections g0/g1/g2':>21} {'worst GC ms':>12}",
        ]
    )


def row(r: dict[str, Any]) -> str:
    g0, g1, g2 = r["collections"]
    return (
        f"{r['young']:>16} {r['rss_start']:>10.1f} {r['rss_end']:>8.1f} {r['rss_peak']:>8.1f} "
        f"{r['growth']:>19.2f} {r['connections']:>12} {r['failures']:>7} "
        f"{f'{g0}/{g1}/{g2}':>21} {r['worst_pause_ms']:>12.1f}"
    )


def keep_reports(young: int, probes_path: Path, into: Path) -> list[Path]:
    """The server's reports (the live one, and those at its exit), out of the run's temporary
    directory and into `into`, named by the threshold."""
    kept = []
    for kind in ("tracemalloc-live", "tracemalloc", "census"):
        report = Path(f"{probes_path}.{kind}.txt")
        if report.exists():
            kept.append(into / f"churn-{young}.{kind}.txt")
            shutil.copyfile(report, kept[-1])
    return kept


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--young", type=int, nargs="+", default=[700, 5000])
    parser.add_argument(
        "--reports",
        type=Path,
        default=Path(),
        help="where the server's PROBE_TRACEMALLOC and PROBE_CENSUS reports are kept",
    )
    parser.add_argument(
        "--no-deflate",
        dest="deflate",
        action="store_false",
        help="screens that do not offer permessage-deflate (browsers always do)",
    )
    args = parser.parse_args(argv)
    raise_fd_limit(args.sessions * 13 * 2 + 1000)
    results = []
    # Each threshold's line as soon as its run ends: a run of several thresholds is long.
    print(header(args), flush=True)
    with tempfile.TemporaryDirectory(prefix="peer-rounds-churn-") as tmp:
        for young in args.young:
            results.append(asyncio.run(one_run(young, args, Path(tmp))))
            print(row(results[-1]), flush=True)
            for kept in results[-1]["reports"]:
                print(f"{'':>16} kept {kept}", flush=True)
    return results


if __name__ == "__main__":
    main()
