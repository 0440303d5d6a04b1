"""Alembic migration environment and revisions; run through ``app.store.database.migrate``."""
