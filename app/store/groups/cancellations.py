"""Meetings a group's facilitators cancelled, and restored."""

from __future__ import annotations

from datetime import date

import sqlalchemy
from sqlalchemy.exc import IntegrityError

from app.groups.cancellations import MeetingChange
from app.store.groups.schema import MEETING_CHANGES, select_fields
from app.store.groups.store import Store


class Cancellations(Store):
    """Each changed meeting keeps one row: cancelled, or restored, and how often it changed."""

    def cancel_meeting(self, group_id: str, meeting_on: date, reason: str, at: float) -> None:
        """Cancel the meeting, or change the reason of one cancelled already."""
        try:
            self._cancel(group_id, meeting_on, reason, at)
        except IntegrityError:
            # Another facilitator cancelled it at the same moment: theirs is now the row to update.
            self._cancel(group_id, meeting_on, reason, at)

    def restore_meeting(self, group_id: str, meeting_on: date, at: float) -> bool:
        """The cancelled meeting takes place after all; False if it is not cancelled."""
        statement = (
            MEETING_CHANGES.update()
            .where(*_the(group_id, meeting_on), MEETING_CHANGES.c.cancelled.is_(True))
            .values(cancelled=False, revision=MEETING_CHANGES.c.revision + 1, changed_at=at)
        )
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def meeting_changes(self, group_id: str, since: date) -> dict[date, MeetingChange]:
        """The group's cancelled and restored meetings from ``since`` on, by date."""
        query = select_fields(MEETING_CHANGES, MeetingChange).where(
            MEETING_CHANGES.c.group_id == group_id, MEETING_CHANGES.c.meeting_on >= since
        )
        with self._engine.connect() as connection:
            changes = [MeetingChange(**row) for row in connection.execute(query).mappings()]
        return {change.meeting_on: change for change in changes}

    def _cancel(self, group_id: str, meeting_on: date, reason: str, at: float) -> None:
        with self._engine.begin() as connection:
            updated = connection.execute(
                MEETING_CHANGES.update()
                .where(*_the(group_id, meeting_on))
                .values(
                    cancelled=True,
                    reason=reason,
                    revision=MEETING_CHANGES.c.revision + 1,
                    changed_at=at,
                )
            ).rowcount
            if updated == 0:
                connection.execute(
                    MEETING_CHANGES.insert().values(
                        group_id=group_id,
                        meeting_on=meeting_on,
                        cancelled=True,
                        reason=reason,
                        revision=1,
                        changed_at=at,
                    )
                )


def _the(group_id: str, meeting_on: date) -> tuple[sqlalchemy.ColumnElement[bool], ...]:
    return (MEETING_CHANGES.c.group_id == group_id, MEETING_CHANGES.c.meeting_on == meeting_on)
