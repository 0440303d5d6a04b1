"""A live session record and a stand-in renderer, for building a version's frames alone."""

from __future__ import annotations

from collections.abc import Sequence

from app.realtime.panels import MadePanels, Panel
from app.session.views import AnyView, FacilitatorView, ParticipantView, PublicView, RoomView, You
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


class StandInRenderer:
    """Short HTML that says which view it is: a phone's is two panels, the version marker and
    its own presence; a console's, the version marker and how many people; a room's, one
    panel with the join code and the version."""

    def __init__(self) -> None:
        self.panels_rendered: list[Panel] = []

    def __call__(self, view: AnyView, record: LiveSessionRecord, language: str) -> str:
        if isinstance(view, ParticipantView):
            panels = self.panels(view, view.you, language)
            return "".join(self.render_panel(panel) for panel in panels)
        if isinstance(view, FacilitatorView):
            panels = self.console_panels(view, record, language)
            return "".join(self.render_panel(panel) for panel in panels)
        return "".join(
            self.render_panel(panel) for panel in self.room_panels(view, record, language)
        )

    def panels(
        self, view: PublicView, you: You, language: str, made: MadePanels | None = None
    ) -> Sequence[Panel]:
        return (
            Panel("version", language, "", {"version": view.version}),
            Panel("you", language, "\n", {"presence": you.presence}),
        )

    def console_panels(
        self, view: FacilitatorView, record: LiveSessionRecord, language: str
    ) -> Sequence[Panel]:
        return (
            Panel("console-version", language, "", {"version": view.version}),
            Panel("console-people", language, "\n", {"people": len(view.participants)}),
        )

    def room_panels(
        self, view: RoomView, record: LiveSessionRecord, language: str
    ) -> Sequence[Panel]:
        return (
            Panel(
                "room",
                language,
                "",
                {"join_code": record.join_code, "role": view.role, "version": view.version},
            ),
        )

    def render_panel(self, panel: Panel) -> str:
        self.panels_rendered.append(panel)
        values = " ".join(str(value) for value in panel.inputs.values())
        return f"{panel.lead}<p id='{panel.template}' lang='{panel.language}'>{values}</p>"


render = StandInRenderer()
