"""The messages one version sends: each different one made once, however many screens show it.

A version goes to a dozen phones, a room view and the consoles. The phones differ only in
their `you`, so the public part of the view is serialised once and each phone's message is that
text with its own small `you` spliced in: byte for byte what serialising the whole
ParticipantView would give (tests/realtime/test_frames.py), for a fraction of the work. Each
piece of JSON is made by app/realtime/view_json.py; the console's schedule projection comes from
the session's ScheduleCache (at most one a second).
"""

from __future__ import annotations

from functools import cached_property

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
    view_for,
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

    def for_viewer(self, viewer: Viewer) -> str:
        key = viewer.view_key
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._make(viewer)
        return made

    def _make(self, viewer: Viewer) -> str:
        if viewer.format == "html":
            view = (
                self._console
                if viewer.role is Role.FACILITATOR
                else view_for(
                    self._state, viewer.role, viewer.person_id or None, shared=self._shared
                )
            )
            return self._renderer(view, self._record, viewer.language)
        return snapshot_message(self._state.version, self.view_json(viewer.role, viewer.person_id))

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
        return view_json(PublicView.model_validate(self._shared.public))[1:-1]
