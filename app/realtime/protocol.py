"""The live protocol (docs/protocol.md). JSON text frames, one websocket per open view."""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.plain_text import plain_text_problem

PROTOCOL_VERSION = 1


class ClientMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Hello(ClientMessage):
    type: Literal["hello"]
    token: str | None = Field(default=None, max_length=1024)
    last_version: int | None = Field(default=None, ge=0)
    protocol: int = PROTOCOL_VERSION


class Ping(ClientMessage):
    type: Literal["ping"]
    t0: float

    @field_validator("t0")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("t0 must be a finite number")
        return value


class CommandEnvelope(ClientMessage):
    type: Literal["command"]
    session_id: str | None = None
    command: dict[str, Any]


class Reject(BaseModel):
    type: Literal["reject"] = "reject"
    id: str | None
    code: str
    message: str


class Ack(BaseModel):
    type: Literal["ack"] = "ack"
    id: str
    version: int
    duplicate: bool = False


class ProtocolError(BaseModel):
    type: Literal["error"] = "error"
    code: str
    message: str


def snapshot_message(version: int, view_json: str) -> str:
    """Built as text so the view, serialised once per role, is not parsed again per viewer."""
    head = f'{{"type":"snapshot","protocol":{PROTOCOL_VERSION},"version":{version}'
    return f'{head},"view":{view_json}}}'


def pong_message(t0: float, t1_ms: float) -> str:
    return json.dumps({"type": "pong", "t0": t0, "t1": t1_ms})


def describe_validation_error(error: ValidationError) -> str:
    """One calm sentence about the first problem, for people and for scripts; text that is not
    plain text is named as such (app/plain_text.py)."""
    not_plain = plain_text_problem(error.errors())
    if not_plain is not None:
        return not_plain
    first = error.errors()[0]
    if first["type"] == "union_tag_invalid":
        tag = first.get("ctx", {}).get("tag", "")
        return f"There is no command called “{tag}”."
    if first["type"] == "union_tag_not_found":
        return "Say which command this is (the “type” field)."
    where = ".".join(str(part) for part in first["loc"] if not isinstance(part, int))
    field = where.split(".", 1)[-1] if "." in where else where
    return f"Please check “{field}”: {first['msg']}." if field else f"{first['msg']}."
