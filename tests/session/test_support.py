"""Support requests across a session: the resources a person is shown, who the facilitators
follow up after the end, and what is kept once the follow-up is done (only how many asked)."""

from __future__ import annotations

from app.agenda.carry_over import SupportResource
from app.session import commands as c
from app.session import events as ev
from app.session.command_base import FacilitatorSpec
from app.session.decisions import RejectionCode
from app.session.storage import events_for_storage, forget_support_requests
from app.session.views import facilitator_view, participant_view, room_view
from tests.support.engine import FACILITATORS, TEMPLATE, Driver

LINE = SupportResource(
    name="Samaritans", how_to_reach="Call 116 123", when_available="Day and night"
)


def with_resources() -> Driver:
    d = Driver()
    d.ok(
        d.sam,
        c.CreateSession,
        title="Tuesday group",
        group_name="Riverside",
        template_key=TEMPLATE,
        facilitators=tuple(FacilitatorSpec(id=i, name=n) for i, n in FACILITATORS),
        for_group=True,
        support_resources=(LINE,),
    )
    for index in range(3):
        d.join(index)
        d.ok(d.sam, c.Admit, participant_id=d.pid(index))
    d.ok(d.sam, c.StartSession)
    return d


def test_the_resources_are_on_each_phone_and_never_on_the_room_view() -> None:
    d = with_resources()
    d.ok(d.person(0), c.RequestSupport)

    assert participant_view(d.state, d.pid(0)).you.support_resources == [LINE]
    assert "Samaritans" not in room_view(d.state).model_dump_json()


def test_the_group_page_changes_the_list_for_the_rest_of_the_session() -> None:
    d = with_resources()
    text_line = SupportResource(
        name="Shout", how_to_reach="Text 85258", when_available="Day and night"
    )

    d.ok(d.sam, c.SetSupportResources, support_resources=(LINE, text_line))
    same = d.refused(d.sam, c.SetSupportResources, support_resources=(LINE, text_line))

    assert participant_view(d.state, d.pid(0)).you.support_resources == [LINE, text_line]
    assert same.message == "The session shows these already."
    assert d.rebuilt() == d.state


def test_a_session_without_a_group_has_no_resources_to_show() -> None:
    d = Driver.weekly(1)
    d.ok(d.person(0), c.RequestSupport)

    assert participant_view(d.state, d.pid(0)).you.support_resources == []


def test_the_console_lists_everyone_who_asked_even_after_they_were_checked_in_with() -> None:
    d = with_resources()
    d.ok(d.person(0), c.RequestSupport)
    d.ok(d.sam, c.ClearSupportRequest, participant_id=d.pid(0))
    d.ok(d.person(2), c.RequestSupport)
    d.ok(d.ana, c.EndSession)

    view = facilitator_view(d.state)
    assert [p.name for p in view.support_follow_up] == ["Priya", "Lee"]
    assert view.support_followed_up is None


def test_follow_up_done_keeps_only_how_many_asked() -> None:
    d = with_resources()
    d.ok(d.person(0), c.RequestSupport)
    d.ok(d.person(1), c.RequestSupport)
    d.ok(d.ana, c.EndSession)

    assert d.ok(d.sam, c.FollowUpDone) == (ev.SupportFollowedUp(count=2),)

    view = facilitator_view(d.state)
    assert view.support_follow_up == []
    assert view.support_followed_up == 2
    assert not any(
        p.asked_for_support or p.support_requested for p in d.state.participants.values()
    )
    assert d.rebuilt() == d.state


def test_follow_up_done_is_for_after_the_end_once_and_only_when_someone_asked() -> None:
    d = with_resources()
    d.ok(d.person(0), c.RequestSupport)
    early = d.refused(d.sam, c.FollowUpDone)
    assert (early.code, early.message) == (
        RejectionCode.INVALID,
        "Follow-up is marked done once the session has ended.",
    )
    d.ok(d.ana, c.EndSession)
    assert d.refused(d.person(0), c.FollowUpDone).message == "Only a facilitator can do that."
    d.ok(d.sam, c.FollowUpDone)
    assert d.refused(d.ana, c.FollowUpDone).message == "The follow-up is already marked done."

    quiet = with_resources()
    quiet.ok(quiet.ana, c.EndSession)
    assert quiet.refused(quiet.sam, c.FollowUpDone).message == (
        "Nobody asked for support in this session."
    )


def test_the_stored_log_without_support_requests_folds_to_the_same_state() -> None:
    d = with_resources()
    d.ok(d.person(0), c.RequestSupport)
    d.ok(d.sam, c.ClearSupportRequest, participant_id=d.pid(0))
    d.ok(d.ana, c.EndSession)
    d.ok(d.sam, c.FollowUpDone)

    stored = [events_for_storage(commit.events) for commit in d.commits]
    forgotten = [forget_support_requests(events) for events in stored]

    kinds = {event["type"] for events in forgotten for event in events}
    assert not kinds & {"support_requested", "support_request_cleared"}
    assert "support_followed_up" in kinds
    assert sum(1 for events in forgotten if not events) == 2  # request and clear, now empty
    unchanged = [f for f, s in zip(forgotten, stored, strict=True) if f is s]
    assert len(unchanged) == len(stored) - 2


def test_a_log_that_never_said_who_asked_is_left_as_it_is() -> None:
    events = [{"type": "hand_raised", "participant_id": "p1"}]
    assert forget_support_requests(events) is events
