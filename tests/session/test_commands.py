"""Commands as they arrive over the wire: validated, typed by their "type", nothing extra."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.session import commands as c
from app.session.commands import COMMAND_ADAPTER


def test_commands_are_told_apart_by_their_type() -> None:
    command = COMMAND_ADAPTER.validate_json(
        '{"type": "share", "id": "a1", "expected_version": 7, "participant_id": "p1"}'
    )
    assert command == c.Share(id="a1", expected_version=7, participant_id="p1")
    command = COMMAND_ADAPTER.validate_python({"type": "start_round", "id": "a2"})
    assert isinstance(command, c.StartRound)
    assert command.order_policy == "join_order"


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "share", "id": ""},  # an id is needed
        {"type": "share", "id": "x" * 65},
        {"type": "share", "id": "a", "expected_version": -1},
        {"type": "share", "id": "a", "extra": True},  # nothing extra is accepted
        {"type": "no_such_command", "id": "a"},
        {"type": "join", "id": "a", "name": "   "},
        {"type": "join", "id": "a", "name": "x" * 41},
        {"type": "extend_time", "id": "a", "seconds": 0},
        {"type": "extend_time", "id": "a", "seconds": 5 * 60 * 60},
        {"type": "extend_time", "id": "a", "seconds": 60, "target": "session"},
        {"type": "insert_stage", "id": "a", "kind": "round", "title": "R", "minutes": 241},
        {"type": "set_agreed_question", "id": "a", "question": "?" * 301},
        {"type": "move_stage", "id": "a", "stage_id": "s1", "to_index": -1},
        {"type": "reorder_round", "id": "a", "order": ["p"] * (c.MAX_PARTICIPANTS + 1)},
        {
            "type": "create_session",
            "id": "a",
            "title": "T",
            "group_name": "G",
            "template_key": "k",
            "facilitators": [],
        },
    ],
)
def test_invalid_commands_never_reach_decide(raw: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        COMMAND_ADAPTER.validate_python(raw)


def test_names_are_trimmed() -> None:
    command = COMMAND_ADAPTER.validate_python({"type": "join", "id": "a", "name": "  Priya "})
    assert isinstance(command, c.Join)
    assert command.name == "Priya"


def test_who_may_send_what_is_exclusive() -> None:
    assert not c.FACILITATOR_ONLY & c.PARTICIPANT_ONLY


def test_commands_that_move_the_flow() -> None:
    flow = {
        kind.__name__
        for kind in (
            c.StartSession,
            c.EndSession,
            c.AdvanceStage,
            c.GoToStage,
            c.SkipStage,
            c.InsertStage,
            c.MoveStage,
            c.StartRound,
            c.ReorderRound,
            c.Share,
            c.Pass,
            c.PassForNow,
            c.SkipTurn,
            c.ReturnTo,
            c.ChooseTaker,
            c.InviteReflection,
        )
        if kind.moves_flow
    }
    assert len(flow) == 16
    assert not c.RaiseHand.moves_flow
    assert not c.StepOut.moves_flow
    assert not c.PauseTimer.moves_flow
