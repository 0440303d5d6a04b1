"""The console's panels, each rendered from only the view's fields it is given, make the very
bytes of templates/live/console.html rendered whole (tested on every step of random sessions in
both languages), and a version remakes only the panels whose fields changed."""

from __future__ import annotations

import pytest

from app.agenda.carry_over import ACTION_LABELS
from app.realtime.frames import VersionFrames
from app.realtime.panels import MadePanels, Panel
from app.realtime.schedules import ScheduleCache
from app.realtime.viewers import Viewer
from app.session import commands as c
from app.session.command_base import CommandBase, Role
from app.session.state import SessionState
from app.session.views import (
    AnyView,
    FacilitatorView,
    PublicView,
    RoomView,
    You,
    facilitator_view,
    view_for,
)
from app.store.live_sessions import LiveSessionRecord
from app.web.console_panels import FIELDS
from app.web.languages import LOCALES_DIR, Languages
from app.web.rendering import FragmentRenderer, PanelReadsTooMuch, make_templates
from tests.support.engine import Driver
from tests.support.engine_machine import checked_after_every_step
from tests.support.frames import NOW, RECORD


def console_renderer() -> FragmentRenderer:
    templates = make_templates()
    # As app/web/groups/routes.py installs it: the housekeeping form's kinds.
    templates.env.globals["action_kinds"] = ACTION_LABELS
    return FragmentRenderer(templates, Languages.from_directory(LOCALES_DIR))


RENDERER = console_renderer()
LANGUAGES = ("en", "es")


def assert_panels_make_the_whole_console(state: SessionState) -> None:
    view = view_for(state, Role.FACILITATOR, None, now=NOW)
    assert isinstance(view, FacilitatorView)
    for language in LANGUAGES:
        whole = RENDERER(view, RECORD, language)
        panels = RENDERER.console_panels(view, RECORD, language)
        assert "".join(RENDERER.render_panel(p) for p in panels) == whole


class CountingRenderer:
    def __init__(self) -> None:
        self.rendered: list[str] = []

    def __call__(self, view: AnyView, record: LiveSessionRecord, language: str) -> str:
        return RENDERER(view, record, language)

    def panels(
        self, view: PublicView, you: You, language: str, made: MadePanels | None = None
    ) -> tuple[Panel, ...]:
        return RENDERER.panels(view, you, language, made)

    def console_panels(
        self, view: FacilitatorView, record: LiveSessionRecord, language: str
    ) -> tuple[Panel, ...]:
        return RENDERER.console_panels(view, record, language)

    def room_panels(
        self, view: RoomView, record: LiveSessionRecord, language: str
    ) -> tuple[Panel, ...]:
        return RENDERER.room_panels(view, record, language)

    def render_panel(self, panel: Panel) -> str:
        self.rendered.append(panel.template.removeprefix("live/console/").removesuffix(".html"))
        return RENDERER.render_panel(panel)


def rendered_after(
    driver: Driver, act: type[CommandBase], person: int | None, seconds_later: float = 0.0
) -> list[str]:
    """The console panels rendered for the version after `act`, the version before published
    `seconds_later` before it."""
    renderer = CountingRenderer()
    console = Viewer(role=Role.FACILITATOR, person_id="", format="html")
    schedules = ScheduleCache()
    before = VersionFrames(driver.state, RECORD, renderer, NOW, schedules)
    before.for_viewer(console)
    before.settle()
    driver.ok(driver.sam if person is None else driver.person(person), act)
    renderer.rendered.clear()
    now = NOW + seconds_later
    after = VersionFrames(driver.state, RECORD, renderer, now, schedules, previous=before)
    assert after.for_viewer(console) == RENDERER(after._console, RECORD, "en")
    return renderer.rendered


def a_round_in_progress() -> Driver:
    driver = Driver.weekly(participants=4)
    driver.ok(driver.sam, c.AdvanceStage)
    driver.ok(driver.sam, c.StartRound)
    driver.ok(driver.person(0), c.Pass)
    return driver


def test_a_round_in_progress_is_its_panels_in_both_languages() -> None:
    driver = a_round_in_progress()
    driver.ok(driver.person(1), c.RaiseHand)
    driver.ok(driver.person(2), c.RequestSupport)
    assert_panels_make_the_whole_console(driver.state)


def test_a_hand_raised_remakes_only_the_panels_that_show_hands() -> None:
    rendered = rendered_after(a_round_in_progress(), c.RaiseHand, 3)
    assert sorted(rendered) == ["alerts", "person", "signals", "version"]


def test_the_next_speaker_leaves_the_agenda_and_the_waiting_room_alone() -> None:
    rendered = set(rendered_after(a_round_in_progress(), c.Pass, 1))
    assert {"version", "turn", "round", "person"} <= rendered
    assert not rendered & {"agenda", "waiting", "session", "paused", "alerts", "people_foot"}


def test_a_late_schedule_is_made_anew_when_its_minutes_change_not_its_seconds() -> None:
    """Four minutes late at NOW and still at NOW + 20 s (+4 min shown): the block is the same,
    though the projection moved 20 s. At NOW + 100 s it says +5 min."""
    late = facilitator_view(a_round_in_progress().state, now=NOW).schedule
    assert late is not None
    assert not late.on_time
    assert late.minutes_off == 4
    assert "schedule" not in rendered_after(a_round_in_progress(), c.RaiseHand, 3, 20.0)
    assert "schedule" in rendered_after(a_round_in_progress(), c.RaiseHand, 3, 100.0)


def test_a_panel_that_reads_a_field_it_is_not_given_is_refused() -> None:
    renderer = console_renderer()
    without_stepped_out = {"status": "live", "facilitators": [], "present_count": 1}
    session = Panel(
        "live/console/session.html",
        "en",
        "",
        {"view": {**without_stepped_out, "settings": None}, "session": {"id": "s"}},
    )
    with pytest.raises(PanelReadsTooMuch, match="stepped_out_count"):
        renderer.render_panel(session)


def test_a_field_read_by_an_included_template_counts_too() -> None:
    renderer = console_renderer()
    _lead, fields = FIELDS["group_notes"]
    without_promises = {field: None for field in fields if field != "promises"}
    notes = Panel(
        "live/console/group_notes.html",
        "en",
        "",
        {"view": without_promises, "session": {"id": "s"}},
    )
    with pytest.raises(PanelReadsTooMuch, match="promises"):
        renderer.render_panel(notes)


TestConsolePanelsUnderRandomUse = checked_after_every_step(
    assert_panels_make_the_whole_console, examples=10, steps=40
)
