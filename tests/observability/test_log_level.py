"""The log level: lines below it are dropped before any processor runs; debug shows commands."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from structlog.typing import EventDict

from app.observability import logging as app_logging
from app.observability.logging import LogLevel, configure


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        yield
    finally:
        root.handlers, root.level = saved[0], saved[1]
        structlog.reset_defaults()


def logged(level: LogLevel, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """The events written, and those a processor saw, after a debug and an info line."""
    seen: list[str] = []
    redact = app_logging.redact_event

    def watching(logger: Any, method: str, event: EventDict) -> EventDict:
        seen.append(str(event["event"]))
        return redact(logger, method, event)

    monkeypatch.setattr(app_logging, "redact_event", watching)
    stream = io.StringIO()
    configure("json", stream, level=level)
    log = structlog.get_logger("app.test")
    log.debug("command_accepted", command="share", version=3)
    log.info("connected", resumed=False)
    written = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    return written, seen


@pytest.mark.usefixtures("restored_logging")
def test_at_info_a_debug_line_is_dropped_before_it_is_stamped_or_redacted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written, seen = logged("info", monkeypatch)
    assert written == ["connected"]
    assert seen == ["connected"]


@pytest.mark.usefixtures("restored_logging")
def test_at_debug_every_command_accepted_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    written, seen = logged("debug", monkeypatch)
    assert written == seen == ["command_accepted", "connected"]
