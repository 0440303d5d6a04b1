"""Agenda templates as data: the seeds, and facilitators' own copies, one row per version."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app.agenda.stages import StagePlan
from app.agenda.templates import SEED_TEMPLATES, AgendaTemplate
from app.store.tables import AgendaTemplateRow, table_of

_TEMPLATES = table_of(AgendaTemplateRow)


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    template: AgendaTemplate
    version: int
    owner_account_id: str | None
    created_at: float

    @property
    def key(self) -> str:
        return self.template.key


class TemplateVersionTaken(Exception):
    """Someone saved the same template at the same moment; the caller may save again."""


def _stored(row: sqlalchemy.RowMapping) -> StoredTemplate:
    return StoredTemplate(
        template=AgendaTemplate(
            key=row["key"],
            name=row["name"],
            description=row["description"],
            stages=tuple(StagePlan.model_validate(stage) for stage in row["stages"]),
            guidelines=tuple(row["guidelines"]),
        ),
        version=row["version"],
        owner_account_id=row["owner_account_id"],
        created_at=row["created_at"],
    )


class Templates:
    """Shared by every thread of a process: it holds nothing but the engine."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine

    def ensure_seeds(self, now: float) -> None:
        """Store each seed template that is not stored yet (at startup; safe to repeat)."""
        for seed in SEED_TEMPLATES:
            if self.latest(seed.key) is None:
                try:
                    self._insert(seed, 1, None, now)
                except TemplateVersionTaken:
                    continue  # another process stored it first

    def latest(self, key: str) -> StoredTemplate | None:
        newest = (
            select(func.max(_TEMPLATES.c.version)).where(_TEMPLATES.c.key == key).scalar_subquery()
        )
        query = select(_TEMPLATES).where(_TEMPLATES.c.key == key, _TEMPLATES.c.version == newest)
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _stored(row)

    def version(self, key: str, version: int) -> StoredTemplate | None:
        query = select(_TEMPLATES).where(_TEMPLATES.c.key == key, _TEMPLATES.c.version == version)
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _stored(row)

    def usable_by(self, account_id: str) -> list[StoredTemplate]:
        """The newest version of every seed and of the account's own templates."""
        newest = (
            select(_TEMPLATES.c.key, func.max(_TEMPLATES.c.version).label("version"))
            .group_by(_TEMPLATES.c.key)
            .subquery()
        )
        query = (
            select(_TEMPLATES)
            .join(
                newest,
                (newest.c.key == _TEMPLATES.c.key) & (newest.c.version == _TEMPLATES.c.version),
            )
            .where(
                or_(
                    _TEMPLATES.c.owner_account_id.is_(None),
                    _TEMPLATES.c.owner_account_id == account_id,
                )
            )
            .order_by(_TEMPLATES.c.owner_account_id.is_(None).desc(), _TEMPLATES.c.name)
        )
        with self._engine.connect() as connection:
            return [_stored(row) for row in connection.execute(query).mappings()]

    def save(self, template: AgendaTemplate, owner_account_id: str, now: float) -> int:
        """Store `template` as the next version of its key; the version stored."""
        latest = self.latest(template.key)
        version = 1 if latest is None else latest.version + 1
        self._insert(template, version, owner_account_id, now)
        return version

    def _insert(
        self, template: AgendaTemplate, version: int, owner: str | None, now: float
    ) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    _TEMPLATES.insert().values(
                        key=template.key,
                        version=version,
                        owner_account_id=owner,
                        name=template.name,
                        description=template.description,
                        stages=[stage.model_dump(mode="json") for stage in template.stages],
                        guidelines=list(template.guidelines),
                        created_at=now,
                    )
                )
        except IntegrityError as error:
            raise TemplateVersionTaken(template.key) from error
