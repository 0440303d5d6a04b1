"""A real server shared by the tests of one module, and shortcuts to set up a session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import LiveServer, running_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp("server")
    with running_server(data_dir) as live:
        yield live


def create_session(server: LiveServer, facilitators: tuple[str, ...] = ("Sam", "Ana")) -> Any:
    with server.api() as api:
        response = api.post(
            "/api/sessions",
            json={
                "title": "Tuesday group",
                "group_name": "Riverside",
                "facilitator_names": list(facilitators),
            },
        )
        assert response.status_code == 201, response.text
        return response.json()


def join(server: LiveServer, session_id: str, name: str) -> Any:
    with server.api() as api:
        response = api.post(f"/api/sessions/{session_id}/participants", json={"name": name})
        assert response.status_code == 201, response.text
        return response.json()
