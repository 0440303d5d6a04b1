"""The schedule on the facilitator console, and accepting its suggested share per speaker:
a closing round that starts late can still finish on time, without cutting anybody off."""

from __future__ import annotations

from typing import Any

from app.session import commands as c
from app.session import events as ev
from app.session.command_base import Role
from app.session.decisions import RejectionCode
from app.session.shares import REFLECTION_SHARE
from app.session.state import StageStatus
from app.session.views import FacilitatorView, ScheduleSuggestionView, ScheduleView, view_for
from tests.support.engine import Driver

CLOSING = "Round of “Something I am taking away”"


def schedule(d: Driver) -> ScheduleView:
    view = view_for(d.state, Role.FACILITATOR, now=d.now)
    assert isinstance(view, FacilitatorView)
    assert view.schedule is not None
    return view.schedule


def accepting(suggestion: ScheduleSuggestionView) -> dict[str, Any]:
    """The fields of `accept_schedule_suggestion` for this suggestion, as the console sends."""
    return {
        "stage_id": suggestion.stage_id,
        "share_s": suggestion.share_s,
        "speakers_to_come": suggestion.speakers_to_come,
    }


def late_closing_round(people: int = 8, *, late_minutes: float = 5) -> Driver:
    """A 15-minute closing round for ``people``, everything before it skipped, started
    ``late_minutes`` late: the round has its planned time minus the lateness."""
    d = Driver.weekly(people, start=False)
    closing = d.stage_titled(CLOSING).id
    d.ok(d.sam, c.SetStageBudget, stage_id=closing, minutes=15)
    d.ok(d.sam, c.StartSession)
    for stage in d.state.stages:
        if stage.status is StageStatus.UPCOMING and stage.id != closing:
            d.ok(d.sam, c.SkipStage, stage_id=stage.id)
    assert d.state.planned_end is not None
    d.now = d.state.planned_end - (15 - late_minutes) * 60
    d.go_to(CLOSING)
    return d


def test_a_view_without_the_clock_has_no_schedule() -> None:
    d = late_closing_round()
    view = view_for(d.state, Role.FACILITATOR)
    assert isinstance(view, FacilitatorView)
    assert view.schedule is None


def test_a_late_closing_round_finishes_on_time_after_accepting_the_suggestion() -> None:
    d = late_closing_round(8)
    d.ok(d.sam, c.StartRound)
    first_budget = d.turn(0).timer
    assert first_budget is not None
    assert first_budget.budget_s == 15 * 60 / 8  # shares were planned for 15 minutes
    before = schedule(d)
    assert before.label == "+5 min"
    suggestion = before.suggestion
    assert suggestion is not None
    assert suggestion.finishes_on_time
    assert suggestion.speakers_to_come == 7
    assert suggestion.share_s == 69  # (600 s - Priya's 112.5 s) / 7, in whole seconds

    events = d.ok(
        d.sam,
        c.AcceptScheduleSuggestion,
        **accepting(suggestion),
    )
    assert [type(e) for e in events] == [ev.StageBudgetSet]
    assert d.speaker() == d.pid(0)  # nothing moved in the flow; Priya keeps her time
    assert schedule(d).label == "on time"

    for index in range(8):
        assert d.speaker() == d.pid(index)
        timer = d.turn(index).timer
        assert timer is not None
        if index > 0:
            assert abs(timer.budget_s - 69) < 1e-6
        d.tick(timer.budget_s)
        d.ok(d.person(index), c.Share)
    assert d.round().complete
    after = schedule(d)
    assert d.state.planned_end is not None
    assert after.projected_end <= d.state.planned_end
    assert after.label == "on time"
    assert d.rebuilt() == d.state


def test_a_stale_suggestion_is_refused() -> None:
    d = late_closing_round(8)
    d.ok(d.sam, c.StartRound)
    suggestion = schedule(d).suggestion
    assert suggestion is not None
    d.tick(30)
    d.ok(d.person(0), c.Share)
    refusal = d.refused(
        d.sam,
        c.AcceptScheduleSuggestion,
        **accepting(suggestion),
    )
    assert refusal.code is RejectionCode.STALE
    assert "moved on since that suggestion" in refusal.message


def test_the_break_is_protected() -> None:
    d = Driver.weekly(3)
    refusal = d.refused(
        d.sam,
        c.AcceptScheduleSuggestion,
        stage_id=d.stage_titled("Comfort and refreshment break").id,
        share_s=60,
        speakers_to_come=3,
    )
    assert refusal.code is RejectionCode.INVALID
    assert "break is protected" in refusal.message


def test_only_facilitators_accept_and_never_below_the_minimum() -> None:
    d = late_closing_round(3)
    closing = d.stage().id
    refusal = d.refused(
        d.person(0), c.AcceptScheduleSuggestion, stage_id=closing, share_s=90, speakers_to_come=3
    )
    assert refusal.code is RejectionCode.NOT_ALLOWED
    refusal = d.refused(
        d.sam, c.AcceptScheduleSuggestion, stage_id=closing, share_s=30, speakers_to_come=3
    )
    assert "minimum" in refusal.message


def test_a_round_not_yet_started_is_planned_for_everyone_present() -> None:
    d = Driver.weekly(4)
    summary = d.stage_titled("Summary")
    closing = d.stage_titled(CLOSING)
    d.ok(d.sam, c.AcceptScheduleSuggestion, stage_id=closing.id, share_s=75, speakers_to_come=4)
    assert d.stage_titled(CLOSING).planned_s == 300
    assert summary == d.stage_titled("Summary")


def test_the_schedule_is_for_facilitators_only() -> None:
    d = late_closing_round(3)
    for role, person in [(Role.ROOM, None), (Role.PARTICIPANT, d.pid(0))]:
        view = view_for(d.state, role, person, now=d.now)
        assert "schedule" not in view.model_dump()


def sharing_round_started_late(people: int = 6, *, late_s: float = 120) -> Driver:
    """Taking Time 1 reached ``late_s`` behind the plan (a long welcome, the items between
    skipped); Priya has spoken for her third of it (5 minutes), and the Round of Sharing has
    begun with the others."""
    d = Driver.weekly(people)
    taking_time = d.stage_titled("Taking Time 1")
    before = d.state.stages[: d.state.stage_index(taking_time.id)]
    for stage in before[1:]:
        d.ok(d.sam, c.SkipStage, stage_id=stage.id)
    d.tick(sum(stage.planned_s for stage in before) + late_s)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id=d.pid(0))
    d.tick(300)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.SetAgreedQuestion, question="What helps on a hard day?")
    d.ok(d.sam, c.StartRound)
    return d


def test_a_late_round_of_sharing_is_offered_a_share_that_finishes_on_time() -> None:
    # During Taking Time's Round of Sharing the schedule once offered only a sentence about a
    # later round, with no Accept.
    d = sharing_round_started_late()
    before = schedule(d)
    assert before.label == "+2 min"
    suggestion = before.suggestion
    assert suggestion is not None
    assert suggestion.stage_id == d.stage().id
    assert suggestion.finishes_on_time
    assert suggestion.speakers_to_come == 4  # Tom is speaking; four after him
    d.ok(
        d.sam,
        c.AcceptScheduleSuggestion,
        **accepting(suggestion),
    )
    assert schedule(d).label == "on time"
    reflection_reserve = d.stage().planned_s * REFLECTION_SHARE
    for index in range(1, 6):
        timer = d.turn(index).timer
        assert timer is not None
        if index > 1:
            assert abs(timer.budget_s - suggestion.share_s) < 1e-6
        d.tick(timer.budget_s)
        d.ok(d.person(index), c.Share)
    reflection = d.stage().taking_time
    assert reflection is not None
    assert reflection.reflection_turn is not None
    assert reflection.reflection_turn.timer is not None
    assert reflection.reflection_turn.timer.budget_s == reflection_reserve
    assert schedule(d).label == "on time"


def test_a_suggestion_for_a_round_of_sharing_is_stale_once_the_reflection_begins() -> None:
    d = sharing_round_started_late(3)
    suggestion = schedule(d).suggestion
    assert suggestion is not None
    for index in (1, 2):
        d.ok(d.person(index), c.Pass)
    refusal = d.refused(
        d.sam,
        c.AcceptScheduleSuggestion,
        **accepting(suggestion),
    )
    assert refusal.code is RejectionCode.STALE


def test_when_nothing_can_finish_on_time_the_schedule_says_so_plainly() -> None:
    d = late_closing_round(8, late_minutes=14)
    d.ok(d.sam, c.StartRound)
    plan = schedule(d)
    assert plan.suggestion is not None
    assert not plan.suggestion.finishes_on_time
    assert plan.advice is not None
    assert plan.advice.startswith("No round can be shared more briefly")
