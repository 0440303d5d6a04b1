import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from app.observability.logging import UVICORN_LOGGERS, configure, renderer_for
from app.observability.redaction import RedactTokens, redact


def test_tokens_in_paths_and_queries_are_redacted() -> None:
    line = (
        '127.0.0.1:5 - "GET /enter/WyJhYmMi.sig HTTP/1.1" 303 and /ws/x?token=abc.def&format=html'
    )
    assert redact(line) == (
        '127.0.0.1:5 - "GET /enter/[redacted] HTTP/1.1" 303 and /ws/x?token=[redacted]&format=html'
    )


def test_the_filter_rewrites_uvicorn_access_records() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s"',
        ("ip", "GET", "/enter/abc"),
        None,
    )
    assert RedactTokens().filter(record)
    assert record.getMessage() == 'ip - "GET /enter/[redacted]"'


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The server's logging set up as `peer-rounds serve` does, into a buffer; undone after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    saved_uvicorn = {
        name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate)
        for name in UVICORN_LOGGERS
    }
    stream = io.StringIO()
    configure("json", stream)
    try:
        yield stream
    finally:
        root.handlers, root.level = saved[0], saved[1]
        for name, (handlers, propagate) in saved_uvicorn.items():
            logging.getLogger(name).handlers = handlers
            logging.getLogger(name).propagate = propagate
        structlog.reset_defaults()


def lines_of(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_structured_events_are_json_lines_without_tokens_names_or_sql_values(
    json_logs: io.StringIO,
) -> None:
    failure = (
        "(psycopg.errors.UniqueViolation) duplicate key\n"
        "[SQL: INSERT INTO commits (events) VALUES (%(events)s)]\n"
        "[parameters: {'events': '[{\"name\": \"Priya Secret\"}]'}]\n"
        "(Background on this error at: https://sqlalche.me/e/20/gkpj)"
    )
    structlog.get_logger("app.test").warning(
        "snapshot_not_saved",
        session_id="s1",
        error=failure,
        token="abc.def",
        name="Priya Secret",
        path="/enter/abc.def?x=1",
    )
    [line] = lines_of(json_logs)
    assert line["event"] == "snapshot_not_saved"
    assert line["level"] == "warning"
    assert line["session_id"] == "s1"
    assert line["token"] == line["name"] == "[redacted]"
    assert line["path"] == "/enter/[redacted]?x=1"
    assert "[parameters: redacted]" in line["error"]
    assert "Priya" not in json_logs.getvalue()
    assert "abc.def" not in json_logs.getvalue()


def test_uvicorn_access_lines_go_through_the_same_json_and_redaction(
    json_logs: io.StringIO,
) -> None:
    access = logging.getLogger("uvicorn.access")
    access.info('%s - "%s %s HTTP/%s" %d', "1.2.3.4:5", "GET", "/enter/abc.def", "1.1", 303)
    [line] = lines_of(json_logs)
    assert line["event"] == '1.2.3.4:5 - "GET /enter/[redacted] HTTP/1.1" 303'
    assert line["logger"] == "uvicorn.access"


def test_a_terminal_gets_readable_lines() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(renderer_for("auto", Terminal()), structlog.dev.ConsoleRenderer)
    assert isinstance(renderer_for("auto", io.StringIO()), structlog.processors.JSONRenderer)
