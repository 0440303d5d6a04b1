"""Debian's nginx running deploy/nginx.conf in front of real `peer-rounds serve` processes.

The file runs as it is, with only its ports and certificate changed (`make test` installs nginx:
scripts/ensure-nginx). nginx's own access log, written by the test's main configuration, names
the process that answered each request (`$upstream_addr`), and the session it was routed by.
"""

from __future__ import annotations

import getpass
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

DEPLOYED = Path(__file__).parents[2] / "deploy" / "nginx.conf"
NGINX = "/usr/sbin/nginx"
START_TIMEOUT_S = 10.0
# One access-log line: how nginx routed a request (tab-separated, see routed()).
ROUTING_LOG_FORMAT = "$session_key\\t$upstream_addr\\t$status\\t$uri"


@dataclass(frozen=True)
class Proxied:
    port: int
    certificate: Path
    work: Path
    nginx_pid: int

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"wss://127.0.0.1:{self.port}"

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.certificate))

    def api(self, address: str = "127.0.0.1") -> httpx.Client:
        transport = httpx.HTTPTransport(verify=self.tls(), local_address=address)
        return httpx.Client(base_url=self.base_url, transport=transport, timeout=10)

    def routed(self) -> list[Routed]:
        """Every request nginx has finished so far (a websocket is logged when it closes)."""
        lines = (self.work / "access.log").read_text().splitlines()
        return [Routed.parse(line) for line in lines if line]


@dataclass(frozen=True)
class Routed:
    session_key: str
    # Every process nginx tried, in order: more than one when it moved on from a dead one.
    upstreams: tuple[str, ...]
    status: str
    uri: str

    @classmethod
    def parse(cls, line: str) -> Routed:
        session_key, upstreams, status, uri = line.split("\t")
        tried = tuple(address.strip() for address in upstreams.split(","))
        return cls(session_key, tried, status, uri)

    @property
    def port(self) -> int:
        """The port of the process that answered."""
        return int(self.upstreams[-1].rsplit(":", 1)[1])


def configured(
    deployed: str,
    *,
    app_ports: list[int],
    port: int,
    work: Path,
    more_changes: Mapping[str, str] | None = None,
) -> str:
    """deploy/nginx.conf with the test's ports and certificate, each change made exactly once
    (if the file moves on, this fails rather than testing something else). Each further app
    port is one more `server` line, as docs/operations.md says to add a process.
    `more_changes`: lines a benchmark changes besides (its thousands of sockets from one
    address)."""
    servers = "\n    ".join(f"server 127.0.0.1:{app_port};" for app_port in app_ports)
    changes = {
        "server 127.0.0.1:8000;": servers,
        "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
        "/etc/letsencrypt/live/peer-rounds.example.org/fullchain.pem": str(work / "cert.pem"),
        "/etc/letsencrypt/live/peer-rounds.example.org/privkey.pem": str(work / "key.pem"),
        **(more_changes or {}),
    }
    for old, new in changes.items():
        assert deployed.count(old) == 1, f"deploy/nginx.conf no longer has {old!r} once"
        deployed = deployed.replace(old, new)
    return deployed


def main_config(work: Path, worker_connections: int = 1024) -> str:
    """What /etc/nginx/nginx.conf gives the site file on Debian, kept inside `work`, with an
    access log saying where each request went. A proxied websocket holds two of the
    `worker_connections`: the client's and the one to the app."""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {work / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    return f"""
user {getpass.getuser()};
worker_processes 1;
pid {work / "nginx.pid"};
error_log {work / "error.log"} info;
events {{ worker_connections {worker_connections}; }}
http {{
    log_format routing "{ROUTING_LOG_FORMAT}";
    access_log {work / "access.log"} routing;
{temp_paths}
    uwsgi_temp_path {work / "uwsgi"};
    scgi_temp_path {work / "scgi"};
    include {work / "peer-rounds.conf"};
}}
"""


@contextmanager
def nginx_in_front(
    work: Path,
    app_ports: list[int],
    port: int,
    *,
    more_changes: Mapping[str, str] | None = None,
    worker_connections: int = 1024,
) -> Iterator[Proxied]:
    """Debian's nginx on `port`, running deploy/nginx.conf in front of `app_ports`."""
    assert shutil.which(NGINX), "nginx is missing: run scripts/ensure-nginx (make test does)"
    self_signed = ["-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    key_and_cert = ["-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")]
    subprocess.run(
        ["openssl", "req", *self_signed, "-addext", "subjectAltName=IP:127.0.0.1", *key_and_cert],
        check=True,
        capture_output=True,
    )
    deployed = DEPLOYED.read_text()
    site = configured(
        deployed, app_ports=app_ports, port=port, work=work, more_changes=more_changes
    )
    (work / "peer-rounds.conf").write_text(site)
    (work / "nginx.conf").write_text(main_config(work, worker_connections))
    nginx = subprocess.Popen(
        [NGINX, "-e", str(work / "error.log"), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proxy = Proxied(port, work / "cert.pem", work, nginx.pid)
    try:
        wait_until_answering(proxy, nginx, work)
        yield proxy
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def wait_until_answering(proxy: Proxied, nginx: subprocess.Popen[bytes], work: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
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
