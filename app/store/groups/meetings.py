"""What a group agrees and carries between meetings: guidelines, its sessions, housekeeping
actions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy
from sqlalchemy import func, select

from app.agenda.carry_over import ActionKind
from app.groups.rules import default_review_date, settle_promises
from app.store.groups.schema import (
    ACTIONS,
    GUIDELINE_REVIEWS,
    GUIDELINES,
    SESSIONS,
    Action,
    GroupSession,
    Guideline,
    new_id,
    select_fields,
)
from app.store.groups.store import Store


class Meetings(Store):
    """Guidelines, sessions and housekeeping actions."""

    def guidelines(self, group_id: str) -> list[Guideline]:
        query = (
            select_fields(GUIDELINES, Guideline)
            .where(GUIDELINES.c.group_id == group_id)
            .order_by(GUIDELINES.c.position)
        )
        with self._engine.connect() as connection:
            return [Guideline(**row) for row in connection.execute(query).mappings()]

    def propose_guideline(self, group_id: str, text: str, today: date) -> str:
        guideline_id = new_id()
        last = select(func.coalesce(func.max(GUIDELINES.c.position), 0)).where(
            GUIDELINES.c.group_id == group_id
        )
        with self._engine.begin() as connection:
            position = connection.execute(last).scalar_one() + 1
            connection.execute(
                GUIDELINES.insert().values(
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
        return self._update_guideline(
            group_id, guideline_id, agreed_on=agreed_on, review_on=review_on
        )

    def edit_guideline(self, group_id: str, guideline_id: str, text: str) -> bool:
        """New words for a guideline in force (rules.in_force); False if there is none."""
        return self._update_in_force(group_id, guideline_id, text=text)

    def retire_guideline(self, group_id: str, guideline_id: str, today: date) -> bool:
        """A guideline in force is no longer read at meetings; False if there is none."""
        return self._update_in_force(group_id, guideline_id, retired_on=today)

    def restore_guideline(self, group_id: str, guideline_id: str) -> bool:
        """A retired guideline is in force again, with its words and dates as they were."""
        retired = GUIDELINES.c.retired_on.is_not(None)
        return self._update_guideline(group_id, guideline_id, retired, retired_on=None)

    def _update_in_force(self, group_id: str, guideline_id: str, **values: object) -> bool:
        in_force = (GUIDELINES.c.agreed_on.is_not(None), GUIDELINES.c.retired_on.is_(None))
        return self._update_guideline(group_id, guideline_id, *in_force, **values)

    def _update_guideline(
        self,
        group_id: str,
        guideline_id: str,
        *when: sqlalchemy.ColumnElement[bool],
        **values: object,
    ) -> bool:
        """Change one of the group's guidelines if it is as ``when`` says; False if it is not."""
        statement = (
            GUIDELINES.update()
            .where(GUIDELINES.c.group_id == group_id, GUIDELINES.c.id == guideline_id, *when)
            .values(**values)
        )
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def mark_guidelines_reviewed(self, group_id: str, today: date) -> None:
        """The group looked over its guidelines today: each in force is next due for review
        the usual time from today (proposed and retired ones are left as they are)."""
        already = select(GUIDELINE_REVIEWS.c.group_id).where(
            GUIDELINE_REVIEWS.c.group_id == group_id, GUIDELINE_REVIEWS.c.reviewed_on == today
        )
        with self._engine.begin() as connection:
            if connection.execute(already).first() is None:
                connection.execute(
                    GUIDELINE_REVIEWS.insert().values(group_id=group_id, reviewed_on=today)
                )
            connection.execute(
                GUIDELINES.update()
                .where(
                    GUIDELINES.c.group_id == group_id,
                    GUIDELINES.c.agreed_on.is_not(None),
                    GUIDELINES.c.retired_on.is_(None),
                )
                .values(review_on=default_review_date(today))
            )

    def guideline_reviews(self, group_id: str) -> list[date]:
        query = (
            select(GUIDELINE_REVIEWS.c.reviewed_on)
            .where(GUIDELINE_REVIEWS.c.group_id == group_id)
            .order_by(GUIDELINE_REVIEWS.c.reviewed_on)
        )
        with self._engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def guidelines_last_reviewed(self, group_id: str) -> date | None:
        query = select(func.max(GUIDELINE_REVIEWS.c.reviewed_on)).where(
            GUIDELINE_REVIEWS.c.group_id == group_id
        )
        with self._engine.connect() as connection:
            last: date | None = connection.execute(query).scalar_one()
            return last

    def record_session(
        self, group_id: str, session_id: str, meeting_on: date, at: float, carried: list[str]
    ) -> None:
        """The group's new session, and the actions it opened with (carried, so never twice)."""
        with self._engine.begin() as connection:
            connection.execute(
                SESSIONS.insert().values(
                    session_id=session_id, group_id=group_id, meeting_on=meeting_on, created_at=at
                )
            )
            if carried:
                connection.execute(
                    ACTIONS.update()
                    .where(ACTIONS.c.group_id == group_id, ACTIONS.c.id.in_(carried))
                    .values(carried_into=session_id)
                )

    def unsettled_promises(self, group_id: str) -> dict[str, list[str]]:
        """The promises of Taking Time carried into a session and not yet settled, by session."""
        query = select(ACTIONS.c.id, ACTIONS.c.carried_into).where(
            ACTIONS.c.group_id == group_id,
            ACTIONS.c.kind == ActionKind.GUARANTEED_TIME.value,
            ACTIONS.c.carried_into.is_not(None),
            ACTIONS.c.settled_as.is_(None),
        )
        by_session: dict[str, list[str]] = {}
        with self._engine.connect() as connection:
            for action_id, session_id in connection.execute(query).all():
                by_session.setdefault(session_id, []).append(action_id)
        return by_session

    def settle_promises(self, group_id: str, session_id: str, outcomes: Mapping[str, str]) -> None:
        """Settle the promises a session that is over opened with, from how the session
        settled them (``outcomes``: kept or released): the others are owed, and carried again."""
        carried = self.unsettled_promises(group_id).get(session_id, [])
        settlement = settle_promises(carried, outcomes)
        mine = (ACTIONS.c.group_id == group_id, ACTIONS.c.carried_into == session_id)
        with self._engine.begin() as connection:
            for action_id, outcome in settlement.settled.items():
                connection.execute(
                    ACTIONS.update()
                    .where(*mine, ACTIONS.c.id == action_id)
                    .values(settled_as=outcome)
                )
            if settlement.owed:
                connection.execute(
                    ACTIONS.update()
                    .where(*mine, ACTIONS.c.id.in_(settlement.owed))
                    .values(carried_into=None)
                )

    def session_on(self, group_id: str, meeting_on: date) -> str | None:
        """The id of the group's latest session for the meeting on that date, if one was
        started (a session that ended early may be followed by another the same day)."""
        query = (
            select(SESSIONS.c.session_id)
            .where(SESSIONS.c.group_id == group_id, SESSIONS.c.meeting_on == meeting_on)
            .order_by(SESSIONS.c.created_at.desc())
        )
        with self._engine.connect() as connection:
            session_id: str | None = connection.execute(query).scalars().first()
        return session_id

    def sessions(self, group_id: str) -> list[GroupSession]:
        query = (
            select_fields(SESSIONS, GroupSession)
            .where(SESSIONS.c.group_id == group_id)
            .order_by(SESSIONS.c.meeting_on.desc(), SESSIONS.c.created_at.desc())
        )
        with self._engine.connect() as connection:
            return [GroupSession(**row) for row in connection.execute(query).mappings()]

    def add_action(self, group_id: str, action: Action) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                ACTIONS.insert().values(
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
            select_fields(ACTIONS, Action)
            .where(ACTIONS.c.group_id == group_id)
            .order_by(ACTIONS.c.due_on, ACTIONS.c.recorded_at)
        )
        with self._engine.connect() as connection:
            return [
                Action(**{**row, "kind": ActionKind(row["kind"])})
                for row in connection.execute(query).mappings()
            ]
