"""A screen's top-level panels, each rendered once for everyone whose panel reads the same.

The rule: a panel's key holds everything its template reads. A Panel is made from its template,
the language and the inputs its template is given, and nothing else: the template is rendered
with exactly those inputs as its whole context (app/web/rendering.py checks, before a template
renders first, that it reads no other name), and the key is those same inputs serialised (kept
as their digest). So two
phones whose inputs are equal get one rendering, and a panel whose inputs did not change since
the previous version is not rendered again; neither can go stale, because nothing the template
could read is left out of the key.

A screen showing the version before is sent only the elements that changed
(`changed_elements`), each swapped in by its id wherever it sits in the page (htmx-ext-ws's
out-of-band swap). So each panel says where it sits: a whole element with an id that is always
rendered (most), or a continuation of the element the panel before it opened (`inside`); a
continuation that is itself such a whole element (a `row`, named by that element's id) can be
sent alone when the element around it did not change otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
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
    # Continues the element the panel before it opened, rather than being one of its own.
    inside: bool = False
    # Inside, and itself a whole element: that element's id, so it can be sent alone.
    row: str = ""
    # Reads the moment it was made for as well as its inputs: a screen attached between two
    # versions was sent a later moment's than the version before had, so it always goes.
    reads_time: bool = False
    key: PanelKey = field(init=False)
    # Where it sits in the page: its template, and which row it is.
    slot: Slot = field(init=False)

    def __post_init__(self) -> None:
        # The views are frozen models of plain data: their JSON names them completely.
        inputs = orjson.dumps(self.inputs, default=_fields_of, option=orjson.OPT_SORT_KEYS)
        digest = hashlib.blake2b(inputs, digest_size=DIGEST_BYTES).digest()
        object.__setattr__(
            self, "key", (self.template, self.language, self.lead, self.tail, digest)
        )
        object.__setattr__(self, "slot", (self.template, self.row))

    def body(self, html: str, *, opens: bool, closes: bool) -> str:
        """Its part of an element sent alone: without what surrounds the element in the page."""
        start = len(self.lead) if opens else 0
        return html[start : len(html) - len(self.tail) if closes else len(html)]


Slot = tuple[str, str]


class MadePanels:
    """The panels one version made for its phones, by what sets them apart: most phones show
    the same stage, the same clock and the same turn, and each such Panel (its key a digest of
    its inputs) is made once for all of them. The caller names, in `apart`, everything its
    panel reads that may differ between two phones of one version; the rest it reads from the
    version's shared views, the same for every phone."""

    def __init__(self) -> None:
        self._made: dict[tuple[object, ...], Panel] = {}

    def once(self, apart: tuple[object, ...], make: Callable[[], Panel]) -> Panel:
        made = self._made.get(apart)
        if made is None:
            made = self._made[apart] = make()
        return made


@dataclass(frozen=True, slots=True)
class Outline:
    """What a version's page was made of, kept to compare the next version with: each panel's
    key, and each element's rows, by the slot of the panel that opens it."""

    keys: dict[Slot, PanelKey]
    rows: dict[Slot, tuple[Slot, ...]]


def elements(panels: Sequence[Panel]) -> list[tuple[Panel, ...]]:
    grouped: list[list[Panel]] = []
    for panel in panels:
        if panel.inside:
            grouped[-1].append(panel)
        else:
            grouped.append([panel])
    return [tuple(element) for element in grouped]


def outline(panels: Sequence[Panel]) -> Outline:
    keys: dict[Slot, PanelKey] = {}
    rows: dict[Slot, list[Slot]] = {}
    element_rows: list[Slot] = []
    for panel in panels:
        keys[panel.slot] = panel.key
        if not panel.inside:
            element_rows = rows[panel.slot] = []
        elif panel.row:
            element_rows.append(panel.slot)
    return Outline(keys, {slot: tuple(slots) for slot, slots in rows.items()})


def changed_elements(before: Outline, after: Sequence[Panel]) -> list[tuple[Panel, ...]]:
    """What to swap into a page showing `before` to make it show `after`, each item the panels
    of one element, in page order: the first element (the version marker) always; an element
    new, or whose own panels or list of rows changed, whole; otherwise its rows that changed."""
    keys = before.keys
    now = elements(after)
    changed = now[:1]
    for element in now[1:]:
        if len(element) == 1:
            panel = element[0]
            if keys.get(panel.slot) != panel.key or before.rows.get(panel.slot):
                changed.append(element)
            continue
        rows = [panel for panel in element if panel.row]
        if before.rows.get(element[0].slot) != tuple(row.slot for row in rows) or any(
            keys.get(panel.slot) != panel.key for panel in element if not panel.row
        ):
            changed.append(element)
            continue
        changed += [(row,) for row in rows if row.reads_time or keys.get(row.slot) != row.key]
    return changed
