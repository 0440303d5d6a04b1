"""Groups across weeks: facilitators, members, guidelines, sessions, actions, apologies and
cancelled meetings.

One `Groups` store, made of a part per concept. Nothing said in a session is stored here.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.groups.cancellations import cancelled_only
from app.store.groups.cancellations import Cancellations
from app.store.groups.directory import Directory
from app.store.groups.meetings import Meetings
from app.store.groups.members import Membership
from app.store.groups.retention import Retention
from app.store.groups.schema import (
    APOLOGIES,
    MEMBERS,
    Action,
    Group,
    GroupRecords,
    GroupSession,
    Guideline,
    Member,
    SupportResourceRecord,
    new_id,
)
from app.store.groups.support import SupportResources

__all__ = [
    "Action",
    "Group",
    "GroupRecords",
    "GroupSession",
    "Groups",
    "Guideline",
    "Member",
    "SupportResourceRecord",
    "new_id",
]


class Groups(Directory, Membership, Meetings, Cancellations, Retention, SupportResources):
    """The group store: shared by every thread of a process, it holds nothing but the engine."""

    def records(self, group: Group) -> GroupRecords:
        member_ids = select(MEMBERS.c.id).where(MEMBERS.c.group_id == group.id)
        query = (
            select(MEMBERS.c.preferred_name, APOLOGIES.c.meeting_on)
            .join(APOLOGIES, APOLOGIES.c.member_id == MEMBERS.c.id)
            .where(APOLOGIES.c.member_id.in_(member_ids))
            .order_by(APOLOGIES.c.meeting_on)
        )
        with self._engine.connect() as connection:
            apologies = [(name, on) for name, on in connection.execute(query).all()]
        return GroupRecords(
            group=group,
            facilitators=self.facilitator_names(group.id),
            members=self.members(group.id),
            guidelines=self.guidelines(group.id),
            sessions=self.sessions(group.id),
            actions=self.actions(group.id),
            apologies=apologies,
            guideline_reviews=self.guideline_reviews(group.id),
            cancelled_meetings=sorted(
                cancelled_only(self.meeting_changes(group.id, date.min)).values(),
                key=lambda change: change.meeting_on,
            ),
        )
