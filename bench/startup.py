"""How long a process takes from its start to answering (issue 15, restart speed).

Run: .venv/bin/python bench/startup.py [--rounds 5] [--checkout DIR ...]

Two kinds of process are started in turn, `--rounds` times each, on free ports:
- Peer Rounds: `python -m app.cli serve` on a SQLite file already at the schema's head, as a
  restart finds it (the first start, which migrates, is not counted);
- the bare stack: uvicorn serving a FastAPI app with one route, in a process that imports what
  any app of ours must (FastAPI, SQLAlchemy, SQLModel, pydantic-settings, Jinja2, structlog).
`--checkout DIR` adds Peer Rounds as another checkout has it (e.g. `git worktree add` of an
earlier commit), started from that directory in the same alternation.
Every process reads compiled bytecode from the prefix the Makefile and the tests use (as
scripts/bootstrap leaves it), so that none compiles on start where PYTHONDONTWRITEBYTECODE is
set. Each is asked for `/healthz` every 20 ms from the moment it is started. Printed: the medians of
the wall time to the first answer and of the CPU time the process had used by then (user +
system, from /proc), and Peer Rounds over the bare stack; then, for Peer Rounds, the wall and
CPU time of its first group page (`/privacy`) asked for right after: what loading those pages
on first use moves out of the start. CPU time is steadier than wall time on
a shared machine: a neighbour makes the start slower, not larger.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import httpx

from tests.support.live_server import BYTECODE_CACHE

BARE_APP = """
import fastapi, sqlalchemy, sqlmodel, pydantic_settings, jinja2, structlog, uvicorn
app = fastapi.FastAPI()

@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}

uvicorn.run(app, host="127.0.0.1", port=int(__import__("sys").argv[1]), log_level="warning")
"""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# A page no live screen needs, open to anyone: a start leaves the group and account pages to
# the first request for one (app/web/lazy_routes.py), which pays for loading them.
FIRST_PAGE = "/privacy"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime and stime are the 14th and 15th fields of the line (11th and 12th after the name).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Start(NamedTuple):
    wall_s: float
    cpu_s: float
    # The first page that a start no longer loads (Peer Rounds only): from the first answer to
    # this one, wall and CPU seconds.
    page_wall_s: float | None = None
    page_cpu_s: float | None = None


def time_to_answer(
    command: Sequence[str],
    port: int,
    env: dict[str, str],
    cwd: Path | None = None,
    first_page: str | None = None,
) -> Start:
    """Wall seconds from start to the first /healthz answer, and CPU seconds used by then; then
    the same for `first_page`, asked for once the process answers."""
    # One client for all the asking: a new one each time would make a TLS context, taking CPU
    # from the process being timed.
    with httpx.Client(timeout=5) as client:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{command[:3]} exited with {process.returncode}")
                try:
                    if client.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.02)
            answered = time.perf_counter()
            cpu = cpu_seconds(process.pid)
            if first_page is None:
                return Start(answered - started, cpu)
            page = client.get(f"http://127.0.0.1:{port}{first_page}")
            assert page.status_code == 200, (first_page, page.status_code)
            return Start(
                answered - started,
                cpu,
                time.perf_counter() - answered,
                cpu_seconds(process.pid) - cpu,
            )
        finally:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checkout", type=Path, action="append", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "PYTHONPYCACHEPREFIX": str(BYTECODE_CACHE),
            "PEER_ROUNDS_DATA_DIR": data_dir,
            "PEER_ROUNDS_HOST": "127.0.0.1",
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        def peer_rounds(checkout: Path) -> Callable[[], Start]:
            def start() -> Start:
                port = free_port()
                command = [sys.executable, "-m", "app.cli", "serve"]
                return time_to_answer(
                    command, port, {**env, "PEER_ROUNDS_PORT": str(port)}, checkout, FIRST_PAGE
                )

            return start

        def bare() -> Start:
            port = free_port()
            return time_to_answer([sys.executable, "-c", BARE_APP, str(port)], port, env)

        kinds = {"peer rounds": peer_rounds(Path(__file__).parent.parent), "bare stack": bare}
        for checkout in args.checkout:
            kinds[checkout.name] = peer_rounds(checkout.resolve())
        kinds["peer rounds"]()  # the first start migrates the new file
        runs: dict[str, list[Start]] = {name: [] for name in kinds}
        for number in range(args.rounds):
            order = list(kinds.items())
            for name, start in order if number % 2 == 0 else reversed(order):
                runs[name].append(start())
    medians = {name: median_start(got) for name, got in runs.items()}
    print(f"{args.rounds} starts each, alternating; medians")
    print(f"{'':14}{'to answering (s)':>18}{'CPU by then (s)':>18}{'then ' + FIRST_PAGE:>28}")
    for name, median in medians.items():
        page = (
            f"{median.page_wall_s:12.2f} s{median.page_cpu_s:8.2f} s CPU"
            if median.page_wall_s is not None and median.page_cpu_s is not None
            else ""
        )
        print(f"{name:14}{median.wall_s:18.2f}{median.cpu_s:18.2f}{page}")
    theirs = medians["bare stack"]
    for name, ours in medians.items():
        if name != "bare stack":
            ratios = f"{ours.wall_s / theirs.wall_s:17.2f}x{ours.cpu_s / theirs.cpu_s:17.2f}x"
            print(f"{name + ' / bare':14}{ratios}")


def median_start(starts: list[Start]) -> Start:
    pages = [start for start in starts if start.page_wall_s is not None]
    return Start(
        statistics.median(start.wall_s for start in starts),
        statistics.median(start.cpu_s for start in starts),
        statistics.median(start.page_wall_s or 0 for start in pages) if pages else None,
        statistics.median(start.page_cpu_s or 0 for start in pages) if pages else None,
    )


if __name__ == "__main__":
    main()
