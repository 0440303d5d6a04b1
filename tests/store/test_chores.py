"""A chore is done by one process of many each time: SQLite and PostgreSQL, real concurrency."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy

from app.store.chores import Chores
from app.store.database import create_database_engine, migrate

HOUR = 60.0 * 60.0
PROCESSES = 6


@pytest.fixture
def engines(database_url: str) -> Iterator[list[sqlalchemy.Engine]]:
    """One engine a would-be process, each with its own connections, on one database."""
    engines = [create_database_engine(database_url) for _ in range(PROCESSES)]
    migrate(engines[0])
    try:
        yield engines
    finally:
        for engine in engines:
            engine.dispose()


def claim_together(engines: list[sqlalchemy.Engine], now: float) -> list[bool]:
    """Every process asks at the same instant; who was let through."""
    start = threading.Barrier(len(engines))
    results: list[bool | None] = [None] * len(engines)

    def ask(index: int) -> None:
        chores = Chores(engines[index])
        start.wait()
        results[index] = chores.claim("retention_purge", now, 6 * HOUR)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(engines))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(isinstance(result, bool) for result in results), results
    return [bool(result) for result in results]


def test_of_processes_asking_together_exactly_one_does_the_chore(
    engines: list[sqlalchemy.Engine],
) -> None:
    first = claim_together(engines, now=10 * HOUR)  # nobody has ever run it: the row is new
    soon = claim_together(engines, now=10 * HOUR + 5 * HOUR)
    later = claim_together(engines, now=10 * HOUR + 6 * HOUR)

    assert first.count(True) == 1
    assert soon.count(True) == 0  # started five hours ago: not due
    assert later.count(True) == 1
    assert Chores(engines[0]).last_started("retention_purge") == 16 * HOUR


def test_different_chores_do_not_hold_each_other_up(engines: list[sqlalchemy.Engine]) -> None:
    chores = Chores(engines[0])

    assert chores.claim("retention_purge", 1_000.0, HOUR)
    assert chores.claim("another_chore", 1_000.0, HOUR)
    assert not chores.claim("retention_purge", 1_001.0, HOUR)
