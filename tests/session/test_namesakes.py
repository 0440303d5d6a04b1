"""Two people with the same name are told apart on every screen: "Sarah" and "Sarah (2)"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.session import commands as c
from app.session.command_base import Actor, Role
from app.session.state import ERASED_NAME, same_name
from app.session.views import FacilitatorView, ParticipantView, RoomView, view_for
from tests.support.engine import Driver, engine_settings


def joined(d: Driver, name: str) -> str:
    person = Actor(role=Role.PARTICIPANT, id=f"n{len(d.state.participants) + 1}")
    d.ok(person, c.Join, name=name)
    d.ok(d.sam, c.Admit, participant_id=person.id)
    return person.id


def test_the_same_name_again_is_numbered_on_every_screen() -> None:
    d = Driver.weekly(0)
    first, second = joined(d, "Sarah"), joined(d, "sarah ")
    sam = joined(d, "Sam")  # a facilitator is called Sam already
    assert [d.state.name_of(p) for p in (first, second, sam)] == ["Sarah", "sarah (2)", "Sam (2)"]
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound, order_policy="join_order")
    console = view_for(d.state, Role.FACILITATOR)
    phone = view_for(d.state, Role.PARTICIPANT, second)
    room = view_for(d.state, Role.ROOM)
    assert isinstance(console, FacilitatorView)
    assert isinstance(phone, ParticipantView)
    assert isinstance(room, RoomView)
    assert [row.name for row in console.participants] == ["Sarah", "sarah (2)", "Sam (2)"]
    assert phone.you.name == "sarah (2)"
    assert [p.name for p in room.up_next][:1] == ["sarah (2)"]


def test_a_name_that_looks_numbered_already_is_never_shown_twice() -> None:
    d = Driver.weekly(0)
    typed = joined(d, "Sarah (2)")
    first, second = joined(d, "Sarah"), joined(d, "Sarah")
    assert [d.state.name_of(p) for p in (typed, first, second)] == [
        "Sarah (2)",
        "Sarah",
        "Sarah (3)",
    ]


def test_an_erased_member_is_not_numbered() -> None:
    d = Driver.weekly(0)
    joined(d, "Sarah")
    member = Actor(role=Role.PARTICIPANT, id="m1")
    d.ok(member, c.Join, name="Sarah", member_id="member-1")
    d.ok(d.sam, c.ForgetMember, member_id="member-1")
    assert d.state.name_of("m1") == ERASED_NAME


NAMES = st.lists(
    st.sampled_from(["Sarah", "sarah", "SARAH ", "Sam", "Sarah (2)", "Jo"]), max_size=8
)


@engine_settings(100)
@given(names=NAMES)
def test_nobody_is_ever_shown_with_the_same_name_as_someone_else(names: list[str]) -> None:
    d = Driver.weekly(0)
    people = [joined(d, name) for name in names]
    shown = [same_name(d.state.name_of(p)) for p in [*d.state.facilitators, *people]]
    assert len(shown) == len(set(shown))
    assert d.rebuilt() == d.state
