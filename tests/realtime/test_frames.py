"""The spliced JSON of a version's frames is exactly the views' own serialisation."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any

import pytest

from app.realtime import frames as frames_module
from app.realtime.frames import VersionFrames
from app.realtime.outbox import Outbox
from app.realtime.viewers import Format, Viewer
from app.session import commands as c
from app.session import views as views_module
from app.session.command_base import Role
from app.session.state import SessionState
from app.session.views import FacilitatorView, facilitator_view, view_for
from tests.support.engine import Driver
from tests.support.engine_machine import checked_after_every_step
from tests.support.frames import NOW, RECORD, StandInRenderer, render


def frames_of(state: SessionState) -> VersionFrames:
    return VersionFrames(state, RECORD, render, NOW)


def assert_every_frame_is_the_views_own(state: SessionState) -> None:
    frames = frames_of(state)
    for role, person in [
        (Role.FACILITATOR, ""),
        (Role.ROOM, ""),
        *[(Role.PARTICIPANT, p) for p in state.participants],
    ]:
        view = view_for(state, role, person or None, now=NOW)
        assert frames.view_json(role, person) == view.model_dump_json()


def test_a_round_in_progress_splices_each_phone_its_own_you() -> None:
    driver = Driver.weekly(participants=4)
    driver.ok(driver.sam, c.AdvanceStage)
    driver.ok(driver.sam, c.StartRound)
    driver.ok(driver.person(0), c.Pass)
    driver.ok(driver.person(1), c.RaiseHand)
    assert_every_frame_is_the_views_own(driver.state)
    frames = frames_of(driver.state)
    tom = json.loads(frames.view_json(Role.PARTICIPANT, driver.pid(1)))
    assert tom["you"]["is_speaking"] is True
    assert tom["you"]["hand_raised"] is True
    assert json.loads(frames.view_json(Role.ROOM, ""))["role"] == "room"


def test_each_distinct_message_is_made_once_per_version() -> None:
    driver = Driver.weekly(participants=2)
    frames = frames_of(driver.state)
    priya = Viewer(role=Role.PARTICIPANT, person_id=driver.pid(0), format="json")
    priya_again = Viewer(role=Role.PARTICIPANT, person_id=driver.pid(0), format="json")
    tom = Viewer(role=Role.PARTICIPANT, person_id=driver.pid(1), format="json")
    room_html = Viewer(role=Role.ROOM, person_id="", format="html", outbox=Outbox())
    assert frames.for_viewer(priya) is frames.for_viewer(priya_again)
    assert frames.for_viewer(priya) != frames.for_viewer(tom)
    message = json.loads(frames.for_viewer(tom))
    assert message["type"] == "snapshot"
    assert message["version"] == driver.state.version
    assert message["view"]["you"]["id"] == driver.pid(1)
    assert (
        frames.for_viewer(room_html)
        == f"<p id='room' lang='en'>ABC234 room {driver.state.version}</p>"
    )


def test_html_is_made_once_per_language_and_json_once_for_all() -> None:
    driver = Driver.weekly(participants=2)
    frames = frames_of(driver.state)

    def screen(format_: Format, language: str) -> Viewer:
        return Viewer(role=Role.ROOM, person_id="", format=format_, language=language)

    in_spanish = frames.for_viewer(screen("html", "es"))
    assert in_spanish.startswith("<p id='room' lang='es'>")
    assert frames.for_viewer(screen("html", "en")).startswith("<p id='room' lang='en'>")
    assert frames.for_viewer(screen("html", "es")) is in_spanish
    assert frames.for_viewer(screen("json", "es")) is frames.for_viewer(screen("json", "en"))


def test_the_console_view_is_built_once_for_both_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []

    def counted(state: SessionState, **kwargs: Any) -> FacilitatorView:
        built.append(state.version)
        return facilitator_view(state, **kwargs)

    # Wherever it is called from: directly, or through view_for().
    monkeypatch.setattr(frames_module, "facilitator_view", counted)
    monkeypatch.setattr(views_module, "facilitator_view", counted)
    driver = Driver.weekly(participants=2)
    frames = frames_of(driver.state)
    html = Viewer(role=Role.FACILITATOR, person_id=driver.sam.id, format="html", outbox=Outbox())
    json_screen = Viewer(role=Role.FACILITATOR, person_id=driver.ana.id, format="json")
    frames.for_viewer(html)
    message = json.loads(frames.for_viewer(json_screen))
    assert message["view"]["role"] == "facilitator"
    assert built == [driver.state.version]


# A long hypothesis run: in `make test`, not in the fast lane.
TestFramesUnderRandomUse = pytest.mark.slow(
    checked_after_every_step(assert_every_frame_is_the_views_own, examples=20, steps=60)
)


def phone(person: str, language: str = "en") -> Viewer:
    return Viewer(role=Role.PARTICIPANT, person_id=person, format="html", language=language)


def test_a_phone_is_offered_only_its_changed_panels_and_the_version() -> None:
    renderer = StandInRenderer()
    driver = Driver.weekly(participants=2)
    before = VersionFrames(driver.state, RECORD, renderer, NOW)
    priya, tom = phone(driver.pid(0)), phone(driver.pid(1))
    assert before.changes_for(priya) is None
    driver.ok(driver.person(1), c.StepOut)
    after = VersionFrames(driver.state, RECORD, renderer, NOW, previous=before)
    version = f"<p id='version' lang='en'>{driver.state.version}</p>"
    assert after.changes_for(priya) == version
    assert after.changes_for(tom) == f"{version}\n<p id='you' lang='en'>stepped_out</p>"


def test_equal_messages_are_one_str_and_unchanged_panels_are_not_rendered_again() -> None:
    renderer = StandInRenderer()
    driver = Driver.weekly(participants=3)
    before = VersionFrames(driver.state, RECORD, renderer, NOW)
    for index in range(3):
        before.for_viewer(phone(driver.pid(index)))
    # One version marker, one "present" panel: all three phones read the same.
    assert len(renderer.panels_rendered) == 2
    driver.ok(driver.person(2), c.StepOut)
    after = VersionFrames(driver.state, RECORD, renderer, NOW, previous=before)
    priya, tom = after.changes_for(phone(driver.pid(0))), after.changes_for(phone(driver.pid(1)))
    assert priya is tom
    assert after.for_viewer(phone(driver.pid(0))) is after.for_viewer(phone(driver.pid(1)))
    after.for_viewer(phone(driver.pid(2)))
    # The new version marker and the one "stepped_out" panel; "present" came from before.
    assert len(renderer.panels_rendered) == 4
    assert after.changes_for(phone(driver.pid(0), "es")) is not priya


def test_only_the_previous_version_is_held() -> None:
    driver = Driver.weekly(participants=1)
    first = VersionFrames(driver.state, RECORD, render, NOW)
    driver.ok(driver.person(0), c.StepOut)
    second = VersionFrames(driver.state, RECORD, render, NOW, previous=first)
    held_first = weakref.ref(first)
    del first
    driver.ok(driver.person(0), c.ComeBack)
    third = VersionFrames(driver.state, RECORD, render, NOW, previous=second)
    gc.collect()
    assert held_first() is None
    assert third.changes_for(phone(driver.pid(0))) is not None


def test_settled_frames_keep_their_panels_for_the_next_version_and_drop_the_messages() -> None:
    renderer = StandInRenderer()
    driver = Driver.weekly(participants=2)
    before = VersionFrames(driver.state, RECORD, renderer, NOW)
    priya, tom = phone(driver.pid(0)), phone(driver.pid(1))
    whole = before.for_viewer(priya)
    before.settle()
    driver.ok(driver.person(1), c.StepOut)
    after = VersionFrames(driver.state, RECORD, renderer, NOW, previous=before)
    rendered = len(renderer.panels_rendered)
    version = f"<p id='version' lang='en'>{driver.state.version}</p>"
    assert after.changes_for(priya) == version
    # Tom's panels of the version before were never made: made now, from that version's state.
    assert after.changes_for(tom) == f"{version}\n<p id='you' lang='en'>stepped_out</p>"
    assert len(renderer.panels_rendered) == rendered + 2
    assert before.for_viewer(priya) == whole
    assert before.for_viewer(priya) is not whole


def test_someone_new_since_the_version_before_is_offered_the_whole_page() -> None:
    driver = Driver.weekly(participants=1)
    before = VersionFrames(driver.state, RECORD, render, NOW)
    driver.ok(driver.person(1), c.Join, name="Mo")
    after = VersionFrames(driver.state, RECORD, render, NOW, previous=before)
    assert after.changes_for(phone(driver.pid(1))) is None
    json_screen = Viewer(role=Role.PARTICIPANT, person_id=driver.pid(0), format="json")
    assert after.changes_for(json_screen) is None


def outbox_that_was_sent_a_version() -> Outbox:
    outbox = Outbox()
    outbox.sink = lambda message, shared: True
    outbox.offer_snapshot("the version before")
    return outbox


def test_a_screen_that_takes_changes_is_sent_them_and_its_whole_page_is_not_made() -> None:
    renderer = StandInRenderer()
    driver = Driver.weekly(participants=2)
    before = VersionFrames(driver.state, RECORD, renderer, NOW)
    priya = Viewer(role=Role.PARTICIPANT, person_id=driver.pid(0), format="html", outbox=Outbox())
    # Never sent a version: the whole page.
    assert before.message_for(priya) == before.for_viewer(priya)
    priya.outbox = outbox_that_was_sent_a_version()
    driver.ok(driver.person(1), c.StepOut)
    after = VersionFrames(driver.state, RECORD, renderer, NOW, previous=before)
    joined: list[object] = []
    original_join = after._join

    def join(panels: Any) -> str:
        joined.append(panels)
        return original_join(panels)

    after._join = join  # type: ignore[method-assign]
    assert after.message_for(priya) == f"<p id='version' lang='en'>{driver.state.version}</p>"
    assert joined == []


def test_panels_a_screen_was_not_sent_are_kept_for_the_next_whole_page() -> None:
    renderer = StandInRenderer()
    driver = Driver.weekly(participants=2)
    first = VersionFrames(driver.state, RECORD, renderer, NOW)
    priya = phone(driver.pid(0))
    first.for_viewer(priya)
    first.settle()
    driver.ok(driver.person(1), c.StepOut)
    second = VersionFrames(driver.state, RECORD, renderer, NOW, previous=first)
    # Only the changes went: Priya's own panel was not rendered for this version.
    assert second.changes_for(priya) is not None
    second.settle()
    driver.ok(driver.person(1), c.ComeBack)
    third = VersionFrames(driver.state, RECORD, renderer, NOW, previous=second)
    rendered = len(renderer.panels_rendered)
    third.for_viewer(priya)
    # Only the new version marker: her unchanged panel came along from the first version.
    assert [panel.template for panel in renderer.panels_rendered[rendered:]] == ["version"]
