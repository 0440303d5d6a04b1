"""Several real server processes on one PostgreSQL and one Redis, and what their tests share.

A private ``redis-server`` (started here, on a free port) can be killed and restarted without
touching the machine's own Redis. Each server names its database connections
(``application_name``), so a test can cut exactly that server's connections.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from sqlalchemy.engine import make_url

from tests.support.live_server import (
    Client,
    LiveServer,
    Reachable,
    create_session,
    free_port,
    join,
    new_command_id,
)
from tests.support.services import service_missing

REDIS_START_TIMEOUT_S = 10.0


def application_name(server: LiveServer) -> str:
    return f"peer-rounds-test-{server.port}"


def servers_on(
    base: Path, count: int, database_url: str, redis_url: str, **settings: str
) -> list[LiveServer]:
    """``count`` servers sharing the database, Redis and secret key (not started yet)."""
    shared = {
        "PEER_ROUNDS_REDIS_URL": redis_url,
        "PEER_ROUNDS_SECRET_KEY": secrets.token_urlsafe(32),
        **{f"PEER_ROUNDS_{name.upper()}": value for name, value in settings.items()},
    }
    servers = []
    for number in range(count):
        data_dir = base / f"server-{number + 1}"
        data_dir.mkdir()
        server = LiveServer(data_dir, env=shared)
        url = make_url(database_url).update_query_dict(
            {"application_name": application_name(server)}
        )
        server.database_url = url.render_as_string(hide_password=False)
        servers.append(server)
    return servers


@contextmanager
def running(servers: list[LiveServer]) -> Iterator[list[LiveServer]]:
    """Boot the servers side by side (a boot is mostly imports: seconds of CPU each)."""
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_until_serving()
        yield servers
    finally:
        for server in servers:
            server.stop()


class PrivateRedis:
    """A redis-server of this test's own, without persistence: restarting it loses everything."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            service_missing("redis-server is not installed")
        # No snapshots, no append-only file: a restart comes back empty, like a fresh cache node.
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.directory)]
        with (self.directory / f"redis-{self.port}.log").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + REDIS_START_TIMEOUT_S
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
        finally:
            client.close()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def channels(self) -> set[str]:
        """The channels somebody is subscribed to right now."""
        client = redis.Redis(port=self.port, decode_responses=True)
        try:
            return {str(channel) for channel in client.pubsub_channels()}
        finally:
            client.close()


@contextmanager
def private_redis(directory: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(directory)
    server.start()
    try:
        yield server
    finally:
        server.kill()


class Screen:
    """One open view that may reconnect, possibly to another server; keeps every version seen."""

    def __init__(self, role: str, session_id: str, token: str) -> None:
        self.role = role
        self.session_id = session_id
        self.token = token
        self.connections: list[Client] = []

    @classmethod
    async def open(cls, server: Reachable, role: str, session_id: str, token: str) -> Screen:
        screen = cls(role, session_id, token)
        await screen.connect(server)
        return screen

    @property
    def client(self) -> Client:
        return self.connections[-1]

    @property
    def view(self) -> dict[str, Any]:
        return self.client.view

    async def connect(self, server: Reachable) -> None:
        self.connections.append(await Client.open(server, self.session_id, self.role, self.token))

    async def reach(self, version: int, wait_s: float = 5.0) -> dict[str, Any]:
        return await self.client.until(lambda view: view["version"] >= version, wait_s)

    def assert_in_order(self, final_version: int) -> None:
        """No version lost or reordered: each connection's versions strictly increase, a new
        connection never starts below where the last one ended, and the last is the newest."""
        previous_end = 0
        for connection in self.connections:
            seen = connection.versions_seen
            assert seen, "every connection starts with a snapshot"
            assert seen == sorted(set(seen)), f"versions out of order: {seen}"
            assert seen[0] >= previous_end, f"went back from {previous_end} to {seen[0]}"
            previous_end = seen[-1]
        assert previous_end == final_version

    async def close(self) -> None:
        for connection in self.connections:
            await connection.close()


async def close_all(screens: list[Screen]) -> None:
    await asyncio.gather(*(screen.close() for screen in screens), return_exceptions=True)


@dataclass(frozen=True)
class Session:
    """A session set up over the JSON API: its links, and each participant's by name."""

    created: dict[str, Any]
    people: dict[str, dict[str, Any]]

    @property
    def id(self) -> str:
        session_id: str = self.created["session_id"]
        return session_id

    def facilitator_token(self, index: int) -> str:
        token: str = self.created["facilitators"][index]["token"]
        return token

    @property
    def room_token(self) -> str:
        token: str = self.created["room"]["token"]
        return token

    def token_of(self, name: str) -> str:
        token: str = self.people[name]["token"]
        return token

    def id_of(self, name: str) -> str:
        participant_id: str = self.people[name]["participant_id"]
        return participant_id


def session_in_a_round(server: Reachable, names: tuple[str, ...]) -> Session:
    """Everyone admitted, the session started and its first round begun (in that order)."""
    created = create_session(server)
    session = Session(created, {name: join(server, created["session_id"], name) for name in names})
    for name in names:
        api_command(server, session, "admit", participant_id=session.id_of(name))
    for kind in ("start_session", "advance_stage", "start_round"):
        api_command(server, session, kind)
    return session


def api_command(server: Reachable, session: Session, kind: str, **fields: Any) -> int:
    """Run a facilitator command over HTTP; the version it committed."""
    with server.api() as api:
        response = api.post(
            f"/api/sessions/{session.id}/commands",
            json={"type": kind, "id": new_command_id(), **fields},
            headers={"Authorization": f"Bearer {session.facilitator_token(0)}"},
        )
    assert response.status_code == 200, response.text
    version: int = response.json()["version"]
    return version


def times_logged(server: LiveServer, event: str) -> int:
    """How often the server logged ``event`` (its structlog event name) so far."""
    return server.log_path.read_text(errors="replace").count(event)


async def until_logged(server: LiveServer, event: str, times: int, wait_s: float = 10.0) -> None:
    """Poll the server's log until ``event`` was logged ``times`` times (nothing signals it)."""
    async with asyncio.timeout(wait_s):
        while True:
            if times_logged(server, event) >= times:
                return
            await asyncio.sleep(0.05)
