"""deploy/nginx.conf in front of a real `peer-rounds serve`: Debian's nginx runs the file as it
is, with only its ports and certificate changed (`make test` installs nginx: scripts/ensure-nginx).
Through it: a page, a whole websocket session, each client counted by its own address, and a
client that trickles its headers cut off by nginx itself.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.support.live_server import Client, LiveServer, free_port

pytestmark = pytest.mark.anyio

DEPLOYED = Path(__file__).parents[2] / "deploy" / "nginx.conf"
NGINX = "/usr/sbin/nginx"
HEADER_TIMEOUT_S = 10  # client_header_timeout in deploy/nginx.conf
LATE_S = 3.0


@dataclass(frozen=True)
class Proxied:
    port: int
    certificate: Path

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.certificate))

    def api(self, address: str = "127.0.0.1") -> httpx.Client:
        transport = httpx.HTTPTransport(verify=self.tls(), local_address=address)
        return httpx.Client(base_url=self.base_url, transport=transport, timeout=10)


def configured(deployed: str, *, app_port: int, port: int, work: Path) -> str:
    """deploy/nginx.conf with the test's ports and certificate, each change made exactly once
    (if the file moves on, this fails rather than testing something else)."""
    changes = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
        "/etc/letsencrypt/live/peer-rounds.example.org/fullchain.pem": str(work / "cert.pem"),
        "/etc/letsencrypt/live/peer-rounds.example.org/privkey.pem": str(work / "key.pem"),
    }
    for old, new in changes.items():
        assert deployed.count(old) == 1, f"deploy/nginx.conf no longer has {old!r} once"
        deployed = deployed.replace(old, new)
    return deployed


def main_config(work: Path) -> str:
    """What /etc/nginx/nginx.conf gives the site file on Debian, kept inside `work`."""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {work / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    return f"""
user {getpass.getuser()};
worker_processes 1;
pid {work / "nginx.pid"};
error_log {work / "error.log"} info;
events {{ worker_connections 1024; }}
http {{
    access_log {work / "access.log"};
{temp_paths}
    uwsgi_temp_path {work / "uwsgi"};
    scgi_temp_path {work / "scgi"};
    include {work / "peer-rounds.conf"};
}}
"""


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxied]:
    port = free_port()
    server = LiveServer(
        tmp_path_factory.mktemp("proxied-server"),
        env={"PEER_ROUNDS_PUBLIC_URL": f"https://127.0.0.1:{port}"},
    )
    server.start()
    try:
        with nginx_in_front(tmp_path_factory.mktemp("nginx"), server.port, port) as proxy:
            yield proxy
    finally:
        server.stop()


@contextmanager
def nginx_in_front(work: Path, app_port: int, port: int) -> Iterator[Proxied]:
    """Debian's nginx on `port`, running deploy/nginx.conf in front of `app_port`."""
    assert shutil.which(NGINX), "nginx is missing: run scripts/ensure-nginx (make test does)"
    self_signed = ["-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    key_and_cert = ["-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")]
    subprocess.run(
        ["openssl", "req", *self_signed, "-addext", "subjectAltName=IP:127.0.0.1", *key_and_cert],
        check=True,
        capture_output=True,
    )
    site = configured(DEPLOYED.read_text(), app_port=app_port, port=port, work=work)
    (work / "peer-rounds.conf").write_text(site)
    (work / "nginx.conf").write_text(main_config(work))
    nginx = subprocess.Popen(
        [NGINX, "-e", str(work / "error.log"), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proxy = Proxied(port, work / "cert.pem")
    try:
        wait_until_answering(proxy, nginx, work)
        yield proxy
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def wait_until_answering(proxy: Proxied, nginx: subprocess.Popen[bytes], work: Path) -> None:
    deadline = time.monotonic() + 10
    with proxy.api() as api:
        while time.monotonic() < deadline:
            if nginx.poll() is not None:
                raise RuntimeError((work / "error.log").read_text())
            try:
                api.get("/healthz")
                return
            except httpx.TransportError:
                time.sleep(0.1)
    raise RuntimeError("nginx did not start in time")


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
    with nginx_in_front(tmp_path, free_port(), free_port()) as proxy, proxy.api() as api:
        answer = api.get("/")
    assert answer.status_code == 503
    assert answer.text.startswith("We couldn't reach Peer Rounds just now. Nothing you did")


def test_every_directive_is_explained_in_the_operations_guide() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "operations.md").read_text()
    lines = (line.strip() for line in DEPLOYED.read_text().splitlines())
    directives = {line.split()[0] for line in lines if line and line[0] not in "#}"}
    unexplained = sorted(name for name in directives if f"`{name} " not in guide)
    assert not unexplained, f"docs/operations.md does not explain {unexplained}"
