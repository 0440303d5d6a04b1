"""The pure rules of a group's life between sessions (app/groups/rules.py)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.agenda.carry_over import ActionKind
from app.groups.rules import (
    MeetingPattern,
    PendingAction,
    action_date_problem,
    actions_for_meeting,
    in_force,
    meeting_number,
    next_welcoming_meeting,
    retention_cutoff,
    review_due,
    this_weeks_meeting,
    upcoming_meetings,
    welcomes_new_members,
)

MONDAY = date(2026, 11, 2)


def test_a_weekly_group_meets_every_seven_days_from_its_first_meeting() -> None:
    today = date(2026, 11, 20)  # a Friday

    assert upcoming_meetings(MONDAY, MeetingPattern.WEEKLY, today, count=3) == [
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 12, 7),
    ]


def test_a_fortnightly_group_skips_a_week() -> None:
    assert upcoming_meetings(MONDAY, MeetingPattern.FORTNIGHTLY, date(2026, 11, 10), 2) == [
        date(2026, 11, 16),
        date(2026, 11, 30),
    ]


def test_today_counts_as_upcoming_when_it_is_a_meeting_day() -> None:
    assert upcoming_meetings(MONDAY, MeetingPattern.WEEKLY, date(2026, 11, 16), 1) == [
        date(2026, 11, 16)
    ]


def test_a_one_off_meeting_is_upcoming_until_it_has_passed() -> None:
    assert upcoming_meetings(MONDAY, MeetingPattern.ONE_OFF, date(2026, 11, 1)) == [MONDAY]
    assert upcoming_meetings(MONDAY, MeetingPattern.ONE_OFF, date(2026, 11, 3)) == []


def test_a_group_that_has_not_met_yet_starts_at_its_first_meeting() -> None:
    assert upcoming_meetings(MONDAY, MeetingPattern.WEEKLY, date(2026, 10, 1), 1) == [MONDAY]


@given(
    first=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    offset=st.integers(min_value=-400, max_value=400),
    pattern=st.sampled_from([MeetingPattern.WEEKLY, MeetingPattern.FORTNIGHTLY]),
)
def test_upcoming_meetings_are_real_meetings_in_order_with_none_missed(
    first: date, offset: int, pattern: MeetingPattern
) -> None:
    today = first + timedelta(days=offset)
    meetings = upcoming_meetings(first, pattern, today, count=4)

    interval = pattern.interval
    assert interval is not None
    assert meetings[0] >= today
    # None skipped: the next one is within one interval, unless the group has not met yet.
    assert meetings[0] == first or meetings[0] - today < interval
    assert all(meeting_number(first, pattern, m) is not None for m in meetings)
    assert meetings == sorted(meetings)


def test_this_weeks_meeting_is_within_the_coming_seven_days() -> None:
    assert this_weeks_meeting(MONDAY, MeetingPattern.WEEKLY, date(2026, 11, 10)) == date(
        2026, 11, 16
    )
    # Fortnightly, in the week between: no session to start.
    assert this_weeks_meeting(MONDAY, MeetingPattern.FORTNIGHTLY, date(2026, 11, 3)) is None


def test_wellbeing_groups_welcome_new_members_every_nth_meeting() -> None:
    meetings = upcoming_meetings(MONDAY, MeetingPattern.WEEKLY, MONDAY, count=9)

    welcoming = [m for m in meetings if welcomes_new_members(MONDAY, MeetingPattern.WEEKLY, m, 4)]

    assert welcoming == [meetings[0], meetings[4], meetings[8]]
    assert not welcomes_new_members(MONDAY, MeetingPattern.WEEKLY, meetings[0], None)
    assert not welcomes_new_members(MONDAY, MeetingPattern.WEEKLY, date(2026, 11, 3), 1)


def test_a_guideline_review_is_due_from_its_review_date() -> None:
    assert review_due(date(2026, 11, 16), date(2026, 11, 16))
    assert review_due(date(2026, 11, 9), date(2026, 11, 16))
    assert not review_due(date(2026, 11, 17), date(2026, 11, 16))
    assert not review_due(None, date(2026, 11, 16))


@given(st.one_of(st.none(), st.dates()), st.one_of(st.none(), st.dates()))
def test_a_guideline_is_in_force_while_agreed_and_not_retired(
    agreed_on: date | None, retired_on: date | None
) -> None:
    assert in_force(agreed_on, retired_on) == (agreed_on is not None and retired_on is None)


def test_an_action_for_a_past_date_is_refused_kindly() -> None:
    problem = action_date_problem(date(2026, 11, 22), date(2026, 11, 23))

    assert problem is not None
    assert "already passed" in problem
    assert action_date_problem(date(2026, 11, 23), date(2026, 11, 23)) is None


def test_a_meeting_opens_with_the_actions_due_by_then_and_not_yet_carried() -> None:
    actions = [
        PendingAction("due", ActionKind.GUARANTEED_TIME, date(2026, 11, 16), None),
        PendingAction("overdue", ActionKind.HANDOUT, date(2026, 11, 9), None),
        PendingAction("later", ActionKind.SEEK_NEWS, date(2026, 11, 23), None),
        PendingAction("done", ActionKind.NEXT_MEETING, date(2026, 11, 16), "session-1"),
    ]

    assert actions_for_meeting(actions, date(2026, 11, 16)) == ["due", "overdue"]


@pytest.mark.parametrize(("days", "expired"), [(7, 2), (30, 1), (365, 0)])
def test_records_older_than_the_groups_retention_are_expired(days: int, expired: int) -> None:
    today = date(2026, 11, 23)
    meetings = [today - timedelta(days=60), today - timedelta(days=14), today]

    cutoff = retention_cutoff(today, days)

    assert len([m for m in meetings if m < cutoff]) == expired


@given(
    days_on=st.integers(min_value=-30, max_value=400),
    every=st.integers(min_value=1, max_value=52),
    pattern=st.sampled_from([MeetingPattern.WEEKLY, MeetingPattern.FORTNIGHTLY]),
)
def test_a_prospective_member_is_told_the_first_meeting_that_welcomes_them(
    days_on: int, every: int, pattern: MeetingPattern
) -> None:
    today = MONDAY + timedelta(days=days_on)
    found = next_welcoming_meeting(MONDAY, pattern, today, every)

    assert found is not None
    assert found >= today
    assert welcomes_new_members(MONDAY, pattern, found, every)
    # No earlier meeting from today on welcomes new members.
    before = upcoming_meetings(MONDAY, pattern, today, count=every + 1)
    assert [
        m for m in before if m < found and welcomes_new_members(MONDAY, pattern, m, every)
    ] == []


def test_a_group_that_does_not_say_when_it_welcomes_new_members_names_no_meeting() -> None:
    assert next_welcoming_meeting(MONDAY, MeetingPattern.WEEKLY, MONDAY, None) is None
    assert next_welcoming_meeting(MONDAY, MeetingPattern.ONE_OFF, MONDAY, 4) == MONDAY
    assert next_welcoming_meeting(MONDAY, MeetingPattern.ONE_OFF, MONDAY + timedelta(1), 4) is None
