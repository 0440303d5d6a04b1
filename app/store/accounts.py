"""Facilitator accounts: who may run which groups. Only argon2 hashes of passwords are kept."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.store.tables import AccountRow, table_of

_ACCOUNTS = table_of(AccountRow)


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    email: str
    display_name: str
    password_hash: str
    credential_version: int
    created_at: float


class EmailTaken(Exception):
    """Another account already uses this email address."""


class Accounts:
    """Shared by every thread of a process: it holds nothing but the engine."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine

    def create(self, account: Account) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    _ACCOUNTS.insert().values(
                        id=account.id,
                        email=account.email,
                        display_name=account.display_name,
                        password_hash=account.password_hash,
                        credential_version=account.credential_version,
                        created_at=account.created_at,
                    )
                )
        except IntegrityError as error:
            raise EmailTaken(account.email) from error

    def get(self, account_id: str) -> Account | None:
        return self._one(_ACCOUNTS.c.id == account_id)

    def by_email(self, email: str) -> Account | None:
        return self._one(_ACCOUNTS.c.email == email)

    def change_password(self, account_id: str, password_hash: str) -> int:
        """Store the new hash; the new credential version (older login cookies stop working)."""
        statement = (
            _ACCOUNTS.update()
            .where(_ACCOUNTS.c.id == account_id)
            .values(
                password_hash=password_hash,
                credential_version=_ACCOUNTS.c.credential_version + 1,
            )
            .returning(_ACCOUNTS.c.credential_version)
        )
        with self._engine.begin() as connection:
            version: int = connection.execute(statement).scalar_one()
        return version

    def rehash(self, account_id: str, password_hash: str) -> None:
        """Replace a hash made with older parameters; the password itself is unchanged."""
        statement = (
            _ACCOUNTS.update()
            .where(_ACCOUNTS.c.id == account_id)
            .values(password_hash=password_hash)
        )
        with self._engine.begin() as connection:
            connection.execute(statement)

    def _one(self, condition: sqlalchemy.ColumnElement[bool]) -> Account | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(_ACCOUNTS).where(condition)).mappings().first()
        return None if row is None else Account(**row)
