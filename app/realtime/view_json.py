"""A view's JSON, made by orjson from the models' own fields: the same bytes as pydantic's
`model_dump_json`, in about half the time (bench/README.md, "Serialising views").

pydantic keeps a model's fields in `__dict__` in the order they are declared, which is the
order `model_dump_json` writes them; orjson writes enums as their values, tuples as lists,
floats and non-ASCII text exactly as pydantic does. That holds for models with no aliases,
serialisers, computed fields or extra fields, which is what the views are:
tests/realtime/test_view_json.py compares both on every step of random sessions.
"""

from __future__ import annotations

import orjson
from pydantic import BaseModel


def _fields_of(value: object) -> dict[str, object]:
    if isinstance(value, BaseModel):
        return value.__dict__
    raise TypeError(f"{type(value).__name__} is not part of a view")


def view_json(view: BaseModel) -> str:
    return orjson.dumps(view, default=_fields_of).decode()
