"""The registry of live sessions: which sessions exist and how to join them.

It holds no trace of what is said in a session; that never reaches the store at all.
"""

import dataclasses
from dataclasses import dataclass

import sqlalchemy
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.store.tables import LiveSessionRow, table_of

_LIVE_SESSIONS = table_of(LiveSessionRow)


@dataclass(frozen=True, slots=True)
class LiveSessionRecord:
    id: str
    join_code: str
    title: str
    group_name: str
    template_key: str
    created_at: float
    # Part of every token's signature: bumping it revokes all tokens issued for the session.
    token_secret_version: int = 1


# What a record is read from: the heartbeat (alive_at) is read on its own, when a session loads.
_RECORD_COLUMNS = [_LIVE_SESSIONS.c[field.name] for field in dataclasses.fields(LiveSessionRecord)]


class JoinCodeTaken(Exception):
    """Another session holds the join code; the caller picks a new code and tries again."""

    def __init__(self, join_code: str) -> None:
        super().__init__(f"join code {join_code!r} is taken")
        self.join_code = join_code


class LiveSessions:
    """Shared by every thread of a process: it holds nothing but the engine."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine

    def create(self, record: LiveSessionRecord) -> None:
        # The process creating a session serves it from that moment.
        statement = _LIVE_SESSIONS.insert().values(
            **dataclasses.asdict(record), alive_at=record.created_at
        )
        try:
            with self._engine.begin() as connection:
                connection.execute(statement)
        except IntegrityError as error:
            # Session ids are random, so a clash is nearly always the join code; a read tells.
            if self.by_join_code(record.join_code) is not None:
                raise JoinCodeTaken(record.join_code) from error
            raise

    def get(self, session_id: str) -> LiveSessionRecord | None:
        return self._one(_LIVE_SESSIONS.c.id == session_id)

    def by_join_code(self, code: str) -> LiveSessionRecord | None:
        return self._one(_LIVE_SESSIONS.c.join_code == code)

    def list_recent(self, limit: int = 50) -> list[LiveSessionRecord]:
        """The newest sessions first (ties broken by id, so the order is stable)."""
        query = (
            select(*_RECORD_COLUMNS)
            .order_by(_LIVE_SESSIONS.c.created_at.desc(), _LIVE_SESSIONS.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [_record(row) for row in connection.execute(query).mappings()]

    def bump_token_secret_version(self, session_id: str) -> int | None:
        """Revoke every token issued for the session; the new version, or None if no session."""
        statement = (
            _LIVE_SESSIONS.update()
            .where(_LIVE_SESSIONS.c.id == session_id)
            .values(token_secret_version=_LIVE_SESSIONS.c.token_secret_version + 1)
            .returning(_LIVE_SESSIONS.c.token_secret_version)
        )
        with self._engine.begin() as connection:
            version: int | None = connection.execute(statement).scalar_one_or_none()
        return version

    def mark_alive(self, session_ids: list[str], now: float) -> None:
        """The heartbeat: this process is serving these sessions at `now`. One statement for all
        of them; a later heartbeat of another process is never moved back."""
        if not session_ids:
            return
        statement = (
            _LIVE_SESSIONS.update()
            .where(
                _LIVE_SESSIONS.c.id.in_(session_ids),
                sqlalchemy.or_(
                    _LIVE_SESSIONS.c.alive_at.is_(None), _LIVE_SESSIONS.c.alive_at < now
                ),
            )
            .values(alive_at=now)
        )
        with self._engine.begin() as connection:
            connection.execute(statement)

    def alive_at(self, session_id: str) -> float | None:
        """When a process last said it was serving the session; None if none ever did (a
        session from before heartbeats, or one that does not exist)."""
        query = select(_LIVE_SESSIONS.c.alive_at).where(_LIVE_SESSIONS.c.id == session_id)
        with self._engine.connect() as connection:
            alive_at: float | None = connection.execute(query).scalar_one_or_none()
        return alive_at

    def _one(self, condition: sqlalchemy.ColumnElement[bool]) -> LiveSessionRecord | None:
        with self._engine.connect() as connection:
            query = select(*_RECORD_COLUMNS).where(condition)
            row = connection.execute(query).mappings().first()
        return None if row is None else _record(row)


def _record(row: sqlalchemy.RowMapping) -> LiveSessionRecord:
    return LiveSessionRecord(
        id=row["id"],
        join_code=row["join_code"],
        title=row["title"],
        group_name=row["group_name"],
        template_key=row["template_key"],
        created_at=row["created_at"],
        token_secret_version=row["token_secret_version"],
    )
