"""What each role sees: the room only public state; a participant also their own place in the
round; facilitators everything, including support requests and airtime."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session.command_base import Role, TurnCommand
from app.session.state import Presence, SessionSettings, TakingTimePhase, TurnSlot
from app.session.views import FacilitatorView, ParticipantView, RoomView, view_for
from tests.support.engine import NAMES, Driver, engine_settings

PRIVATE_KEYS = {"support_requested", "spoken_s", "participants", "waiting_room", "hand_raised"}


def keys_in(value: object) -> set[str]:
    """Every key anywhere in a JSON-like value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def busy_round() -> Driver:
    """Round of Good News: Priya speaking again (30 s earlier, 40 s now), Mo next, then Tom
    (passed for now, asked for support), Lee stepped out, Jo in the waiting room; Mo's hand is
    raised."""
    d = Driver.weekly(4)
    d.join(4)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    d.tick(30)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.ReturnTo, participant_id="p1")
    d.ok(d.person(1), c.PassForNow)
    assert d.speaker() == "p1"
    d.ok(d.person(2), c.StepOut)
    d.ok(d.person(1), c.RequestSupport)
    d.ok(d.person(3), c.RaiseHand)
    d.tick(40)
    return d


def room(d: Driver) -> RoomView:
    view = view_for(d.state, Role.ROOM)
    assert isinstance(view, RoomView)
    return view


def facilitator(d: Driver) -> FacilitatorView:
    view = view_for(d.state, Role.FACILITATOR)
    assert isinstance(view, FacilitatorView)
    return view


def participant(d: Driver, person: str) -> ParticipantView:
    view = view_for(d.state, Role.PARTICIPANT, person)
    assert isinstance(view, ParticipantView)
    return view


def test_the_room_sees_the_public_state_only() -> None:
    d = busy_round()
    view = room(d)
    dumped = json.loads(view.model_dump_json())
    assert dumped["role"] == "room"
    assert not keys_in(dumped) & PRIVATE_KEYS
    assert "you" not in dumped
    assert "order" not in dumped
    assert view.speaker is not None
    assert view.speaker.name == "Priya"
    assert [p.name for p in view.up_next] == ["Mo", "Tom"]
    assert view.present_count == 3
    assert view.round is not None
    assert (view.round.done, view.round.total) == (0, 4)
    assert view.round.waiting_for_return == []  # who stepped out is for facilitators only
    assert view.current_stage is not None
    assert view.current_stage.title == "Round of Good News"


def test_a_participant_sees_their_own_place_and_nobody_elses_private_signals() -> None:
    d = busy_round()
    priya, tom, mo, lee = (participant(d, p) for p in ("p1", "p2", "p4", "p3"))
    assert priya.you.is_speaking
    assert not priya.you.is_next
    assert priya.you.place_in_line is None
    assert mo.you.is_next
    assert mo.you.place_in_line == 1
    assert mo.you.hand_raised
    assert mo.you.turn_status is TurnStatus.WAITING
    assert not tom.you.is_next
    assert tom.you.place_in_line == 2
    assert tom.you.support_requested  # their own request, shown back to them
    assert tom.you.turn_status is TurnStatus.PASSED_FOR_NOW
    assert lee.you.presence is Presence.STEPPED_OUT
    assert lee.you.place_in_line is None  # asked when back
    for view in (priya, mo, lee):
        dumped = json.loads(view.model_dump_json())
        you = dumped.pop("you")
        assert not keys_in(dumped) & PRIVATE_KEYS
        assert you["support_requested"] is False  # Tom's request shows nowhere else
    # Apart from "you", a participant sees what the room sees.
    public = priya.model_dump(exclude={"you", "role"})
    assert public == room(d).model_dump(exclude={"role", "screen"})


def test_a_participant_in_the_waiting_room_sees_where_they_are() -> None:
    d = busy_round()
    jo = participant(d, "p5")
    assert jo.you.presence is Presence.WAITING_ROOM
    assert jo.you.turn_status is None
    assert jo.you.place_in_line is None


def test_facilitators_see_everything() -> None:
    d = busy_round()
    view = facilitator(d)
    rows = {row.id: row for row in view.participants}
    assert set(rows) == {"p1", "p2", "p3", "p4"}
    assert rows["p2"].support_requested
    assert rows["p4"].hand_raised
    assert rows["p3"].presence is Presence.STEPPED_OUT
    assert rows["p1"].spoken_s == 30  # finished speaking time; the running turn is not in yet
    assert rows["p1"].turn_status is TurnStatus.SPEAKING
    assert [p.name for p in view.waiting_room] == ["Jo"]
    assert [p.id for p in view.order] == ["p2", "p1", "p3", "p4"]
    assert [p.name for p in view.full_up_next] == ["Mo", "Tom"]
    assert [p.name for p in view.facilitators] == ["Sam", "Ana"]
    assert view.last_change == d.state.flow_change


def test_airtime_adds_up_across_the_session_and_people_who_left_drop_out() -> None:
    d = Driver.weekly(2)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    d.tick(50)
    d.ok(d.person(0), c.Share)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    d.tick(70)
    d.ok(d.person(0), c.Share)
    d.ok(d.person(1), c.Leave)
    rows = {row.id: row for row in facilitator(d).participants}
    assert rows["p1"].spoken_s == 120
    assert "p2" not in rows


def test_a_paused_speaker_is_taking_a_moment() -> None:
    d = busy_round()
    d.ok(d.person(0), c.PauseTimer)
    speaker = room(d).speaker
    assert speaker is not None
    assert speaker.taking_a_moment
    assert speaker.timer is not None
    assert speaker.timer.elapsed(d.now + 999) == 40


def test_someone_asked_again_is_shown_as_such() -> None:
    d = Driver.weekly(2)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(0), c.PassForNow)
    d.ok(d.person(1), c.Share)
    speaker = room(d).speaker
    assert speaker is not None
    assert speaker.asked_again


def test_numbers_can_be_hidden_from_participants() -> None:
    d = busy_round()
    assert participant(d, "p1").show_numbers
    d.ok(d.sam, c.ChangeSettings, settings=SessionSettings(show_numbers_to_participants=False))
    assert not participant(d, "p1").show_numbers
    assert facilitator(d).show_numbers
    refusal = d.refused(
        d.sam, c.ChangeSettings, settings=SessionSettings(show_numbers_to_participants=False)
    )
    assert refusal.message == "Those are already the settings."


def test_taking_time_is_public_and_the_taker_knows_it_is_them() -> None:
    d = Driver.weekly(3)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p2")
    d.ok(d.sam, c.SetAgreedQuestion, question="What helps on a bad morning?")
    view = room(d)
    assert view.taking_time is not None
    assert view.taking_time.taker is not None
    assert view.taking_time.taker.name == "Tom"
    assert view.taking_time.phase is TakingTimePhase.AGREEING_QUESTION
    assert view.taking_time.agreed_question == "What helps on a bad morning?"
    assert view.up_next == []
    assert participant(d, "p2").you.is_taking_time
    assert not participant(d, "p1").you.is_taking_time
    d.ok(d.sam, c.StartRound)
    assert participant(d, "p2").you.turn_status is None  # the taker is not in the round
    assert participant(d, "p1").you.is_speaking


def test_no_round_yet_and_no_stage() -> None:
    d = Driver.weekly(1, start=False)
    view = room(d)
    assert view.current_stage is None
    assert view.speaker is None
    assert view.round is None
    d.ok(d.sam, c.StartSession)
    d.go_to("Round of Good News")
    progress = room(d).round
    assert progress is not None
    assert not progress.started


@pytest.mark.parametrize("role", [Role.ROOM, Role.FACILITATOR])
def test_views_are_json(role: Role) -> None:
    d = busy_round()
    view = view_for(d.state, role)
    assert type(view).model_validate_json(view.model_dump_json()) == view


def test_the_public_views_name_at_most_two_people_up_next() -> None:
    d = Driver.weekly(5)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    assert [p.id for p in room(d).up_next] == ["p2", "p3"]
    assert [p.id for p in facilitator(d).full_up_next] == ["p2", "p3", "p4", "p5"]
    assert participant(d, "p5").you.place_in_line == 4


def test_public_screens_follow_the_groups_choice_to_hide_numbers() -> None:
    d = Driver.weekly(2)
    d.ok(d.sam, c.ChangeSettings, settings=SessionSettings(show_numbers_to_participants=False))
    participant = view_for(d.state, Role.PARTICIPANT, "p1")
    assert room(d).show_numbers is False
    assert participant.show_numbers is False
    assert facilitator(d).show_numbers is True


def test_only_facilitators_see_who_stepped_out() -> None:
    d = busy_round()
    assert [p.id for p in facilitator(d).round.waiting_for_return] == ["p3"]  # type: ignore[union-attr]
    assert room(d).round.waiting_for_return == []  # type: ignore[union-attr]
    participant = view_for(d.state, Role.PARTICIPANT, "p1")
    assert participant.round is not None
    assert participant.round.waiting_for_return == []


def test_countdowns_carry_what_clock_js_reads_and_what_it_shows_at_rest() -> None:
    d = busy_round()
    d.ok(d.person(0), c.PauseTimer)
    d.ok(d.sam, c.ChangeSettings, settings=SessionSettings(near_end_cue_s=45.5))
    speaker = room(d).speaker
    assert speaker is not None
    assert speaker.timer is not None
    assert speaker.countdown is not None
    clock = speaker.countdown.clock
    assert clock.started_at_ms is None
    assert not speaker.countdown.running
    assert clock.accumulated_ms == 40_000
    assert clock.budget_ms == round(speaker.timer.budget_s * 1000)
    assert speaker.countdown.remaining_s == (clock.budget_ms - 40_000) / 1000
    assert speaker.countdown.cue_ms == 45_500
    stage = room(d).current_stage
    assert stage is not None
    assert stage.countdown.running
    assert stage.timer.started_at is not None
    assert stage.countdown.clock.started_at_ms == round(stage.timer.started_at * 1000)


def test_the_console_names_the_next_stage_and_the_taking_time_it_can_plan() -> None:
    d = Driver.weekly(2, start=False)
    view = facilitator(d)
    assert view.current_stage is None
    assert view.next_stage is not None
    assert view.next_stage.title == "Welcome"  # "Begin: Welcome"
    assert view.taking_time_plan == []
    d.ok(d.sam, c.StartSession)
    d.go_to("Who would like")
    view = facilitator(d)
    assert view.current_stage is not None
    assert view.current_stage.number == 3
    assert view.next_stage is not None
    assert view.next_stage.title == "Taking Time 1"
    assert [s.title for s in view.taking_time_plan] == ["Taking Time 1", "Taking Time 2"]
    d.ok(d.sam, c.SkipStage, stage_id=d.stage_titled("Taking Time 1").id)
    view = facilitator(d)
    assert view.next_stage is not None
    assert view.next_stage.title == "Taking Time 2"
    assert view.taking_time_plan == []  # a skipped item ends the run of Taking Time after this one
    d.go_to("Round of “Something")
    view = facilitator(d)
    assert view.next_stage is None
    assert view.taking_time_plan == []


def test_the_speaker_says_whose_turn_it_is() -> None:
    d = Driver.weekly(3)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    assert room(d).speaker.slot is TurnSlot.ROUND  # type: ignore[union-attr]
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p2")
    assert room(d).speaker.slot is TurnSlot.TAKER  # type: ignore[union-attr]
    d.ok(d.sam, c.SetAgreedQuestion, question="What helps?")
    d.ok(d.sam, c.StartRound)
    assert room(d).speaker.slot is TurnSlot.ROUND  # type: ignore[union-attr]
    d.ok(d.sam, c.InviteReflection)
    speaker = participant(d, "p2").speaker
    assert speaker is not None
    assert (speaker.id, speaker.slot) == ("p2", TurnSlot.REFLECTION)


def test_the_console_lists_the_order_with_who_can_move() -> None:
    d = busy_round()  # order: Tom (passed for now), Priya (speaking), Lee (out), Mo (waiting)
    view = facilitator(d)
    assert [(p.name, p.turn_status, p.movable) for p in view.order] == [
        ("Tom", TurnStatus.PASSED_FOR_NOW, False),
        ("Priya", TurnStatus.SPEAKING, False),
        ("Lee", TurnStatus.WAITING, True),
        ("Mo", TurnStatus.WAITING, True),
    ]
    assert view.reorderable
    lee, mo = view.order[2:]
    assert (lee.can_move_up, lee.can_move_down) == (False, True)
    assert (mo.can_move_up, mo.can_move_down) == (True, False)
    d.ok(d.person(3), c.Leave)
    view = facilitator(d)
    assert not view.reorderable
    assert [(p.name, p.turn_status, p.movable) for p in view.order][2:] == [
        ("Lee", TurnStatus.WAITING, False),
        ("Mo", TurnStatus.SKIPPED, False),  # gone: no longer listed, shown as skipped
    ]


def test_the_console_says_what_can_be_done_about_each_turn() -> None:
    d = busy_round()
    rows = {row.name: row for row in facilitator(d).participants}
    assert [n for n, r in rows.items() if r.may_skip] == ["Priya", "Tom", "Lee", "Mo"]
    assert [n for n, r in rows.items() if r.may_go_back] == ["Tom"]
    assert not any(r.may_give_turn for r in rows.values())
    d.ok(d.sam, c.Admit, participant_id="p5")
    assert facilitator(d).participants[-1].may_skip  # Jo joins the round still going
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p2")
    rows = {row.name: row for row in facilitator(d).participants}
    assert rows["Tom"].is_taker
    assert rows["Tom"].is_taking_time
    assert not any(r.may_skip or r.may_go_back or r.may_give_turn for r in rows.values())
    view = facilitator(d)
    assert [p.name for p in view.may_start_with] == ["Priya", "Lee", "Mo", "Jo"]
    assert [p.name for p in view.asked_for_support] == ["Tom"]
    assert [p.name for p in view.hands_raised] == ["Mo"]
    assert view.stepped_out_count == 1


def test_someone_who_came_after_the_round_can_be_given_a_turn() -> None:
    d = Driver.weekly(2)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(0), c.Share)
    d.ok(d.person(1), c.Share)
    d.join(2)
    d.ok(d.sam, c.Admit, participant_id="p3")
    rows = {row.name: row for row in facilitator(d).participants}
    assert [n for n, r in rows.items() if r.may_give_turn] == ["Lee"]
    assert [n for n, r in rows.items() if r.may_go_back] == ["Priya", "Tom"]


def test_the_console_names_who_made_the_last_change() -> None:
    d = busy_round()
    assert facilitator(d).last_change_by == "Tom"  # passed for now
    d.ok(d.ana, c.SkipTurn, participant_id="p1")
    assert facilitator(d).last_change_by == "Ana"
    d.ok(d.person(1), c.Leave)  # which skips Tom's own turn; then he is no longer listed
    assert facilitator(d).last_change_by == "Someone"


def test_the_console_lists_who_offered_to_take_time_first() -> None:
    d = Driver.weekly(3)
    d.go_to("Who would like")
    d.ok(d.person(2), c.OfferToTakeTime, offered=True)
    view = facilitator(d)
    assert [p.name for p in view.offered_to_take_time] == [NAMES[2]]
    assert [p.name for p in view.not_offered_to_take_time] == [NAMES[0], NAMES[1]]


TURN_ACTIONS: dict[str, type[TurnCommand]] = {
    "share": c.Share,
    "pass": c.Pass,
    "pass_for_now": c.PassForNow,
}


@engine_settings(40)
@given(
    people=st.integers(1, 5),
    actions=st.lists(st.sampled_from(sorted(TURN_ACTIONS)), max_size=12),
)
def test_next_stage_names_everyone_the_round_still_owes_a_turn(
    people: int, actions: list[str]
) -> None:
    """The rule: moving on asks first while anyone is still to speak in this stage, naming
    the speaker first, then whoever is waiting or passed for now, in the round's order."""
    d = Driver.weekly(people)
    d.go_to("Round of Good News")
    assert facilitator(d).still_to_speak == []  # no round on yet: nobody to name
    d.ok(d.sam, c.StartRound)
    for action in actions:
        speaker = d.speaker()
        if speaker is None:
            break
        d.ok(d.person(int(speaker[1:]) - 1), TURN_ACTIONS[action])
    view = facilitator(d)
    owed = [p.id for p in view.order if p.turn_status.pending]
    named = [p.id for p in view.still_to_speak]
    assert sorted(named) == sorted(owed)
    if view.speaker is not None:
        assert named[0] == view.speaker.id
    assert (named == []) == (view.round is not None and view.round.complete)


def test_next_stage_names_the_taker_while_they_are_taking_time() -> None:
    d = Driver.weekly(3)
    d.go_to("Taking Time 1")
    assert facilitator(d).still_to_speak == []
    d.ok(d.sam, c.ChooseTaker, participant_id=d.pid(2))
    assert [p.name for p in facilitator(d).still_to_speak] == [NAMES[2]]


def test_nobody_is_named_once_the_session_has_ended() -> None:
    d = Driver.weekly(2)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    assert [p.name for p in facilitator(d).still_to_speak] == list(NAMES[:2])
    d.ok(d.sam, c.EndSession)
    assert facilitator(d).still_to_speak == []


def test_someone_chosen_for_two_taking_times_to_come_is_told_of_the_first() -> None:
    d = Driver.weekly(3)
    for title in ("Taking Time 2", "Taking Time 1"):
        d.ok(d.sam, c.ChooseTaker, participant_id=d.pid(0), stage_id=d.stage_titled(title).id)
    d.ok(d.sam, c.ChooseTaker, participant_id=d.pid(1), stage_id=d.stage_titled("Taking Time 2").id)

    def chosen_in(index: int) -> str | None:
        view = view_for(d.state, Role.PARTICIPANT, d.pid(index))
        assert isinstance(view, ParticipantView)
        return view.you.chosen_to_take_time_in

    assert [chosen_in(i) for i in range(3)] == [
        d.stage_titled("Taking Time 1").title,
        d.stage_titled("Taking Time 2").title,
        None,
    ]
