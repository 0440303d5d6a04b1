"""Schedule projection: the sum of what is left against the planned end, and a share per
speaker that would finish on time (never below the minimum; the break is never shortened)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.timekeeping.schedule import (
    LoadStatus,
    StageLoad,
    drift_label,
    project,
    time_left,
)
from tests.support.engine import engine_settings

NOW = 10_000.0
MINIMUM = 60.0


def upcoming(stage_id: str, minutes: float, **fields: object) -> StageLoad:
    return StageLoad.model_validate(
        {
            "id": stage_id,
            "title": stage_id.title(),
            "status": LoadStatus.UPCOMING,
            "planned_s": minutes * 60,
            **fields,
        }
    )


def current_round(remaining_s: float, speaker_left_s: float, to_come: int) -> StageLoad:
    return StageLoad(
        id="closing",
        title="Closing round",
        status=LoadStatus.CURRENT,
        planned_s=540,
        is_round=True,
        remaining_s=remaining_s,
        speaker_left_s=speaker_left_s,
        speakers_to_come=to_come,
    )


def test_on_time_within_a_minute_either_way() -> None:
    projection = project([upcoming("summary", 5)], NOW, NOW + 300 + 59, MINIMUM)
    assert projection.label == "on time"
    assert projection.on_time
    assert projection.suggestion is None
    assert projection.at_risk == ()


def test_labels_round_to_whole_minutes() -> None:
    assert drift_label(6 * 60 + 10) == "+6 min"
    assert drift_label(-3 * 60) == "3 min to spare"
    assert drift_label(-30) == "on time"


def test_finished_stages_count_nothing_and_the_current_one_never_less_than_zero() -> None:
    done = StageLoad(id="w", title="Welcome", status=LoadStatus.FINISHED, planned_s=300)
    over = StageLoad(
        id="h", title="Housekeeping", status=LoadStatus.CURRENT, planned_s=300, remaining_s=-120
    )
    assert time_left(done, MINIMUM) == 0
    assert time_left(over, MINIMUM) == 0


def test_a_late_closing_round_is_offered_a_share_that_finishes_on_time() -> None:
    stages = [current_round(remaining_s=480, speaker_left_s=60, to_come=7)]
    projection = project(stages, NOW, NOW + 240 + 60, MINIMUM)
    assert projection.label == "+3 min"
    suggestion = projection.suggestion
    assert suggestion is not None
    assert suggestion.stage_id == "closing"
    assert suggestion.finishes_on_time is False  # 7 people need at least 7 minutes
    assert suggestion.share_s == MINIMUM
    assert "will not finish on time" in suggestion.text


def test_stages_after_the_planned_end_are_at_risk() -> None:
    stages = [
        current_round(remaining_s=900, speaker_left_s=120, to_come=7),
        upcoming("summary", 5),
        upcoming("closing", 9, is_round=True, speakers_to_come=8),
    ]
    projection = project(stages, NOW, NOW + 15 * 60, MINIMUM)
    assert [s.id for s in projection.at_risk] == ["summary", "closing"]
    assert projection.label == "+14 min"


def test_the_break_is_never_offered_for_shortening() -> None:
    stages = [
        upcoming("break", 10, is_break=True),
        upcoming("summary", 5),
        upcoming("closing", 9, is_round=True, speakers_to_come=6),
    ]
    projection = project(stages, NOW, NOW + 20 * 60, MINIMUM)
    assert projection.suggestion is not None
    assert projection.suggestion.stage_id == "closing"
    assert projection.suggestion.share_s == 60  # 5 minutes left for 6 people: 50 s → minimum


stage_statuses = st.sampled_from(list(LoadStatus))
loads = st.lists(
    st.builds(
        StageLoad,
        id=st.uuids().map(str),
        title=st.just("Item"),
        status=stage_statuses,
        planned_s=st.floats(0, 3600),
        is_round=st.booleans(),
        is_break=st.booleans(),
        remaining_s=st.floats(-1800, 3600),
        speaker_left_s=st.floats(-300, 600),
        speakers_to_come=st.integers(0, 12),
    ),
    max_size=8,
)
offsets = st.floats(-7200, 7200)
minimums = st.floats(0, 180)


@engine_settings(200)
@given(loads, offsets, minimums)
def test_projection_is_now_plus_what_is_left(
    stages: list[StageLoad], offset: float, minimum: float
) -> None:
    projection = project(stages, NOW, NOW + offset, minimum)
    left = sum(time_left(s, minimum) for s in stages)
    assert abs(projection.projected_end - (NOW + left)) < 1e-6
    assert all(time_left(s, minimum) >= 0 for s in stages)
    if projection.drift_s > 60:
        assert projection.label.startswith("+")
    elif projection.drift_s < -60:
        assert projection.label.endswith("min to spare")
    else:
        assert projection.label == "on time"


@engine_settings(200)
@given(loads, offsets, minimums)
def test_the_suggestion_is_never_below_the_minimum_nor_for_a_break(
    stages: list[StageLoad], offset: float, minimum: float
) -> None:
    suggestion = project(stages, NOW, NOW + offset, minimum).suggestion
    if suggestion is not None:
        assert suggestion.share_s >= minimum
        target = next(s for s in stages if s.id == suggestion.stage_id)
        assert target.is_round
        assert not target.is_break


@engine_settings(200)
@given(st.floats(0, 1800), st.floats(0, 300), st.integers(2, 12), st.floats(-3600, 3600), minimums)
def test_passes_never_reduce_the_suggested_share(
    remaining: float, speaker_left: float, to_come: int, offset: float, minimum: float
) -> None:
    before = project(
        [current_round(remaining, speaker_left, to_come)], NOW, NOW + offset, minimum
    ).suggestion
    after = project(
        [current_round(remaining, speaker_left, to_come - 1)], NOW, NOW + offset, minimum
    ).suggestion
    if before is not None and after is not None:
        assert after.share_s >= before.share_s


@engine_settings(200)
@given(loads, minimums, st.floats(60, 3_600))
def test_a_round_is_counted_between_the_minimum_and_the_maximum_for_each_to_come(
    stages: list[StageLoad], minimum: float, maximum: float
) -> None:
    for stage in stages:
        left = time_left(stage, minimum, maximum)
        if stage.status is not LoadStatus.CURRENT or not stage.is_round:
            assert left == time_left(stage, minimum)
            continue
        speaking = max(stage.speaker_left_s, 0.0)
        assert left >= speaking + stage.speakers_to_come * minimum - 1e-6
        assert left <= max(
            speaking + stage.speakers_to_come * max(minimum, maximum), stage.remaining_s
        )
        assert left <= time_left(stage, minimum)


def test_a_round_nobody_is_owed_any_more_of_is_done_with_the_schedule() -> None:
    done = current_round(570, 0, 0)
    assert time_left(done, MINIMUM) == 570
    assert time_left(done, MINIMUM, 300) == 0
