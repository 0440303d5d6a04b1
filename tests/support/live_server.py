"""A real Peer Rounds server in a child process on a free port, and a small JSON client.

Real-server tests start `peer-rounds serve` as users do, so that a restart test can kill the
process outright and start a new one on the same database.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.support.api import FACILITATORS, created_session, new_session_request

STARTUP_TIMEOUT_S = 30.0
# Where server processes keep compiled bytecode, outside the source tree and the venv. A boot is
# mostly imports; compiling them from source every time (PYTHONDONTWRITEBYTECODE) costs twice
# the CPU of reading them compiled, and tests start many servers.
BYTECODE_CACHE = Path(tempfile.gettempdir()) / "peer-rounds-pycache"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Reachable(Protocol):
    """Where a test reaches Peer Rounds: one server's own port, or a proxy in front of several."""

    @property
    def ws_base(self) -> str: ...

    def tls(self) -> ssl.SSLContext | None: ...

    def api(self) -> httpx.Client: ...


class LiveServer:
    def __init__(
        self,
        data_dir: Path,
        database_url: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        """``env``: extra PEER_ROUNDS_* settings, e.g. the Redis URL shared by several servers."""
        self.data_dir = data_dir
        self.database_url = database_url
        self.env = dict(env or {})
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / f"server-{self.port}.log"

    def start(self) -> None:
        self.launch()
        self.wait_until_serving()

    def launch(self) -> None:
        """Start the process without waiting for it (servers started together boot in parallel)."""
        env = {
            **os.environ,
            "PYTHONPYCACHEPREFIX": str(BYTECODE_CACHE),
            "PEER_ROUNDS_DATA_DIR": str(self.data_dir),
            "PEER_ROUNDS_PORT": str(self.port),
            "PEER_ROUNDS_HOST": "127.0.0.1",
            **self.env,
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if self.database_url:
            env["PEER_ROUNDS_DATABASE_URL"] = self.database_url
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve"], env=env, stdout=log, stderr=log
            )

    def wait_until_serving(self) -> None:
        assert self.process is not None, "launch() first"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.log_path}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in time")

    def kill(self) -> None:
        """Stop the process at once, as a crash or `kill -9` would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10)

    def tls(self) -> None:
        """Plain HTTP and websockets: the server's own port has no certificate."""
        return None


@contextmanager
def running_server(data_dir: Path, database_url: str | None = None) -> Iterator[LiveServer]:
    server = LiveServer(data_dir, database_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def create_session(
    server: Reachable,
    facilitators: tuple[str, ...] = FACILITATORS,
    *,
    title: str = "Tuesday group",
    group_name: str = "Riverside",
) -> Any:
    """A new session on ``server``, as ``tests.support.api.new_session`` makes one in-process."""
    request = new_session_request(facilitators, title=title, group_name=group_name)
    with server.api() as api:
        return created_session(api.post("/api/sessions", json=request))


def join(server: Reachable, session_id: str, name: str) -> Any:
    with server.api() as api:
        response = api.post(f"/api/sessions/{session_id}/participants", json={"name": name})
        assert response.status_code == 201, response.text
        return response.json()


def new_command_id() -> str:
    return str(uuid.uuid4())


class Client:
    """One open view speaking the JSON protocol; remembers the newest snapshot it saw."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.view: dict[str, Any] = {}
        self.version = 0
        self.versions_seen: list[int] = []

    @classmethod
    async def open(cls, server: Reachable, session_id: str, role: str, token: str) -> Client:
        url = f"{server.ws_base}/ws/sessions/{session_id}/{role}"
        connection = await connect(url, ssl=server.tls())
        client = cls(connection)
        await connection.send(json.dumps({"type": "hello", "token": token}))
        await client.until(lambda view: True)
        return client

    async def receive(self, wait_s: float = 5.0) -> dict[str, Any]:
        raw = await _wait(self.connection.recv(), wait_s)
        message: dict[str, Any] = json.loads(raw)
        if message["type"] == "snapshot":
            self.view = message["view"]
            self.version = message["version"]
            self.versions_seen.append(message["version"])
        return message

    async def until(self, condition: Any, wait_s: float = 5.0) -> dict[str, Any]:
        """Read messages until the newest view satisfies `condition`."""
        deadline = time.monotonic() + wait_s
        if self.view and condition(self.view):
            return self.view
        while True:
            message = await self.receive(max(0.01, deadline - time.monotonic()))
            if message["type"] == "snapshot" and condition(self.view):
                return self.view

    async def send_command(self, type_: str, **fields: Any) -> dict[str, Any]:
        """Send a command and return its ack or reject (snapshots on the way are kept)."""
        command_id = fields.pop("id", None) or new_command_id()
        await self.connection.send(
            json.dumps({"type": "command", "command": {"type": type_, "id": command_id, **fields}})
        )
        return await self.reply_to(command_id)

    async def reply_to(self, command_id: str | None, wait_s: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + wait_s
        while True:
            message = await self.receive(max(0.01, deadline - time.monotonic()))
            if message["type"] in {"ack", "reject"} and message.get("id") == command_id:
                return message
            if message["type"] == "error":
                return message

    async def close(self) -> None:
        await self.connection.close()


async def _wait(awaitable: Any, wait_s: float) -> Any:
    return await asyncio.wait_for(awaitable, wait_s)


def timeless(view: dict[str, Any]) -> dict[str, Any]:
    """A view without the schedule projection, the one part computed from the moment it was
    rendered: two screens of the same version agree on everything else."""
    return {key: value for key, value in view.items() if key != "schedule"}
