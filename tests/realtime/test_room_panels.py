"""The room view's panels, each rendered from only its names, make the very bytes of
templates/live/room.html rendered whole, tested on every step of random sessions in both
languages; and a room sent only what changed gets only the rows that did."""

from __future__ import annotations

from app.realtime.viewers import Viewer
from app.session import commands as c
from app.session.command_base import CommandBase, Role
from app.session.state import SessionState
from app.session.views import RoomView, view_for
from tests.realtime.test_console_panels import RENDERER, a_round_in_progress
from tests.realtime.test_screen_changes import frames_of
from tests.support.engine_machine import checked_after_every_step
from tests.support.frames import RECORD
from tests.support.screens import Screen, top_level

LANGUAGES = ("en", "es")


def assert_panels_make_the_whole_room(state: SessionState) -> None:
    view = view_for(state, Role.ROOM)
    assert isinstance(view, RoomView)
    for language in LANGUAGES:
        panels = RENDERER.room_panels(view, RECORD, language)
        joined = "".join(RENDERER.render_panel(panel) for panel in panels)
        assert joined == RENDERER(view, RECORD, language)


def room_changes(act: type[CommandBase], person: int | None = None) -> dict[str, str]:
    """The room's elements sent after `act` (by a facilitator, or that person), checked to make
    the whole page."""
    driver = a_round_in_progress()
    before = frames_of(driver.state)
    driver.ok(driver.sam if person is None else driver.person(person), act)
    after = frames_of(driver.state, before)
    room = Viewer(role=Role.ROOM, person_id="", format="html")
    changes = after.changes_for(room)
    assert changes is not None
    screen = Screen(before.for_viewer(room))
    screen.swap_in(changes)
    assert screen.html == after.for_viewer(room)
    return top_level(changes)


def test_a_speakers_clock_paused_sends_the_room_its_speaker_only() -> None:
    sent = room_changes(c.PauseTimer)
    assert set(sent) == {"live-version", "room-speaker"}
    assert "Taking a moment" in sent["room-speaker"]


def test_the_next_speaker_sends_the_speaker_and_who_is_next_not_the_scene() -> None:
    sent = room_changes(c.Pass, 1)
    assert set(sent) == {"live-version", "room-speaker", "room-next"}


def test_a_hand_raised_sends_the_room_its_version_marker_only() -> None:
    # The room shows no hands: nothing of it is made anew.
    assert set(room_changes(c.RaiseHand, 2)) == {"live-version"}


def test_everything_paused_sends_the_scene_whole() -> None:
    # The stage's clock stopped too, and what the scene shows of the stage reads it.
    assert set(room_changes(c.PauseSession)) == {"live-version", "room-scene"}


TestRoomPanelsUnderRandomUse = checked_after_every_step(
    assert_panels_make_the_whole_room, examples=8, steps=40
)
