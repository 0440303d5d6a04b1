"""Kill the server mid-round, start a new one on the same database: nobody loses anything, and
every clock waited while the server was away (docs/timekeeping.md)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from app.timekeeping.outage import SHORTEST_OUTAGE_S
from tests.support.live_server import Client, LiveServer, timeless
from tests.support.processes import session_in_a_round

pytestmark = pytest.mark.anyio

# Well past the shortest outage and the heartbeat's slack: credited as speaking, it would show.
AWAY_S = SHORTEST_OUTAGE_S + 5
# The heartbeat's interval (Settings.alive_interval_s): the last one is up to this old at a crash.
HEARTBEAT_S = 1.0


def used_s(timer: dict[str, Any], now: float) -> float:
    """What a clock has used at `now`, as every screen works it out."""
    running = 0.0 if timer["started_at"] is None else now - timer["started_at"]
    return float(timer["accumulated_s"]) + running


def spoken_s(view: dict[str, Any], now: float) -> float:
    return used_s(view["speaker"]["timer"], now)


def apart_from_the_outage(view: dict[str, Any]) -> dict[str, Any]:
    """The view without what the outage changes: the version, the notice and the item's clock
    (which waited through it)."""
    kept = {k: v for k, v in timeless(view).items() if k not in ("version", "server_away")}
    stage = view["current_stage"]
    kept["current_stage"] = {k: v for k, v in stage.items() if k not in ("timer", "countdown")}
    return kept


async def test_a_killed_server_restarts_exactly_where_it_was(
    tmp_path: Path, database_url: str
) -> None:
    first = LiveServer(tmp_path, database_url)
    first.start()
    try:
        session = session_in_a_round(first, ("Priya", "Tom", "Mere", "Lee"))
        session_id, token = session.id, session.facilitator_token(0)
        sam = await Client.open(first, session_id, "facilitator", token)
        priya = await Client.open(first, session_id, "participant", session.token_of("Priya"))
        await priya.until(lambda v: v["you"]["is_speaking"])
        assert (await priya.send_command("pass_for_now"))["type"] == "ack"
        tom = await Client.open(first, session_id, "participant", session.token_of("Tom"))
        await tom.until(lambda v: v["you"]["is_speaking"])
        assert (await tom.send_command("pause_timer"))["type"] == "ack"
        before = await sam.until(lambda v: v["speaker"]["taking_a_moment"])
        killed_at = time.time()
    finally:
        first.kill()

    await asyncio.sleep(SHORTEST_OUTAGE_S)  # an outage, however fast the restart
    second = LiveServer(tmp_path, database_url)
    launched_at = time.time()
    second.start()
    try:
        sam = await Client.open(second, session_id, "facilitator", token)
        now = time.time()
        assert apart_from_the_outage(sam.view) == apart_from_the_outage(before)
        assert sam.version == before["version"] + 1  # the outage, recorded by the server
        stage_used = used_s(sam.view["current_stage"]["timer"], now)
        assert stage_used <= used_s(before["current_stage"]["timer"], killed_at) + (
            now - launched_at
        )
        tom = await Client.open(second, session_id, "participant", session.token_of("Tom"))
        assert tom.view["you"]["is_speaking"] is True
        assert (await tom.send_command("resume_timer"))["type"] == "ack"
        assert (await tom.send_command("share"))["type"] == "ack"
        after = await sam.until(lambda v: v["speaker"]["name"] == "Mere")
        assert after["version"] == before["version"] + 3
        assert [p["name"] for p in after["full_up_next"]] == ["Lee", "Priya"]
    finally:
        second.stop()


async def test_time_without_a_server_is_nobodys_speaking_time(
    tmp_path: Path, database_url: str
) -> None:
    first = LiveServer(tmp_path, database_url)
    first.start()
    try:
        session = session_in_a_round(first, ("Priya", "Tom"))
        session_id, token = session.id, session.facilitator_token(0)
        sam = await Client.open(first, session_id, "facilitator", token)
        await sam.until(lambda v: v["speaker"] is not None and v["speaker"]["name"] == "Priya")
        await asyncio.sleep(2 * HEARTBEAT_S)  # Priya speaks; heartbeats are written
        before = sam.view
        killed_at = time.time()
        spoken_when_killed = spoken_s(before, killed_at)
    finally:
        first.kill()

    await asyncio.sleep(AWAY_S)
    second = LiveServer(tmp_path, database_url)
    launched_at = time.time()
    second.start()
    serving_at = time.time()
    try:
        sam = await Client.open(second, session_id, "facilitator", token)
        now = time.time()
        # Priya is credited what she had when the server went away (the last heartbeat: up to
        # one interval before the kill) and the time since the new server started serving.
        credited = spoken_s(sam.view, now)
        assert credited <= spoken_when_killed + (now - launched_at) + 0.1
        assert credited >= spoken_when_killed - HEARTBEAT_S - 0.1 + (now - serving_at)
        assert sam.version == before["version"] + 1
        away = sam.view["server_away"]
        assert away["text"].startswith("We lost the server for ")
        assert away["text"].endswith(" s. Everyone's time waited, so nobody lost any of theirs.")

        with second.api() as api:
            response = api.get(
                f"/s/{session_id}/summary.json", headers={"Authorization": f"Bearer {token}"}
            )
        assert response.status_code == 200, response.text
        facts = response.json()
        rows = [a for a in facts["adjustments"] if a["kind"] == "server_away"]
        assert len(rows) == 1
        assert AWAY_S <= rows[0]["seconds"] <= AWAY_S + (serving_at - launched_at) + HEARTBEAT_S + 1
        priya = next(t for r in facts["rounds"] for t in r["turns"] if t["name"] == "Priya")
        assert priya["spoken_s"] <= spoken_when_killed + (time.time() - launched_at) + 0.1
    finally:
        second.stop()
