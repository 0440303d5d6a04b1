"""An integrator's whole session, using only what /openapi.json and docs/protocol.md describe.

The integrator finds every URL by its `operationId` in /openapi.json (one the schema does not
name fails the test), sends a token only where the operation names the `token` scheme, and gets
only answers whose status the operation documents. The websocket's URL, its messages and every
command type sent are taken from docs/protocol.md. The one step not taken through the API is
making the session a group's (a facilitator starts those from the group's page), so that its
housekeeping action has a next meeting to be carried to.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from tests.support.api import (
    InProcessSocket,
    as_a_groups_session,
    client_of,
    in_process_websocket,
)

pytestmark = pytest.mark.anyio

PROTOCOL = (Path(__file__).parents[2] / "docs" / "protocol.md").read_text()
TEMPLATE = "peer-support-plus-weekly"


class Screen:
    """One websocket as docs/protocol.md describes it: `hello`, then snapshots and commands."""

    def __init__(self, socket: InProcessSocket) -> None:
        self.socket = socket
        self.view: dict[str, Any] = {}
        self.sent = 0

    @classmethod
    async def hello(cls, socket: InProcessSocket, token: str) -> Screen:
        screen = cls(socket)
        await socket.send_json({"type": "hello", "token": token})
        await screen.until(lambda view: True)
        return screen

    async def _receive(self) -> dict[str, Any]:
        message: dict[str, Any] = await self.socket.receive_json()
        assert documented_message(message["type"]), message
        if message["type"] == "snapshot":
            assert message["protocol"] == 1
            self.view = message["view"]
        return message

    async def until(self, condition: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        while not (self.view and condition(self.view)):
            await self._receive()
        return self.view

    async def command(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Send a command and return the newest view once it is committed (an ack)."""
        assert documented_command(kind), kind
        self.sent += 1
        command_id = f"{kind}-{self.sent}"
        await self.socket.send_json(
            {"type": "command", "command": {"type": kind, "id": command_id, **fields}}
        )
        while (answer := await self._receive())["type"] not in {"ack", "reject"}:
            pass
        assert answer["type"] == "ack", answer
        assert answer["id"] == command_id
        return await self.until(lambda view: view["version"] >= answer["version"])


def documented_message(kind: str) -> bool:
    return f'{{"type":"{kind}"' in PROTOCOL


def documented_command(kind: str) -> bool:
    return re.search(rf"`{kind}(`|\{{)", PROTOCOL) is not None


class Integrator:
    """A client of the JSON API that knows only the OpenAPI document."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, schema: Any) -> None:
        self.app = app
        self.client = client
        self.operations: dict[str, tuple[str, str, dict[str, Any]]] = {
            operation["operationId"]: (method.upper(), path, operation)
            for path, by_method in schema["paths"].items()
            for method, operation in by_method.items()
        }
        self.used: list[str] = []

    async def call(
        self, operation_id: str, *, token: str | None = None, body: Any = None, **path: str
    ) -> httpx.Response:
        assert operation_id in self.operations, f"{operation_id} is not in /openapi.json"
        method, template, operation = self.operations[operation_id]
        assert (token is not None) == ("security" in operation), operation_id
        self.used.append(operation_id)
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        response = await self.client.request(
            method, template.format(**path), json=body, headers=headers
        )
        assert str(response.status_code) in operation["responses"], (operation_id, response.text)
        return response

    async def ok(self, operation_id: str, **arguments: Any) -> Any:
        response = await self.call(operation_id, **arguments)
        assert response.is_success, (operation_id, response.text)
        return response.json()

    async def command(self, session_id: str, token: str, kind: str, **fields: Any) -> Any:
        assert documented_command(kind), kind
        command = {"type": kind, "id": f"{kind}-{len(self.used)}", **fields}
        await self.ok("send_command", session_id=session_id, token=token, body=command)
        return await self.ok("read_view", session_id=session_id, token=token)

    def socket(self, session_id: str, role: str) -> AbstractAsyncContextManager[InProcessSocket]:
        found = re.search(r"`ws\(s\)://HOST(/ws/sessions/\{session_id\}/\{role\})`", PROTOCOL)
        assert found, "docs/protocol.md names the websocket's URL"
        return in_process_websocket(self.app, found[1].format(session_id=session_id, role=role))


@pytest.fixture
async def integrator(tmp_path: Path) -> AsyncIterator[Integrator]:
    app = create_app(Settings(data_dir=tmp_path))
    async with client_of(app) as client:
        yield Integrator(app, client, (await client.get("/openapi.json")).json())


def first_stage_id(view: dict[str, Any], kind: str) -> str:
    return next(str(stage["id"]) for stage in view["stages"] if stage["kind"] == kind)


def phase(view: dict[str, Any]) -> str:
    return str(view["taking_time"]["phase"])


async def test_a_whole_session_through_the_documented_api(integrator: Integrator) -> None:
    api = integrator
    assert TEMPLATE in [t["key"] for t in await api.ok("list_templates")]
    created = await api.ok(
        "create_session",
        body={
            "title": "Tuesday evening",
            "group_name": "Riverside",
            "template_key": TEMPLATE,
            "facilitator_names": ["Sam", "Ana"],
        },
    )
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    as_a_groups_session(api.app, sid)

    # Joining by the code said in the room, and being let in.
    people = {
        name: await api.ok(
            "join_by_code", join_code=created["join_code"].lower(), body={"name": name}
        )
        for name in ("Priya", "Tom", "Mere")
    }
    assert {joined["session_id"] for joined in people.values()} == {sid}
    waiting = (await api.ok("read_view", session_id=sid, token=sam))["waiting_room"]
    assert [person["name"] for person in waiting] == ["Priya", "Tom", "Mere"]
    for person in waiting:
        await api.command(sid, sam, "admit", participant_id=person["id"])
    ids = {name: joined["participant_id"] for name, joined in people.items()}

    # A round over HTTP: Priya finishes herself, Tom passes, "share" from Sam is "next speaker".
    await api.command(sid, sam, "start_session")
    view = await api.command(sid, sam, "advance_stage")
    assert view["current_stage"]["kind"] == "round"
    view = await api.command(sid, sam, "start_round")
    assert view["speaker"]["name"] == "Priya"
    await api.command(sid, people["Priya"]["token"], "share")
    view = await api.command(sid, sam, "pass", participant_id=ids["Tom"])
    assert view["speaker"]["name"] == "Mere"
    view = await api.command(sid, sam, "share")
    assert view["speaker"] is None
    assert view["round"]["complete"] is True

    # Taking Time over the websocket, phase by phase as docs/protocol.md describes.
    async with (
        api.socket(sid, "facilitator") as console_socket,
        api.socket(sid, "participant") as phone_socket,
    ):
        console = await Screen.hello(console_socket, sam)
        phone = await Screen.hello(phone_socket, people["Priya"]["token"])
        assert (await console.command("advance_stage"))["current_stage"][
            "kind"
        ] == "invite_taking_time"
        await phone.command("offer_to_take_time")
        view = await console.command("advance_stage")
        assert (view["current_stage"]["kind"], phase(view)) == ("taking_time", "choosing")
        view = await console.command("choose_taker", participant_id=ids["Priya"])
        assert phase(view) == "taker_speaking"
        assert (await phone.until(lambda v: v["you"]["is_speaking"]))["you"]["is_taking_time"]
        assert phase(await phone.command("share")) == "agreeing_question"
        view = await console.command("set_agreed_question", question="What helps on the hard days?")
        assert view["taking_time"]["agreed_question"] == "What helps on the hard days?"
        view = await console.command("start_round")
        assert (phase(view), view["speaker"]["name"]) == ("sharing_round", "Tom")
        await console.command("share")
        view = await console.command("pass")
        assert phase(view) == "taker_reflection"
        assert view["speaker"]["name"] == "Priya"
        assert phase(await phone.command("share")) == "complete"
        view = await console.command("go_to_stage", stage_id=first_stage_id(view, "housekeeping"))
        assert view["current_stage"]["kind"] == "housekeeping"

    # Housekeeping: an action for the group's next meeting, then the end and the summary.
    action = {
        "kind": "seek_news",
        "detail": "Ask after Lee, who could not come",
        "peer_name": "Lee",
        "due_on": "2099-01-06",
    }
    recorded = await api.ok("record_action", session_id=sid, token=sam, body=action)
    assert recorded == {"id": recorded["id"], **action}
    assert (await api.command(sid, sam, "end_session"))["status"] == "ended"

    summary = await api.ok("summary_json", session_id=sid, token=sam)
    first_round = summary["rounds"][0]
    assert [turn["name"] for turn in first_round["turns"]] == ["Priya", "Tom", "Mere"]
    airtime = await api.call("summary_airtime_csv", session_id=sid, token=sam)
    assert airtime.headers["content-type"].startswith("text/csv")
    assert airtime.text.splitlines()[0].startswith("round,seat,name,spoken_s")
    for download in ("summary_stages_csv", "summary_changes_csv"):
        assert (await api.call(download, session_id=sid, token=sam)).status_code == 200
    assert set(api.used) >= {
        "list_templates",
        "create_session",
        "join_by_code",
        "read_view",
        "send_command",
        "record_action",
        "summary_json",
        "summary_airtime_csv",
    }
