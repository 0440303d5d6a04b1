"""A group's support resources: placeholders at first, confirmed (and reworded) by its
facilitators, and only then brought into its sessions (app/groups/support_resources.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy
from sqlalchemy import delete, func, select

from app.agenda.carry_over import SupportResource
from app.store.groups.schema import SUPPORT_RESOURCES, SupportResourceRecord, new_id, select_fields
from app.store.groups.store import Store


def insert_placeholders(
    connection: sqlalchemy.Connection, group_id: str, placeholders: Sequence[SupportResource]
) -> None:
    """A new group's list: placeholders, none of them confirmed."""
    for position, placeholder in enumerate(placeholders, start=1):
        connection.execute(
            SUPPORT_RESOURCES.insert().values(
                id=new_id(), group_id=group_id, position=position, **placeholder.model_dump()
            )
        )


class SupportResources(Store):
    def support_resources(self, group_id: str) -> list[SupportResourceRecord]:
        """Every resource of the group, confirmed or not, in the group's order."""
        query = (
            select_fields(SUPPORT_RESOURCES, SupportResourceRecord)
            .where(SUPPORT_RESOURCES.c.group_id == group_id)
            .order_by(SUPPORT_RESOURCES.c.position, SUPPORT_RESOURCES.c.id)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).mappings()
            return [SupportResourceRecord(**row) for row in rows]

    def confirmed_support_resources(self, group_id: str) -> tuple[SupportResource, ...]:
        """What the group's sessions show people: the confirmed resources only."""
        return tuple(
            SupportResource(
                name=r.name, how_to_reach=r.how_to_reach, when_available=r.when_available
            )
            for r in self.support_resources(group_id)
            if r.confirmed_on is not None
        )

    def add_support_resource(self, group_id: str, resource: SupportResource, today: date) -> str:
        """Added by a facilitator, who typed it: confirmed as it is."""
        resource_id = new_id()
        last = select(func.coalesce(func.max(SUPPORT_RESOURCES.c.position), 0)).where(
            SUPPORT_RESOURCES.c.group_id == group_id
        )
        with self._engine.begin() as connection:
            position = connection.execute(last).scalar_one() + 1
            connection.execute(
                SUPPORT_RESOURCES.insert().values(
                    id=resource_id,
                    group_id=group_id,
                    position=position,
                    confirmed_on=today,
                    **resource.model_dump(),
                )
            )
        return resource_id

    def confirm_support_resource(
        self, group_id: str, resource_id: str, resource: SupportResource, today: date
    ) -> bool:
        """Its words as the facilitator checked them, confirmed today; False if it is gone."""
        statement = (
            SUPPORT_RESOURCES.update()
            .where(SUPPORT_RESOURCES.c.group_id == group_id, SUPPORT_RESOURCES.c.id == resource_id)
            .values(confirmed_on=today, **resource.model_dump())
        )
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def remove_support_resource(self, group_id: str, resource_id: str) -> bool:
        statement = delete(SUPPORT_RESOURCES).where(
            SUPPORT_RESOURCES.c.group_id == group_id, SUPPORT_RESOURCES.c.id == resource_id
        )
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount == 1
