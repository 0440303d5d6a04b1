"""A meeting the facilitators cancelled (a holiday, a facilitator unwell), or cancelled and
then restored: what members are told, and how calendar apps learn of the change.

Pure: nothing here reads the clock or the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.groups.meeting_times import day_text

# Shown to members beside the date, so a few words: "Christmas Eve", "Facilitator unwell".
MAX_REASON = 120


@dataclass(frozen=True, slots=True)
class MeetingChange:
    """One meeting's cancellation, as it stands: cancelled, or restored after being cancelled.

    ``revision`` counts every cancelling and restoring of that meeting, so a calendar app that
    saw an earlier state knows this one is newer (RFC 5545 SEQUENCE).
    """

    meeting_on: date
    cancelled: bool
    # What the facilitator wrote for members; empty if they gave no reason.
    reason: str
    revision: int
    changed_at: float


def cancelled_text(change: MeetingChange) -> str:
    """ "No meeting on Thursday 24 December: Christmas Eve", or without the reason if none."""
    told = f"No meeting on {day_text(change.meeting_on)}"
    return f"{told}: {change.reason}" if change.reason else told


def cancelled_only(changes: dict[date, MeetingChange]) -> dict[date, MeetingChange]:
    """The meetings that stand cancelled (not the restored ones)."""
    return {on: change for on, change in changes.items() if change.cancelled}
