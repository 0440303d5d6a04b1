"""Groups and who facilitates them: every read a person asks for goes through
``for_facilitator``/``get_for``, so a group is only found by someone who facilitates it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from app.agenda.carry_over import SupportResource
from app.store.groups.schema import (
    ACCOUNTS,
    FACILITATORS,
    GROUPS,
    GUIDELINES,
    INVITATIONS,
    SESSIONS,
    Group,
    changeable_columns,
    group_from_row,
    new_id,
)
from app.store.groups.store import Store
from app.store.groups.support import insert_placeholders


class Directory(Store):
    """Groups, their facilitators and invitations."""

    def create(
        self,
        group: Group,
        account_id: str,
        guidelines: list[str],
        today: date,
        support_placeholders: Sequence[SupportResource] = (),
    ) -> None:
        """The group, its first facilitator, its template's guidelines (agreed today) and the
        placeholders of its support resources (for its facilitators to confirm)."""
        with self._engine.begin() as connection:
            connection.execute(
                GROUPS.insert().values(
                    id=group.id, created_at=group.created_at, **changeable_columns(group)
                )
            )
            connection.execute(
                FACILITATORS.insert().values(group_id=group.id, account_id=account_id)
            )
            for position, text in enumerate(guidelines, start=1):
                connection.execute(
                    GUIDELINES.insert().values(
                        id=new_id(),
                        group_id=group.id,
                        position=position,
                        text=text,
                        proposed_on=today,
                        agreed_on=today,
                    )
                )
            insert_placeholders(connection, group.id, support_placeholders)

    def for_facilitator(self, account_id: str) -> list[Group]:
        query = (
            select(GROUPS)
            .join(FACILITATORS, FACILITATORS.c.group_id == GROUPS.c.id)
            .where(FACILITATORS.c.account_id == account_id)
            .order_by(GROUPS.c.name, GROUPS.c.id)
        )
        with self._engine.connect() as connection:
            return [group_from_row(row) for row in connection.execute(query).mappings()]

    def get(self, group_id: str) -> Group | None:
        """Any group, for links that name one (a member's apologies link): not for facilitators."""
        with self._engine.connect() as connection:
            row = (
                connection.execute(select(GROUPS).where(GROUPS.c.id == group_id)).mappings().first()
            )
        return None if row is None else group_from_row(row)

    def get_for(self, group_id: str, account_id: str) -> Group | None:
        """The group, only if `account_id` facilitates it."""
        query = (
            select(GROUPS)
            .join(FACILITATORS, FACILITATORS.c.group_id == GROUPS.c.id)
            .where(GROUPS.c.id == group_id, FACILITATORS.c.account_id == account_id)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else group_from_row(row)

    def update(self, group: Group) -> None:
        """Store the group's changed details (its id and creation time stay)."""
        statement = (
            GROUPS.update().where(GROUPS.c.id == group.id).values(**changeable_columns(group))
        )
        with self._engine.begin() as connection:
            connection.execute(statement)

    def group_of_session(self, session_id: str) -> str | None:
        query = select(SESSIONS.c.group_id).where(SESSIONS.c.session_id == session_id)
        with self._engine.connect() as connection:
            group_id: str | None = connection.execute(query).scalar_one_or_none()
        return group_id

    def language_of_session(self, session_id: str) -> str | None:
        """The default language of the group the session belongs to; None for a session that
        is no group's."""
        query = (
            select(GROUPS.c.language)
            .join(SESSIONS, SESSIONS.c.group_id == GROUPS.c.id)
            .where(SESSIONS.c.session_id == session_id)
        )
        with self._engine.connect() as connection:
            language: str | None = connection.execute(query).scalar_one_or_none()
        return language

    def facilitator_names(self, group_id: str) -> list[str]:
        query = (
            select(ACCOUNTS.c.display_name)
            .join(FACILITATORS, FACILITATORS.c.account_id == ACCOUNTS.c.id)
            .where(FACILITATORS.c.group_id == group_id)
            .order_by(ACCOUNTS.c.display_name)
        )
        with self._engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def invite(self, token_hash: str, group_id: str, invited_by: str, at: float) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                INVITATIONS.insert().values(
                    token_hash=token_hash, group_id=group_id, invited_by=invited_by, created_at=at
                )
            )

    def invitation_group(self, token_hash: str) -> Group | None:
        """The group an unused invitation is for."""
        query = (
            select(GROUPS)
            .join(INVITATIONS, INVITATIONS.c.group_id == GROUPS.c.id)
            .where(INVITATIONS.c.token_hash == token_hash, INVITATIONS.c.accepted_by.is_(None))
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else group_from_row(row)

    def accept(self, token_hash: str, account_id: str) -> str | None:
        """Make `account_id` a facilitator of the invitation's group; its id, or None if spent."""
        claim = (
            INVITATIONS.update()
            .where(INVITATIONS.c.token_hash == token_hash, INVITATIONS.c.accepted_by.is_(None))
            .values(accepted_by=account_id)
            .returning(INVITATIONS.c.group_id)
        )
        with self._engine.begin() as connection:
            group_id: str | None = connection.execute(claim).scalar_one_or_none()
            if group_id is None:
                return None
            already = connection.execute(
                select(FACILITATORS.c.account_id).where(
                    FACILITATORS.c.group_id == group_id, FACILITATORS.c.account_id == account_id
                )
            ).first()
            if already is None:
                connection.execute(
                    FACILITATORS.insert().values(group_id=group_id, account_id=account_id)
                )
        return group_id

    def all_groups(self) -> list[Group]:
        with self._engine.connect() as connection:
            return [group_from_row(row) for row in connection.execute(select(GROUPS)).mappings()]
