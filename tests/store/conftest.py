"""The store tests' engine: on each kind of database, never migrated (each test migrates it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy

from app.store.database import create_database_engine


@pytest.fixture
def engine(database_url: str) -> Iterator[sqlalchemy.Engine]:
    engine = create_database_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()
