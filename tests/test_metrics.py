"""GET /metrics counts what happens on real sockets, and is closed when a token is configured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect

from app.config import Settings
from app.main import create_app
from tests.support.api import client_of
from tests.support.live_server import Client, LiveServer, create_session, join, running_server

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("metrics")) as live:
        yield live


def samples(server: LiveServer) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = httpx.get(f"{server.base_url}/metrics").text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def test_counters_move_with_commands_connections_and_reconnects(server: LiveServer) -> None:
    created = create_session(server)
    sid = created["session_id"]
    sam_token = created["facilitators"][0]["token"]
    priya = join(server, sid, "Priya")
    before = samples(server)
    sam = await Client.open(server, sid, "facilitator", sam_token)
    assert (await sam.send_command("admit", participant_id=priya["participant_id"]))["type"] == (
        "ack"
    )
    refused = await sam.send_command("admit", participant_id=priya["participant_id"])
    assert refused["type"] == "reject"
    invalid = await sam.send_command("no_such_command")
    assert (invalid["type"], invalid["code"]) == ("reject", "invalid")
    during = samples(server)
    # A screen that has seen a version says so: that is a reconnect.
    async with connect(f"{server.ws_base}/ws/sessions/{sid}/room") as room:
        await room.send(
            json.dumps(
                {"type": "hello", "token": created["room"]["token"], "last_version": sam.version}
            )
        )
        assert json.loads(await room.recv())["type"] == "snapshot"
        with_room = samples(server)
    await sam.close()
    await sam.connection.wait_closed()
    after = samples(server)

    def moved(name: str, **labels: str) -> float:
        return value(during, name, **labels) - value(before, name, **labels)

    assert moved("peer_rounds_commands_total", outcome="accepted", code="") == 1
    assert moved("peer_rounds_commands_total", outcome="rejected", code=refused["code"]) == 1
    assert moved("peer_rounds_commands_total", outcome="rejected", code="invalid") == 1
    assert moved("peer_rounds_open_connections", role="facilitator") == 1
    assert moved("peer_rounds_fan_out_seconds_count", source="commit") == 1
    assert moved("peer_rounds_reconnects_total", role="facilitator") == 0
    assert (
        value(with_room, "peer_rounds_reconnects_total", role="room")
        - value(during, "peer_rounds_reconnects_total", role="room")
        == 1
    )
    assert value(with_room, "peer_rounds_open_connections", role="room") == 1 + value(
        during, "peer_rounds_open_connections", role="room"
    )
    assert value(after, "peer_rounds_open_connections", role="facilitator") == value(
        before, "peer_rounds_open_connections", role="facilitator"
    )


async def test_metrics_want_the_token_when_one_is_set(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, metrics_token="s3cret"))
    async with client_of(app) as api:
        refused = await api.get("/metrics")
        assert refused.status_code == 401
        assert refused.json()["message"] == "Metrics need the metrics token."
        assert (
            await api.get("/metrics", headers={"Authorization": "Bearer nope"})
        ).status_code == (401)
        shown = await api.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert shown.status_code == 200
    assert "peer_rounds_open_connections" in shown.text
    assert shown.headers["content-type"].startswith("text/plain")
