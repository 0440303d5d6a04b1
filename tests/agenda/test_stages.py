"""Stage kinds and planned stages."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.agenda.stages import MAX_STAGE_MINUTES, StageKind, StagePlan


def test_rounds_happen_in_rounds_and_taking_time_only() -> None:
    assert {kind for kind in StageKind if kind.has_round} == {
        StageKind.ROUND,
        StageKind.TAKING_TIME,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "", "minutes": 5},
        {"title": "x" * 121, "minutes": 5},
        {"title": "Tea", "minutes": 0},
        {"title": "Tea", "minutes": MAX_STAGE_MINUTES + 1},
        {"title": "Tea", "minutes": 5, "prompt": "x" * 301},
    ],
)
def test_a_stage_plan_is_checked(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        StagePlan.model_validate({"kind": "break", **fields})


def test_a_stage_plan() -> None:
    plan = StagePlan(kind=StageKind.BREAK, title="Tea", minutes=MAX_STAGE_MINUTES)
    assert plan.prompt is None


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Check\x07in"},
        {"title": "Check in", "prompt": "Something\tI am taking away"},
    ],
)
def test_what_a_stage_says_is_plain_text(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="control character"):
        StagePlan.model_validate({"kind": "round", "minutes": 10, **fields})
