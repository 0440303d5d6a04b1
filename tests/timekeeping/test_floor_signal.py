"""The floor signal: facilitators are told when the round's shares are held at the group's
minimum, and only then; participants and the room are never told."""

from __future__ import annotations

from app.session import commands as c
from app.session.command_base import Role
from app.session.state import SessionSettings
from app.session.views import facilitator_view, floor_signal, view_for
from app.store.live_sessions import LiveSessionRecord
from app.web.rendering import make_templates
from tests.support.engine import Driver

RECORD = LiveSessionRecord(
    id="sess-1",
    join_code="ABC123",
    title="Tuesday",
    group_name="Riverside",
    template_key="",
    created_at=0,
)


def in_round(participants: int) -> Driver:
    d = Driver.weekly(participants)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    return d


def test_quiet_while_everyone_still_gets_more_than_the_minimum() -> None:
    d = in_round(4)
    assert floor_signal(d.state, d.now) is None
    assert facilitator_view(d.state, now=d.now).floor_signal is None


def test_said_once_an_overrun_leaves_less_than_the_minimum_each() -> None:
    d = in_round(4)
    d.tick(361)  # 239 s left of 600 for four speakers: under a minute each
    assert floor_signal(d.state, d.now) == "Shares are at the group's minimum (1:00)"
    view = facilitator_view(d.state, now=d.now)
    assert view.floor_signal == "Shares are at the group's minimum (1:00)"


def test_passes_give_time_back_and_lift_the_floor() -> None:
    d = in_round(4)
    d.tick(450)
    d.ok(d.person(0), c.Share)
    assert floor_signal(d.state, d.now) is not None  # 150 s for three speakers
    d.ok(d.person(1), c.Pass)
    assert floor_signal(d.state, d.now) is None  # 150 s for two


def test_the_group_minimum_is_the_one_named() -> None:
    d = in_round(2)
    d.ok(d.sam, c.ChangeSettings, settings=SessionSettings(minimum_share_s=90))
    d.tick(500)
    assert floor_signal(d.state, d.now) == "Shares are at the group's minimum (1:30)"


def test_nothing_to_say_outside_a_round_or_without_the_time() -> None:
    d = Driver.weekly(4)
    d.tick(3_000)
    assert floor_signal(d.state, d.now) is None
    d = in_round(4)
    d.tick(361)
    assert facilitator_view(d.state).floor_signal is None


def test_participants_and_the_room_are_never_told() -> None:
    d = in_round(4)
    d.tick(361)
    for role, person in ((Role.PARTICIPANT, d.pid(0)), (Role.ROOM, None)):
        view = view_for(d.state, role, person, now=d.now)
        assert "floor_signal" not in view.model_dump()


def test_the_console_says_so_beside_the_schedule() -> None:
    d = in_round(4)
    d.tick(361)
    html = (
        make_templates()
        .env.get_template("live/schedule.html")
        .render(view=facilitator_view(d.state, now=d.now), session=RECORD)
    )
    assert 'id="floor-signal"' in html
    assert "Shares are at the group's minimum (1:00)." in html
