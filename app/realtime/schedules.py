"""A session's schedule projection, made at most once a second.

schedule_view() is made at the whole second of `now` (projection_instant), so two versions in
the same second whose state gives equal schedule_inputs() get equal projections: the cache
keeps the last one with its inputs and gives it back while they stay equal. One per session,
in its hub; the clock stays in the shell, as `now` passed in.
"""

from __future__ import annotations

from collections.abc import Hashable

from app.session.state import SessionState
from app.session.views.schedule import ScheduleView, schedule_inputs, schedule_view


class ScheduleCache:
    def __init__(self) -> None:
        self._inputs: tuple[Hashable, ...] | None = None
        self._view: ScheduleView | None = None

    def view(self, state: SessionState, now: float) -> ScheduleView | None:
        inputs = schedule_inputs(state, now)
        if inputs != self._inputs:
            self._view = schedule_view(state, now)
            self._inputs = inputs
        return self._view
