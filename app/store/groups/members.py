"""A group's members, their name checks and apologies, and erasing a member."""

from __future__ import annotations

from datetime import date

import sqlalchemy
from sqlalchemy import delete, select

from app.session.storage import erase_member
from app.store.groups.schema import (
    ACTIONS,
    APOLOGIES,
    COMMITS,
    MEMBERS,
    SESSIONS,
    SNAPSHOTS,
    Member,
    new_id,
    select_fields,
)
from app.store.groups.store import Store


class Membership(Store):
    """A group's members and their apologies."""

    def members(self, group_id: str) -> list[Member]:
        query = (
            select_fields(MEMBERS, Member)
            .where(MEMBERS.c.group_id == group_id)
            .order_by(MEMBERS.c.preferred_name, MEMBERS.c.id)
        )
        with self._engine.connect() as connection:
            return [Member(**row) for row in connection.execute(query).mappings()]

    def add_member(self, group_id: str, preferred_name: str, today: date) -> str:
        member_id = new_id()
        with self._engine.begin() as connection:
            connection.execute(
                MEMBERS.insert().values(
                    id=member_id, group_id=group_id, preferred_name=preferred_name, added_on=today
                )
            )
        return member_id

    def record_name_check(self, group_id: str, member_id: str, today: date) -> bool:
        statement = (
            MEMBERS.update()
            .where(MEMBERS.c.group_id == group_id, MEMBERS.c.id == member_id)
            .values(name_checked_on=today)
        )
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def member(self, group_id: str, member_id: str) -> Member | None:
        query = select_fields(MEMBERS, Member).where(
            MEMBERS.c.group_id == group_id, MEMBERS.c.id == member_id
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
                select(MEMBERS.c.preferred_name).where(
                    MEMBERS.c.group_id == group_id, MEMBERS.c.id == member_id
                )
            ).scalar_one_or_none()
            if name is None:
                return False
            connection.execute(delete(APOLOGIES).where(APOLOGIES.c.member_id == member_id))
            connection.execute(delete(MEMBERS).where(MEMBERS.c.id == member_id))
            namesake = connection.execute(
                select(MEMBERS.c.id).where(
                    MEMBERS.c.group_id == group_id, MEMBERS.c.preferred_name == name
                )
            ).first()
            only_theirs = None if namesake is not None else name
            if only_theirs is not None:
                connection.execute(
                    delete(ACTIONS).where(
                        ACTIONS.c.group_id == group_id, ACTIONS.c.peer_name == only_theirs
                    )
                )
            _erase_from_sessions(connection, group_id, member_id, only_theirs)
        return True

    def send_apology(self, member_id: str, meeting_on: date, at: float) -> None:
        with self._engine.begin() as connection:
            known = connection.execute(
                select(APOLOGIES.c.member_id).where(
                    APOLOGIES.c.member_id == member_id, APOLOGIES.c.meeting_on == meeting_on
                )
            ).first()
            if known is None:
                connection.execute(
                    APOLOGIES.insert().values(
                        member_id=member_id, meeting_on=meeting_on, sent_at=at
                    )
                )

    def apology_dates(self, member_id: str, since: date) -> frozenset[date]:
        """The meetings from ``since`` on that the member sent apologies for."""
        query = select(APOLOGIES.c.meeting_on).where(
            APOLOGIES.c.member_id == member_id, APOLOGIES.c.meeting_on >= since
        )
        with self._engine.connect() as connection:
            return frozenset(connection.execute(query).scalars())

    def apologies(self, group_id: str, meeting_on: date) -> list[str]:
        query = (
            select(MEMBERS.c.preferred_name)
            .join(APOLOGIES, APOLOGIES.c.member_id == MEMBERS.c.id)
            .where(MEMBERS.c.group_id == group_id, APOLOGIES.c.meeting_on == meeting_on)
            .order_by(MEMBERS.c.preferred_name)
        )
        with self._engine.connect() as connection:
            return list(connection.execute(query).scalars())


def _erase_from_sessions(
    connection: sqlalchemy.Connection, group_id: str, member_id: str, name: str | None
) -> None:
    """Rewrite the group's stored session events without the member's name.

    Snapshots of a rewritten session are dropped: they are only a cache of the events, and
    would still hold the name.
    """
    sessions = select(SESSIONS.c.session_id).where(SESSIONS.c.group_id == group_id)
    commits = connection.execute(
        select(COMMITS.c.session_id, COMMITS.c.version, COMMITS.c.events).where(
            COMMITS.c.session_id.in_(sessions)
        )
    ).all()
    rewritten: set[str] = set()
    for session_id, version, events in commits:
        erased = erase_member(events, member_id, name)
        if erased is not events:
            connection.execute(
                COMMITS.update()
                .where(COMMITS.c.session_id == session_id, COMMITS.c.version == version)
                .values(events=erased)
            )
            rewritten.add(session_id)
    if rewritten:
        connection.execute(delete(SNAPSHOTS).where(SNAPSHOTS.c.session_id.in_(rewritten)))
