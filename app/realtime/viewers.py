"""Who is watching a session in this process: one Viewer per open screen, and how its
messages are made (JSON for scripts, HTML fragments for the browser pages)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from app.realtime.outbox import Outbox
from app.realtime.panels import MadePanels, Panel
from app.session.command_base import Role
from app.session.views import AnyView, FacilitatorView, PublicView, RoomView, You
from app.store.live_sessions import LiveSessionRecord

Format = Literal["json", "html"]


class Renderer(Protocol):
    """A screen's HTML: a view's whole fragment, or a phone's, the console's or the room's
    panels one at a time (a phone's from the version's public view and its own `you`)."""

    def __call__(self, view: AnyView, record: LiveSessionRecord, language: str) -> str: ...

    def panels(
        self, view: PublicView, you: You, language: str, made: MadePanels | None = None
    ) -> Sequence[Panel]: ...

    def console_panels(
        self, view: FacilitatorView, record: LiveSessionRecord, language: str
    ) -> Sequence[Panel]: ...

    def room_panels(
        self, view: RoomView, record: LiveSessionRecord, language: str
    ) -> Sequence[Panel]: ...

    def render_panel(self, panel: Panel) -> str: ...


@dataclass(eq=False)
class Viewer:
    role: Role
    person_id: str
    format: Format
    outbox: Outbox = field(default_factory=Outbox)
    # The session's link generation the viewer's token belongs to (see revoke_links_before).
    token_version: int = 1
    # The language its person reads (app/web/languages.py): HTML is made in it; JSON is the
    # same for everyone.
    language: str = "en"

    @property
    def view_key(self) -> tuple[Role, str, Format, str]:
        person = self.person_id if self.role is Role.PARTICIPANT else ""
        return (self.role, person, self.format, self.language if self.format == "html" else "")
