"""What storing commits costs SQLite's writer thread: through SQLAlchemy, or the raw driver.

Run: .venv/bin/python bench/writer.py [--rounds 5] [--commits 400]

A/B in one process on one fresh SQLite file (WAL, synchronous=NORMAL, as the app sets it),
interleaved rounds so both sides see the same machine: "sqlalchemy" is EventStore.append_all
(what the writer ran before app/store/sqlite_writer.py), "raw" is the writer's own connection
running the same statements. Each round stores the same kind of commits (a timer paused: one
small event) in transactions of 1 and of 8 commits, the sizes of a quiet and a busy writer.
Prints the medians over rounds of the thread's CPU time per commit, the raw / sqlalchemy ratio,
and the Python function calls per commit (cProfile: the same every run).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path

from app.store.appending import Refusal
from app.store.commits import Commit
from app.store.database import create_database_engine, migrate, sqlite_url_for
from app.store.event_store import EventStore
from app.store.sqlite_writer import SqliteWriter

BATCH_SIZES = (1, 8)
EVENTS = [{"type": "timer_paused", "at": 1_764_000_000.5, "accumulated_s": 42.25}]

AppendAll = Callable[[list[Commit]], list[Refusal | None]]


def commits_of(session_id: str) -> Iterator[Commit]:
    for version in count(1):
        yield Commit(session_id, version, f"command-{version}", "facilitator-1", 1e9, EVENTS)


def cpu_per_commit(append_all: AppendAll, commits: Iterator[Commit], n: int, size: int) -> float:
    started = time.thread_time()
    for _ in range(n // size):
        refusals = append_all([next(commits) for _ in range(size)])
        assert refusals == [None] * size
    return (time.thread_time() - started) / (n // size * size)


def calls_per_commit(append_all: AppendAll, commits: Iterator[Commit], size: int) -> float:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(10):
        append_all([next(commits) for _ in range(size)])
    profile.disable()
    total: int = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return total / (10 * size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--commits", type=int, default=400, help="per side, size and round")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = create_database_engine(sqlite_url_for(Path(folder) / "writer.db"))
        migrate(engine)
        raw = SqliteWriter(engine).connect()
        sides: dict[str, AppendAll] = {
            "sqlalchemy": EventStore(engine).append_all,
            "raw": raw.append_all,
        }
        # Each side and batch size appends to a session of its own, so none is refused.
        streams = {
            (side, size): commits_of(f"{side}-{size}") for side in sides for size in BATCH_SIZES
        }
        times: dict[tuple[str, int], list[float]] = {key: [] for key in streams}
        for round_number in range(arguments.rounds):
            order = list(sides) if round_number % 2 == 0 else list(reversed(sides))
            for size in BATCH_SIZES:
                for side in order:
                    key = (side, size)
                    times[key].append(
                        cpu_per_commit(sides[side], streams[key], arguments.commits, size)
                    )
        calls = {key: calls_per_commit(sides[key[0]], streams[key], key[1]) for key in streams}
        raw.close()
        engine.dispose()

    print(f"{arguments.rounds} rounds of {arguments.commits} commits per side and size; medians")
    print(f"{'per commit':<34}" + "".join(f"{f'batch of {s}':>28}" for s in BATCH_SIZES))
    for side in sides:
        cells = []
        for size in BATCH_SIZES:
            median_us = statistics.median(times[(side, size)]) * 1e6
            cells.append(f"{median_us:8.1f} µs {calls[(side, size)]:7.0f} calls")
        print(f"{side + ' CPU, calls':<34}" + "".join(f"{c:>28}" for c in cells))
    ratios = []
    for size in BATCH_SIZES:
        per_round = [
            raw_s / sqlalchemy_s
            for raw_s, sqlalchemy_s in zip(
                times[("raw", size)], times[("sqlalchemy", size)], strict=True
            )
        ]
        ratios.append(
            f"{statistics.median(per_round):.2f} ({min(per_round):.2f} to {max(per_round):.2f})"
        )
    print(f"{'raw / sqlalchemy, CPU (range)':<34}" + "".join(f"{r:>28}" for r in ratios))


if __name__ == "__main__":
    main()
