"""Several `peer-rounds serve` processes behind Debian's nginx, for `bench/load.py --proxy N`.

nginx runs deploy/nginx.conf (tests/support/nginx.py, as tests/faults/test_pinned_sessions.py
does): TLS, each session pinned to one process by its id. To the load this is one server at the
proxy's address, whose CPU and memory are the sum of every process, nginx's included; each Peer
Rounds process's log says which sessions it held screens of (bench/load.py, sessions_held).
"""

from __future__ import annotations

import contextlib
import secrets
import tempfile
from pathlib import Path

from bench.load import Server, free_port, start_peer_rounds
from tests.support.nginx import nginx_in_front

NAME = "proxied"
# Every socket of the load comes from 127.0.0.1, where nginx holds at most 200 requests in
# progress per address: the one line changed besides the ports and the certificate.
ONE_ADDRESS_FOR_ALL = {
    "limit_conn peer_rounds_per_address 200;": "limit_conn peer_rounds_per_address 60000;"
}
# nginx's own connections besides the sockets: its listener, log files, spare.
NGINX_SPARE_CONNECTIONS = 256


def nginx_processes(master: int) -> list[int]:
    """nginx's master and its workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [master, *map(int, children)]


def start_proxied(
    work: Path, database_url: str, redis_url: str, processes: int, nice: int, sockets: int
) -> Server:
    """`processes` Peer Rounds processes on one database and one Redis, nginx in front."""
    port = free_port()
    settings = {
        "PEER_ROUNDS_REDIS_URL": redis_url,
        "PEER_ROUNDS_SECRET_KEY": secrets.token_urlsafe(32),
        "PEER_ROUNDS_PUBLIC_URL": f"https://127.0.0.1:{port}",
    }
    running = contextlib.ExitStack()
    try:
        apps = []
        for number in range(1, processes + 1):
            app = start_peer_rounds(
                work, database_url, None, nice, name=f"{NAME}-{number}", settings=settings
            )
            running.callback(app.stop)
            apps.append(app)
        nginx_work = Path(tempfile.mkdtemp(prefix="nginx-", dir=work))
        # A proxied socket holds two of nginx's connections: the client's and the app's.
        proxy = running.enter_context(
            nginx_in_front(
                nginx_work,
                [app.port for app in apps],
                port,
                more_changes=ONE_ADDRESS_FOR_ALL,
                worker_connections=2 * sockets + NGINX_SPARE_CONNECTIONS,
            )
        )
    except BaseException:
        running.close()
        raise
    first, *rest = apps
    return Server(
        NAME,
        first.process,
        port,
        first.log_path,
        first.probes_path,
        ws_base=proxy.ws_base,
        others=[app.pid for app in rest] + nginx_processes(proxy.nginx_pid),
        http_base=proxy.base_url,
        ca_file=proxy.certificate,
        app_logs=[app.log_path for app in apps],
        more_probes=[app.probes_path for app in rest],
        on_stop=[running.close],
    )
