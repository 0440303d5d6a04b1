"""The room view's panels (templates/live/room/) and the names each one reads, derived from the
room's view exactly as templates/live/room.html derives them for the whole page
(tests/realtime/test_room_panels.py holds the two to the same bytes).

The page is two elements: the version marker and the scene. The scene opens with its design
(`data-scene`), and holds the note of a session-wide pause, what the moment shows (how the
session stands, the stage, Taking Time), who is speaking and who is next. The note, the speaker
and who is next are rows (app/realtime/panels.py): a speaker's clock paused, a hand raised or
a turn passed sends the room the version marker and the rows that changed, rendered once, not
the scene whole.
"""

from __future__ import annotations

from app.realtime.panels import Panel
from app.session.state import SessionStatus
from app.session.views import RoomView
from app.store.live_sessions import LiveSessionRecord

PANEL_DIR = "live/room/"
BETWEEN = "\n\n"


def room_panels(view: RoomView, record: LiveSessionRecord, language: str) -> tuple[Panel, ...]:
    scene = view.screen.scene
    is_live = view.status == SessionStatus.LIVE
    quiet = not view.show_numbers
    round_ = view.round

    def panel(name: str, lead: str, **inputs: object) -> Panel:
        return Panel(f"{PANEL_DIR}{name}.html", language, lead, inputs)

    def part(name: str, lead: str, row: str = "", **inputs: object) -> Panel:
        """A panel continuing the scene (a row of it, if named)."""
        return Panel(f"{PANEL_DIR}{name}.html", language, lead, inputs, inside=True, row=row)

    return (
        panel(
            "version", "", version=view.version, status=view.status, server_away=view.server_away
        ),
        panel("scene", BETWEEN, scene=scene),
        part("paused", "\n", row="paused-note", is_live=is_live, paused_since=view.paused_since),
        part(
            "scene_body",
            "",
            scene=scene,
            is_live=is_live,
            stage=view.current_stage,
            tt=view.taking_time,
            quiet=quiet,
            join_code=record.join_code,
            back_at=view.screen.back_at,
            time_zone=view.screen.time_zone,
        ),
        part(
            "speaker",
            BETWEEN,
            row="room-speaker",
            is_live=is_live,
            speaker=view.speaker,
            scene=scene,
            round_done=bool(round_ and round_.started and round_.complete),
            quiet=quiet,
        ),
        part(
            "next",
            BETWEEN,
            row="room-next",
            is_live=is_live,
            scene=scene,
            up_next=view.up_next,
            round=round_,
        ),
        part("scene_end", "\n"),
    )
