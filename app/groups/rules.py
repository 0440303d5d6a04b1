"""A group's life between sessions, as pure rules: no I/O, and `today` is always passed in.

The calendar of meetings, guideline reviews, which housekeeping actions a meeting opens with,
which meetings welcome new members, and which records have outlived the group's retention.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.agenda.carry_over import ActionKind
from app.translatable import translatable


class GroupKind(StrEnum):
    WELLBEING = "wellbeing"
    EDUCATION = "education"
    SOCIAL_ACTIVITY = "social_activity"
    GRIEF_SUPPORT = "grief_support"

    @property
    def label(self) -> str:
        return {
            GroupKind.WELLBEING: translatable("Wellbeing"),
            GroupKind.EDUCATION: translatable("Education"),
            GroupKind.SOCIAL_ACTIVITY: translatable("Social activity"),
            GroupKind.GRIEF_SUPPORT: translatable("Grief support"),
        }[self]


class MeetingPattern(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    ONE_OFF = "one_off"

    @property
    def label(self) -> str:
        return {
            MeetingPattern.WEEKLY: translatable("Weekly"),
            MeetingPattern.FORTNIGHTLY: translatable("Fortnightly"),
            MeetingPattern.ONE_OFF: translatable("Once"),
        }[self]

    @property
    def interval(self) -> timedelta | None:
        return {
            MeetingPattern.WEEKLY: timedelta(weeks=1),
            MeetingPattern.FORTNIGHTLY: timedelta(weeks=2),
            MeetingPattern.ONE_OFF: None,
        }[self]


def upcoming_meetings(
    first_on: date, pattern: MeetingPattern, today: date, count: int = 6
) -> list[date]:
    """The next `count` meeting dates from `today` (today included)."""
    interval = pattern.interval
    if interval is None:
        return [first_on] if first_on >= today else []
    if first_on >= today:
        start = first_on
    else:
        behind = (today - first_on).days
        steps = -(-behind // interval.days)
        start = first_on + steps * interval
    return [start + n * interval for n in range(count)]


def this_weeks_meeting(first_on: date, pattern: MeetingPattern, today: date) -> date | None:
    """The meeting within the coming week (today to six days on), if there is one."""
    upcoming = upcoming_meetings(first_on, pattern, today, count=1)
    if upcoming and upcoming[0] - today < timedelta(weeks=1):
        return upcoming[0]
    return None


def meeting_number(first_on: date, pattern: MeetingPattern, meeting_on: date) -> int | None:
    """1 for the first meeting, 2 for the next...; None when `meeting_on` is not a meeting."""
    interval = pattern.interval
    offset = (meeting_on - first_on).days
    if offset < 0:
        return None
    if interval is None:
        return 1 if offset == 0 else None
    steps, rest = divmod(offset, interval.days)
    return steps + 1 if rest == 0 else None


def welcomes_new_members(
    first_on: date, pattern: MeetingPattern, meeting_on: date, every: int | None
) -> bool:
    """Every `every`-th meeting, starting with the first, is open to new members."""
    number = meeting_number(first_on, pattern, meeting_on)
    if every is None or number is None:
        return False
    return (number - 1) % every == 0


def next_welcoming_meeting(
    first_on: date, pattern: MeetingPattern, today: date, every: int | None
) -> date | None:
    """The first meeting from `today` on that welcomes new members, for a prospective member."""
    upcoming = upcoming_meetings(first_on, pattern, today, count=1)
    interval = pattern.interval
    if every is None or not upcoming:
        return None
    if interval is None:
        return upcoming[0]
    number = meeting_number(first_on, pattern, upcoming[0])
    assert number is not None, "upcoming_meetings() gives meeting dates"
    return upcoming[0] + ((1 - number) % every) * interval


# --- guidelines -------------------------------------------------------------------------------

DEFAULT_REVIEW_AFTER = timedelta(days=182)


def review_due(review_on: date | None, meeting_on: date) -> bool:
    """A guideline's review is due at a meeting on or after its review date."""
    return review_on is not None and review_on <= meeting_on


def default_review_date(agreed_on: date) -> date:
    """When a guideline agreed (or the list reviewed) that day is next looked at again."""
    return agreed_on + DEFAULT_REVIEW_AFTER


def in_force(agreed_on: date | None, retired_on: date | None) -> bool:
    """A guideline the group lives by, and reads at its meetings: agreed, and not retired.

    Only these can have their words changed or be retired; a retired one stays in the
    group's history and can be brought back as it was.
    """
    return agreed_on is not None and retired_on is None


# --- housekeeping actions ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingAction:
    id: str
    kind: ActionKind
    due_on: date
    carried_into: str | None


def action_date_problem(due_on: date, today: date) -> str | None:
    """An action is for a meeting still to come; the kind words to say when it is not."""
    if due_on < today:
        return (
            "That date has already passed. Please choose the date of the meeting "
            "this action is for."
        )
    return None


def actions_for_meeting(actions: Iterable[PendingAction], meeting_on: date) -> list[str]:
    """The ids of the actions a meeting opens with: due by then and not yet carried."""
    return [a.id for a in actions if a.carried_into is None and a.due_on <= meeting_on]


@dataclass(frozen=True, slots=True)
class PromiseSettlement:
    """What the group records once a session that opened with promises of Taking Time is
    over: how each kept or released one was settled, and which are still owed."""

    settled: dict[str, str]
    owed: list[str]


def settle_promises(carried: Iterable[str], outcomes: Mapping[str, str]) -> PromiseSettlement:
    """``carried``: the ids of the promises the session opened with; ``outcomes``: how the
    session settled some of them (its ``promises``, "kept" or "released"). Those it did not
    settle are owed, and the group's next meeting opens with them."""
    ids = list(carried)
    return PromiseSettlement(
        settled={i: outcomes[i] for i in ids if i in outcomes},
        owed=[i for i in ids if i not in outcomes],
    )


# --- retention --------------------------------------------------------------------------------

MIN_RETENTION_DAYS = 7
MAX_RETENTION_DAYS = 10 * 366
DEFAULT_RETENTION_DAYS = 365


def retention_cutoff(today: date, retention_days: int) -> date:
    """What is expired `today`: the records of meetings before this date (the store deletes)."""
    return today - timedelta(days=retention_days)
