"""Groups across weeks: facilitators, members, guidelines, sessions, actions and apologies.

Every read that a person asks for goes through ``for_facilitator``/``get_for``, so a group is
only ever found by someone who facilitates it. Nothing said in a session is stored here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import sqlalchemy
from sqlalchemy import delete, func, select

from app.agenda.carry_over import ActionKind
from app.groups.rules import GroupKind, MeetingPattern
from app.session.storage import erase_member
from app.store.tables import (
    AccountRow,
    GroupFacilitatorRow,
    GroupGuidelineRow,
    GroupInvitationRow,
    GroupMemberRow,
    GroupRow,
    GroupSessionRow,
    HousekeepingActionRow,
    LiveSessionRow,
    MemberApologyRow,
    SessionCommitRow,
    SessionSnapshotRow,
    table_of,
)

_ACCOUNTS = table_of(AccountRow)
_GROUPS = table_of(GroupRow)
_FACILITATORS = table_of(GroupFacilitatorRow)
_MEMBERS = table_of(GroupMemberRow)
_INVITATIONS = table_of(GroupInvitationRow)
_GUIDELINES = table_of(GroupGuidelineRow)
_SESSIONS = table_of(GroupSessionRow)
_ACTIONS = table_of(HousekeepingActionRow)
_APOLOGIES = table_of(MemberApologyRow)
_COMMITS = table_of(SessionCommitRow)
_SNAPSHOTS = table_of(SessionSnapshotRow)
_LIVE_SESSIONS = table_of(LiveSessionRow)


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


def _group(row: sqlalchemy.RowMapping) -> Group:
    values = dict(row)
    values["kind"] = GroupKind(values["kind"])
    values["meeting_pattern"] = MeetingPattern(values["meeting_pattern"])
    return Group(**values)


def _changeable(group: Group) -> dict[str, Any]:
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
    }


class Groups:
    """Shared by every thread of a process: it holds nothing but the engine."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine

    # --- groups and who facilitates them ---------------------------------------------------

    def create(self, group: Group, account_id: str, guidelines: list[str], today: date) -> None:
        """The group, its first facilitator, and its template's guidelines (agreed today)."""
        with self._engine.begin() as connection:
            connection.execute(
                _GROUPS.insert().values(
                    id=group.id, created_at=group.created_at, **_changeable(group)
                )
            )
            connection.execute(
                _FACILITATORS.insert().values(group_id=group.id, account_id=account_id)
            )
            for position, text in enumerate(guidelines, start=1):
                connection.execute(
                    _GUIDELINES.insert().values(
                        id=new_id(),
                        group_id=group.id,
                        position=position,
                        text=text,
                        proposed_on=today,
                        agreed_on=today,
                    )
                )

    def for_facilitator(self, account_id: str) -> list[Group]:
        query = (
            select(_GROUPS)
            .join(_FACILITATORS, _FACILITATORS.c.group_id == _GROUPS.c.id)
            .where(_FACILITATORS.c.account_id == account_id)
            .order_by(_GROUPS.c.name, _GROUPS.c.id)
        )
        with self._engine.connect() as connection:
            return [_group(row) for row in connection.execute(query).mappings()]

    def get(self, group_id: str) -> Group | None:
        """Any group, for links that name one (a member's apologies link): not for facilitators."""
        with self._engine.connect() as connection:
            row = (
                connection.execute(select(_GROUPS).where(_GROUPS.c.id == group_id))
                .mappings()
                .first()
            )
        return None if row is None else _group(row)

    def get_for(self, group_id: str, account_id: str) -> Group | None:
        """The group, only if `account_id` facilitates it."""
        query = (
            select(_GROUPS)
            .join(_FACILITATORS, _FACILITATORS.c.group_id == _GROUPS.c.id)
            .where(_GROUPS.c.id == group_id, _FACILITATORS.c.account_id == account_id)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _group(row)

    def update(self, group: Group) -> None:
        """Store the group's changed details (its id and creation time stay)."""
        statement = _GROUPS.update().where(_GROUPS.c.id == group.id).values(**_changeable(group))
        with self._engine.begin() as connection:
            connection.execute(statement)

    def group_of_session(self, session_id: str) -> str | None:
        query = select(_SESSIONS.c.group_id).where(_SESSIONS.c.session_id == session_id)
        with self._engine.connect() as connection:
            group_id: str | None = connection.execute(query).scalar_one_or_none()
        return group_id

    def facilitator_names(self, group_id: str) -> list[str]:
        query = (
            select(_ACCOUNTS.c.display_name)
            .join(_FACILITATORS, _FACILITATORS.c.account_id == _ACCOUNTS.c.id)
            .where(_FACILITATORS.c.group_id == group_id)
            .order_by(_ACCOUNTS.c.display_name)
        )
        with self._engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def invite(self, token_hash: str, group_id: str, invited_by: str, at: float) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                _INVITATIONS.insert().values(
                    token_hash=token_hash, group_id=group_id, invited_by=invited_by, created_at=at
                )
            )

    def invitation_group(self, token_hash: str) -> Group | None:
        """The group an unused invitation is for."""
        query = (
            select(_GROUPS)
            .join(_INVITATIONS, _INVITATIONS.c.group_id == _GROUPS.c.id)
            .where(_INVITATIONS.c.token_hash == token_hash, _INVITATIONS.c.accepted_by.is_(None))
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _group(row)

    def accept(self, token_hash: str, account_id: str) -> str | None:
        """Make `account_id` a facilitator of the invitation's group; its id, or None if spent."""
        claim = (
            _INVITATIONS.update()
            .where(_INVITATIONS.c.token_hash == token_hash, _INVITATIONS.c.accepted_by.is_(None))
            .values(accepted_by=account_id)
            .returning(_INVITATIONS.c.group_id)
        )
        with self._engine.begin() as connection:
            group_id: str | None = connection.execute(claim).scalar_one_or_none()
            if group_id is None:
                return None
            already = connection.execute(
                select(_FACILITATORS.c.account_id).where(
                    _FACILITATORS.c.group_id == group_id, _FACILITATORS.c.account_id == account_id
                )
            ).first()
            if already is None:
                connection.execute(
                    _FACILITATORS.insert().values(group_id=group_id, account_id=account_id)
                )
        return group_id

    # --- members ------------------------------------------------------------------------------

    def members(self, group_id: str) -> list[Member]:
        query = (
            _select_fields(_MEMBERS, Member)
            .where(_MEMBERS.c.group_id == group_id)
            .order_by(_MEMBERS.c.preferred_name, _MEMBERS.c.id)
        )
        with self._engine.connect() as connection:
            return [Member(**row) for row in connection.execute(query).mappings()]

    def add_member(self, group_id: str, preferred_name: str, today: date) -> str:
        member_id = new_id()
        with self._engine.begin() as connection:
            connection.execute(
                _MEMBERS.insert().values(
                    id=member_id, group_id=group_id, preferred_name=preferred_name, added_on=today
                )
            )
        return member_id

    def record_name_check(self, group_id: str, member_id: str, today: date) -> bool:
        statement = (
            _MEMBERS.update()
            .where(_MEMBERS.c.group_id == group_id, _MEMBERS.c.id == member_id)
            .values(name_checked_on=today)
        )
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def member(self, group_id: str, member_id: str) -> Member | None:
        query = _select_fields(_MEMBERS, Member).where(
            _MEMBERS.c.group_id == group_id, _MEMBERS.c.id == member_id
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else Member(**row)

    def remove_member(self, group_id: str, member_id: str) -> bool:
        """Remove the member and erase their name: their apologies, and the housekeeping
        actions that name them, go with them; the group's session records keep that someone
        came, never who (erase_member). Records that name people only by preferred name are
        left alone while another member of the group has the same one (they may be theirs)."""
        with self._engine.begin() as connection:
            name = connection.execute(
                select(_MEMBERS.c.preferred_name).where(
                    _MEMBERS.c.group_id == group_id, _MEMBERS.c.id == member_id
                )
            ).scalar_one_or_none()
            if name is None:
                return False
            connection.execute(delete(_APOLOGIES).where(_APOLOGIES.c.member_id == member_id))
            connection.execute(delete(_MEMBERS).where(_MEMBERS.c.id == member_id))
            namesake = connection.execute(
                select(_MEMBERS.c.id).where(
                    _MEMBERS.c.group_id == group_id, _MEMBERS.c.preferred_name == name
                )
            ).first()
            only_theirs = None if namesake is not None else name
            if only_theirs is not None:
                connection.execute(
                    delete(_ACTIONS).where(
                        _ACTIONS.c.group_id == group_id, _ACTIONS.c.peer_name == only_theirs
                    )
                )
            _erase_from_sessions(connection, group_id, member_id, only_theirs)
        return True

    def send_apology(self, member_id: str, meeting_on: date, at: float) -> None:
        with self._engine.begin() as connection:
            known = connection.execute(
                select(_APOLOGIES.c.member_id).where(
                    _APOLOGIES.c.member_id == member_id, _APOLOGIES.c.meeting_on == meeting_on
                )
            ).first()
            if known is None:
                connection.execute(
                    _APOLOGIES.insert().values(
                        member_id=member_id, meeting_on=meeting_on, sent_at=at
                    )
                )

    def apologies(self, group_id: str, meeting_on: date) -> list[str]:
        query = (
            select(_MEMBERS.c.preferred_name)
            .join(_APOLOGIES, _APOLOGIES.c.member_id == _MEMBERS.c.id)
            .where(_MEMBERS.c.group_id == group_id, _APOLOGIES.c.meeting_on == meeting_on)
            .order_by(_MEMBERS.c.preferred_name)
        )
        with self._engine.connect() as connection:
            return list(connection.execute(query).scalars())

    # --- guidelines ---------------------------------------------------------------------------

    def guidelines(self, group_id: str) -> list[Guideline]:
        query = (
            _select_fields(_GUIDELINES, Guideline)
            .where(_GUIDELINES.c.group_id == group_id)
            .order_by(_GUIDELINES.c.position)
        )
        with self._engine.connect() as connection:
            return [Guideline(**row) for row in connection.execute(query).mappings()]

    def propose_guideline(self, group_id: str, text: str, today: date) -> str:
        guideline_id = new_id()
        last = select(func.coalesce(func.max(_GUIDELINES.c.position), 0)).where(
            _GUIDELINES.c.group_id == group_id
        )
        with self._engine.begin() as connection:
            position = connection.execute(last).scalar_one() + 1
            connection.execute(
                _GUIDELINES.insert().values(
                    id=guideline_id,
                    group_id=group_id,
                    position=position,
                    text=text,
                    proposed_on=today,
                )
            )
        return guideline_id

    def agree_guideline(
        self, group_id: str, guideline_id: str, agreed_on: date, review_on: date
    ) -> bool:
        statement = (
            _GUIDELINES.update()
            .where(_GUIDELINES.c.group_id == group_id, _GUIDELINES.c.id == guideline_id)
            .values(agreed_on=agreed_on, review_on=review_on)
        )
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    # --- sessions and housekeeping actions --------------------------------------------------

    def record_session(
        self, group_id: str, session_id: str, meeting_on: date, at: float, carried: list[str]
    ) -> None:
        """The group's new session, and the actions it opened with (carried, so never twice)."""
        with self._engine.begin() as connection:
            connection.execute(
                _SESSIONS.insert().values(
                    session_id=session_id, group_id=group_id, meeting_on=meeting_on, created_at=at
                )
            )
            if carried:
                connection.execute(
                    _ACTIONS.update()
                    .where(_ACTIONS.c.group_id == group_id, _ACTIONS.c.id.in_(carried))
                    .values(carried_into=session_id)
                )

    def session_on(self, group_id: str, meeting_on: date) -> str | None:
        """The id of the group's session for the meeting on that date, if it was started."""
        query = (
            select(_SESSIONS.c.session_id)
            .where(_SESSIONS.c.group_id == group_id, _SESSIONS.c.meeting_on == meeting_on)
            .order_by(_SESSIONS.c.created_at)
        )
        with self._engine.connect() as connection:
            session_id: str | None = connection.execute(query).scalars().first()
        return session_id

    def sessions(self, group_id: str) -> list[GroupSession]:
        query = (
            _select_fields(_SESSIONS, GroupSession)
            .where(_SESSIONS.c.group_id == group_id)
            .order_by(_SESSIONS.c.meeting_on.desc(), _SESSIONS.c.created_at.desc())
        )
        with self._engine.connect() as connection:
            return [GroupSession(**row) for row in connection.execute(query).mappings()]

    def add_action(self, group_id: str, action: Action) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                _ACTIONS.insert().values(
                    id=action.id,
                    group_id=group_id,
                    kind=action.kind.value,
                    detail=action.detail,
                    peer_name=action.peer_name,
                    due_on=action.due_on,
                    recorded_at=action.recorded_at,
                )
            )

    def actions(self, group_id: str) -> list[Action]:
        query = (
            _select_fields(_ACTIONS, Action)
            .where(_ACTIONS.c.group_id == group_id)
            .order_by(_ACTIONS.c.due_on, _ACTIONS.c.recorded_at)
        )
        with self._engine.connect() as connection:
            return [
                Action(**{**row, "kind": ActionKind(row["kind"])})
                for row in connection.execute(query).mappings()
            ]

    # --- retention and export ---------------------------------------------------------------

    def purge_sessions_before(self, group_id: str, cutoff: date) -> int:
        """Forget the group's sessions held before `cutoff` (and their timing facts)."""
        with self._engine.begin() as connection:
            old = list(
                connection.execute(
                    select(_SESSIONS.c.session_id).where(
                        _SESSIONS.c.group_id == group_id, _SESSIONS.c.meeting_on < cutoff
                    )
                ).scalars()
            )
            _forget_sessions(connection, old)
            connection.execute(
                delete(_ACTIONS).where(_ACTIONS.c.group_id == group_id, _ACTIONS.c.due_on < cutoff)
            )
            member_ids = select(_MEMBERS.c.id).where(_MEMBERS.c.group_id == group_id)
            connection.execute(
                delete(_APOLOGIES).where(
                    _APOLOGIES.c.member_id.in_(member_ids), _APOLOGIES.c.meeting_on < cutoff
                )
            )
        return len(old)

    def all_groups(self) -> list[Group]:
        with self._engine.connect() as connection:
            return [_group(row) for row in connection.execute(select(_GROUPS)).mappings()]

    def purge_group(self, group_id: str) -> None:
        """The group and everything kept about it, its sessions included."""
        with self._engine.begin() as connection:
            sessions = list(
                connection.execute(
                    select(_SESSIONS.c.session_id).where(_SESSIONS.c.group_id == group_id)
                ).scalars()
            )
            _forget_sessions(connection, sessions)
            member_ids = select(_MEMBERS.c.id).where(_MEMBERS.c.group_id == group_id)
            connection.execute(delete(_APOLOGIES).where(_APOLOGIES.c.member_id.in_(member_ids)))
            for table in (_ACTIONS, _GUIDELINES, _MEMBERS, _INVITATIONS, _FACILITATORS):
                connection.execute(delete(table).where(table.c.group_id == group_id))
            connection.execute(delete(_GROUPS).where(_GROUPS.c.id == group_id))

    def records(self, group: Group) -> GroupRecords:
        member_ids = select(_MEMBERS.c.id).where(_MEMBERS.c.group_id == group.id)
        query = (
            select(_MEMBERS.c.preferred_name, _APOLOGIES.c.meeting_on)
            .join(_APOLOGIES, _APOLOGIES.c.member_id == _MEMBERS.c.id)
            .where(_APOLOGIES.c.member_id.in_(member_ids))
            .order_by(_APOLOGIES.c.meeting_on)
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
        )


def _select_fields(table: sqlalchemy.Table, record: type[Any]) -> sqlalchemy.Select[Any]:
    """The columns a record dataclass is made of, by its field names."""
    return select(*(table.c[f.name] for f in fields(record)))


def _erase_from_sessions(
    connection: sqlalchemy.Connection, group_id: str, member_id: str, name: str | None
) -> None:
    """Rewrite the group's stored session events without the member's name.

    Snapshots of a rewritten session are dropped: they are only a cache of the events, and
    would still hold the name.
    """
    sessions = select(_SESSIONS.c.session_id).where(_SESSIONS.c.group_id == group_id)
    commits = connection.execute(
        select(_COMMITS.c.session_id, _COMMITS.c.version, _COMMITS.c.events).where(
            _COMMITS.c.session_id.in_(sessions)
        )
    ).all()
    rewritten: set[str] = set()
    for session_id, version, events in commits:
        erased = erase_member(events, member_id, name)
        if erased is not events:
            connection.execute(
                _COMMITS.update()
                .where(_COMMITS.c.session_id == session_id, _COMMITS.c.version == version)
                .values(events=erased)
            )
            rewritten.add(session_id)
    if rewritten:
        connection.execute(delete(_SNAPSHOTS).where(_SNAPSHOTS.c.session_id.in_(rewritten)))


def _forget_sessions(connection: sqlalchemy.Connection, session_ids: list[str]) -> None:
    if not session_ids:
        return
    tables: list[tuple[Any, Any]] = [
        (_COMMITS, _COMMITS.c.session_id),
        (_SNAPSHOTS, _SNAPSHOTS.c.session_id),
        (_SESSIONS, _SESSIONS.c.session_id),
        (_LIVE_SESSIONS, _LIVE_SESSIONS.c.id),
    ]
    for table, column in tables:
        connection.execute(delete(table).where(column.in_(session_ids)))
