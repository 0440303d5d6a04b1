"""A phone's panels, each rendered from only its key's inputs, make the very bytes of
templates/live/participant.html rendered whole: the rule "a panel's key holds everything its
template reads", tested on every step of random sessions in both languages."""

from __future__ import annotations

import pytest

from app.realtime.panels import MadePanels, Panel
from app.session import commands as c
from app.session.command_base import Role
from app.session.state import SessionState
from app.session.views import ParticipantView, view_for
from app.web.languages import LOCALES_DIR, Languages
from app.web.rendering import FragmentRenderer, PanelReadsTooMuch, make_templates
from tests.support.engine import Driver
from tests.support.engine_machine import checked_after_every_step
from tests.support.frames import RECORD

RENDERER = FragmentRenderer(make_templates(), Languages.from_directory(LOCALES_DIR))
LANGUAGES = ("en", "es")


def assert_panels_make_the_whole_page(state: SessionState) -> None:
    # One version's phones share the panels they agree on, as the hub's do: a panel made for
    # one phone and given to another that reads something else would not make its page.
    made = MadePanels()
    for person in state.participants:
        view = view_for(state, Role.PARTICIPANT, person)
        assert isinstance(view, ParticipantView)
        for language in LANGUAGES:
            whole = RENDERER(view, RECORD, language)
            panels = RENDERER.panels(view, view.you, language, made)
            assert "".join(RENDERER.render_panel(p) for p in panels) == whole


def test_a_round_in_progress_is_its_panels_on_every_phone() -> None:
    driver = Driver.weekly(participants=4)
    driver.ok(driver.sam, c.AdvanceStage)
    driver.ok(driver.sam, c.StartRound)
    driver.ok(driver.person(0), c.Pass)
    driver.ok(driver.person(1), c.RaiseHand)
    driver.ok(driver.person(2), c.RequestSupport)
    assert_panels_make_the_whole_page(driver.state)


def test_phones_with_equal_inputs_share_a_panel_and_only_yours_is_yours() -> None:
    driver = Driver.weekly(participants=4)
    driver.ok(driver.sam, c.AdvanceStage)
    driver.ok(driver.sam, c.StartRound)
    views = {
        person: ParticipantView.model_validate(
            view_for(driver.state, Role.PARTICIPANT, person).model_dump()
        )
        for person in (driver.pid(2), driver.pid(3))
    }
    keys = {
        person: {p.template: p.key for p in RENDERER.panels(view, view.you, "en")}
        for person, view in views.items()
    }
    two, three = keys[driver.pid(2)], keys[driver.pid(3)]
    shared = {template for template in two if two[template] == three[template]}
    assert shared == {
        "live/participant/version.html",
        "live/participant/paused.html",
        "live/participant/stage.html",
        # Who speaks, and their clock: the same for both; who is next says "you" to each.
        "live/participant/turn.html",
        "live/participant/turn_clock.html",
        "live/participant/taking_time.html",
        "live/participant/presence.html",
    }


def test_a_panel_that_reads_a_name_it_is_not_given_is_refused() -> None:
    renderer = FragmentRenderer(make_templates(), Languages.from_directory(LOCALES_DIR))
    stage_without_numbers = Panel(
        "live/participant/stage.html", "en", "", {"is_live": True, "stage": None}
    )
    with pytest.raises(PanelReadsTooMuch, match="show_numbers"):
        renderer.render_panel(stage_without_numbers)


TestPhonePanelsUnderRandomUse = checked_after_every_step(
    assert_panels_make_the_whole_page, examples=10, steps=40
)
