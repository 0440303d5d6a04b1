"""Runs a server for bench/load.py with two probes the servers do not have themselves: how late
the event loop wakes up, and how long each garbage collection stops the process.

    python bench/server_probe.py SAMPLES.json peer-rounds
    python bench/server_probe.py SAMPLES.json script PATH/ws_baseline.py PORT [ARGS...]

`peer-rounds` runs `peer-rounds serve` exactly as app/cli.py does (same settings from the
environment), its ASGI app wrapped so that the loop probe starts with the lifespan. `script`
imports a bare server script and runs its `main(port, *args)` coroutine under asyncio.run, as
the script itself would. Nothing of Peer Rounds is changed: the probes live in this process.

- Loop lag: a task asks to sleep LAG_PERIOD_S and records how much later it woke; a loop busy
  with one long callback (or starved of the interpreter lock) shows up as lag.
- GC pauses: gc.callbacks time every collection, whichever thread ran it.
- What the process still holds at exit, by where it was allocated, when PROBE_TRACEMALLOC
  is set to how many frames to keep (SAMPLES.json.tracemalloc.txt); on SIGUSR2, what it holds
  then, while still serving (SAMPLES.json.tracemalloc-live.txt).
- At exit, the reference cycles left unreachable and the objects still reachable, by type,
  when PROBE_CENSUS is set (SAMPLES.json.census.txt).
- Messages made for free, when PROBE_FLOOR is set (bench/floor.py, `bench/load.py --floor`).
- A young-generation threshold, when PROBE_GC_YOUNG is set (bench/churn.py): set after
  `serve` has set its own thresholds, the other two kept as `serve` left them.
- Stalls, when PROBE_STALLS_MS is set: a timer signal every few milliseconds checks how long
  ago the loop probe last woke and, once that is longer than the threshold, notes where the
  event loop's thread is (its innermost frames). Off unless asked for (`bench/load.py
  --stalls MS`): the signal's handler costs the server a little.

On exit (SIGINT) the samples are written to SAMPLES.json as [[monotonic time, lag s], ...],
[[monotonic time, generation, pause s], ...] and [[monotonic time, [frame, ...]], ...];
CLOCK_MONOTONIC is shared by every process on the machine, so bench/load.py keeps those of its
measured window.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib.util
import json
import os
import signal
import sys
import sysconfig
import time
import traceback
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import FrameType
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

REPO = Path(__file__).resolve().parent.parent
LAG_PERIOD_S = 0.02
STALL_CHECK_S = 0.005
# Frames of a stalled loop's stack noted, innermost last.
STALL_FRAMES = 12


class Probes:
    def __init__(self) -> None:
        self.lags: list[tuple[float, float]] = []
        self.pauses: list[tuple[float, int, float]] = []
        self.stalls: list[tuple[float, list[str]]] = []
        self._gc_started = 0.0
        self._woke = time.monotonic()
        # A tracemalloc snapshot, when asked for one (PROBE_TRACEMALLOC and SIGUSR1).
        self.marked: Any = None

    def mark_allocations(self) -> None:
        import tracemalloc

        self.marked = tracemalloc.take_snapshot()

    def on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            pause = time.perf_counter() - self._gc_started
            self.pauses.append((time.monotonic(), int(info["generation"]), pause))

    async def sample_lag(self) -> None:
        while True:
            asked = time.monotonic()
            await asyncio.sleep(LAG_PERIOD_S)
            self._woke = time.monotonic()
            self.lags.append((asked, self._woke - asked - LAG_PERIOD_S))

    def watch_stalls(self, threshold_s: float) -> Callable[[], None]:
        """Note where this (the loop's) thread is once the loop probe has not woken for
        `threshold_s` past its time, once per stall; call what it returns to stop.

        A timer signal (SIGALRM every STALL_CHECK_S) runs the check in this thread between
        two bytecodes, wherever it is: a watcher thread would have to take the interpreter
        lock to look, and so would see the thread only where it lets go of the lock (in zlib,
        for one), not where the time goes."""
        noted = self._woke

        def check(signum: int, frame: FrameType | None) -> None:
            nonlocal noted
            woke = self._woke
            if (
                frame is None
                or woke == noted
                or time.monotonic() - woke < LAG_PERIOD_S + threshold_s
            ):
                return
            noted = woke
            stack = traceback.extract_stack(frame)[-STALL_FRAMES:]
            where = [f"{short(f.filename)}:{f.lineno} {f.name}" for f in stack]
            self.stalls.append((time.monotonic(), where))

        previous = signal.signal(signal.SIGALRM, check)
        # Whoever had the timer (pytest-timeout, in the tests) gets it back as it stood.
        previous_timer = signal.setitimer(signal.ITIMER_REAL, STALL_CHECK_S, STALL_CHECK_S)

        def stop() -> None:
            signal.setitimer(signal.ITIMER_REAL, *previous_timer)
            signal.signal(signal.SIGALRM, previous)

        return stop

    def write(self, path: Path) -> None:
        path.write_text(
            json.dumps({"lags": self.lags, "gc_pauses": self.pauses, "stalls": self.stalls})
        )


def write_largest_allocations(path: Path, since: Any, places: int = 25) -> None:
    """What the process holds now and did not at `since` (a tracemalloc snapshot; None: at
    start), by where it was allocated, largest first: what a server that grew kept."""
    import tracemalloc

    gc.collect()
    now = tracemalloc.take_snapshot()
    if since is None:
        grown = [(s.size, s.count, s.traceback) for s in now.statistics("traceback")]
    else:
        grown = [
            (s.size_diff, s.count_diff, s.traceback) for s in now.compare_to(since, "traceback")
        ]
    lines = []
    for size, count, where in sorted(grown, key=lambda stat: stat[0], reverse=True)[:places]:
        lines.append(f"{size / 1024:10.1f} KiB in {count} blocks")
        lines += [f"    {short(frame.filename)}:{frame.lineno}" for frame in where]
    path.write_text("\n".join(lines) + "\n")


def write_census(path: Path, types: int = 30) -> None:
    """The reference cycles the process had left unreachable at exit, by type of object, most
    numerous first (what only a garbage collection frees: each full collection walks it), then
    the objects still reachable the same way."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    garbage = Counter(type(thing).__qualname__ for thing in gc.garbage)
    gc.set_debug(0)
    gc.garbage.clear()
    gc.collect()
    alive = Counter(type(thing).__qualname__ for thing in gc.get_objects())
    lines = [f"unreachable, waiting for a collection: {garbage.total()} objects"]
    lines += [f"{count:10} {name}" for name, count in garbage.most_common(types)]
    lines += [f"reachable: {alive.total()} objects"]
    lines += [f"{count:10} {name}" for name, count in alive.most_common(types)]
    path.write_text("\n".join(lines) + "\n")


def short(filename: str) -> str:
    """A frame's file from the package it is in (a library's, the standard library's) or from
    the repository."""
    _, found, tail = filename.rpartition("/site-packages/")
    if found:
        return tail
    for root in (sysconfig.get_paths()["stdlib"], str(REPO)):
        if filename.startswith(root + "/"):
            return filename[len(root) + 1 :]
    return filename


class WithLoopProbe:
    """The ASGI app, with the loop probe running for as long as the lifespan does."""

    def __init__(self, app: ASGIApp, probes: Probes) -> None:
        self.app = app
        self.probes = probes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        sampler = asyncio.create_task(self.probes.sample_lag())
        try:
            await self.app(scope, receive, send)
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler


def serve_peer_rounds(probes: Probes) -> None:
    from app import cli
    from app.main import create_app

    def probed(settings: Any) -> Any:
        return WithLoopProbe(create_app(settings), probes)

    # app.cli imported create_app by name, and `serve` makes its app through that name.
    setattr(cli, "create_app", probed)  # noqa: B010
    young = os.environ.get("PROBE_GC_YOUNG")
    if young:
        tune = cli.tune_full_collections

        def tuned() -> None:
            tune()
            _young, middle, full = gc.get_threshold()
            gc.set_threshold(int(young), middle, full)

        setattr(cli, "tune_full_collections", tuned)  # noqa: B010
    if os.environ.get("PROBE_FLOOR"):
        from bench import floor

        floor.install()
    cli.main(["serve"])


def run_script(probes: Probes, script: Path, arguments: list[str]) -> None:
    spec = importlib.util.spec_from_file_location(script.stem, script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    port, *rest = arguments

    async def probed(server: Coroutine[Any, Any, None]) -> None:
        sampler = asyncio.create_task(probes.sample_lag())
        try:
            await server
        finally:
            sampler.cancel()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(probed(module.main(int(port), *rest)))


def main(argv: list[str]) -> None:
    samples, what, *rest = argv
    # bench/load.py stops a server with SIGINT; a run started in the background of a
    # non-interactive shell would hand its children SIGINT ignored, and asyncio.run then
    # leaves it so: the script would be killed after the wait, its samples never written.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    probes = Probes()
    gc.callbacks.append(probes.on_gc)
    traced = os.environ.get("PROBE_TRACEMALLOC")
    if traced:
        import tracemalloc

        tracemalloc.start(int(traced))
        # SIGUSR1 (bench/churn.py, as its screens begin to come and go): what is held from then
        # on is what the exit's report counts.
        signal.signal(signal.SIGUSR1, lambda signum, frame: probes.mark_allocations())
        # SIGUSR2 (bench/churn.py, once its screens have gone): what is held then, while the
        # app still holds its sessions, which the report at exit no longer sees.
        signal.signal(
            signal.SIGUSR2,
            lambda signum, frame: write_largest_allocations(
                Path(f"{samples}.tracemalloc-live.txt"), probes.marked
            ),
        )
    stall_ms = os.environ.get("PROBE_STALLS_MS")
    if stall_ms:
        probes.watch_stalls(float(stall_ms) / 1000)
    try:
        if what == "peer-rounds":
            serve_peer_rounds(probes)
        else:
            run_script(probes, Path(rest[0]), rest[1:])
    finally:
        gc.callbacks.remove(probes.on_gc)
        probes.write(Path(samples))
        if traced:
            write_largest_allocations(Path(f"{samples}.tracemalloc.txt"), probes.marked)
        if os.environ.get("PROBE_CENSUS"):
            write_census(Path(f"{samples}.census.txt"))


if __name__ == "__main__":
    main(sys.argv[1:])
