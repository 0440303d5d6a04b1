"""Forgetting what a group no longer keeps: old sessions, or the whole group."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy
from sqlalchemy import delete, select

from app.store.groups.schema import (
    ACTIONS,
    APOLOGIES,
    COMMITS,
    FACILITATORS,
    GROUPS,
    GUIDELINE_REVIEWS,
    GUIDELINES,
    INVITATIONS,
    LIVE_SESSIONS,
    MEETING_CHANGES,
    MEMBERS,
    SESSIONS,
    SNAPSHOTS,
    SUPPORT_RESOURCES,
)
from app.store.groups.store import Store


class Retention(Store):
    """Purges, by the group's retention or when a group is closed."""

    def purge_sessions_before(self, group_id: str, cutoff: date) -> int:
        """Forget the group's sessions held before `cutoff` (and their timing facts)."""
        with self._engine.begin() as connection:
            old = list(
                connection.execute(
                    select(SESSIONS.c.session_id).where(
                        SESSIONS.c.group_id == group_id, SESSIONS.c.meeting_on < cutoff
                    )
                ).scalars()
            )
            _forget_sessions(connection, old)
            connection.execute(
                delete(ACTIONS).where(ACTIONS.c.group_id == group_id, ACTIONS.c.due_on < cutoff)
            )
            connection.execute(
                delete(MEETING_CHANGES).where(
                    MEETING_CHANGES.c.group_id == group_id, MEETING_CHANGES.c.meeting_on < cutoff
                )
            )
            member_ids = select(MEMBERS.c.id).where(MEMBERS.c.group_id == group_id)
            connection.execute(
                delete(APOLOGIES).where(
                    APOLOGIES.c.member_id.in_(member_ids), APOLOGIES.c.meeting_on < cutoff
                )
            )
        return len(old)

    def purge_group(self, group_id: str) -> None:
        """The group and everything kept about it, its sessions included."""
        with self._engine.begin() as connection:
            sessions = list(
                connection.execute(
                    select(SESSIONS.c.session_id).where(SESSIONS.c.group_id == group_id)
                ).scalars()
            )
            _forget_sessions(connection, sessions)
            member_ids = select(MEMBERS.c.id).where(MEMBERS.c.group_id == group_id)
            connection.execute(delete(APOLOGIES).where(APOLOGIES.c.member_id.in_(member_ids)))
            tables = (
                ACTIONS,
                GUIDELINES,
                GUIDELINE_REVIEWS,
                SUPPORT_RESOURCES,
                MEETING_CHANGES,
                MEMBERS,
                INVITATIONS,
                FACILITATORS,
            )
            for table in tables:
                connection.execute(delete(table).where(table.c.group_id == group_id))
            connection.execute(delete(GROUPS).where(GROUPS.c.id == group_id))


def _forget_sessions(connection: sqlalchemy.Connection, session_ids: list[str]) -> None:
    if not session_ids:
        return
    tables: list[tuple[Any, Any]] = [
        (COMMITS, COMMITS.c.session_id),
        (SNAPSHOTS, SNAPSHOTS.c.session_id),
        (SESSIONS, SESSIONS.c.session_id),
        (LIVE_SESSIONS, LIVE_SESSIONS.c.id),
    ]
    for table, column in tables:
        connection.execute(delete(table).where(column.in_(session_ids)))
