"""Two server processes on one PostgreSQL and a private Redis that the tests may kill.

The pair is shared by the fault tests: surviving each fault is the point, so each test starts
from whatever the previous one left — after putting back anything it could not survive (a
killed process is restarted, a stopped Redis started).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.live_server import LiveServer
from tests.support.processes import PrivateRedis, private_redis, running, servers_on

# Short, so a test can watch the periodic check do its work; the default is 5 s.
CATCH_UP_INTERVAL_S = 2.0


@pytest.fixture(scope="package")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    with private_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="package")
def _server_pair(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str, redis_server: PrivateRedis
) -> Iterator[list[LiveServer]]:
    pair = servers_on(
        tmp_path_factory.mktemp("faults"),
        2,
        postgres_url,
        redis_server.url,
        catch_up_interval_s=str(CATCH_UP_INTERVAL_S),
    )
    with running(pair):
        yield pair


@pytest.fixture
def servers(_server_pair: list[LiveServer], redis_server: PrivateRedis) -> list[LiveServer]:
    if not redis_server.running:
        redis_server.start()
    for server in _server_pair:
        if server.process is None or server.process.poll() is not None:
            server.start()
    return _server_pair
