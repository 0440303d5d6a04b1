"""Commands as they arrive over the wire: validated, typed by their "type", nothing extra."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import ValidationError

from app.session import commands as c
from app.session.command_base import CommandBase, Role, SelfServiceCommand
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


COMMAND_TYPES: tuple[type[CommandBase], ...] = get_args(get_args(c.Command)[0])


@pytest.mark.parametrize("kind", COMMAND_TYPES, ids=lambda kind: kind.__name__)
def test_every_command_declares_who_may_send_it(kind: type[CommandBase]) -> None:
    assert kind.senders
    assert Role.ROOM not in kind.senders, "the room view only watches"
    # What only the server can know, nobody else may claim (and the server claims nothing else).
    assert kind.senders == {Role.SERVER} or Role.SERVER not in kind.senders


def test_a_command_a_participant_sends_about_someone_is_self_service() -> None:
    """Authorization checks whom such a command names; only self-service ones say how."""
    for kind in COMMAND_TYPES:
        if Role.PARTICIPANT in kind.senders and "participant_id" in kind.model_fields:
            assert issubclass(kind, SelfServiceCommand), kind.__name__
            assert kind.only_for_oneself, kind.__name__


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


@pytest.mark.parametrize(
    "settings",
    [{"minimum_share_s": 100_000}, {"near_end_cue_s": 601}, {"minimum_share_s": -1}],
    ids=["minimum-share-over", "cue-over", "minimum-share-negative"],
)
def test_settings_out_of_their_range_never_reach_decide(settings: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        COMMAND_ADAPTER.validate_python(
            {"type": "change_settings", "id": "a", "settings": settings}
        )


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "join", "id": "a", "name": "Pri\tya"},
        {"type": "set_agreed_question", "id": "a", "question": "What\nhelped?"},
        {
            "type": "insert_stage",
            "id": "a",
            "kind": "break",
            "title": "P",
            "minutes": 5,
            "prompt": "\x00",
        },
        {"type": "admit", "id": "a", "participant_id": "p\x1b1"},
        {"type": "start_session", "id": "a\x7f"},
    ],
)
def test_text_in_commands_is_plain_text(raw: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as refused:
        COMMAND_ADAPTER.validate_python(raw)
    assert [error["type"] for error in refused.value.errors()] == ["control_characters"]


def test_a_name_ending_in_a_line_break_is_trimmed_not_refused() -> None:
    command = COMMAND_ADAPTER.validate_python({"type": "join", "id": "a", "name": "Priya\r\n"})
    assert isinstance(command, c.Join)
    assert command.name == "Priya"
