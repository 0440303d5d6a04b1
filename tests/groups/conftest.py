"""The app, in-process on SQLite and on PostgreSQL, for the group and account page tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.support.groups import make_app


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> FastAPI:
    return make_app(tmp_path, database_url)
