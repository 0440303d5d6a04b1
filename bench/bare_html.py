"""The bare fan-out baseline (../shared/bench/ws_baseline.py) sending what browsers get from
Peer Rounds: the same HTML fragments, byte for byte but for the version number.

    python bench/bare_html.py PORT FRAGMENTS.json

FRAGMENTS.json (written by bench/load.py from a Peer Rounds session before the runs) holds, per
screen of a session (`facilitator/0`, `room/0`, `participant/0` ... `participant/10`), the whole
page the screen got when it connected, then the two messages it got for a version: on
resume_timer and on pause_timer (a phone's carry only the panels that changed), with the version
marker's number replaced by VERSION_SLOT. A socket connects to `/s<session>/<screen>` and is
sent its screen's whole page; then any message on a session bumps its version and every socket
of the session is sent its own screen's message for that version (resumed and paused
alternating, as pause_timer / resume_timer do). permessage-deflate is negotiated when the client
offers it (websockets' default: each socket's frames compressed in a context of its own, which
Peer Rounds gave up to compress a frame once for every socket; bench/README.md). No persistence,
no auth, no rendering: the floor for browser-real viewers.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from websockets.asyncio.server import ServerConnection, broadcast, serve

VERSION_SLOT = "{version}"


class Fragments:
    """Per screen: its whole page first, then what it is sent for a version, alternating."""

    def __init__(self, by_screen: dict[str, list[str]]) -> None:
        self.by_screen = by_screen

    def whole(self, screen: str, version: int) -> str:
        return self.by_screen[screen][0].replace(VERSION_SLOT, str(version))

    def for_version(self, screen: str, version: int) -> str:
        variants = self.by_screen[screen][1:]
        return variants[version % len(variants)].replace(VERSION_SLOT, str(version))


class Session:
    def __init__(self) -> None:
        self.version = 0
        self.screens: dict[str, set[ServerConnection]] = {}

    def publish(self, fragments: Fragments) -> None:
        for screen, members in self.screens.items():
            broadcast(members, fragments.for_version(screen, self.version))


SESSIONS: dict[str, Session] = {}


def handler_for(fragments: Fragments) -> Callable[[ServerConnection], Awaitable[None]]:
    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        session_id, _, screen = ws.request.path.lstrip("/").partition("/")
        session = SESSIONS.setdefault(session_id, Session())
        members = session.screens.setdefault(screen, set())
        members.add(ws)
        try:
            await ws.send(fragments.whole(screen, session.version))
            async for _message in ws:
                session.version += 1
                session.publish(fragments)
        finally:
            members.discard(ws)

    return handler


async def main(port: int, fragments_path: str) -> None:
    fragments = Fragments(json.loads(await asyncio.to_thread(Path(fragments_path).read_text)))
    async with serve(
        handler_for(fragments),
        "127.0.0.1",
        port,
        max_size=2**16,
        ping_interval=None,
    ):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
