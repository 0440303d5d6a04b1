"""Structured logs: one JSON object per line in production, readable lines at a terminal.

Everything goes through one handler on the root logger — the app's structlog events and the
standard-library records of uvicorn alike — so a line has the same shape whoever wrote it, and
every line passes the same redaction (app/observability/redaction.py): no token, no name, no SQL
values.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal

import structlog
from structlog.typing import EventDict, Processor

from app.observability.redaction import RedactTokens, redact, redact_database_values

LogFormat = Literal["auto", "json", "console"]
LogLevel = Literal["debug", "info", "warning", "error"]
# Keys whose values are secrets or say who someone is: never written, whoever passes them.
PRIVATE_KEYS = frozenset(
    {"token", "cookie", "authorization", "name", "names", "title", "group_name", "question"}
)
REDACTED = "[redacted]"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def redact_event(_logger: Any, _method: str, event: EventDict) -> EventDict:
    """A structlog processor: the same promises as the access-log filter, for every key."""
    for key, value in event.items():
        if key in PRIVATE_KEYS:
            event[key] = REDACTED
        elif isinstance(value, str):
            event[key] = redact_database_values(redact(value))
    return event


def shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_event,
    ]


def renderer_for(log_format: LogFormat, stream: Any) -> Processor:
    as_json = log_format == "json" or (log_format == "auto" and not stream.isatty())
    if as_json:
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=False)


def configure(
    log_format: LogFormat = "auto", stream: Any = None, level: LogLevel = "info"
) -> logging.Handler:
    """Send every log line at ``level`` or above to ``stream`` (stderr) through structlog;
    returns the handler."""
    stream = stream or sys.stderr
    shared = shared_processors()
    structlog.configure(
        # A line below the level is dropped first, before it is stamped and redacted: the
        # per-command lines are debug, and cost next to nothing unless asked for.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer_for(log_format, stream),
            ],
        )
    )
    # Records of other libraries carry their arguments apart from the message: redact those too.
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # Uvicorn installs handlers of its own; its records now go to the root's instead.
    for name in UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers = []
        uvicorn_logger.propagate = True
    return handler


def install_for_uvicorn(log_format: LogFormat, level: LogLevel = "info") -> None:
    """For `peer-rounds serve`, once uvicorn has set up its loggers: every line structured and
    redacted."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addFilter(RedactTokens())
    configure(log_format, level=level)
