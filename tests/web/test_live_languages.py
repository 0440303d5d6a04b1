"""Each phone's live updates come in its person's language, on one session, from a real server:
the language is chosen when the socket opens (docs/translating.md) and kept in the render key."""

from __future__ import annotations

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from tests.support.live_server import Client, LiveServer, create_session, join

pytestmark = pytest.mark.anyio


async def phone(server: LiveServer, session_id: str, token: str, language: str) -> ClientConnection:
    return await connect(
        f"{server.ws_base}/ws/sessions/{session_id}/participant?format=html",
        additional_headers={
            "Cookie": f"pr_participant_{session_id}={token}",
            "Accept-Language": language,
        },
        origin=Origin(server.base_url),
    )


async def until_text(page: ClientConnection, words: str) -> str:
    while words not in (frame := str(await page.recv())):
        pass
    return frame


async def test_a_spanish_and_an_english_phone_each_read_their_own_language(
    server: LiveServer,
) -> None:
    created = create_session(server)
    session_id = created["session_id"]
    lead = await Client.open(server, session_id, "facilitator", created["facilitators"][0]["token"])
    people = {name: join(server, session_id, name) for name in ("Lucía", "Tom")}
    for person in people.values():
        await lead.send_command("admit", participant_id=person["participant_id"])
    lucia = await phone(server, session_id, people["Lucía"]["token"], "es-MX,es;q=0.9")
    tom = await phone(server, session_id, people["Tom"]["token"], "en-GB")
    try:
        for command in ("start_session", "advance_stage", "start_round"):
            assert (await lead.send_command(command))["type"] == "ack"
        in_spanish = await until_text(lucia, "Tu turno")
        in_english = await until_text(tom, "You are next")
        assert "Hablando ahora" in in_spanish
        assert "Speaking now" in in_english
        assert "Tu turno" not in in_english
    finally:
        await lucia.close()
        await tom.close()
        await lead.close()
