"""The session's own life as events: created (with its agenda), started, paused, resumed, the
server away, ended."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from app.agenda.carry_over import CarriedAction, SessionGuideline, SupportResource
from app.agenda.stages import StageKind
from app.session.event_base import EventBase
from app.session.state import Facilitator, SessionSettings


class StageSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    kind: StageKind
    title: str
    prompt: str | None = None
    planned_s: float


class SessionCreated(EventBase):
    type: Literal["session_created"] = "session_created"
    title: str
    group_name: str
    template_key: str
    settings: SessionSettings
    facilitators: tuple[Facilitator, ...]
    stages: tuple[StageSpec, ...]
    guidelines: tuple[SessionGuideline, ...] = ()
    carried_over: tuple[CarriedAction, ...] = ()
    apologies: tuple[str, ...] = ()
    for_group: bool = False
    time_zone: str | None = None
    support_resources: tuple[SupportResource, ...] = ()


class SessionStarted(EventBase):
    type: Literal["session_started"] = "session_started"
    moves_flow: ClassVar[bool] = True
    at: float
    planned_end: float


class SessionPaused(EventBase):
    type: Literal["session_paused"] = "session_paused"
    at: float


class SessionResumed(EventBase):
    type: Literal["session_resumed"] = "session_resumed"
    at: float


class ServerWasAway(EventBase):
    """No process could serve the session from `down_at` to `back_at`: every clock that was
    running waited through it. Final for undo: the clocks an undo would bring back are from
    before the outage, and would count it as spoken."""

    type: Literal["server_was_away"] = "server_was_away"
    down_at: float
    back_at: float


class SessionEnded(EventBase):
    type: Literal["session_ended"] = "session_ended"
    moves_flow: ClassVar[bool] = True
    at: float
