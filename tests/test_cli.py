"""`peer-rounds serve`: what the process does before it answers."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest
import uvicorn

from app import cli


def test_serving_puts_what_the_process_loaded_out_of_the_collectors_sight_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    monkeypatch.setenv("PEER_ROUNDS_DATA_DIR", str(tmp_path))
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
    assert steps == ["app made", "frozen", "tuned", "serving"]


def test_full_collections_come_a_tenth_as_often_and_the_younger_ones_as_before() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        cli.tune_full_collections()
        assert gc.get_threshold() == (700, 10, 100)
    finally:
        gc.set_threshold(*before)
