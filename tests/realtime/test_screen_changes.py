"""A screen sent only what changed ends up with the very page a fresh load shows.

The rule: swapping a version's changes (each top-level element for the element with its id,
wherever that sits, as htmx-ext-ws does) into the page of the version before gives, byte for
byte, the new version's whole page. Tested on every step of random sessions for the console in
both languages and for every phone, and, for the console, that a version sends less than the
whole page where little changed.
"""

from __future__ import annotations

from hypothesis.stateful import invariant

from app.realtime.frames import VersionFrames
from app.realtime.schedules import ScheduleCache
from app.realtime.viewers import Viewer
from app.session import commands as c
from app.session.command_base import CommandBase, Role
from app.session.state import SessionState, SessionStatus
from tests.realtime.test_console_panels import RENDERER, a_round_in_progress
from tests.support.engine import Driver, engine_settings
from tests.support.engine_machine import EngineMachine
from tests.support.frames import NOW, RECORD
from tests.support.screens import Screen, top_level


def screens_of(state: SessionState) -> list[Viewer]:
    consoles = [
        Viewer(role=Role.FACILITATOR, person_id="", format="html", language=language)
        for language in ("en", "es")
    ]
    phones = [
        Viewer(role=Role.PARTICIPANT, person_id=person, format="html")
        for person in state.participants
    ]
    return consoles + phones


def frames_of(state: SessionState, previous: VersionFrames | None = None) -> VersionFrames:
    return VersionFrames(state, RECORD, RENDERER, NOW, ScheduleCache(), previous=previous)


def assert_changes_make_the_whole_page(before: VersionFrames, after: VersionFrames) -> None:
    # The changes first, as the hub makes them for a screen that showed the version before:
    # without this version's whole pages.
    changes = {viewer.view_key: after.changes_for(viewer) for viewer in screens_of(after._state)}
    for viewer in screens_of(after._state):
        diff = changes[viewer.view_key]
        if diff is None:
            assert viewer.role is Role.PARTICIPANT
            assert viewer.person_id not in before._state.participants
            continue
        screen = Screen(before.for_viewer(viewer))
        screen.swap_in(diff)
        assert screen.html == after.for_viewer(viewer), viewer.view_key


def console_changes(
    driver: Driver, act: type[CommandBase], person: int | None, **fields: str
) -> dict[str, str]:
    """The console's elements sent after `act`, by id, checked to make the whole page."""
    before = frames_of(driver.state)
    driver.ok(driver.sam if person is None else driver.person(person), act, **fields)
    after = frames_of(driver.state, before)
    assert_changes_make_the_whole_page(before, after)
    diff = after.changes_for(Viewer(role=Role.FACILITATOR, person_id="", format="html"))
    assert diff is not None
    return top_level(diff)


def test_a_hand_raised_sends_the_alerts_the_signals_and_that_persons_row() -> None:
    driver = a_round_in_progress()
    sent = console_changes(driver, c.RaiseHand, 3)
    assert set(sent) == {
        "live-version",
        "console-alerts",
        "signals-panel",
        "schedule-block",
        f"person-{driver.pid(3)}",
    }


def test_the_next_speaker_leaves_the_agenda_the_waiting_room_and_the_session_alone() -> None:
    sent = console_changes(a_round_in_progress(), c.Pass, 1)
    assert {"live-version", "turn-panel", "round-panel"} <= set(sent)
    assert not set(sent) & {"agenda-panel", "waiting-panel", "session-panel", "paused-panel"}


def test_a_speakers_clock_paused_sends_its_rows_not_the_stage_or_turn_panel_whole() -> None:
    sent = console_changes(a_round_in_progress(), c.PauseTimer, None)
    assert set(sent) == {
        "live-version",
        "turn-time",
        "turn-controls",
        "schedule-block",
        "stage-foot",
    }
    assert "Resume" in sent["turn-controls"]
    assert "Last change:" in sent["stage-foot"]


def phone_changes(driver: Driver, act: type[CommandBase], person: int | None) -> list[set[str]]:
    """Each phone's elements sent after `act`, by id, checked to make the whole page."""
    before = frames_of(driver.state)
    driver.ok(driver.sam if person is None else driver.person(person), act)
    after = frames_of(driver.state, before)
    assert_changes_make_the_whole_page(before, after)
    sent = []
    for person_id in driver.state.participants:
        viewer = Viewer(role=Role.PARTICIPANT, person_id=person_id, format="html")
        diff = after.changes_for(viewer)
        assert diff is not None
        sent.append(set(top_level(diff)))
    return sent


def test_a_speakers_clock_paused_sends_other_phones_only_that_clock() -> None:
    driver = a_round_in_progress()
    speaking = driver.speaker()
    assert speaking is not None
    speaker = list(driver.state.participants).index(speaking)
    sent = phone_changes(driver, c.PauseTimer, None)
    # The speaker's own panel holds their clock and its pause button.
    assert sent.pop(speaker) == {"live-version", "you-panel"}
    assert sent
    assert all(ids == {"live-version", "speaker-time"} for ids in sent), sent


def test_pausing_fills_the_paused_panels_place_and_carrying_on_empties_it() -> None:
    driver = a_round_in_progress()
    paused = console_changes(driver, c.PauseSession, None)
    assert "Everything is paused" in paused["paused-panel"]
    resumed = console_changes(driver, c.ResumeSession, None)
    assert resumed["paused-panel"] == '<section id="paused-panel" hidden></section>'


def test_someone_let_in_sends_the_people_panel_whole_and_leaves_the_agenda_alone() -> None:
    driver = a_round_in_progress()
    driver.ok(driver.person(5), c.Join, name="Newcomer")
    sent = console_changes(driver, c.Admit, None, participant_id=driver.pid(5))
    assert f"person-{driver.pid(5)}" in sent["people-panel"]
    assert "agenda-panel" not in sent


def test_a_console_that_missed_a_leaving_and_a_letting_in_gets_the_people_panel_whole() -> None:
    """Catching up with commits made elsewhere can jump versions: as many people listed as
    before, but not the same people."""
    driver = a_round_in_progress()
    driver.ok(driver.person(5), c.Join, name="Newcomer")
    before = frames_of(driver.state)
    driver.ok(driver.person(3), c.Leave)
    driver.ok(driver.sam, c.Admit, participant_id=driver.pid(5))
    after = frames_of(driver.state, before)
    assert_changes_make_the_whole_page(before, after)
    diff = after.changes_for(Viewer(role=Role.FACILITATOR, person_id="", format="html"))
    assert diff is not None
    assert "people-panel" in top_level(diff)


class ScreenChangesMachine(EngineMachine):
    def __init__(self) -> None:
        super().__init__()
        self._frames: VersionFrames | None = None

    @invariant()
    def changes_make_the_whole_page(self) -> None:
        if self.state.status is SessionStatus.NEW:
            return
        frames = frames_of(self.state, self._frames)
        if self._frames is not None:
            assert_changes_make_the_whole_page(self._frames, frames)
        for viewer in screens_of(self.state):
            frames.for_viewer(viewer)
        self._frames = frames


ScreenChangesMachine.TestCase.settings = engine_settings(10, stateful_step_count=40)
TestScreenChangesUnderRandomUse = ScreenChangesMachine.TestCase
