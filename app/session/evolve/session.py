"""How the session as a whole changes: set up, started, paused, ended, settings, undo."""

from __future__ import annotations

from collections.abc import Callable

from app.session import events as ev
from app.session.evolve.rule import change_active_turn, rule, stage_from, with_stage
from app.session.state import SessionPause, SessionState, SessionStatus, Stage
from app.timekeeping.outage import Outage
from app.timekeeping.timer import Timer


@rule.register
def _(event: ev.SessionCreated, state: SessionState) -> SessionState:
    return state.model_copy(
        update={
            "status": SessionStatus.READY,
            "title": event.title,
            "group_name": event.group_name,
            "template_key": event.template_key,
            "settings": event.settings,
            "facilitators": {f.id: f for f in event.facilitators},
            "stages": tuple(stage_from(spec) for spec in event.stages),
            "stages_created": len(event.stages),
            "guidelines": event.guidelines,
            "carried_over": event.carried_over,
            "apologies": event.apologies,
            "for_group": event.for_group,
            "time_zone": event.time_zone,
            "support_resources": event.support_resources,
        }
    )


@rule.register
def _(event: ev.SessionStarted, state: SessionState) -> SessionState:
    return state.model_copy(
        update={
            "status": SessionStatus.LIVE,
            "started_at": event.at,
            "planned_end": event.planned_end,
        }
    )


@rule.register
def _(event: ev.SessionEnded, state: SessionState) -> SessionState:
    return state.model_copy(update={"status": SessionStatus.ENDED, "pause": None})


@rule.register
def _(event: ev.SessionPaused, state: SessionState) -> SessionState:
    paused = state.model_copy(update={"pause": SessionPause(at=event.at)})
    return _with_current_clocks(paused, lambda timer: timer.stop(event.at), hold=True)


@rule.register
def _(event: ev.SessionResumed, state: SessionState) -> SessionState:
    resumed = state.model_copy(update={"pause": None})
    return _with_current_clocks(resumed, lambda timer: timer.start(event.at), hold=False)


@rule.register
def _(event: ev.ServerWasAway, state: SessionState) -> SessionState:
    """Every running clock waits through the outage: what it had used when the server went away
    is what it has used when the server is back."""

    def wait(timer: Timer) -> Timer:
        if timer.started_at is None:
            return timer
        return timer.stop(max(event.down_at, timer.started_at)).start(event.back_at)

    outage = Outage(down_at=event.down_at, back_at=event.back_at)
    return _with_current_clocks(state.model_copy(update={"outage": outage}), wait, hold=None)


def _with_current_clocks(
    state: SessionState, change: Callable[[Timer], Timer], *, hold: bool | None
) -> SessionState:
    """``change`` the current stage's clock, and the speaker's when it is running (to hold it)
    or held (to let it go); ``hold`` None changes a running speaker's clock and leaves whether it
    is held alone."""
    stage = state.current_stage
    if stage is None:
        return state

    def clocks(stage: Stage) -> Stage:
        changed = stage.model_copy(update={"timer": change(stage.timer)})
        slot, turn = stage.active_slot, stage.active_turn
        if slot is None or turn is None or turn.timer is None:
            return changed
        if turn.timer.running if hold is not False else turn.held:
            changed = change_active_turn(
                changed,
                slot,
                lambda t: t.model_copy(
                    update={
                        "timer": change(t.timer) if t.timer else None,
                        "held": t.held if hold is None else hold,
                    }
                ),
            )
        return changed

    return with_stage(state, stage.id, clocks)


@rule.register
def _(event: ev.FlowUndone, state: SessionState) -> SessionState:
    point = state.undo_point
    if point is None or point.version != event.undone_version:
        raise ValueError(f"nothing to undo at version {event.undone_version}")
    return state.model_copy(
        update={"stages": point.stages, "promises": point.promises, "undo_point": None}
    )


@rule.register
def _(event: ev.SettingsChanged, state: SessionState) -> SessionState:
    return state.model_copy(update={"settings": event.settings})
