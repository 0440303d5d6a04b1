"""Letting back in someone who left or was removed (by mistake, perhaps).

Rules:
- Only someone who has gone can be let back in, by a facilitator, while there is a seat.
- Whoever had been let in comes straight back in; whoever never was (sent away from the waiting
  room, or left from it) goes back to the waiting room, where "Let in" and the name check apply.
- A turn they lost when they went stays skipped (a facilitator can go back to them); someone
  with no turn in the round that is on joins it at its end, as anyone let in does.
"""

from __future__ import annotations

from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session import events as ev
from app.session.command_base import Role
from app.session.decisions import RejectionCode
from app.session.state import Presence
from app.session.views import FacilitatorView, view_for
from tests.support.engine import Driver, participant


def console(d: Driver) -> FacilitatorView:
    view = view_for(d.state, Role.FACILITATOR)
    assert isinstance(view, FacilitatorView)
    return view


def test_someone_removed_by_mistake_comes_straight_back_in() -> None:
    d = Driver.weekly(3)
    d.ok(d.sam, c.AdvanceStage)
    d.ok(d.sam, c.StartRound)
    d.ok(d.sam, c.RemoveParticipant, participant_id=d.pid(1))
    [gone] = console(d).departed
    assert (gone.name, gone.removed, gone.back_to) == ("Tom", True, Presence.PRESENT)
    assert d.status(1) is TurnStatus.SKIPPED
    events = d.ok(d.ana, c.Readmit, participant_id=d.pid(1))
    assert events == (ev.ParticipantReadmitted(participant_id=d.pid(1), presence=Presence.PRESENT),)
    tom = d.state.participants[d.pid(1)]
    assert tom.presence is Presence.PRESENT
    assert not tom.removed
    assert console(d).departed == []
    # Their turn was skipped when they went: a facilitator can go back to them.
    row = next(r for r in console(d).participants if r.id == d.pid(1))
    assert row.may_go_back
    d.ok(d.sam, c.ReturnTo, participant_id=d.pid(1))
    assert d.round().order.count(d.pid(1)) == 1
    assert d.rebuilt() == d.state


def test_someone_who_left_before_the_round_joins_it_at_its_end_when_let_back_in() -> None:
    d = Driver.weekly(3)
    d.ok(d.person(0), c.Leave)
    d.ok(d.sam, c.AdvanceStage)
    d.ok(d.sam, c.StartRound)
    assert d.round().order == (d.pid(1), d.pid(2))
    [gone] = console(d).departed
    assert (gone.name, gone.removed) == ("Priya", False)
    d.ok(d.sam, c.Readmit, participant_id=d.pid(0))
    assert d.round().order == (d.pid(1), d.pid(2), d.pid(0))
    assert d.status(0) is TurnStatus.WAITING


def test_someone_never_let_in_goes_back_to_the_waiting_room() -> None:
    d = Driver.weekly(1)
    d.join(1)
    d.ok(d.sam, c.RemoveParticipant, participant_id=d.pid(1))
    assert d.state.participants[d.pid(1)].sent_away
    [gone] = console(d).departed
    assert gone.back_to is Presence.WAITING_ROOM
    d.ok(d.sam, c.Readmit, participant_id=d.pid(1))
    tom = d.state.participants[d.pid(1)]
    assert (tom.presence, tom.sent_away) == (Presence.WAITING_ROOM, False)
    # The name check still applies to a prospective member who left from the waiting room.
    d.ok(d.person(2), c.Join, name="Lee", member_id="m-lee", name_check_pending=True)
    d.ok(d.person(2), c.Leave)
    d.ok(d.sam, c.Readmit, participant_id=d.pid(2))
    assert d.refused(d.sam, c.Admit, participant_id=d.pid(2)).code is RejectionCode.INVALID
    assert d.rebuilt() == d.state


def test_readmitting_someone_who_has_not_gone_or_with_no_seat_left_says_why() -> None:
    d = Driver.weekly(1)
    d.join(1)
    assert d.refused(d.sam, c.Readmit, participant_id=d.pid(0)).message == (
        "Priya is still in the session."
    )
    assert d.refused(d.sam, c.Readmit, participant_id=d.pid(1)).message == (
        "Tom is already in the waiting room."
    )
    assert d.refused(d.sam, c.Readmit, participant_id="p99").code is RejectionCode.NOT_FOUND
    d.ok(d.person(0), c.Leave)
    refusal = d.refused(d.person(1), c.Readmit, participant_id=d.pid(0))
    assert refusal.code is RejectionCode.NOT_ALLOWED
    for number in range(2, c.MAX_PARTICIPANTS + 1):
        d.ok(participant(number), c.Join, name=f"Peer {number}")
    refusal = d.refused(d.sam, c.Readmit, participant_id=d.pid(0))
    assert refusal.message == "This session is full."
