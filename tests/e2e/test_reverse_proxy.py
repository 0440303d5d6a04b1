"""deploy/nginx.conf in front of a real `peer-rounds serve`: Debian's nginx runs the file as it
is, with only its ports and certificate changed (`make test` installs nginx: scripts/ensure-nginx).
Through it: a page, a whole websocket session, each client counted by its own address, and a
client that trickles its headers cut off by nginx itself.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.support.live_server import Client, LiveServer, free_port
from tests.support.nginx import DEPLOYED, Proxied, nginx_in_front

pytestmark = pytest.mark.anyio

HEADER_TIMEOUT_S = 10  # client_header_timeout in deploy/nginx.conf
LATE_S = 3.0


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxied]:
    port = free_port()
    server = LiveServer(
        tmp_path_factory.mktemp("proxied-server"),
        env={"PEER_ROUNDS_PUBLIC_URL": f"https://127.0.0.1:{port}"},
    )
    server.start()
    try:
        with nginx_in_front(tmp_path_factory.mktemp("nginx"), [server.port], port) as proxy:
            yield proxy
    finally:
        server.stop()


NEW_SESSION = {"title": "Tuesday", "group_name": "Riverside", "facilitator_names": ["Sam"]}


def test_a_link_and_its_page_through_the_proxy(proxied: Proxied) -> None:
    with proxied.api() as api:
        created = api.post("/api/sessions", json=NEW_SESSION)
        assert created.status_code == 201, created.text
        link = created.json()["facilitators"][0]["url"]
        assert link.startswith(proxied.base_url)
        entered = api.get(link.removeprefix(proxied.base_url))
        assert entered.status_code == 303
        console = api.get(entered.headers["location"])
    assert console.status_code == 200
    assert "Sam" in console.text
    assert console.headers["content-security-policy"].startswith("default-src 'self'")
    assert console.headers["strict-transport-security"]  # the app knows it is served over https
    assert console.headers["server"] == "nginx"  # no version


async def test_a_websocket_session_through_the_proxy(proxied: Proxied) -> None:
    with proxied.api() as api:
        created = api.post("/api/sessions", json=NEW_SESSION).json()
    url = f"wss://127.0.0.1:{proxied.port}/ws/sessions/{created['session_id']}/facilitator"
    lead = Client(await connect(url, ssl=proxied.tls()))
    await lead.connection.send(
        json.dumps({"type": "hello", "token": created["facilitators"][0]["token"]})
    )
    await lead.until(lambda view: view["role"] == "facilitator")
    room = Client(await connect(url.removesuffix("facilitator") + "room", ssl=proxied.tls()))
    await room.connection.send(json.dumps({"type": "hello", "token": created["room"]["token"]}))
    await room.until(lambda view: True)
    ack = await lead.send_command("start_session")
    assert ack["type"] == "ack"
    await room.until(lambda view, version=ack["version"]: view["version"] >= version)
    await lead.close()
    await room.close()


def test_each_client_is_counted_by_its_own_address(proxied: Proxied) -> None:
    """nginx says who the client is; the app limits 127.0.0.2 as itself (10 session starts a
    minute), not as the proxy's 127.0.0.1, which is never limited."""
    with proxied.api("127.0.0.2") as remote:
        answers = [remote.post("/api/sessions", json=NEW_SESSION).status_code for _ in range(11)]
    assert answers == [201] * 10 + [429]
    with proxied.api() as local:
        assert local.post("/api/sessions", json=NEW_SESSION).status_code == 201


async def test_nginx_holds_at_most_200_requests_per_address(proxied: Proxied) -> None:
    """Open websockets are requests in progress to nginx: the 201st request from one address is
    refused in the app's words, while another address is served."""
    with proxied.api() as api:
        created = api.post("/api/sessions", json=NEW_SESSION).json()
    room = f"wss://127.0.0.1:{proxied.port}/ws/sessions/{created['session_id']}/room"
    hello = json.dumps({"type": "hello", "token": created["room"]["token"]})

    async def room_screen() -> ClientConnection:
        ws = await connect(room, ssl=proxied.tls(), local_addr=("127.0.0.2", 0))
        await ws.send(hello)
        await ws.recv()  # its first snapshot: it has said who it is
        return ws

    # Ten at a time: the app lets one address have 20 sockets that have not said hello yet.
    screens = [
        screen
        for _ in range(20)
        for screen in await asyncio.gather(*(room_screen() for _ in range(10)))
    ]
    try:
        with proxied.api("127.0.0.2") as crowded, proxied.api("127.0.0.3") as elsewhere:
            refused = crowded.get("/healthz")
            served = elsewhere.get("/healthz")
    finally:
        await asyncio.gather(*(screen.close() for screen in screens))
    assert refused.status_code == 503
    assert refused.text.startswith("Lots of connections from your network are open at once.")
    assert served.status_code == 200


def test_a_client_trickling_its_headers_is_cut_off_by_nginx(proxied: Proxied) -> None:
    raw = socket.create_connection(("127.0.0.1", proxied.port), source_address=("127.0.0.2", 0))
    with proxied.tls().wrap_socket(raw, server_hostname="127.0.0.1") as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.monotonic()
        sock.settimeout(1.0)
        closed_after = None
        while time.monotonic() - started < HEADER_TIMEOUT_S + LATE_S:
            try:
                sock.sendall(b"a")
                if sock.recv(65536) == b"":
                    closed_after = time.monotonic() - started
                    break
            except TimeoutError:
                continue
            except (ssl.SSLError, OSError):
                closed_after = time.monotonic() - started
                break
    assert closed_after is not None, "nginx held the connection"
    assert HEADER_TIMEOUT_S - 0.5 <= closed_after <= HEADER_TIMEOUT_S + LATE_S


def test_a_body_too_large_is_refused_in_the_app_s_words(proxied: Proxied) -> None:
    with proxied.api() as api:
        by_the_app = api.post("/api/sessions", content=b" " * (100 * 1024))
        by_nginx = api.post("/api/sessions", content=b" " * (200 * 1024))
    assert by_the_app.status_code == 413
    assert by_the_app.json()["code"] == "too_large"
    assert by_nginx.status_code == 413
    assert by_nginx.text.startswith("That was more than we can take in at once.")


def test_while_the_app_is_away_the_proxy_answers_calmly(tmp_path: Path) -> None:
    with nginx_in_front(tmp_path, [free_port()], free_port()) as proxy, proxy.api() as api:
        answer = api.get("/")
    assert answer.status_code == 503
    assert answer.text.startswith("We couldn't reach Peer Rounds just now. Nothing you did")


def test_every_directive_is_explained_in_the_operations_guide() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "operations.md").read_text()
    lines = (line.strip() for line in DEPLOYED.read_text().splitlines())
    directives = {line.split()[0] for line in lines if line and line[0] not in "#}"}
    unexplained = sorted(name for name in directives if f"`{name} " not in guide)
    assert not unexplained, f"docs/operations.md does not explain {unexplained}"
