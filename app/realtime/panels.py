"""A screen's top-level panels, each rendered once for everyone whose panel reads the same.

The rule: a panel's key holds everything its template reads. A Panel is made from its template,
the language and the inputs its template is given, and nothing else: the template is rendered
with exactly those inputs as its whole context (app/web/rendering.py checks, before a template
renders first, that it reads no other name), and the key is those same inputs serialised (kept
as their digest). So two
phones whose inputs are equal get one rendering, and a panel whose inputs did not change since
the previous version is not rendered again; neither can go stale, because nothing the template
could read is left out of the key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import BaseModel

PanelKey = tuple[str, str, str, str, bytes]
# Enough bits that two different inputs never meet in a key (a 128-bit digest), few enough that
# a session keeps its last version's keys in a few KiB.
DIGEST_BYTES = 16


def _fields_of(value: object) -> dict[str, object]:
    if isinstance(value, BaseModel):
        return value.__dict__
    raise TypeError(f"{type(value).__name__} cannot be part of a panel's key")


@dataclass(frozen=True, slots=True)
class Panel:
    template: str
    language: str
    # What goes before the panel in the whole page (the whitespace between top-level elements),
    # so the panels joined are byte for byte the whole page.
    lead: str
    inputs: dict[str, Any] = field(compare=False, hash=False)
    # What follows it in the whole page when it is the last (the console's closing wrapper).
    tail: str = ""
    key: PanelKey = field(init=False)

    def __post_init__(self) -> None:
        # The views are frozen models of plain data: their JSON names them completely.
        inputs = orjson.dumps(self.inputs, default=_fields_of, option=orjson.OPT_SORT_KEYS)
        digest = hashlib.blake2b(inputs, digest_size=DIGEST_BYTES).digest()
        object.__setattr__(
            self, "key", (self.template, self.language, self.lead, self.tail, digest)
        )
