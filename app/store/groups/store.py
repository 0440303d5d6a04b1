"""What every part of the group store holds: the engine, shared by every thread of a process."""

from __future__ import annotations

import sqlalchemy


class Store:
    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine
