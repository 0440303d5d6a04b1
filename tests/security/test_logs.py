"""No token and no name ever reaches the server's log, whatever path a person takes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support.live_server import Client, LiveServer

pytestmark = pytest.mark.anyio

NAME = "Secretname"


async def test_the_log_has_no_tokens_and_no_names(tmp_path: Path) -> None:
    server = LiveServer(tmp_path)
    server.start()
    tokens: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as api:
            created = (
                await api.post(
                    "/api/sessions",
                    json={"title": "T", "group_name": "G", "facilitator_names": [f"{NAME} Sam"]},
                )
            ).json()
            sid, code = created["session_id"], created["join_code"]
            sam = created["facilitators"][0]["token"]
            tokens += [sam, created["room"]["token"]]
            # Through the join form, as a person would.
            form = await api.post(
                f"/join/{code}", data={"name": NAME}, headers={"Origin": server.base_url}
            )
            assert form.status_code == 303
            assert (await api.get(form.headers["location"])).status_code == 200
            # Through the API, then the link, as a script and a browser would.
            joined = (
                await api.post(f"/api/sessions/{sid}/participants", json={"name": f"{NAME} 2"})
            ).json()
            tokens.append(joined["token"])
            entered = await api.get(f"/enter/{joined['token']}")
            assert entered.status_code == 303
            assert (await api.get(f"/enter/{joined['token']}x")).status_code == 401
        lead = await Client.open(server, sid, "facilitator", sam)
        assert (await lead.send_command("admit", participant_id=joined["participant_id"]))[
            "type"
        ] == "ack"
        person = await Client.open(server, sid, "participant", joined["token"])
        assert (await person.send_command("raise_hand"))["type"] == "ack"
        title = f"{NAME}'s extra time"
        assert (await lead.send_command("insert_stage", kind="break", title=title, minutes=5))[
            "type"
        ] == "ack"
        refused = await person.send_command("extend_time", seconds=60)
        assert refused["type"] == "reject"
        async with connect(
            f"{server.ws_base}/ws/sessions/{sid}/participant?format=html",
            additional_headers={"Cookie": f"pr_participant_{sid}={joined['token']}"},
        ) as page:
            assert "live-version" in await page.recv()
        async with connect(f"{server.ws_base}/ws/sessions/{sid}/room") as bad:
            await bad.send(json.dumps({"type": "hello", "token": sam}))  # a facilitator's token
            await bad.wait_closed()
        for client in (lead, person):
            await client.close()
    finally:
        server.stop()
    log = server.log_path.read_text()
    assert "GET /enter/[redacted]" in log  # the access log was on, and was redacted
    assert NAME not in log
    for token in tokens:
        assert token not in log
