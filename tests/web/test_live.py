"""The websocket endpoint on a real uvicorn server: the protocol and each kind of bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from app.session.commands import SERVER_ONLY
from tests.support.live_server import Client, LiveServer, create_session, join, new_command_id

pytestmark = pytest.mark.anyio


async def facilitator(server: LiveServer, created: Any, index: int = 0) -> Client:
    link = created["facilitators"][index]
    return await Client.open(server, created["session_id"], "facilitator", link["token"])


async def admitted(server: LiveServer, created: Any, lead: Client, name: str) -> Client:
    joined = join(server, created["session_id"], name)
    ack = await lead.send_command("admit", participant_id=joined["participant_id"])
    assert ack["type"] == "ack"
    return await Client.open(server, created["session_id"], "participant", joined["token"])


async def started_round(
    server: LiveServer, names: tuple[str, ...]
) -> tuple[Any, Client, list[Client]]:
    created = create_session(server)
    lead = await facilitator(server, created)
    people = [await admitted(server, created, lead, name) for name in names]
    assert (await lead.send_command("start_session"))["type"] == "ack"
    assert (await lead.send_command("advance_stage"))["type"] == "ack"
    assert (await lead.send_command("start_round"))["type"] == "ack"
    return created, lead, people


async def test_a_new_connection_gets_the_newest_snapshot(server: LiveServer) -> None:
    created = create_session(server)
    lead = await facilitator(server, created)
    assert lead.view["role"] == "facilitator"
    assert lead.view["stages"][0]["title"] == "Welcome"
    assert lead.version == 1
    await lead.close()


async def test_every_screen_sees_the_same_turn_change(server: LiveServer) -> None:
    created, lead, (priya, tom) = await started_round(server, ("Priya", "Tom"))
    room = await Client.open(server, created["session_id"], "room", created["room"]["token"])
    assert priya.view["you"]["is_speaking"] is False
    await priya.until(lambda v: v["you"]["is_speaking"])
    ack = await priya.send_command("pass")
    assert ack["type"] == "ack"
    for screen in (lead, tom, room):
        view = await screen.until(lambda v, version=ack["version"]: v["version"] >= version)
        assert view["speaker"]["name"] == "Tom"
    assert (await tom.until(lambda v: v["you"]["is_speaking"]))["speaker"]["name"] == "Tom"


async def test_duplicate_command_is_answered_with_the_original_result(server: LiveServer) -> None:
    created = create_session(server)
    lead = await facilitator(server, created)
    command_id = new_command_id()
    first = await lead.send_command("start_session", id=command_id)
    again = await lead.send_command("start_session", id=command_id)
    assert first["type"] == again["type"] == "ack"
    assert again["version"] == first["version"]
    assert again["duplicate"] is True


async def test_two_facilitators_advancing_at_once_make_one_change(server: LiveServer) -> None:
    created, sam, _ = await started_round(server, ("Priya", "Tom", "Mere"))
    ana = await facilitator(server, created, 1)
    seen = sam.version
    await ana.until(lambda v: v["version"] == seen)
    first = await sam.send_command("share", expected_version=seen)
    second = await ana.send_command("share", expected_version=seen)
    assert first["type"] == "ack"
    assert second["type"] == "reject"
    assert second["code"] == "stale"
    assert second["message"] == "Sam already moved to the next speaker (Tom)."


async def test_participant_cannot_pass_for_someone_else(server: LiveServer) -> None:
    _, _lead, (priya, tom) = await started_round(server, ("Priya", "Tom"))
    reject = await tom.send_command("pass", participant_id=priya.view["you"]["id"])
    assert reject["code"] == "not_allowed"
    assert "for yourself" in reject["message"]
    reject = await tom.send_command("pass")
    assert reject["code"] == "not_your_turn"
    assert "Priya is speaking" in reject["message"]


async def test_commands_only_the_server_sends_are_refused_saying_what_to_do_instead(
    server: LiveServer,
) -> None:
    """A facilitator cannot vouch for a name check, nor a participant join as someone else."""
    _, lead, (priya,) = await started_round(server, ("Priya",))
    before = lead.version
    tries: list[tuple[Client, str, dict[str, Any]]] = [
        (lead, "record_name_check", {"member_id": "m1"}),
        (lead, "forget_member", {"member_id": "m1"}),
        (lead, "set_support_resources", {"support_resources": ()}),
        (lead, "create_session", {"title": "T", "group_name": "G"}),
        (priya, "join", {"name": "Priya", "member_id": "m1"}),
    ]
    for screen, kind, fields in tries:
        reject = await screen.send_command(kind, **fields)
        assert reject["type"] == "reject", kind
        assert (reject["code"], reject["message"]) == ("not_allowed", SERVER_ONLY[kind])
    # Nothing was committed for them: the next command is the next version.
    assert (await lead.send_command("pause_timer"))["version"] == before + 1


async def test_room_view_can_only_watch(server: LiveServer) -> None:
    created = create_session(server)
    room = await Client.open(server, created["session_id"], "room", created["room"]["token"])
    reject = await room.send_command("start_session")
    assert reject == {
        "type": "reject",
        "id": reject["id"],
        "code": "not_allowed",
        "message": "The room view can only watch.",
    }


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ({"type": "dance", "id": "c1"}, "There is no command called “dance”."),
        ({"id": "c2"}, "Say which command this is (the “type” field)."),
        ({"type": "extend_time", "id": "c3"}, "Please check “seconds”: Field required."),
        (
            {"type": "extend_time", "id": "c4", "seconds": "lots"},
            "Please check “seconds”: Input should be a valid number, unable to parse string "
            "as a number.",
        ),
        ({"type": "extend_time", "id": "c5", "seconds": 864000}, None),
    ],
)
async def test_malformed_commands_are_rejected_with_a_clear_message(
    server: LiveServer, command: dict[str, Any], expected: str | None
) -> None:
    created = create_session(server)
    lead = await facilitator(server, created)
    before = lead.version
    await lead.connection.send(json.dumps({"type": "command", "command": command}))
    reject = await lead.reply_to(command["id"])
    assert reject["type"] == "reject"
    assert reject["code"] == "invalid"
    if expected is not None:
        assert reject["message"] == expected
    assert (await lead.send_command("start_session"))["version"] == before + 1


async def test_a_command_for_another_session_is_refused(server: LiveServer) -> None:
    created = create_session(server)
    other = create_session(server)
    lead = await facilitator(server, created)
    await lead.connection.send(
        json.dumps(
            {
                "type": "command",
                "session_id": other["session_id"],
                "command": {"type": "start_session", "id": "x1"},
            }
        )
    )
    reject = await lead.reply_to("x1")
    assert reject["code"] == "wrong_session"


async def test_not_json_and_unknown_messages_get_errors_and_the_socket_stays(
    server: LiveServer,
) -> None:
    created = create_session(server)
    lead = await facilitator(server, created)
    for raw in ("not json", "[1, 2]", json.dumps({"type": "shout"})):
        await lead.connection.send(raw)
        message = await lead.receive()
        assert message["type"] == "error"
    assert (await lead.send_command("start_session"))["type"] == "ack"


async def test_ping_is_answered_with_the_server_clock(server: LiveServer) -> None:
    created = create_session(server)
    lead = await facilitator(server, created)
    await lead.connection.send(json.dumps({"type": "ping", "t0": 12.5}))
    pong = await lead.receive()
    assert pong["type"] == "pong"
    assert pong["t0"] == 12.5
    assert pong["t1"] > 1.7e12


async def _read_until_closed(connection: ClientConnection) -> None:
    while True:
        await connection.recv()


async def closed_with(server: LiveServer, path: str, *frames: Any) -> int | None:
    async with connect(f"{server.ws_base}{path}", max_size=None) as connection:
        for frame in frames:
            await connection.send(frame)
        with pytest.raises(ConnectionClosed) as closed:
            await _read_until_closed(connection)
    received = closed.value.rcvd
    return None if received is None else received.code


async def test_binary_frames_close_the_connection(server: LiveServer) -> None:
    created = create_session(server)
    hello = json.dumps({"type": "hello", "token": created["facilitators"][0]["token"]})
    path = f"/ws/sessions/{created['session_id']}/facilitator"
    assert await closed_with(server, path, hello, b"\x00\x01") == 1003


async def test_a_one_megabyte_message_closes_the_connection(server: LiveServer) -> None:
    created = create_session(server)
    hello = json.dumps({"type": "hello", "token": created["facilitators"][0]["token"]})
    path = f"/ws/sessions/{created['session_id']}/facilitator"
    assert await closed_with(server, path, hello, "x" * (1024 * 1024)) == 1009
    lead = await facilitator(server, created)
    assert (await lead.send_command("start_session"))["type"] == "ack"


async def test_bad_and_mismatched_tokens_are_refused(server: LiveServer) -> None:
    created = create_session(server)
    other = create_session(server)
    path = f"/ws/sessions/{created['session_id']}/facilitator"
    assert await closed_with(server, path, json.dumps({"type": "hello", "token": "nope"})) == 4401
    foreign = json.dumps({"type": "hello", "token": other["facilitators"][0]["token"]})
    assert await closed_with(server, path, foreign) == 4403
    room_as_facilitator = json.dumps({"type": "hello", "token": created["room"]["token"]})
    assert await closed_with(server, path, room_as_facilitator) == 4403


async def test_a_token_of_someone_who_left_cannot_be_reused(server: LiveServer) -> None:
    created = create_session(server)
    lead = await facilitator(server, created)
    joined = join(server, created["session_id"], "Priya")
    await lead.send_command("admit", participant_id=joined["participant_id"])
    priya = await Client.open(server, created["session_id"], "participant", joined["token"])
    assert (await priya.send_command("leave"))["type"] == "ack"
    path = f"/ws/sessions/{created['session_id']}/participant"
    hello = json.dumps({"type": "hello", "token": joined["token"]})
    assert await closed_with(server, path, hello) == 4403


async def test_unknown_session_closes_with_not_found(server: LiveServer) -> None:
    async with connect(f"{server.ws_base}/ws/sessions/nope/facilitator") as connection:
        with pytest.raises(ConnectionClosed) as closed:
            await _read_until_closed(connection)
    received = closed.value.rcvd
    assert received is not None
    assert (received.code, received.reason) == (
        4404,
        "We couldn't find that session. "
        "Please check the link or code with your facilitator and try again.",
    )


async def test_a_foreign_origin_is_refused(server: LiveServer) -> None:
    created = create_session(server)
    url = f"{server.ws_base}/ws/sessions/{created['session_id']}/facilitator"
    with pytest.raises(InvalidStatus, match="403"):
        await connect(url, origin=Origin("https://elsewhere.example"))


async def test_a_page_is_acked_and_told_which_tap_was_refused(server: LiveServer) -> None:
    """The pages keep a tap until it is answered (static/js/commands.js): an accepted one by its
    JSON ack (a repeat of the same id is acked again, stored once), a refused one by the notice
    fragment carrying its id."""
    created = create_session(server)
    sid = created["session_id"]
    lead = await facilitator(server, created)
    joined = join(server, sid, "Priya")
    assert (await lead.send_command("admit", participant_id=joined["participant_id"]))["type"] == (
        "ack"
    )
    assert (await lead.send_command("start_session"))["type"] == "ack"
    cookie = f"pr_participant_{sid}={joined['token']}"
    async with connect(
        f"{server.ws_base}/ws/sessions/{sid}/participant?format=html",
        additional_headers={"Cookie": cookie},
        origin=Origin(server.base_url),
    ) as page:
        assert "live-version" in await page.recv()
        tap = {"type": "raise_hand", "id": new_command_id(), "HEADERS": {}}
        answers = []
        for _ in range(2):
            await page.send(json.dumps(tap))
            answers.append(await next_json(page))
        assert [a["id"] for a in answers] == [tap["id"]] * 2
        assert [a["duplicate"] for a in answers] == [False, True]
        assert answers[0]["version"] == answers[1]["version"]

        refused = {"type": "end_session", "id": new_command_id()}
        await page.send(json.dumps(refused))
        while 'id="notice"' not in (notice := str(await page.recv())):
            pass
        assert f'data-command-id="{refused["id"]}" data-code="not_allowed"' in notice
    await lead.close()


async def next_json(page: ClientConnection) -> Any:
    """The next JSON message (the pages also get HTML fragments, which are skipped)."""
    while not (message := str(await page.recv())).startswith("{"):
        pass
    return json.loads(message)
