"""`peer-rounds serve`: what the process does before it answers."""

from __future__ import annotations

import gc
import logging
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
import uvicorn

from app import cli


def test_serving_puts_what_the_process_loaded_out_of_the_collectors_sight_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    monkeypatch.setenv("PEER_ROUNDS_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(cli, "limit_malloc_arenas", lambda: steps.append("arenas limited"))
    monkeypatch.setattr(cli, "create_app", lambda settings: steps.append("app made"))
    monkeypatch.setattr("gc.freeze", lambda: steps.append("frozen"))
    monkeypatch.setattr(cli, "tune_full_collections", lambda: steps.append("tuned"))
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: steps.append("serving"))
    # The process's logging is left as the tests have it.
    monkeypatch.setattr(cli, "install_for_uvicorn", lambda log_format, level: None)
    uvicorn_errors = logging.getLogger("uvicorn.error")
    filters = list(uvicorn_errors.filters)
    try:
        cli.main(["serve", "--port", "0"])
    finally:
        uvicorn_errors.filters = filters
    assert steps == ["arenas limited", "app made", "frozen", "tuned", "serving"]


def test_full_collections_come_a_tenth_as_often_and_the_younger_ones_as_before() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        cli.tune_full_collections()
        assert gc.get_threshold() == (700, 10, 100)
    finally:
        gc.set_threshold(*before)


# Eight threads allocating at once, then glibc's count of its arenas (malloc_stats, on stderr).
ARENAS_OF_EIGHT_THREADS = """
import ctypes, sys, threading
from app import cli
if sys.argv[1] == "limited":
    assert cli.limit_malloc_arenas()
together = threading.Barrier(8)
def allocate():
    together.wait()
    held = [bytes(4096) for _ in range(64)]
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL(None).malloc_stats()
"""


def arenas_of_eight_threads(how: str) -> int:
    ran = subprocess.run(
        [sys.executable, "-c", ARENAS_OF_EIGHT_THREADS, how],
        capture_output=True,
        text=True,
        check=True,
        env={name: value for name, value in os.environ.items() if name != "MALLOC_ARENA_MAX"},
    )
    return sum(line.startswith("Arena ") for line in ran.stderr.splitlines())


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")
def test_serving_keeps_malloc_to_two_arenas_however_many_threads_allocate() -> None:
    assert arenas_of_eight_threads("default") > cli.MALLOC_ARENAS
    assert arenas_of_eight_threads("limited") <= cli.MALLOC_ARENAS


def test_an_arena_limit_set_by_the_environment_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert not cli.limit_malloc_arenas()
