"""No input answers with a 5xx, drops a socket without a close, or writes a traceback.

Each case here once did (issue 16, item 5): a binary frame before hello (KeyError, no close
frame); a lone surrogate in a command id (1011 while writing the refusal); NaN, Infinity and
lone surrogates in a JSON body (500: the validation answer echoed them); an Origin that is not a
URL (500 in the form check); a text frame that is not UTF-8 (an error and its traceback in the
log); `change_settings` with Infinity (a 500).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.sync.client import ClientConnection, connect

from app.web.security import same_origin
from tests.support.api import bearer, new_session
from tests.support.live_server import LiveServer, create_session, running_server

# Bodies that Python's json reads but that are not JSON a server can answer about.
NOT_STRICT_JSON = [
    pytest.param('{"minimum_share_s": Infinity}', id="infinity"),
    pytest.param('{"minimum_share_s": -Infinity}', id="minus-infinity"),
    pytest.param('{"minimum_share_s": NaN}', id="nan"),
    pytest.param('{"minimum_share_s": 1e400}', id="overflowing-float"),
    pytest.param('{"minimum_share_s": 60, "note": "\\ud800"}', id="lone-surrogate-value"),
    pytest.param('{"minimum_share_s": 60, "\\udfff": 1}', id="lone-surrogate-key"),
]


# --- the JSON API ------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("settings", NOT_STRICT_JSON)
async def test_change_settings_with_odd_numbers_or_text_is_a_422(
    api: httpx.AsyncClient, settings: str
) -> None:
    created = await new_session(api)
    command = f'{{"type": "change_settings", "id": "{uuid.uuid4()}", "settings": {settings}}}'
    response = await api.post(
        f"/api/sessions/{created['session_id']}/commands",
        content=command,
        headers={**bearer(created["facilitators"][0]["token"]), "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["type"] == "json_invalid"


@pytest.mark.anyio
@pytest.mark.parametrize("body", NOT_STRICT_JSON)
async def test_creating_a_session_from_odd_json_is_a_422(api: httpx.AsyncClient, body: str) -> None:
    response = await api.post(
        "/api/sessions", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text


# --- the form check ----------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("origin", ["http://[::1", "http://[", "https://[::1]x"])
async def test_an_origin_that_is_not_a_url_is_a_calm_403(
    api: httpx.AsyncClient, origin: str
) -> None:
    response = await api.post("/sessions", data={"title": "T"}, headers={"Origin": origin})
    assert response.status_code == 403
    assert "Please use Peer Rounds itself" in response.text


@given(url=st.text(), host=st.none() | st.text())
def test_same_origin_is_total(url: str, host: str | None) -> None:
    assert same_origin(url, host, "http://127.0.0.1:8000") in (True, False)
    assert same_origin("http://" + url, host, "http://127.0.0.1:8000") in (True, False)


# --- the websocket, against a real server (whose log is read) ---------------------------------


@pytest.fixture(scope="module")
def odd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("odd-input")) as live:
        yield live
        log = live.log_path.read_text()
    assert "Traceback" not in log
    assert '"level": "error"' not in log


def facilitator_socket(server: LiveServer) -> tuple[str, str]:
    created = create_session(server)
    url = f"{server.ws_base}/ws/sessions/{created['session_id']}/facilitator"
    return url, str(created["facilitators"][0]["token"])


def closed_with(ws: ClientConnection) -> tuple[int | None, str | None]:
    try:
        while True:
            ws.recv(timeout=5)
    except ConnectionClosed:
        return ws.close_code, ws.close_reason


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(b"\x00\x01", id="binary"),
        pytest.param(b"", id="empty-binary"),
        pytest.param('{"type": "hello", "token": "\\ud800"}', id="lone-surrogate-token"),
        pytest.param('{"type": "hello", "token": "t", "last_version": NaN}', id="nan"),
        pytest.param('{"type": "hello", "last_version": 1e999}', id="overflowing-float"),
        pytest.param("[" * 5000 + "]" * 5000, id="nested"),
    ],
)
def test_anything_before_hello_is_a_calm_4401(odd_server: LiveServer, first: str | bytes) -> None:
    url, _token = facilitator_socket(odd_server)
    with connect(url) as ws:
        ws.send(first)
        assert closed_with(ws) == (4401, "Start with a hello message carrying your token.")


def answers_a_ping(ws: ClientConnection) -> bool:
    ws.send(json.dumps({"type": "ping", "t0": 1.5}))
    for _ in range(10):
        message = json.loads(ws.recv(timeout=5))
        if message["type"] == "pong":
            return True
    return False


@pytest.mark.parametrize(
    "said",
    [
        pytest.param('{"type": "command", "command": {"type": "x", "id": "\\ud800"}}', id="id"),
        pytest.param(
            '{"type": "command", "command": {"type": "add_stage", "id": "a", "title": "\\udc00"}}',
            id="title",
        ),
        pytest.param(
            '{"type": "command", "command": {"type": "change_settings", "id": "b",'
            ' "settings": {"minimum_share_s": Infinity}}}',
            id="infinity",
        ),
        pytest.param('{"type": "ping", "t0": 1e400}', id="overflowing-ping"),
    ],
)
def test_odd_json_after_hello_is_answered_and_the_socket_stays(
    odd_server: LiveServer, said: str
) -> None:
    url, token = facilitator_socket(odd_server)
    with connect(url) as ws:
        ws.send(json.dumps({"type": "hello", "token": token}))
        ws.send(said)
        replies: list[dict[str, Any]] = []
        while not replies or replies[-1]["type"] == "snapshot":
            replies.append(json.loads(ws.recv(timeout=5)))
        assert replies[-1]["type"] == "error", replies[-1]
        assert replies[-1]["message"].startswith("Messages must be JSON")
        assert answers_a_ping(ws)


def test_a_text_frame_that_is_not_utf8_is_closed_and_logged_once_as_a_warning(
    odd_server: LiveServer,
) -> None:
    url, token = facilitator_socket(odd_server)
    with connect(url) as ws:
        ws.send(json.dumps({"type": "hello", "token": token}))
        ws.recv(timeout=5)
        with ws.protocol_mutex:
            ws.protocol.send_frame(Frame(Opcode.TEXT, b"\xff\xfe not utf-8"))
            ws.send_data()
        assert closed_with(ws)[0] == 1007
    lines = [
        json.loads(line)
        for line in odd_server.log_path.read_text().splitlines()
        if "Invalid UTF-8" in line
    ]
    assert len(lines) == 1
    assert lines[0]["level"] == "warning"
    assert "exception" not in lines[0]


def test_the_form_check_holds_for_a_real_request_line(odd_server: LiveServer) -> None:
    with httpx.Client(base_url=odd_server.base_url) as client:
        response = client.post("/sessions", data={"t": "1"}, headers={"Origin": "http://[::1"})
    assert response.status_code == 403
