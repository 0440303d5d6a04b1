"""How the session as a whole changes: set up, started, ended, settings, undo."""

from __future__ import annotations

from app.session import events as ev
from app.session.evolve.rule import rule, stage_from
from app.session.state import SessionState, SessionStatus


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
    return state.model_copy(update={"status": SessionStatus.ENDED})


@rule.register
def _(event: ev.FlowUndone, state: SessionState) -> SessionState:
    point = state.undo_point
    if point is None or point.version != event.undone_version:
        raise ValueError(f"nothing to undo at version {event.undone_version}")
    return state.model_copy(update={"stages": point.stages, "undo_point": None})


@rule.register
def _(event: ev.SettingsChanged, state: SessionState) -> SessionState:
    return state.model_copy(update={"settings": event.settings})
