"""A round's bookkeeping: who is asked next, pass-for-now at the end, stepped-out people,
late arrivals, completeness."""

from __future__ import annotations

from app.rounds.turns import Round, Turn, TurnStatus
from app.timekeeping.timer import Timer

EVERYONE_HERE = lambda _person: True  # noqa: E731


def with_status(round_: Round, person: str, status: TurnStatus) -> Round:
    turn = round_.turns[person].model_copy(update={"status": status})
    return round_.with_turn(turn)


def test_a_new_round_has_everyone_waiting_in_order() -> None:
    round_ = Round.of(("a", "b", "c"))
    assert round_.current is None
    assert round_.upcoming(EVERYONE_HERE) == ["a", "b", "c"]
    assert round_.next_speaker(EVERYONE_HERE) == "a"
    assert round_.pending() == ["a", "b", "c"]
    assert not round_.complete


def test_the_current_speaker_is_not_up_next() -> None:
    round_ = with_status(Round.of(("a", "b")), "a", TurnStatus.SPEAKING).with_current("a")
    assert round_.current_turn == round_.turns["a"]
    assert round_.upcoming(EVERYONE_HERE) == ["b"]


def test_passed_for_now_are_asked_after_everyone_else_in_the_order_they_passed() -> None:
    round_ = Round.of(("a", "b", "c", "d"))
    round_ = with_status(round_, "a", TurnStatus.PASSED_FOR_NOW)
    round_ = with_status(round_, "c", TurnStatus.PASSED_FOR_NOW)
    round_ = round_.model_copy(update={"asked_again_queue": ("c", "a")})
    assert round_.upcoming(EVERYONE_HERE) == ["b", "d", "c", "a"]
    assert not round_.complete


def test_people_out_of_the_room_are_not_asked_but_still_owed_a_turn() -> None:
    round_ = Round.of(("a", "b", "c"))
    round_ = with_status(round_, "a", TurnStatus.SHARED)
    round_ = with_status(round_, "c", TurnStatus.PASSED)
    assert round_.upcoming(lambda person: person != "b") == []
    assert round_.next_speaker(lambda person: person != "b") is None
    assert round_.pending() == ["b"]
    assert not round_.complete


def test_a_round_is_complete_when_nobody_is_owed_a_turn() -> None:
    round_ = Round.of(("a", "b", "c"))
    for person, status in zip(
        "abc", (TurnStatus.SHARED, TurnStatus.PASSED, TurnStatus.SKIPPED), strict=True
    ):
        round_ = with_status(round_, person, status)
    assert round_.complete
    assert round_.counts() == {
        TurnStatus.WAITING: 0,
        TurnStatus.SPEAKING: 0,
        TurnStatus.SHARED: 1,
        TurnStatus.PASSED: 1,
        TurnStatus.PASSED_FOR_NOW: 0,
        TurnStatus.SKIPPED: 1,
    }


def test_which_statuses_are_still_owed_a_chance() -> None:
    assert {s for s in TurnStatus if s.pending} == {
        TurnStatus.WAITING,
        TurnStatus.SPEAKING,
        TurnStatus.PASSED_FOR_NOW,
    }


def test_a_late_arrival_joins_at_the_end_once() -> None:
    round_ = Round.of(("a", "b")).with_late_arrival("c")
    assert round_.order == ("a", "b", "c")
    assert round_.turns["c"] == Turn(participant_id="c")
    assert round_.with_late_arrival("c") == round_
    assert round_.with_late_arrival("a") == round_


def test_spoken_time_counts_every_go_at_a_turn() -> None:
    assert Turn(participant_id="a").spoken_s == 0
    timer = Timer(budget_s=60, accumulated_s=25, started_at=None)
    assert Turn(participant_id="a", timer=timer).spoken_s == 25
    assert Turn(participant_id="a", timer=timer, earlier_s=40).spoken_s == 65
