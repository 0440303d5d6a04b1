"""The JSON API as tests call it: the app in-process (httpx over ASGI), and a new session.

``new_session_request`` and ``created_session`` are the one definition of "a new session" that
every test shares, in-process (``new_session``) or against a real server
(``tests.support.live_server.create_session``).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.types import Message

from app.config import Settings
from app.groups.rules import DEFAULT_RETENTION_DAYS, GroupKind, MeetingPattern
from app.main import create_app
from app.store.accounts import Account
from app.store.groups import Group, new_id
from app.web.account_services import AccountServices

# The machine itself is never rate limited (app/web/rate_limits.py); tests of the limits come
# from an address of the documentation range instead (RFC 5737: no traffic ever leaves).
LOOPBACK_CLIENT = ("127.0.0.1", 50000)
REMOTE_CLIENT = ("203.0.113.7", 50000)
BASE_URL = "http://testserver"
SAME_ORIGIN = {"Origin": BASE_URL}
FACILITATORS = ("Sam", "Ana")


@asynccontextmanager
async def client_of(
    app: FastAPI, client: tuple[str, int] = LOOPBACK_CLIENT
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as api:
        yield api


@asynccontextmanager
async def in_process(
    data_dir: Path, client: tuple[str, int] = LOOPBACK_CLIENT, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(create_app(Settings(data_dir=data_dir, **settings)), client) as api:
        yield api


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_session_request(
    facilitators: tuple[str, ...] = FACILITATORS,
    *,
    title: str = "Tuesday group",
    group_name: str = "Riverside",
) -> dict[str, Any]:
    """The body of ``POST /api/sessions``."""
    return {"title": title, "group_name": group_name, "facilitator_names": [*facilitators]}


def created_session(response: httpx.Response) -> Any:
    """The new session's links and tokens; asserts it was created."""
    assert response.status_code == 201, response.text
    return response.json()


async def new_session(
    api: httpx.AsyncClient,
    facilitators: tuple[str, ...] = FACILITATORS,
    *,
    title: str = "Tuesday group",
    group_name: str = "Riverside",
) -> Any:
    request = new_session_request(facilitators, title=title, group_name=group_name)
    return created_session(await api.post("/api/sessions", json=request))


async def join(api: httpx.AsyncClient, session_id: str, name: str) -> Any:
    response = await api.post(f"/api/sessions/{session_id}/participants", json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()


async def command(
    api: httpx.AsyncClient, session_id: str, token: str, type_: str, **fields: Any
) -> httpx.Response:
    return await api.post(
        f"/api/sessions/{session_id}/commands",
        json={"type": type_, "id": str(uuid.uuid4()), **fields},
        headers=bearer(token),
    )


async def accepted(
    api: httpx.AsyncClient, session_id: str, token: str, type_: str, **fields: Any
) -> int:
    response = await command(api, session_id, token, type_, **fields)
    assert response.status_code == 200, response.text
    version: int = response.json()["version"]
    return version


async def version_of(api: httpx.AsyncClient, session_id: str, token: str) -> int:
    response = await api.get(f"/api/sessions/{session_id}/view", headers=bearer(token))
    assert response.status_code == 200, response.text
    version: int = response.json()["version"]
    return version


def as_a_groups_session(app: FastAPI, session_id: str) -> str:
    """Make `session_id` today's session of a new weekly group, as if its facilitator had
    started it from the group's page (which the JSON API does not offer); the group's id."""
    accounts: AccountServices = app.state.account_services
    account = Account(
        id=new_id(),
        email=f"{new_id()}@example.org",
        display_name="Sam",
        # Nobody signs in as this account: hashing a real password would only cost time.
        password_hash="not a password hash",
        credential_version=1,
        created_at=accounts.clock(),
    )
    accounts.accounts.create(account)
    today = accounts.today()
    group = Group(
        id=new_id(),
        name="Riverside",
        kind=GroupKind.WELLBEING,
        meeting_pattern=MeetingPattern.WEEKLY,
        first_meeting_on=today,
        meeting_time="18:30",
        time_zone="UTC",
        online=False,
        venue="The hall",
        template_key="peer-support-plus-weekly",
        retention_days=DEFAULT_RETENTION_DAYS,
        created_at=accounts.clock(),
    )
    accounts.groups.create(group, account.id, [], today)
    accounts.groups.record_session(group.id, session_id, today, accounts.clock(), [])
    return group.id


def websocket_scope(
    path: str, client: tuple[str, int] = LOOPBACK_CLIENT, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """The ASGI scope of a websocket to `path` (and its query) opened from `client`, with
    `headers` besides the host (an Accept-Language, say)."""
    path, _, query = path.partition("?")
    return {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "http_version": "1.1",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            *((name.lower().encode(), value.encode()) for name, value in (headers or {}).items()),
        ],
        "client": client,
        "server": ("testserver", 80),
        "subprotocols": [],
    }


class InProcessSocket:
    """A websocket to an app in-process (raw ASGI messages), every wait bounded."""

    def __init__(self, to_app: asyncio.Queue[Message], from_app: asyncio.Queue[Message]) -> None:
        self._to_app = to_app
        self._from_app = from_app

    async def send_json(self, message: Any) -> None:
        await self._to_app.put({"type": "websocket.receive", "text": json.dumps(message)})

    async def receive_json(self, wait_s: float = 5) -> Any:
        return json.loads(await self.receive_text(wait_s))

    async def receive_text(self, wait_s: float = 5) -> str:
        message = await asyncio.wait_for(self._from_app.get(), wait_s)
        assert message["type"] == "websocket.send", message
        text: str = message["text"]
        return text


@asynccontextmanager
async def in_process_websocket(
    app: FastAPI, path: str, headers: dict[str, str] | None = None
) -> AsyncIterator[InProcessSocket]:
    """Open a websocket to `path`, accepted by `app`; closed by the client on the way out."""
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    from_app: asyncio.Queue[Message] = asyncio.Queue()
    to_app.put_nowait({"type": "websocket.connect"})
    scope = websocket_scope(path, headers=headers)
    running = asyncio.create_task(app(scope, to_app.get, from_app.put))
    try:
        accepted = await asyncio.wait_for(from_app.get(), 5)
        assert accepted["type"] == "websocket.accept", accepted
        yield InProcessSocket(to_app, from_app)
    finally:
        to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(running, 5)


async def websocket_until_closed(
    app: FastAPI, path: str, *frames: str, headers: dict[str, str] | None = None
) -> list[Message]:
    """Open a websocket to `app` in-process, send `frames`, and return what the app sends
    until it closes the connection (within a few seconds)."""
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    to_app.put_nowait({"type": "websocket.connect"})
    for frame in frames:
        to_app.put_nowait({"type": "websocket.receive", "text": frame})
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "websocket.close":
            to_app.put_nowait({"type": "websocket.disconnect", "code": message.get("code", 1000)})

    await asyncio.wait_for(app(websocket_scope(path, headers=headers), to_app.get, send), timeout=5)
    return sent
