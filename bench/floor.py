"""Peer Rounds with its screens' messages made for free: the floor under any view or rendering
work, for bench/load.py --floor.

Run inside the server process by bench/server_probe.py when PROBE_FLOOR is set. Everything of a
command's path stays as `serve` runs it — the socket, the hello or cookie, decide and evolve,
the commit through the writer, the hub, each screen's outbox, frames written once (and deflated
once) for every screen — except making the messages: a screen's message for a version is the
one the real frames made for the same screen on a version of the same parity, with the version
number put in (as bench/bare_html.py does; pause_timer and resume_timer alternate, so each
parity is one of the two states the load takes a session through). A screen's messages are
made for real until one of each parity is kept (for an HTML screen, one with its changes only,
which a version needs the one before it for); from then on nothing is built, rendered or
compared.

So `floor / bare` is what Peer Rounds costs with views, panels and templates free, and
`Peer Rounds / floor` is what they cost: the part of a ratio target that view work can reach.
"""

from __future__ import annotations

import re
from typing import Any

from app.realtime.hub import SessionHub
from app.realtime.viewers import Viewer

VERSION_SLOT = "\x00version\x00"
# What a kept message is for: a session, a screen (its view key) and a version's parity.
Kept = tuple[str, Any, int]


def version_marks(version: int) -> re.Pattern[str]:
    """Where a message names its version: the HTML marker and the JSON snapshot's field (and
    the view's own), not other numbers that happen to be equal."""
    return re.compile(f'(data-version="|"version":){version}(?=[",}}])')


def slotted(message: str, version: int) -> str:
    return version_marks(version).sub(lambda found: found.group(1) + VERSION_SLOT, message)


class FloorPublisher:
    """SessionHub.publish with each screen's message taken from what the real frames made for
    it two versions before (see the module's docstring)."""

    def __init__(self) -> None:
        # (whole message, changes only), version slotted, by what they are kept for.
        self.made: dict[Kept, tuple[str, str | None]] = {}

    def publish(self, hub: SessionHub) -> None:
        version = hub.state.version
        viewers = [
            (viewer, (hub.record.id, viewer.view_key, version % 2)) for viewer in hub._viewers
        ]
        if not viewers or any(key not in self.made for _viewer, key in viewers):
            self.publish_for_real(hub, viewers)
            return
        number = str(version)
        # One str per distinct message, as the real frames give screens with equal panels.
        filled: dict[str, str] = {}

        def fill(template: str) -> str:
            text = filled.get(template)
            if text is None:
                text = filled[template] = template.replace(VERSION_SLOT, number)
            return text

        for viewer, key in viewers:
            full, diff = self.made[key]
            changes = diff if viewer.outbox.takes_changes else None
            viewer.outbox.offer_snapshot(fill(full if changes is None else changes))

    def publish_for_real(self, hub: SessionHub, viewers: list[tuple[Viewer, Kept]]) -> None:
        """As `serve` publishes (a version with nobody watching too, as the versions that set
        a session up are: the next one is compared with it), keeping each screen's messages."""
        version = hub.state.version
        frames = hub._last_frames = hub._frames(previous=hub._last_frames)
        for viewer, key in viewers:
            # Both kept, whichever this screen takes now: the next time it may take the other.
            full, changes = frames.for_viewer(viewer), frames.changes_for(viewer)
            viewer.outbox.offer_snapshot(frames.message_for(viewer))
            if changes is not None:
                self.made[key] = (slotted(full, version), slotted(changes, version))
            elif viewer.format == "json":
                self.made[key] = (slotted(full, version), None)
        frames.settle()


def install() -> None:
    publisher = FloorPublisher()

    def publish(hub: SessionHub) -> None:
        publisher.publish(hub)

    setattr(SessionHub, "publish", publish)  # noqa: B010
