"""decide() for the speaker's clock: silence is fine, so a turn can be paused ("taking a
moment"), resumed and given more time, by the speaker or a facilitator."""

from __future__ import annotations

import pytest

from app.session import commands as c
from app.session.decisions import RejectionCode
from app.timekeeping.timer import Timer
from tests.support.engine import Driver


def in_round(participants: int = 3) -> Driver:
    d = Driver.weekly(participants)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    return d


def speaker_timer(d: Driver) -> Timer:
    turn = d.stage().active_turn
    assert turn is not None
    assert turn.timer is not None
    return turn.timer


def test_pausing_and_resuming_never_loses_or_gains_time() -> None:
    d = in_round()
    d.tick(30)
    d.ok(d.person(0), c.PauseTimer)  # the speaker takes a moment
    assert not speaker_timer(d).running
    d.tick(100)
    assert speaker_timer(d).elapsed(d.now) == 30
    d.ok(d.sam, c.ResumeTimer)
    d.tick(20)
    assert speaker_timer(d).elapsed(d.now) == 50
    d.ok(d.person(0), c.Share)
    assert d.turn(0).spoken_s == 50


def test_pause_and_resume_refusals() -> None:
    d = in_round()
    assert d.refused(d.sam, c.ResumeTimer).message == "The timer is already running."
    d.ok(d.sam, c.PauseTimer)
    assert d.refused(d.ana, c.PauseTimer).message == "The timer is already paused."
    refusal = d.refused(d.person(1), c.ResumeTimer)
    assert refusal.code is RejectionCode.NOT_YOUR_TURN
    assert refusal.message == "Only the speaker or a facilitator can do that."


def test_no_speaker_no_speaker_clock() -> None:
    d = Driver.weekly(2)
    for kind in (c.PauseTimer, c.ResumeTimer):
        assert d.refused(d.sam, kind).message == "That turn has already finished."
    assert d.refused(d.sam, c.ExtendTime, seconds=60).message == "That turn has already finished."


def test_extending_the_speakers_time() -> None:
    d = in_round()
    before = speaker_timer(d).budget_s
    d.ok(d.ana, c.ExtendTime, seconds=90)
    assert speaker_timer(d).budget_s == before + 90
    refusal = d.refused(d.person(0), c.ExtendTime, seconds=90)
    assert refusal.message == "Only a facilitator can do that."


def test_the_takers_clock_can_be_paused_too() -> None:
    d = Driver.weekly(2)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    d.tick(60)
    d.ok(d.person(0), c.PauseTimer)
    d.tick(180)  # a long silence is fine
    d.ok(d.person(0), c.ResumeTimer)
    d.tick(15)
    assert speaker_timer(d).elapsed(d.now) == pytest.approx(75)
