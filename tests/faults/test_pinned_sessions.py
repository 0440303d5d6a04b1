"""Sessions pinned to processes by nginx (deploy/nginx.conf with a second `server` line): each
session's screens, pages and API calls land on one process, and when that process is killed
with `kill -9` they come back through the proxy on the other, with every version, in order."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live_server import LiveServer, free_port
from tests.support.nginx import Proxied, nginx_in_front
from tests.support.processes import Screen, Session, close_all, session_in_a_round

pytestmark = pytest.mark.anyio

SESSIONS = 6
PEOPLE = ("Priya", "Tom")
# nginx closes a screen's socket as soon as the process behind it is gone.
CLOSED_WITHIN_S = 10.0


@pytest.fixture
def proxy(servers: list[LiveServer], tmp_path: Path) -> Iterator[Proxied]:
    with nginx_in_front(tmp_path, [server.port for server in servers], free_port()) as proxied:
        yield proxied


def logged(server: LiveServer, event: str, session_id: str) -> int:
    """How often `server` logged `event` for this session (its JSON log lines)."""
    count = 0
    for line in server.log_path.read_text(errors="replace").splitlines():
        if session_id in line:
            fields = json.loads(line)
            count += fields.get("event") == event and fields.get("session_id") == session_id
    return count


def holder_of(servers: list[LiveServer], session_id: str, screens: int) -> LiveServer:
    """The one process holding every one of the session's screens."""
    holding = {server.port: logged(server, "connected", session_id) for server in servers}
    assert sorted(holding.values()) == [0, screens], f"screens spread over processes: {holding}"
    return next(server for server in servers if holding[server.port] == screens)


def open_room_page(proxy: Proxied, session: Session) -> None:
    """The room's link, then its page, as a browser opens them (the link's cookie)."""
    with proxy.api() as browser:
        link = browser.get(f"/enter/{session.room_token}")
        assert link.status_code == 303, link.text
        page = browser.get(link.headers["location"])
    assert page.status_code == 200, page.text


async def screens_of(proxy: Proxied, session: Session) -> list[Screen]:
    return [
        await Screen.open(proxy, "facilitator", session.id, session.facilitator_token(0)),
        await Screen.open(proxy, "room", session.id, session.room_token),
        await Screen.open(proxy, "participant", session.id, session.token_of("Tom")),
    ]


async def test_a_session_lives_on_one_process_and_moves_whole_when_it_is_killed(
    servers: list[LiveServer], proxy: Proxied
) -> None:
    sessions = [session_in_a_round(proxy, PEOPLE) for _ in range(SESSIONS)]
    for session in sessions:
        open_room_page(proxy, session)
    screens = {session.id: await screens_of(proxy, session) for session in sessions}
    every_screen = [screen for held in screens.values() for screen in held]
    try:
        holders = {session.id: holder_of(servers, session.id, 3) for session in sessions}
        # Its API calls and pages too (nginx's log names the process that answered each).
        by_session = [request for request in proxy.routed() if request.session_key]
        assert {request.session_key for request in by_session} == set(holders)
        for request in by_session:
            assert request.port == holders[request.session_key].port, request

        victim = holders[sessions[0].id]
        survivor = next(server for server in servers if server is not victim)
        moved = [session for session in sessions if holders[session.id] is victim]
        victim.kill()

        finals: dict[str, int] = {}
        for session in sessions:
            if session in moved:
                # Each screen sees its socket closed, and opens it again, as the pages do.
                for screen in screens[session.id]:
                    async with asyncio.timeout(CLOSED_WITHIN_S):
                        await screen.client.connection.wait_closed()
                    await screen.connect(proxy)
                    # Nothing happened in between: it picks up exactly where it was.
                    before, after = screen.connections[-2:]
                    assert after.versions_seen[0] == before.versions_seen[-1]
            facilitator, _room, tom = screens[session.id]
            assert (await tom.client.send_command("raise_hand"))["type"] == "ack"
            finals[session.id] = (await facilitator.client.send_command("share"))["version"]
        for session in sessions:
            for screen in screens[session.id]:
                await screen.reach(finals[session.id])
                screen.assert_in_order(finals[session.id])
            # The survivor holds them all now. The moved ones were not away long enough to count
            # as an outage: it was serving all along, the screens only had to reconnect.
            assert logged(survivor, "connected", session.id) == 3
            assert logged(victim, "connected", session.id) == (3 if session in moved else 0)
            assert logged(survivor, "outage_recorded", session.id) == 0
        with proxy.api() as api:
            for session in moved:
                view = api.get(
                    f"/api/sessions/{session.id}/view",
                    headers={"Authorization": f"Bearer {session.facilitator_token(0)}"},
                )
                assert view.status_code == 200, view.text
                assert view.json()["version"] == finals[session.id]
    finally:
        await close_all(every_screen)
