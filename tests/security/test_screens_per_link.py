"""One person's link holds at most five open screens (issue 16, item 4).

Rule: after any sequence of screens opening and closing, a person's link has at most
`MAX_SCREENS_PER_LINK` open screens in a process, and the ones asked to close are always the
oldest; the room's link, handed by a facilitator to every screen in the room, is not capped.
"""

from __future__ import annotations

import contextlib
import json

from hypothesis import given
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.realtime.outbox import Outbox
from app.session.command_base import Role
from app.web.screens import MAX_SCREENS_PER_LINK, REPLACED, OpenScreens
from app.web.tokens import Grant
from tests.support.live_server import LiveServer, create_session, join

PRIYA = Grant(session_id="s", role=Role.PARTICIPANT, person_id="p-priya", token_version=1)
ROOM = Grant(session_id="s", role=Role.ROOM, person_id="room", token_version=1)


@given(st.lists(st.booleans(), max_size=40))
def test_a_link_keeps_its_newest_screens(steps: list[bool]) -> None:
    """Each step opens a screen (True) or closes the oldest still open (False)."""
    screens = OpenScreens()
    still_open: list[Outbox] = []
    for opens in steps:
        if opens:
            outbox = Outbox()
            screens.opened(PRIYA, outbox)
            still_open.append(outbox)
            told = [o for o in still_open if o.closing is not None]
            assert told in ([], still_open[:1])
            still_open = [o for o in still_open if o.closing is None]
        elif still_open:
            screens.closed(PRIYA, still_open.pop(0))
        assert screens.count(PRIYA) == len(still_open) <= MAX_SCREENS_PER_LINK


def test_the_room_link_is_not_capped() -> None:
    screens = OpenScreens()
    outboxes = [Outbox() for _ in range(3 * MAX_SCREENS_PER_LINK)]
    for outbox in outboxes:
        screens.opened(ROOM, outbox)
    assert all(outbox.closing is None for outbox in outboxes)


def said_hello(ws: ClientConnection, token: str) -> ClientConnection:
    ws.send(json.dumps({"type": "hello", "token": token}))
    assert json.loads(ws.recv(timeout=5))["type"] == "snapshot"
    return ws


def answers_a_ping(ws: ClientConnection) -> bool:
    ws.send(json.dumps({"type": "ping", "t0": 1.0}))
    return any(json.loads(ws.recv(timeout=5))["type"] == "pong" for _ in range(10))


def test_one_screen_too_many_closes_the_oldest_calmly(server: LiveServer) -> None:
    created = create_session(server)
    priya = join(server, created["session_id"], "Priya")
    url = f"{server.ws_base}/ws/sessions/{created['session_id']}/participant"
    with contextlib.ExitStack() as stack:
        oldest, *newest = [
            said_hello(stack.enter_context(connect(url)), priya["token"])
            for _ in range(MAX_SCREENS_PER_LINK + 1)
        ]
        with contextlib.suppress(ConnectionClosed):
            while True:
                oldest.recv(timeout=5)
        assert (oldest.close_code, oldest.close_reason) == (4409, REPLACED)
        assert all(answers_a_ping(ws) for ws in newest)
