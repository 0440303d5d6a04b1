"""Will the session end on time, and are shares held at the group's minimum: facilitators only,
and only when the shell passes the server time, since both depend on the clock."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable

from app.agenda.stages import StageKind
from app.rounds.turns import TurnStatus
from app.session.schedule import stage_load
from app.session.shares import shares_owed
from app.session.state import SessionState, SessionStatus
from app.session.views.base import StageRef, View
from app.timekeeping.fair_share import at_floor, floor_notice
from app.timekeeping.schedule import project


class ScheduleSuggestionView(View):
    stage_id: str
    share_s: float
    speakers_to_come: int
    finishes_on_time: bool
    text: str


class ScheduleLine(View):
    """The schedule as the console's block shows it: how far off in whole minutes, not in
    seconds, so the block is the same, and rendered once, for every second of a minute
    (app/web/console_panels.py). The block reads these names of a ScheduleView too."""

    on_time: bool
    late: bool
    minutes_off: int
    at_risk: list[StageRef]
    suggestion: ScheduleSuggestionView | None
    advice: str | None = None


class ScheduleView(View):
    """Will the session end on time (facilitators only: a nudge for them, not for the room)."""

    projected_end: float
    drift_s: float
    label: str
    on_time: bool
    at_risk: list[StageRef]
    suggestion: ScheduleSuggestionView | None
    # Said when running late and no suggestion finishes on time.
    advice: str | None = None

    @property
    def late(self) -> bool:
        return self.drift_s > 0

    @property
    def minutes_off(self) -> int:
        return round(abs(self.drift_s) / 60)

    def line(self) -> ScheduleLine:
        return ScheduleLine(
            on_time=self.on_time,
            late=self.late,
            minutes_off=self.minutes_off,
            at_risk=self.at_risk,
            suggestion=self.suggestion,
            advice=self.advice,
        )


# schedule_view, or the shell's cache of it (app/realtime/schedules.py).
Projection = Callable[[SessionState, float], ScheduleView | None]


def projection_instant(state: SessionState, now: float) -> float:
    """The whole second of `now`: a projection is made at most once a second (the console
    shows it in minutes), and every version within that second may share it. While everything
    waits, so does the projection: as it stood when the pause began."""
    return state.pause.at if state.pause is not None else float(math.floor(now))


def schedule_inputs(state: SessionState, now: float) -> tuple[Hashable, ...]:
    """All that schedule_view(state, now) reads: two calls with equal inputs give equal views.

    The stages are compared as a whole (a new state shares an unchanged tuple of stages with
    the one before it, so the comparison is one identity check); of the participants, only how
    many are here and seated (a round not yet started counts them as its speakers to come).
    """
    return (
        projection_instant(state, now),
        state.status,
        state.planned_end,
        state.settings.minimum_share_s,
        state.settings.maximum_share_s,
        state.stages,
        sum(1 for p in state.seating if state.is_present(p)),
    )


def schedule_view(state: SessionState, now: float) -> ScheduleView | None:
    if state.status is not SessionStatus.LIVE or state.planned_end is None:
        return None
    now = projection_instant(state, now)
    projection = project(
        [stage_load(state, stage, now) for stage in state.stages],
        now,
        state.planned_end,
        state.settings.minimum_share_s,
        state.settings.maximum_share_s,
    )
    suggestion = projection.suggestion
    return ScheduleView(
        projected_end=projection.projected_end,
        drift_s=projection.drift_s,
        label=projection.label,
        on_time=projection.on_time,
        at_risk=[StageRef(id=s.id, title=s.title) for s in projection.at_risk],
        suggestion=None
        if suggestion is None
        else ScheduleSuggestionView(
            stage_id=suggestion.stage_id,
            share_s=suggestion.share_s,
            speakers_to_come=suggestion.speakers_to_come,
            finishes_on_time=suggestion.finishes_on_time,
            text=suggestion.text,
        ),
        advice=projection.advice,
    )


def floor_signal(state: SessionState, now: float) -> str | None:
    """What to tell facilitators when the round's shares are held at the group's minimum.

    As the schedule does (app/session/schedule.py), only plain rounds: Taking Time keeps its
    own shape. Whoever is speaking counts among those sharing what is left of the stage, and,
    as in the shares themselves, so does everyone still owed a turn who has stepped out.
    """
    stage = state.current_stage
    if state.status is not SessionStatus.LIVE or stage is None or stage.kind is not StageKind.ROUND:
        return None
    round_ = stage.round
    if round_ is None:
        return None
    speaking = round_.current_turn
    speakers = shares_owed(round_) + int(
        speaking is not None and speaking.status is TurnStatus.SPEAKING
    )
    minimum = state.settings.minimum_share_s
    if not at_floor(stage.timer.remaining(now), speakers, minimum):
        return None
    return floor_notice(minimum)
