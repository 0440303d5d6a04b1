"""The issue's examples of fair time, played in the engine (docs/timekeeping.md).

The weekly template's "Round of Good News" is planned at 10 minutes; with eight people that is
75 s each. The group's maximum share is five minutes unless a test changes it.
"""

from __future__ import annotations

import pytest

from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session.schedule import stage_load
from app.session.state import SessionSettings
from app.session.views import facilitator_view, floor_signal
from app.timekeeping.schedule import time_left
from tests.support.engine import NAMES, Driver, participant

EVERYONE = range(len(NAMES))
PRIYA, TOM, LEE, MO, JO, KIM, RAVI, ZOE = EVERYONE


def good_news_round(people: int = 8) -> Driver:
    d = Driver.weekly(people)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    return d


def budget(d: Driver) -> float:
    turn = d.round().current_turn
    assert turn is not None
    assert turn.timer is not None
    return turn.timer.budget_s


def speak_in_full(d: Driver) -> float:
    """The speaker uses all of their share, then finishes; returns the share they had."""
    speaker = d.speaker()
    assert speaker is not None
    given = budget(d)
    d.tick(given)
    d.ok(d.sam, c.Share, participant_id=speaker)
    return given


def shares_when_lee_steps_out(out: bool) -> dict[str, float]:
    """Everyone speaks in full; Lee steps out while Priya speaks and is back after Jo."""
    d = good_news_round()
    shares: dict[str, float] = {}
    if out:
        d.ok(d.person(LEE), c.StepOut)
    while d.speaker() is not None:
        speaker = d.speaker()
        assert speaker is not None
        shares[speaker] = speak_in_full(d)
        if out and speaker == d.pid(JO):
            d.ok(d.person(LEE), c.ComeBack)
    return shares


def test_lee_stepping_out_gives_nobody_else_his_time() -> None:
    """Issue 14, 1: Lee stepped out and Mere's share grew (7:33); here Mo stands for Mere."""
    in_the_room = shares_when_lee_steps_out(out=False)
    stepped_out = shares_when_lee_steps_out(out=True)
    assert stepped_out == in_the_room
    assert stepped_out[participant(MO).id] == 75


def test_coming_back_lee_is_asked_with_his_share_waiting() -> None:
    d = good_news_round()
    d.ok(d.person(LEE), c.StepOut)
    speak_in_full(d)  # Priya
    speak_in_full(d)  # Tom
    assert d.speaker() == d.pid(MO)  # Lee's turn waits for him
    d.ok(d.person(LEE), c.ComeBack)
    speak_in_full(d)  # Mo
    assert d.speaker() == d.pid(LEE)  # back in his place in the order
    assert budget(d) == 75


def test_the_floor_signal_counts_a_stepped_out_turn_as_the_shares_do() -> None:
    d = good_news_round(4)  # 150 s each
    d.ok(d.person(MO), c.StepOut)
    d.tick(300)  # Priya runs over: 300 s left for Priya's remaining time and three to come
    assert floor_signal(d.state, d.now) is None  # 75 s each, above the minute
    d.tick(61)
    assert facilitator_view(d.state, now=d.now).floor_signal is not None


def test_six_of_eight_pass_and_the_last_speakers_get_no_more_than_the_maximum() -> None:
    """Issue 14, 2: "Your time left: 26:31" in a round planned at about 3 minutes each."""
    d = good_news_round()
    # +5 min twice: a 20-minute round for eight people, two and a half minutes each.
    d.ok(d.sam, c.ExtendTime, seconds=300.0, target="stage")
    d.ok(d.sam, c.ExtendTime, seconds=300.0, target="stage")
    for _ in range(6):
        speaker = d.speaker()
        assert speaker is not None
        d.tick(5)
        d.ok(d.sam, c.Pass, participant_id=speaker)
    maximum = 300.0  # the group's maximum share, by default
    assert d.speaker() == d.pid(RAVI)
    # The schedule counts the round at no more than the maximum for each of the two left.
    load = stage_load(d.state, d.stage(), d.now)
    assert d.stage().timer.remaining(d.now) == pytest.approx(1_170)
    assert time_left(load, 60, maximum) == pytest.approx(2 * maximum)
    assert speak_in_full(d) == maximum
    assert d.speaker() == d.pid(ZOE)
    assert speak_in_full(d) == maximum
    assert d.round().complete
    # What nobody needed stays with the session: the round can end 9.5 minutes early.
    assert d.stage().timer.remaining(d.now) == pytest.approx(1_200 - 30 - 2 * maximum)


def test_the_default_maximum_is_five_minutes() -> None:
    assert SessionSettings().maximum_share_s == 300


def test_a_pass_gives_time_back_up_to_the_maximum() -> None:
    d = good_news_round(4)
    assert budget(d) == 150
    d.ok(d.sam, c.Pass, participant_id=d.pid(PRIYA))
    assert budget(d) == 200  # 600 s for three
    d.ok(d.sam, c.ChangeSettings, settings=SessionSettings(maximum_share_s=180))
    d.ok(d.sam, c.Pass, participant_id=d.pid(TOM))
    assert budget(d) == 180  # 600 s for two would be 300


def test_an_overrun_takes_from_the_rest_but_never_below_the_minimum() -> None:
    d = good_news_round(4)
    d.tick(400)  # Priya speaks well past her 150 s
    d.ok(d.sam, c.Share, participant_id=d.pid(PRIYA))
    assert budget(d) == pytest.approx(200 / 3)
    d.tick(190)
    d.ok(d.sam, c.Share, participant_id=d.pid(TOM))
    assert budget(d) == d.state.settings.minimum_share_s  # 10 s for two: held at the minute


def test_a_late_arrival_is_owed_a_share_from_when_they_are_let_in() -> None:
    d = Driver.weekly(3)
    d.join(3)  # Mo waits to be let in
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    assert budget(d) == 200  # 600 s for the three in the room
    d.tick(100)
    d.ok(d.sam, c.Admit, participant_id=d.pid(MO))
    d.ok(d.sam, c.Share, participant_id=d.pid(PRIYA))
    assert budget(d) == pytest.approx(500 / 3)  # Tom, Lee and now Mo
    assert d.round().order[-1] == d.pid(MO)


def test_pass_for_now_keeps_a_share_owed() -> None:
    d = good_news_round(4)
    d.ok(d.sam, c.PassForNow, participant_id=d.pid(PRIYA))
    assert d.status(PRIYA) is TurnStatus.PASSED_FOR_NOW
    assert budget(d) == 150  # Priya will be asked again: still four shares of 600 s


def test_crossed_settings_are_refused_and_old_ones_still_load() -> None:
    d = good_news_round(4)
    refusal = d.refused(
        d.sam,
        c.ChangeSettings,
        settings=SessionSettings(minimum_share_s=600, maximum_share_s=120),
    )
    assert refusal.message.startswith("The longest share can't be shorter than the minimum")
    # Settings from a log older than the maximum load with the default maximum, and where
    # their minimum is above it, the minimum wins.
    stored = SessionSettings.model_validate({"minimum_share_s": 400})
    assert stored.maximum_share_s == 300
    d.state = d.state.model_copy(update={"settings": stored})
    d.ok(d.sam, c.Pass, participant_id=d.pid(PRIYA))
    assert budget(d) == 400
