"""Pausing everything (a fire alarm, a lost connection, someone in distress): every clock stops,
every screen says so, and resuming carries on exactly where the session was."""

from __future__ import annotations

from app.session import commands as c
from app.session.airtime_facts import AdjustmentKind
from app.session.command_base import Role
from app.session.decisions import RejectionCode
from app.session.views import FacilitatorView, ParticipantView, view_for
from tests.session.test_airtime import report
from tests.support.engine import Driver

PAUSE_S = 600.0


def in_round(people: int = 3) -> Driver:
    d = Driver.weekly(people)
    d.tick(60)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    d.tick(30)
    return d


def clocks(d: Driver) -> tuple[float, float]:
    """What the stage and the speaker have left, now."""
    turn = d.stage().active_turn
    assert turn is not None
    assert turn.timer is not None
    return d.stage().timer.remaining(d.now), turn.timer.remaining(d.now)


def test_every_clock_waits_and_resuming_carries_on_exactly_where_it_was() -> None:
    d = in_round()
    before = clocks(d)
    d.ok(d.sam, c.PauseSession)
    d.tick(PAUSE_S)
    assert clocks(d) == before
    d.ok(d.ana, c.ResumeSession)
    assert clocks(d) == before
    d.tick(10)
    assert clocks(d) == (before[0] - 10, before[1] - 10)


def test_a_speaker_who_had_paused_for_themselves_stays_paused() -> None:
    d = in_round()
    d.ok(d.person(0), c.PauseTimer)
    speaker_left = clocks(d)[1]
    d.ok(d.sam, c.PauseSession)
    d.tick(PAUSE_S)
    d.ok(d.sam, c.ResumeSession)
    d.tick(20)
    assert clocks(d)[1] == speaker_left
    assert d.stage().timer.running


def test_what_begins_during_the_pause_waits_for_the_resume() -> None:
    d = in_round()
    d.ok(d.sam, c.PauseSession)
    d.ok(d.person(0), c.Share)  # the turn ends; Tom's begins, and waits
    d.tick(PAUSE_S)
    tom = d.stage().active_turn
    assert tom is not None
    assert tom.timer is not None
    assert not tom.timer.running
    budget = tom.timer.budget_s
    d.ok(d.sam, c.ResumeSession)
    d.tick(15)
    assert clocks(d)[1] == budget - 15


def test_a_stage_begun_during_the_pause_waits_too() -> None:
    d = in_round()
    d.ok(d.sam, c.PauseSession)
    d.ok(d.sam, c.SkipStage, stage_id=d.stage().id)
    d.ok(d.sam, c.AdvanceStage)
    d.tick(PAUSE_S)
    assert d.stage().timer.elapsed(d.now) == 0
    d.ok(d.sam, c.ResumeSession)
    d.tick(5)
    assert d.stage().timer.elapsed(d.now) == 5


def test_while_everything_waits_the_speakers_own_pause_and_a_second_pause_are_refused() -> None:
    d = in_round()
    assert d.refused(d.sam, c.ResumeSession).message == "Nothing is paused just now."
    d.ok(d.sam, c.PauseSession)
    assert d.refused(d.ana, c.PauseSession).message == "Everything is already paused."
    for command in (c.PauseTimer, c.ResumeTimer):
        refusal = d.refused(d.person(0), command)
        assert refusal.code is RejectionCode.INVALID
        assert refusal.message.startswith("Everything is paused just now")
    assert d.refused(d.person(0), c.PauseSession).code is RejectionCode.NOT_ALLOWED
    assert d.refused(d.person(0), c.ResumeSession).code is RejectionCode.NOT_ALLOWED


def test_every_screen_says_so_and_the_speaker_is_not_taking_a_moment() -> None:
    d = in_round()
    d.ok(d.sam, c.PauseSession)
    paused_at = d.now
    d.tick(PAUSE_S)
    for role, person in [(Role.FACILITATOR, None), (Role.PARTICIPANT, d.pid(1)), (Role.ROOM, None)]:
        view = view_for(d.state, role, person, now=d.now)
        assert view.paused_since == paused_at
        assert view.speaker is not None
        assert not view.speaker.taking_a_moment
    d.ok(d.sam, c.ResumeSession)
    view = view_for(d.state, Role.PARTICIPANT, d.pid(1))
    assert isinstance(view, ParticipantView)
    assert view.paused_since is None


def test_the_schedule_waits_with_everything_else() -> None:
    d = in_round()
    d.ok(d.sam, c.PauseSession)
    as_paused = view_for(d.state, Role.FACILITATOR, now=d.now)
    d.tick(PAUSE_S)
    later = view_for(d.state, Role.FACILITATOR, now=d.now)
    assert isinstance(as_paused, FacilitatorView)
    assert isinstance(later, FacilitatorView)
    assert later.schedule == as_paused.schedule


def test_the_summary_shows_the_pause_and_nobody_is_credited_with_it() -> None:
    d = in_round()
    d.ok(d.sam, c.PauseSession)
    d.tick(PAUSE_S)
    d.ok(d.sam, c.ResumeSession)
    d.tick(20)
    d.ok(d.person(0), c.Share)
    facts = report(d)
    assert [(a.kind, a.title, a.seconds) for a in facts.adjustments] == [
        (AdjustmentKind.SESSION_PAUSED, None, PAUSE_S)
    ]
    assert facts.rounds[0].turns[0].spoken_s == 50
