"""Logs must never carry a token (they are bearer secrets) or a person's name.

Tokens travel in paths (`/enter/…`) and queries (`?token=`); names and what people typed reach
the database as statement parameters, which SQLAlchemy prints in its errors. Both are cut out of
every line; structured events also lose any value under a private key
(app/observability/logging.py).
"""

from __future__ import annotations

import logging
import re

_SECRET_IN_PATH = re.compile(r"(/enter/)[^\s\"?]+|([?&]token=)[^\s\"&]+")
# SQLAlchemy appends "[parameters: …]" (the values bound to the statement) to its messages.
_DATABASE_VALUES = re.compile(r"\[parameters: .*?\](?=\n|$|\s*\(Background)", re.DOTALL)


def redact(text: str) -> str:
    return _SECRET_IN_PATH.sub(lambda m: f"{m.group(1) or m.group(2)}[redacted]", text)


def redact_database_values(text: str) -> str:
    return _DATABASE_VALUES.sub("[parameters: redacted]", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_database_values(redact(a)) if isinstance(a, str) else a for a in record.args
            )
        # structlog's records carry their event as a dict, already redacted by its processor.
        if not isinstance(record.msg, dict):
            record.msg = redact_database_values(redact(str(record.msg)))
        return True
