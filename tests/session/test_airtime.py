"""Airtime facts from the stored log: who spoke how long in each round, passes, each one's
share of the round, and each stage planned against what happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session.airtime import airtime_report
from app.session.airtime_facts import AdjustmentKind, AirtimeReport
from app.session.command_base import TurnCommand
from app.session.state import StageStatus
from app.session.storage import events_for_storage
from tests.support.engine import START, Driver, engine_settings


@dataclass(frozen=True)
class Stored:
    """A commit as the event store hands it back: events already written down as JSON."""

    version: int
    command_id: str
    actor_id: str
    events: list[dict[str, Any]]


def stored(d: Driver) -> list[Stored]:
    return [
        Stored(k.version, k.command_id, k.actor_id, events_for_storage(k.events)) for k in d.commits
    ]


def report(d: Driver) -> AirtimeReport:
    return airtime_report(d.state.session_id, stored(d), d.now)


def in_round(participants: int) -> Driver:
    d = Driver.weekly(participants)
    d.tick(60)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    return d


def test_spoken_time_passes_and_shares_per_person_in_round_order() -> None:
    d = in_round(3)
    d.tick(90)
    d.ok(d.person(0), c.Share)
    d.tick(5)
    d.ok(d.person(1), c.PassForNow)
    d.tick(30)
    d.ok(d.person(2), c.Share)
    d.tick(2)
    d.ok(d.person(1), c.Pass)
    facts = report(d)
    (round_fact,) = facts.rounds
    assert round_fact.title == "Round of Good News"
    assert [(t.name, t.seat) for t in round_fact.turns] == [("Priya", 1), ("Tom", 2), ("Lee", 3)]
    priya, tom, lee = round_fact.turns
    assert (priya.spoken_s, priya.passes, priya.outcome) == (90, 0, TurnStatus.SHARED)
    assert (tom.spoken_s, tom.passes, tom.outcome) == (7, 2, TurnStatus.PASSED)
    assert lee.spoken_s == 30
    assert round_fact.spoken_s == 127
    assert priya.share == 90 / 127


def test_a_running_turn_counts_up_to_now_and_nothing_is_shared_before_anyone_speaks() -> None:
    d = in_round(2)
    assert [t.share for t in report(d).rounds[0].turns] == [None, None]
    d.tick(40)
    priya = report(d).rounds[0].turns[0]
    assert (priya.spoken_s, priya.outcome, priya.share) == (40, TurnStatus.SPEAKING, 1.0)


def test_stages_planned_against_actual_and_when_each_began() -> None:
    d = in_round(2)
    d.tick(100)
    d.ok(d.sam, c.AdvanceStage)
    d.tick(20)
    stages = report(d).stages
    welcome, good_news, invite = stages[:3]
    assert (welcome.planned_start_s, welcome.actual_start_s, welcome.actual_s) == (0, 0, 60)
    assert welcome.status is StageStatus.DONE
    assert (good_news.planned_start_s, good_news.actual_start_s) == (300, 60)
    assert (good_news.planned_s, good_news.actual_s) == (600, 100)
    assert (invite.actual_start_s, invite.actual_s) == (160, 20)
    assert all(s.actual_start_s is None and s.actual_s is None for s in stages[3:])
    assert report(d).actual_total_s == 180


def test_an_undone_turn_end_does_not_count() -> None:
    d = in_round(2)
    d.tick(30)
    d.ok(d.person(0), c.Share)
    d.tick(10)
    d.ok(d.sam, c.UndoLast)
    priya = report(d).rounds[0].turns[0]
    assert (priya.outcome, priya.spoken_s) == (TurnStatus.SPEAKING, 40)


def test_an_undone_stage_start_does_not_count() -> None:
    d = Driver.weekly(2)
    d.tick(60)
    d.go_to("Round of Good News")
    d.tick(10)
    d.ok(d.sam, c.UndoLast)
    d.tick(10)
    welcome, good_news = report(d).stages[:2]
    assert (good_news.status, good_news.actual_start_s) == (StageStatus.UPCOMING, None)
    assert (welcome.status, welcome.actual_start_s) == (StageStatus.CURRENT, 0)


def test_an_ended_session_stops_the_clock() -> None:
    d = in_round(2)
    d.tick(30)
    d.ok(d.sam, c.EndSession)
    ended = d.now
    d.tick(3600)
    facts = report(d)
    assert facts.ended_at == ended
    assert facts.as_of == ended
    assert facts.rounds[0].turns[0].spoken_s == 30


def test_taking_time_counts_the_taker_first() -> None:
    d = Driver.weekly(3)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id=d.pid(2))
    facts = report(d)
    assert [t.participant_id for t in facts.rounds[0].turns][:1] == [d.pid(2)]


def test_the_plan_is_the_plan_at_the_start_and_each_change_is_a_row_of_its_own() -> None:
    # Extensions and new budgets were once folded into "planned": a 90-minute session could
    # show "Planned 3:08:00".
    d = in_round(3)
    planned_at_start = report(d).planned_total_s
    d.ok(d.sam, c.ExtendTime, seconds=300.0, target="stage")
    d.ok(d.sam, c.ExtendTime, seconds=300.0, target="stage")
    d.ok(d.sam, c.ExtendTime, seconds=60.0)
    closing = d.stage_titled("Summary of housekeeping actions")
    d.ok(d.sam, c.SetStageBudget, stage_id=closing.id, minutes=closing.planned_s / 60 - 2)
    d.ok(d.sam, c.InsertStage, kind="free_discussion", title="A short breather", minutes=3)
    facts = report(d)
    assert facts.planned_total_s == planned_at_start
    added = next(stage for stage in facts.stages if stage.title == "A short breather")
    assert (added.planned_s, added.added_during_session) == (0, True)
    assert [(a.kind, a.title, a.name, a.seconds) for a in facts.adjustments] == [
        (AdjustmentKind.ITEM_EXTENDED, "Round of Good News", None, 300),
        (AdjustmentKind.ITEM_EXTENDED, "Round of Good News", None, 300),
        (AdjustmentKind.SPEAKER_EXTENDED, "Round of Good News", "Priya", 60),
        (AdjustmentKind.ITEM_REPLANNED, "Summary of housekeeping actions", None, -120),
        (AdjustmentKind.ITEM_ADDED, "A short breather", None, 180),
    ]


def test_a_pause_is_a_row_with_how_long_it_lasted_and_an_undo_takes_changes_back() -> None:
    d = in_round(2)
    d.tick(20)
    d.ok(d.person(0), c.PauseTimer)
    d.tick(45)
    assert [(a.kind, a.name, a.seconds) for a in report(d).adjustments] == [
        (AdjustmentKind.SPEAKER_PAUSED, "Priya", 45)
    ]
    d.ok(d.sam, c.ResumeTimer)
    d.tick(100)
    d.ok(d.sam, c.InsertStage, kind="free_discussion", title="A short breather", minutes=3)
    assert [(a.kind, a.seconds) for a in report(d).adjustments] == [
        (AdjustmentKind.SPEAKER_PAUSED, 45),
        (AdjustmentKind.ITEM_ADDED, 180),
    ]
    d.ok(d.sam, c.UndoLast)
    assert [a.kind for a in report(d).adjustments] == [AdjustmentKind.SPEAKER_PAUSED]


def test_people_are_listed_in_the_order_they_were_given_the_floor() -> None:
    d = in_round(3)
    d.ok(d.sam, c.SkipTurn, participant_id=d.pid(1))
    d.tick(30)
    d.ok(d.person(0), c.Share)
    d.tick(40)
    d.ok(d.person(2), c.Share)
    d.ok(d.sam, c.ReturnTo, participant_id=d.pid(1))
    d.tick(50)
    d.ok(d.person(1), c.Share)
    (round_fact,) = report(d).rounds
    assert [(t.seat, t.name, t.spoken_s) for t in round_fact.turns] == [
        (1, "Priya", 30),
        (2, "Lee", 40),
        (3, "Tom", 50),
    ]


ACTIONS = st.lists(
    st.tuples(st.sampled_from(["share", "pass", "pass_for_now"]), st.floats(0, 600)),
    max_size=14,
)


@engine_settings(60)
@given(people=st.integers(1, 6), actions=ACTIONS)
def test_airtime_is_what_each_speaker_was_given_the_floor_for(
    people: int, actions: list[tuple[str, float]]
) -> None:
    d = in_round(people)
    expected = dict.fromkeys((d.pid(i) for i in range(people)), 0.0)
    commands: dict[str, type[TurnCommand]] = {
        "share": c.Share,
        "pass": c.Pass,
        "pass_for_now": c.PassForNow,
    }
    for action, seconds in actions:
        speaker = d.speaker()
        if speaker is None:
            break
        d.tick(seconds)
        expected[speaker] += seconds
        index = int(speaker[1:]) - 1
        d.ok(d.person(index), commands[action])
    facts = report(d)
    (round_fact,) = facts.rounds
    spoken = {t.participant_id: t.spoken_s for t in round_fact.turns}
    assert spoken == {p: _approx(s, spoken[p]) for p, s in expected.items()}
    assert all(0 <= t.passes <= 2 for t in round_fact.turns)
    assert round_fact.spoken_s <= facts.stages[1].actual_s + 1e-6  # type: ignore[operator]
    shares = [t.share for t in round_fact.turns if t.share is not None]
    if round_fact.spoken_s > 0:
        assert abs(sum(shares) - 1) < 1e-9
    assert facts.as_of == d.now
    assert facts.started_at == START


def _approx(expected: float, actual: float) -> float:
    """`actual` when it is `expected` up to float rounding (sums of ticks are not exact)."""
    return actual if abs(actual - expected) < 1e-6 else expected
