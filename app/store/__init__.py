"""Persistence: the event store, the registry of live sessions, engines and migrations."""

from app.store.commits import Commit, DuplicateCommand, VersionConflict
from app.store.database import create_database_engine, migrate, sqlite_url_for
from app.store.event_store import EventStore
from app.store.live_sessions import JoinCodeTaken, LiveSessionRecord, LiveSessions

__all__ = [
    "Commit",
    "DuplicateCommand",
    "EventStore",
    "JoinCodeTaken",
    "LiveSessionRecord",
    "LiveSessions",
    "VersionConflict",
    "create_database_engine",
    "migrate",
    "sqlite_url_for",
]
