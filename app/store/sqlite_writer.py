"""SQLite's one writer: a raw ``sqlite3`` connection of its own, running the statements of
app/store/appending.py compiled for SQLite once.

The writer thread (app/realtime/appends.py) stores every commit of the process. Through
SQLAlchemy each statement also paid for a pooled connection's checkout and return, the
statement cache's lookup, and a result object (bench/README.md measures it); the writer's CPU
competes with the event loop for the interpreter. Here a statement is the driver's call on
SQL that SQLAlchemy compiled once, with its parameters made by the same type processors (the
engine's JSON serialiser among them), so the rows are the ones the SQLAlchemy path writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy
from sqlalchemy.exc import DBAPIError

from app.store.appending import (
    APPEND,
    SAVE_SNAPSHOT,
    Refusal,
    Snapshot,
    Statement,
    append_in,
    save_snapshot_in,
)
from app.store.commits import Commit
from app.store.database import configure_sqlite_connection

Processor = Callable[[Any], Any] | None


class SqliteWriter:
    """The SQLite file of an engine, with the writer's statements compiled for it. Shared by
    the writer threads that come and go; each opens a ``WriterConnection`` of its own."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        if engine.dialect.name != "sqlite" or not engine.url.database:
            raise ValueError(f"the raw writer writes to a SQLite file, not {engine.url!r}")
        self._dialect = engine.dialect
        self._path = engine.url.database
        # Filled as statements are first run; one writer thread at a time uses it.
        self._compiled: dict[Statement, _Compiled] = {}

    def connect(self) -> WriterConnection:
        """A new connection, set up as the engine's are (WAL, synchronous=NORMAL, busy
        timeout); its errors raised as SQLAlchemy's, as the connection's are."""
        try:
            connection = sqlite3.connect(self._path, isolation_level=None)
        except sqlite3.Error as error:
            raise DBAPIError.instance(None, None, error, sqlite3.Error) from error
        try:
            configure_sqlite_connection(connection)
        except BaseException as error:
            connection.close()
            if isinstance(error, sqlite3.Error):
                raise DBAPIError.instance(None, None, error, sqlite3.Error) from error
            raise
        return WriterConnection(connection, self._compiled_form)

    def _compiled_form(self, statement: Statement) -> _Compiled:
        compiled = self._compiled.get(statement)
        if compiled is None:
            compiled = self._compiled[statement] = _Compiled(statement, self._dialect)
        return compiled


class WriterConnection:
    """One raw connection, used by the thread that opened it. Errors are raised as SQLAlchemy
    raises the driver's (``OperationalError`` and the like), so callers tell no difference."""

    def __init__(
        self, connection: sqlite3.Connection, compiled: Callable[[Statement], _Compiled]
    ) -> None:
        self._connection = connection
        self._compiled = compiled

    def append_all(self, commits: list[Commit]) -> list[Refusal | None]:
        """As EventStore.append_all: each commit stored or refused on its own, in one
        transaction."""
        with self._transaction():
            append = APPEND["sqlite"]
            return [append_in(self, append, commit) for commit in commits]

    def save_snapshots(self, snapshots: list[Snapshot]) -> None:
        """As EventStore.save_snapshot for each, in one transaction."""
        with self._transaction():
            for snapshot in snapshots:
                save_snapshot_in(self, SAVE_SNAPSHOT["sqlite"], snapshot)

    def close(self) -> None:
        self._connection.close()

    def changed(self, statement: Statement, parameters: Mapping[str, Any]) -> int:
        return self._execute(self._compiled(statement), parameters).rowcount

    def rows(self, statement: Statement, parameters: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        compiled = self._compiled(statement)
        return [compiled.row(row) for row in self._execute(compiled, parameters).fetchall()]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock at once (waiting in the busy handler for another
        # process's writer), rather than at the first write, where a transaction that has read
        # an older snapshot could only fail.
        self._run("BEGIN IMMEDIATE", ())
        try:
            yield
            self._run("COMMIT", ())
        except BaseException:
            if self._connection.in_transaction:
                self._run("ROLLBACK", ())
            raise

    def _execute(self, compiled: _Compiled, named: Mapping[str, Any]) -> sqlite3.Cursor:
        # Inside the try: a value its type refuses (NaN in JSON) fails as StatementError, as it
        # does through SQLAlchemy.
        try:
            return self._connection.execute(compiled.sql, compiled.parameters(named))
        except Exception as error:
            raise DBAPIError.instance(compiled.sql, named, error, sqlite3.Error) from error

    def _run(self, sql: str, parameters: Sequence[Any]) -> sqlite3.Cursor:
        try:
            return self._connection.execute(sql, parameters)
        except Exception as error:
            raise DBAPIError.instance(sql, parameters, error, sqlite3.Error) from error


class _Compiled:
    """A statement's SQL for SQLite, and how its named parameters become the driver's."""

    def __init__(self, statement: Statement, dialect: sqlalchemy.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        # (name, or None for a value fixed in the statement; that value; its type's processor)
        self._binds: list[tuple[str | None, Any, Processor]] = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            self._binds.append((name if bind.required else None, bind.effective_value, processor))
        self._results: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in (
                statement.selected_columns if isinstance(statement, sqlalchemy.Select) else ()
            )
        ]

    def parameters(self, named: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, fixed, processor in self._binds:
            value = fixed if name is None else named[name]
            values.append(value if processor is None else processor(value))
        return values

    def row(self, row: Sequence[Any]) -> Sequence[Any]:
        return [
            value if processor is None else processor(value)
            for value, processor in zip(row, self._results, strict=True)
        ]
