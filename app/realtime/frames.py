"""The messages one version sends: each different one made once, however many screens show it.

A version goes to a dozen phones, a room view and the consoles. The phones differ only in
their `you`, so the public part of the view is serialised once and each phone's message is that
text with its own small `you` spliced in: byte for byte what serialising the whole
ParticipantView would give (tests/realtime/test_frames.py), for a fraction of the work. Each
piece of JSON is made by app/realtime/view_json.py; the console's schedule projection comes from
the session's ScheduleCache (at most one a second).

A phone's HTML, the console's and the room's are their panels (app/realtime/panels.py): each
rendered once per distinct key, and taken from the previous version's frames when its key has
not changed.
So a screen that showed that version is sent only the elements that changed since (the version
marker always among them, which says which version the screen now shows), and its whole page is
made only for a screen that needs it (its outbox says which it takes). Equal messages are the
same str, so a layer below can encode each distinct message once. The hub keeps the last
version's frames only: a new one takes what it needs from the previous and lets go of the one
before that.
"""

from __future__ import annotations

from functools import cached_property

from app.realtime.panels import (
    MadePanels,
    Outline,
    Panel,
    PanelKey,
    changed_elements,
    outline,
)
from app.realtime.protocol import snapshot_message
from app.realtime.schedules import ScheduleCache
from app.realtime.view_json import view_json
from app.realtime.viewers import Format, Renderer, Viewer
from app.session.command_base import Role
from app.session.state import SessionState
from app.session.views import (
    FacilitatorView,
    PublicView,
    SharedViews,
    facilitator_view,
    participant_you,
    room_screen,
    room_view,
)
from app.store.live_sessions import LiveSessionRecord

ViewKey = tuple[Role, str, Format, str]


class VersionFrames:
    def __init__(
        self,
        state: SessionState,
        record: LiveSessionRecord,
        renderer: Renderer,
        now: float,
        schedules: ScheduleCache | None = None,
        previous: VersionFrames | None = None,
    ) -> None:
        self._state = state
        self._record = record
        self._renderer = renderer
        # One instant for every view of this version, so all screens show the same schedule.
        self._now = now
        self._shared = SharedViews(state)
        # The session's, from the hub, so versions within one second share one projection.
        self._schedules = schedules or ScheduleCache()
        self._made: dict[ViewKey, str] = {}
        self._diffs: dict[ViewKey, str | None] = {}
        self._panels: dict[ViewKey, tuple[Panel, ...]] = {}
        # The phones' panels, each made once for the phones it is the same for.
        self._made_panels = MadePanels()
        # Each screen's page as its panels' keys, kept after settle() for the next version's diffs.
        self._outlines: dict[ViewKey, Outline] = {}
        self._panel_html: dict[PanelKey, str] = {}
        # Messages by their panels, so screens with equal panels get the very same str.
        self._joined: dict[tuple[PanelKey, ...], str] = {}
        self._joined_changes: dict[tuple[tuple[PanelKey, ...], ...], str] = {}
        self._previous = previous
        if previous is not None:
            previous._previous = None

    def for_viewer(self, viewer: Viewer) -> str:
        """The whole message: for a screen that has nothing yet, or missed a version."""
        key = viewer.view_key
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._make(viewer)
        return made

    def changes_for(self, viewer: Viewer) -> str | None:
        """Only what changed since the previous version, for a screen that showed it; None
        where there is nothing to compare with (JSON, a first version, a new phone)."""
        key = viewer.view_key
        if key not in self._diffs:
            self._diffs[key] = self._diff(key)
        return self._diffs[key]

    def message_for(self, viewer: Viewer) -> str:
        """What the screen's outbox takes now: the changes where it can take them and there are
        some, else the whole version, which is then the only one made."""
        changes = self.changes_for(viewer) if viewer.outbox.takes_changes else None
        return self.for_viewer(viewer) if changes is None else changes

    def _make(self, viewer: Viewer) -> str:
        if viewer.format == "html":
            if viewer.role is Role.PARTICIPANT:
                return self._join(self._phone_panels(viewer.view_key))
            if viewer.role is Role.FACILITATOR:
                return self._join(self._console_panels(viewer.language))
            return self._join(self._room_panels(viewer.language))
        return snapshot_message(self._state.version, self.view_json(viewer.role, viewer.person_id))

    def _phone_panels(self, key: ViewKey) -> tuple[Panel, ...]:
        panels = self._panels.get(key)
        if panels is None:
            _role, person, _format, language = key
            you = participant_you(self._state, person, self._shared)
            panels = self._panels[key] = tuple(
                self._renderer.panels(self._public_view, you, language, self._made_panels)
            )
            self._outlines[key] = outline(panels)
        return panels

    def _console_panels(self, language: str) -> tuple[Panel, ...]:
        """The same for every facilitator reading this language."""
        key: ViewKey = (Role.FACILITATOR, "", "html", language)
        panels = self._panels.get(key)
        if panels is None:
            panels = self._panels[key] = tuple(
                self._renderer.console_panels(self._console, self._record, language)
            )
            self._outlines[key] = outline(panels)
        return panels

    def _room_panels(self, language: str) -> tuple[Panel, ...]:
        """The same for every room screen reading this language."""
        key: ViewKey = (Role.ROOM, "", "html", language)
        panels = self._panels.get(key)
        if panels is None:
            view = room_view(self._state, self._shared)
            panels = self._panels[key] = tuple(
                self._renderer.room_panels(view, self._record, language)
            )
            self._outlines[key] = outline(panels)
        return panels

    def _screen_panels(self, key: ViewKey) -> tuple[Panel, ...]:
        role, _person, _format, language = key
        if role is Role.FACILITATOR:
            return self._console_panels(language)
        if role is Role.ROOM:
            return self._room_panels(language)
        return self._phone_panels(key)

    def _outline_of(self, key: ViewKey) -> Outline:
        made = self._outlines.get(key)
        if made is None:
            self._screen_panels(key)
            made = self._outlines[key]
        return made

    def _diff(self, key: ViewKey) -> str | None:
        """The elements whose HTML changed since the previous version, the version marker
        always among them; None when there is nothing to compare with."""
        role, person, format_, _language = key
        previous = self._previous
        if previous is None or format_ != "html":
            return None
        if role is Role.PARTICIPANT and person not in previous._state.participants:
            return None
        changed = changed_elements(previous._outline_of(key), self._screen_panels(key))
        keys = tuple(tuple(panel.key for panel in element) for element in changed)
        joined = self._joined_changes.get(keys)
        if joined is None:
            joined = self._joined_changes[keys] = "\n".join(map(self._element_html, changed))
        return joined

    def _element_html(self, panels: tuple[Panel, ...]) -> str:
        last = len(panels) - 1
        return "".join(
            panel.body(self._html(panel), opens=index == 0, closes=index == last)
            for index, panel in enumerate(panels)
        )

    def _join(self, panels: tuple[Panel, ...]) -> str:
        keys = tuple(panel.key for panel in panels)
        joined = self._joined.get(keys)
        if joined is None:
            joined = self._joined[keys] = "".join(self._html(panel) for panel in panels)
        return joined

    def _html(self, panel: Panel) -> str:
        html = self._panel_html.get(panel.key)
        if html is None:
            if self._previous is not None:
                html = self._previous._panel_html.get(panel.key)
            if html is None:
                html = self._renderer.render_panel(panel)
            self._panel_html[panel.key] = html
        return html

    def settle(self) -> None:
        """Published: keep only what the next version reads (the panels' HTML, each screen's
        outline, the state), not the messages and views, so that a session held between
        versions costs its panels and no more.

        A screen sent only changes had its unchanged panels' HTML from the previous version,
        not rendered here: it is brought along, so that the next version (or a screen attached
        before it) finds every panel of this one, whole pages included."""
        previous = self._previous
        if previous is not None:
            for outline in self._outlines.values():
                for key in outline.keys.values():
                    if key not in self._panel_html and key in previous._panel_html:
                        self._panel_html[key] = previous._panel_html[key]
        self._made.clear()
        self._diffs.clear()
        self._joined.clear()
        self._joined_changes.clear()
        self._panels.clear()
        self._made_panels = MadePanels()
        self._shared = SharedViews(self._state)
        for made_once in ("_console", "_room_screen", "_public_view", "_public_fields"):
            self.__dict__.pop(made_once, None)

    @cached_property
    def _console(self) -> FacilitatorView:
        """The most work of any view, and the same for every facilitator, in either format."""
        return facilitator_view(
            self._state, now=self._now, shared=self._shared, projection=self._schedules.view
        )

    def view_json(self, role: Role, person_id: str) -> str:
        if role is Role.FACILITATOR:
            return view_json(self._console)
        if role is Role.ROOM:
            return f'{{{self._public_fields},"role":"room","screen":{self._room_screen}}}'
        you = view_json(participant_you(self._state, person_id, self._shared))
        return f'{{{self._public_fields},"role":"participant","you":{you}}}'

    @cached_property
    def _room_screen(self) -> str:
        return view_json(room_screen(self._shared))

    @cached_property
    def _public_fields(self) -> str:
        """The public view's members without their braces; RoomView and ParticipantView
        declare theirs after them (role, then screen or you), so the splice keeps the models'
        order."""
        return view_json(self._public_view)[1:-1]

    @cached_property
    def _public_view(self) -> PublicView:
        """What every phone shows alike, made once for all of them, in either format."""
        return PublicView.model_validate(self._shared.public)
