"""A shared macro's calls rendered once and kept, where what it renders depends only on its
arguments and the language.

`ui.command` (one command's form and button) is called for every button of every panel that
renders: a speaker's controls, their own phone's buttons, each person's row. A live screen
renders the same buttons version after version (the same command, label, person and id), and
each call costs Jinja ~20 µs of argument binding and escaping. The macro reads nothing but its
arguments and, for the words it says itself, the language being rendered, so each distinct call
is kept, by both. A call with a body (`{% call ui.command(...) %}`) is not kept: its `caller`
is a closure over the calling template's context.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from markupsafe import Markup

from app.web.languages import current_language

# Distinct calls kept; past it, all are let go and made again as they come (a few hundred
# bytes each: a busy server's buttons fit many times over).
KEPT_CALLS = 4096


def _hashable(value: Any) -> Hashable:
    if isinstance(value, dict):
        return tuple(sorted((name, _hashable(item)) for name, item in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, str):
        # Markup equals the str of the same text, but the macro escapes only the str.
        return (type(value), value)
    return value  # type: ignore[no-any-return]


class KeptMacro:
    def __init__(self, macro: Callable[..., Markup], limit: int = KEPT_CALLS) -> None:
        self._macro = macro
        self._limit = limit
        self._kept: dict[Hashable, Markup] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> Markup:
        if "caller" in kwargs:
            return self._macro(*args, **kwargs)
        key = (current_language(), _hashable(list(args)), _hashable(kwargs))
        made = self._kept.get(key)
        if made is None:
            if len(self._kept) >= self._limit:
                self._kept.clear()
            made = self._kept[key] = self._macro(*args, **kwargs)
        return made
