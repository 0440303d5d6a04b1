"""Kill the server mid-round, start a new one on the same database: nobody should notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.live_server import Client, LiveServer, create_session, join, timeless

pytestmark = pytest.mark.anyio


async def test_a_killed_server_restarts_exactly_where_it_was(
    tmp_path: Path, database_url: str
) -> None:
    first = LiveServer(tmp_path, database_url)
    first.start()
    try:
        created = create_session(first)
        session_id = created["session_id"]
        token = created["facilitators"][0]["token"]
        sam = await Client.open(first, session_id, "facilitator", token)
        people = {}
        for name in ("Priya", "Tom", "Mere", "Lee"):
            joined = join(first, session_id, name)
            await sam.send_command("admit", participant_id=joined["participant_id"])
            people[name] = joined
        for command in ("start_session", "advance_stage", "start_round"):
            assert (await sam.send_command(command))["type"] == "ack"
        priya = await Client.open(first, session_id, "participant", people["Priya"]["token"])
        await priya.until(lambda v: v["you"]["is_speaking"])
        assert (await priya.send_command("pass_for_now"))["type"] == "ack"
        tom = await Client.open(first, session_id, "participant", people["Tom"]["token"])
        await tom.until(lambda v: v["you"]["is_speaking"])
        assert (await tom.send_command("pause_timer"))["type"] == "ack"
        before = await sam.until(lambda v: v["speaker"]["taking_a_moment"])
    finally:
        first.kill()

    second = LiveServer(tmp_path, database_url)
    second.start()
    try:
        sam = await Client.open(second, session_id, "facilitator", token)
        assert timeless(sam.view) == timeless(before)
        tom = await Client.open(second, session_id, "participant", people["Tom"]["token"])
        assert tom.view["you"]["is_speaking"] is True
        assert (await tom.send_command("resume_timer"))["type"] == "ack"
        assert (await tom.send_command("share"))["type"] == "ack"
        after = await sam.until(lambda v: v["speaker"]["name"] == "Mere")
        assert after["version"] == before["version"] + 2
        assert [p["name"] for p in after["full_up_next"]] == ["Lee", "Priya"]
    finally:
        second.stop()
