"""The tables a group's records live in, and the row shapes read from them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import sqlalchemy
from sqlalchemy import select

from app.agenda.carry_over import ActionKind
from app.groups.cancellations import MeetingChange
from app.groups.rules import GroupKind, MeetingPattern
from app.store.tables import (
    AccountRow,
    GroupFacilitatorRow,
    GroupGuidelineReviewRow,
    GroupGuidelineRow,
    GroupInvitationRow,
    GroupMeetingChangeRow,
    GroupMemberRow,
    GroupRow,
    GroupSessionRow,
    GroupSupportResourceRow,
    HousekeepingActionRow,
    LiveSessionRow,
    MemberApologyRow,
    SessionCommitRow,
    SessionSnapshotRow,
    table_of,
)

ACCOUNTS = table_of(AccountRow)
GROUPS = table_of(GroupRow)
FACILITATORS = table_of(GroupFacilitatorRow)
MEMBERS = table_of(GroupMemberRow)
INVITATIONS = table_of(GroupInvitationRow)
GUIDELINES = table_of(GroupGuidelineRow)
GUIDELINE_REVIEWS = table_of(GroupGuidelineReviewRow)
SUPPORT_RESOURCES = table_of(GroupSupportResourceRow)
SESSIONS = table_of(GroupSessionRow)
MEETING_CHANGES = table_of(GroupMeetingChangeRow)
ACTIONS = table_of(HousekeepingActionRow)
APOLOGIES = table_of(MemberApologyRow)
COMMITS = table_of(SessionCommitRow)
SNAPSHOTS = table_of(SessionSnapshotRow)
LIVE_SESSIONS = table_of(LiveSessionRow)


def new_id() -> str:
    return secrets.token_urlsafe(9)


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    kind: GroupKind
    meeting_pattern: MeetingPattern
    first_meeting_on: date
    meeting_time: str
    time_zone: str
    online: bool
    venue: str
    template_key: str
    retention_days: int
    created_at: float
    new_members_every: int | None = None
    # A language code we ship ("en", "es"): the default for whoever's device asks for none of
    # them (app/web/languages.py).
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    preferred_name: str
    added_on: date
    name_checked_on: date | None


@dataclass(frozen=True, slots=True)
class Guideline:
    id: str
    text: str
    proposed_on: date
    agreed_on: date | None
    review_on: date | None
    retired_on: date | None = None


@dataclass(frozen=True, slots=True)
class SupportResourceRecord:
    id: str
    name: str
    how_to_reach: str
    when_available: str
    confirmed_on: date | None


@dataclass(frozen=True, slots=True)
class GroupSession:
    session_id: str
    meeting_on: date
    created_at: float


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    kind: ActionKind
    detail: str
    peer_name: str | None
    due_on: date
    recorded_at: float
    carried_into: str | None = None
    # A promise of Taking Time the group has settled: "kept" or "released" (PromiseOutcome), or
    # "carried" for one spent by opening a session before revision 0006.
    settled_as: str | None = None


@dataclass(frozen=True, slots=True)
class GroupRecords:
    """Everything kept about a group, for its export."""

    group: Group
    facilitators: list[str]
    members: list[Member]
    guidelines: list[Guideline]
    sessions: list[GroupSession]
    actions: list[Action]
    apologies: list[tuple[str, date]] = field(default_factory=list)
    # The days the group reviewed its guidelines together, oldest first.
    guideline_reviews: list[date] = field(default_factory=list)
    # The meetings that stand cancelled, with the reason members were shown.
    cancelled_meetings: list[MeetingChange] = field(default_factory=list)


def group_from_row(row: sqlalchemy.RowMapping) -> Group:
    values = dict(row)
    values["kind"] = GroupKind(values["kind"])
    values["meeting_pattern"] = MeetingPattern(values["meeting_pattern"])
    return Group(**values)


def changeable_columns(group: Group) -> dict[str, Any]:
    """The group's columns that its settings form may change (all but id and created_at)."""
    return {
        "name": group.name,
        "kind": group.kind.value,
        "meeting_pattern": group.meeting_pattern.value,
        "first_meeting_on": group.first_meeting_on,
        "meeting_time": group.meeting_time,
        "time_zone": group.time_zone,
        "online": group.online,
        "venue": group.venue,
        "template_key": group.template_key,
        "retention_days": group.retention_days,
        "new_members_every": group.new_members_every,
        "language": group.language,
    }


def select_fields(table: sqlalchemy.Table, record: type[Any]) -> sqlalchemy.Select[Any]:
    """The columns a record dataclass is made of, by its field names."""
    return select(*(table.c[f.name] for f in fields(record)))
