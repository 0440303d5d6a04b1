"""A live session record and a stand-in renderer, for building a version's frames alone."""

from __future__ import annotations

from app.session.views import AnyView
from app.store.live_sessions import LiveSessionRecord

NOW = 2_000.0
RECORD = LiveSessionRecord(
    id="test-session",
    join_code="ABC234",
    title="Tuesday group",
    group_name="Riverside",
    template_key="peer-support-plus-weekly",
    created_at=0.0,
)


def render(view: AnyView, record: LiveSessionRecord, language: str) -> str:
    return f"<p lang='{language}'>{record.join_code} {view.role} {view.version}</p>"
