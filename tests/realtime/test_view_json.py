"""app/realtime/view_json.py writes the very bytes pydantic's `model_dump_json` writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.stateful import invariant
from orjson import JSONEncodeError
from pydantic import BaseModel

from app.realtime.view_json import view_json
from app.session.command_base import Role
from app.session.state import SessionStatus
from app.session.views import FacilitatorView, ParticipantView, RoomView, view_for
from app.session.views.base import StageRef, View
from app.session.views.schedule import ScheduleSuggestionView, ScheduleView
from tests.support.engine import engine_settings
from tests.support.engine_machine import EngineMachine

numbers = st.floats(allow_nan=False)
int64 = st.integers(-(2**63), 2**63 - 1)
# Accents, scripts, emoji, quotes, backslashes, control characters, line separators.
words = st.text()

schedules = st.builds(
    ScheduleView,
    projected_end=numbers,
    drift_s=numbers,
    label=words,
    on_time=st.booleans(),
    at_risk=st.lists(st.builds(StageRef, id=words, title=words), max_size=3),
    suggestion=st.none()
    | st.builds(
        ScheduleSuggestionView,
        stage_id=words,
        share_s=numbers,
        speakers_to_come=int64,
        finishes_on_time=st.booleans(),
        text=words,
    ),
    advice=st.none() | words,
)


@given(view=schedules)
@example(
    ScheduleView(
        projected_end=0.1,
        drift_s=1e-7,
        label='Ça finira à l\'heure — 日本 😀 "quoted" \\ \x00\x1f \u2028 </script>',
        on_time=False,
        at_risk=[StageRef(id="s1", title="Round of Good News")],
        suggestion=ScheduleSuggestionView(
            stage_id="s1",
            share_s=1234567.0,
            speakers_to_come=2**63 - 1,
            finishes_on_time=True,
            text="1e16",
        ),
        advice=None,
    )
)
@example(
    ScheduleView(
        projected_end=1e16,
        drift_s=-0.0,
        label="",
        on_time=True,
        at_risk=[],
        suggestion=None,
        advice="5e-324",
    ).model_copy(update={"projected_end": 5e-324, "drift_s": float("inf")})
)
def test_numbers_and_text_are_written_as_pydantic_writes_them(view: ScheduleView) -> None:
    assert view_json(view) == view.model_dump_json()


class Tagged(View):
    tags: frozenset[str]


def test_a_value_no_view_is_made_of_is_refused_not_guessed() -> None:
    with pytest.raises(JSONEncodeError, match="frozenset"):
        view_json(Tagged(tags=frozenset({"a"})))


class ViewJsonMachine(EngineMachine):
    @invariant()
    def every_view_is_written_as_pydantic_writes_it(self) -> None:
        if self.state.status is SessionStatus.NEW:
            return
        screens = [
            (Role.FACILITATOR, ""),
            (Role.ROOM, ""),
            *[(Role.PARTICIPANT, p) for p in self.state.participants],
        ]
        for role, person in screens:
            view = view_for(self.state, role, person or None, now=self.now)
            assert view_json(view) == view.model_dump_json()


ViewJsonMachine.TestCase.settings = engine_settings(20, stateful_step_count=60)
# A long hypothesis run: in `make test`, not in the fast lane.
TestViewJsonUnderRandomUse = pytest.mark.slow(ViewJsonMachine.TestCase)


def models_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in get_args(annotation):
        yield from models_in(argument)


def every_model_a_view_holds() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    waiting: list[type[BaseModel]] = [FacilitatorView, ParticipantView, RoomView]
    while waiting:
        model = waiting.pop()
        if model not in found:
            found.add(model)
            for field in model.model_fields.values():
                waiting.extend(models_in(field.annotation))
    return found


VIEW_MODELS: list[type[BaseModel]] = sorted(every_model_a_view_holds(), key=lambda m: m.__name__)


@pytest.mark.parametrize("model", VIEW_MODELS)
def test_no_model_a_view_holds_is_written_other_than_as_its_fields(
    model: type[BaseModel],
) -> None:
    """What view_json relies on: writing a model's `__dict__` is writing what pydantic would.
    (A subclass's instance in a field declared as its base would differ too; no static check
    sees that, the machine below does.)"""
    decorators = model.__pydantic_decorators__
    assert not model.model_computed_fields
    assert not decorators.field_serializers
    assert not decorators.model_serializers
    assert model.model_config.get("extra") != "allow"
    for field in model.model_fields.values():
        assert field.alias is None
        assert field.serialization_alias is None
        assert not field.exclude
