"""Seats: a session has room for MAX_PARTICIPANTS people waiting, here or stepped out. Whoever
left or was removed (nobody who has gone is let back in) holds no seat, so a facilitator who
sends people away from the waiting room makes room for others (docs/security.md, "Seats")."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from app.session import commands as c
from app.session.command_base import Actor, Role
from app.session.decisions import Accepted, Rejected
from app.session.state import Presence
from tests.support.engine import Driver, engine_settings

# What can happen to someone, as the facilitators and the person themselves can make it happen.
Step = tuple[str, int]
steps: st.SearchStrategy[Step] = st.one_of(
    st.tuples(st.just("crowd"), st.integers(1, c.MAX_PARTICIPANTS)),
    st.tuples(st.sampled_from(["admit", "remove", "leave", "step_out"]), st.integers(0, 10**6)),
)


def seats_held(d: Driver) -> int:
    """Counted here from presence, independently of the engine's own count."""
    held = {Presence.WAITING_ROOM, Presence.PRESENT, Presence.STEPPED_OUT}
    return sum(1 for p in d.state.participants.values() if p.presence in held)


def someone(d: Driver, pick: int, *presences: Presence) -> str | None:
    found = [p.id for p in d.state.participants.values() if p.presence in presences]
    return found[pick % len(found)] if found else None


@engine_settings(40)
@given(st.lists(steps, min_size=1, max_size=12))
def test_a_join_is_taken_exactly_while_a_seat_is_free(plan: list[Step]) -> None:
    d = Driver.weekly(0)
    numbers = itertools.count()
    for action, amount in plan:
        if action == "crowd":
            for _ in range(amount):
                free = seats_held(d) < c.MAX_PARTICIPANTS
                person = Actor(role=Role.PARTICIPANT, id=f"n{next(numbers)}")
                decision = d.send(person, c.Join, name="Someone")
                if free:
                    assert isinstance(decision, Accepted)
                    continue
                assert isinstance(decision, Rejected)
                assert decision.message == "This session is full."
                break
            continue
        waiting, here = Presence.WAITING_ROOM, Presence.PRESENT
        if action == "admit" and (person_id := someone(d, amount, waiting)):
            d.ok(d.sam, c.Admit, participant_id=person_id)
        elif action == "remove" and (person_id := someone(d, amount, waiting, here)):
            d.ok(d.sam, c.RemoveParticipant, participant_id=person_id)
        elif action == "leave" and (person_id := someone(d, amount, waiting, here)):
            d.ok(Actor(role=Role.PARTICIPANT, id=person_id), c.Leave)
        elif action == "step_out" and (person_id := someone(d, amount, here)):
            d.ok(d.sam, c.StepOut, participant_id=person_id)
    assert d.state.seats_taken == seats_held(d)


def test_removing_a_waiting_person_frees_their_seat() -> None:
    d = Driver.weekly(0)
    crowd = [Actor(role=Role.PARTICIPANT, id=f"n{n}") for n in range(c.MAX_PARTICIPANTS)]
    for person in crowd:
        d.ok(person, c.Join, name="Someone")
    late = Actor(role=Role.PARTICIPANT, id="late")
    assert d.refused(late, c.Join, name="Priya").message == "This session is full."
    d.ok(d.sam, c.RemoveParticipant, participant_id=crowd[0].id)
    d.ok(late, c.Join, name="Priya")
    assert d.state.participants["late"].presence is Presence.WAITING_ROOM
