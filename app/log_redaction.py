"""Access logs must never carry a token (they are bearer secrets) or a person's name."""

from __future__ import annotations

import logging
import re

_SECRET_IN_PATH = re.compile(r"(/enter/)[^\s\"?]+|([?&]token=)[^\s\"&]+")


def redact(text: str) -> str:
    return _SECRET_IN_PATH.sub(lambda m: f"{m.group(1) or m.group(2)}[redacted]", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True


def install() -> None:
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addFilter(RedactTokens())
