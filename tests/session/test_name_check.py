"""The name check gate: a prospective member waits until the group has been asked about them."""

from __future__ import annotations

from app.session import commands as c
from app.session import events as ev
from app.session.decisions import RejectionCode
from app.session.state import ERASED_NAME, Membership, Presence
from app.session.views import facilitator_view
from tests.support.engine import Driver

NOT_YET = (
    "Name check not recorded yet for Kim — ask the group first, then record it on the group page."
)


def with_three_arrivals() -> Driver:
    """Priya (a member), Kim (prospective: through her link, not yet name-checked), Tom (code)."""
    d = Driver.weekly(0)
    d.ok(d.person(0), c.Join, name="Priya", member_id="m-priya")
    d.ok(d.person(1), c.Join, name="Kim", member_id="m-kim", name_check_pending=True)
    d.ok(d.person(2), c.Join, name="Tom")
    return d


def test_a_prospective_member_cannot_be_let_in_until_the_name_check_is_recorded() -> None:
    d = with_three_arrivals()

    refusal = d.refused(d.sam, c.Admit, participant_id=d.pid(1))
    assert (refusal.code, refusal.message) == (RejectionCode.INVALID, NOT_YET)
    assert d.state.participants[d.pid(1)].presence is Presence.WAITING_ROOM
    # The others are let in as before.
    d.ok(d.sam, c.Admit, participant_id=d.pid(0))
    d.ok(d.sam, c.Admit, participant_id=d.pid(2))

    events = d.ok(d.ana, c.RecordNameCheck, member_id="m-kim")
    assert events == (ev.NameCheckRecorded(participant_id=d.pid(1)),)
    d.ok(d.sam, c.Admit, participant_id=d.pid(1))
    assert d.state.participants[d.pid(1)].presence is Presence.PRESENT
    assert d.rebuilt() == d.state


def test_the_console_says_who_is_a_member_and_why_someone_must_wait() -> None:
    d = with_three_arrivals()

    waiting = {p.name: p for p in facilitator_view(d.state).waiting_room}
    assert {name: p.membership for name, p in waiting.items()} == {
        "Priya": Membership.MEMBER,
        "Kim": Membership.PROSPECTIVE,
        "Tom": Membership.NOT_LINKED,
    }
    assert [p.admit_blocked for p in waiting.values()] == [None, NOT_YET, None]
    d.ok(d.sam, c.RecordNameCheck, member_id="m-kim")
    kim = next(p for p in facilitator_view(d.state).waiting_room if p.name == "Kim")
    assert (kim.membership, kim.admit_blocked) == (Membership.MEMBER, None)


def test_a_name_check_for_nobody_waiting_changes_nothing() -> None:
    d = with_three_arrivals()
    before = d.state

    refusal = d.refused(d.sam, c.RecordNameCheck, member_id="m-priya")
    assert refusal.code is RejectionCode.NOTHING_TO_DO
    assert d.refused(d.person(0), c.RecordNameCheck, member_id="m-kim").code is (
        RejectionCode.NOT_ALLOWED
    )
    assert d.state == before


def test_a_pending_name_check_means_nothing_without_a_member_record() -> None:
    # Only a member's own link can make someone prospective; a code join never waits for it.
    d = Driver.weekly(0)
    d.ok(d.person(0), c.Join, name="Tom", name_check_pending=True)
    d.ok(d.sam, c.Admit, participant_id=d.pid(0))
    assert d.state.participants[d.pid(0)].presence is Presence.PRESENT


def test_a_member_the_group_erases_is_no_longer_named_in_the_live_session() -> None:
    d = with_three_arrivals()
    d.ok(d.sam, c.Admit, participant_id=d.pid(0))

    events = d.ok(d.sam, c.ForgetMember, member_id="m-priya")

    assert events == (ev.MemberForgotten(participant_id=d.pid(0)),)
    assert d.state.participants[d.pid(0)].name == ERASED_NAME
    assert d.state.participants[d.pid(0)].presence is Presence.PRESENT  # still here, unnamed
    assert "Priya" not in str(facilitator_view(d.state).model_dump())
    assert d.refused(d.sam, c.ForgetMember, member_id="m-priya").code is (
        RejectionCode.NOTHING_TO_DO
    )
    assert d.rebuilt() == d.state
