"""Chores that every process offers to do but only one should do each time (the purge).

Each chore has a row saying when it last started. A process claims a run with one
conditional UPDATE — "set it to now, if it last started at least `every_s` ago" — so of many
processes asking at the same moment, the database lets exactly one through (the row is
locked by the first writer; the others then see the new time and change nothing). That works
the same on SQLite and PostgreSQL, and a process that dies mid-chore costs one interval.
"""

from __future__ import annotations

import sqlalchemy

from app.store.tables import ChoreRunRow, table_of

_CHORES = table_of(ChoreRunRow)


class Chores:
    """Shared by every thread of a process: it holds nothing but the engine."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine

    def claim(self, chore: str, now: float, every_s: float) -> bool:
        """True for the one caller that should do `chore` now; False for everyone else."""
        claim = (
            _CHORES.update()
            .where(_CHORES.c.chore == chore, _CHORES.c.last_started_at <= now - every_s)
            .values(last_started_at=now)
        )
        with self._engine.begin() as connection:
            if connection.execute(claim).rowcount == 1:
                return True
        try:
            with self._engine.begin() as connection:
                connection.execute(_CHORES.insert().values(chore=chore, last_started_at=now))
        except sqlalchemy.exc.IntegrityError:
            return False  # the chore is known and was started recently (or just now)
        return True

    def last_started(self, chore: str) -> float | None:
        query = sqlalchemy.select(_CHORES.c.last_started_at).where(_CHORES.c.chore == chore)
        with self._engine.connect() as connection:
            started: float | None = connection.execute(query).scalar_one_or_none()
        return started
