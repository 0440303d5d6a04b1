"""Alembic environment: always runs online, on the connection handed over by the caller."""

import sqlalchemy
from alembic import context
from sqlmodel import SQLModel

import app.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata for autogenerate)

connection = context.config.attributes.get("connection")
if not isinstance(connection, sqlalchemy.Connection):
    raise RuntimeError(
        "run migrations through app.store.database.migrate(engine); there is no alembic.ini"
    )

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
