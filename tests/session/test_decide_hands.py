"""Raised hands: listed in the order raised, and marked as seen by a facilitator.

Rules:
- The console lists hands in the order they went up. Lowering one takes it off the list;
  raising it again puts it at the back. Stepping out or leaving lowers a hand.
- A facilitator can mark a raised hand as seen: the person's phone says so, the console says
  who saw it, and the alert strip stops counting it. Lowering or raising it again forgets that.
- Marking a hand is a quiet signal, like the hand itself: it keeps "undo" as it was.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.session import commands as c
from app.session import events as ev
from app.session.command_base import Role
from app.session.decisions import Accepted, RejectionCode
from app.session.views import FacilitatorView, ParticipantView, view_for
from tests.support.engine import Driver


def console(d: Driver) -> FacilitatorView:
    view = view_for(d.state, Role.FACILITATOR)
    assert isinstance(view, FacilitatorView)
    return view


def phone(d: Driver, index: int) -> ParticipantView:
    view = view_for(d.state, Role.PARTICIPANT, d.pid(index))
    assert isinstance(view, ParticipantView)
    return view


def hands(d: Driver) -> list[str]:
    return [hand.name for hand in console(d).hands_raised]


def test_hands_are_listed_in_the_order_raised_not_the_seating_order() -> None:
    d = Driver.weekly(4)
    for index in (2, 0, 3):
        d.ok(d.person(index), c.RaiseHand)
    assert hands(d) == ["Lee", "Priya", "Mo"]
    d.ok(d.person(2), c.LowerHand)
    assert hands(d) == ["Priya", "Mo"]
    d.ok(d.person(2), c.RaiseHand)
    assert hands(d) == ["Priya", "Mo", "Lee"]
    d.ok(d.person(0), c.StepOut)
    d.ok(d.person(0), c.ComeBack)
    d.ok(d.person(0), c.RaiseHand)
    assert hands(d) == ["Mo", "Lee", "Priya"]
    d.ok(d.person(3), c.Leave)
    assert hands(d) == ["Lee", "Priya"]
    assert d.rebuilt() == d.state


def test_a_facilitator_marks_a_hand_as_seen_and_the_phone_says_so() -> None:
    d = Driver.weekly(3)
    d.ok(d.person(1), c.RaiseHand)
    d.ok(d.person(2), c.RaiseHand)
    assert not phone(d, 1).you.hand_seen
    assert [hand.name for hand in console(d).hands_unseen] == ["Tom", "Lee"]
    events = d.ok(d.ana, c.AcknowledgeHand, participant_id=d.pid(1))
    assert events == (ev.HandAcknowledged(participant_id=d.pid(1), by=d.ana.id),)
    assert phone(d, 1).you.hand_seen
    assert not phone(d, 2).you.hand_seen
    assert [(h.name, h.seen_by) for h in console(d).hands_raised] == [("Tom", "Ana"), ("Lee", None)]
    assert [hand.name for hand in console(d).hands_unseen] == ["Lee"]
    # Seen stays with that raise only: lowered and raised again, it waits to be seen anew.
    d.ok(d.person(1), c.LowerHand)
    assert not phone(d, 1).you.hand_seen
    d.ok(d.person(1), c.RaiseHand)
    assert not phone(d, 1).you.hand_seen
    assert [(h.name, h.seen_by) for h in console(d).hands_raised] == [("Lee", None), ("Tom", None)]
    assert d.rebuilt() == d.state


def test_marking_a_hand_that_is_down_or_already_seen_says_why() -> None:
    d = Driver.weekly(2)
    refusal = d.refused(d.sam, c.AcknowledgeHand, participant_id=d.pid(0))
    assert refusal.code is RejectionCode.NOTHING_TO_DO
    assert refusal.message == "Priya's hand is no longer raised."
    d.ok(d.person(0), c.RaiseHand)
    d.ok(d.sam, c.AcknowledgeHand, participant_id=d.pid(0))
    assert d.refused(d.sam, c.AcknowledgeHand, participant_id=d.pid(0)).message == (
        "You have already marked Priya's hand as seen."
    )
    assert d.refused(d.ana, c.AcknowledgeHand, participant_id=d.pid(0)).message == (
        "Sam has already marked Priya's hand as seen."
    )
    assert d.refused(d.sam, c.AcknowledgeHand, participant_id="p9").code is (
        RejectionCode.NOT_FOUND
    )
    refusal = d.refused(d.person(1), c.AcknowledgeHand, participant_id=d.pid(0))
    assert refusal.code is RejectionCode.NOT_ALLOWED


def test_marking_a_hand_as_seen_keeps_the_undo() -> None:
    d = Driver.weekly(2)
    d.ok(d.sam, c.AdvanceStage)
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(1), c.RaiseHand)
    undo = d.state.undo_point
    assert undo is not None
    d.ok(d.sam, c.AcknowledgeHand, participant_id=d.pid(1))
    assert d.state.undo_point == undo


# One step of a person's hand: what they or a facilitator do.
ACTIONS = ("raise", "lower", "step out", "come back", "seen")


@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(ACTIONS)), max_size=40))
def test_the_listed_order_is_the_order_raised(steps: list[tuple[int, str]]) -> None:
    """Whatever happens, the console lists exactly the hands up, oldest raise first, against a
    model: a queue that a raise appends to and a lower or a step out drops from, and who is out."""
    d = Driver.weekly(4)
    queue: list[str] = []
    seen: set[str] = set()
    out: set[str] = set()
    for index, action in steps:
        person = d.pid(index)
        if action == "raise":
            accepted = isinstance(d.send(d.person(index), c.RaiseHand), Accepted)
            assert accepted == (person not in queue and person not in out)
            if accepted:
                queue.append(person)
        elif action == "lower":
            accepted = isinstance(d.send(d.sam, c.LowerHand, participant_id=person), Accepted)
            assert accepted == (person in queue)
            if accepted:
                queue.remove(person)
        elif action == "step out":
            accepted = isinstance(d.send(d.person(index), c.StepOut), Accepted)
            assert accepted == (person not in out)
            out.add(person)
            if person in queue:
                queue.remove(person)
        elif action == "come back":
            out.discard(person)
            d.send(d.person(index), c.ComeBack)
        else:
            accepted = isinstance(d.send(d.ana, c.AcknowledgeHand, participant_id=person), Accepted)
            assert accepted == (person in queue and person not in seen)
            if accepted:
                seen.add(person)
        seen &= set(queue)
        view = console(d)
        assert [hand.id for hand in view.hands_raised] == queue
        assert {hand.id for hand in view.hands_raised if hand.seen_by == "Ana"} == seen
        assert [hand.id for hand in view.hands_unseen] == [p for p in queue if p not in seen]
        for other in range(4):
            assert phone(d, other).you.hand_seen == (d.pid(other) in seen)
    assert d.rebuilt() == d.state
