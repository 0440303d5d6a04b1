"""Persistence: the event store, the registry of live sessions, engines and migrations.

Import from the modules themselves (``app.store.event_store`` and so on), so that using a
``Commit`` does not pull in Alembic.
"""
