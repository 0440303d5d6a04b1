"""What each role sees. Computed from the state, once per role per version.

The room view shows public state only. A participant also sees their own place. Facilitators
see everything, including private support requests and airtime; participants never do.
Templates only lay these out: whatever a screen needs to decide is a field here.
"""

from __future__ import annotations

from app.session.command_base import Role
from app.session.state import SessionState
from app.session.views.base import PersonRef, StageRef, View
from app.session.views.facilitator import (
    FacilitatorView,
    ParticipantRow,
    UndoOffer,
    WaitingPerson,
    facilitator_view,
)
from app.session.views.participant import ParticipantView, You, participant_view, participant_you
from app.session.views.public import (
    PUBLIC_UP_NEXT,
    CurrentStage,
    PublicView,
    RoundProgress,
    SharedViews,
    Speaker,
    StageSummary,
    TakingTimeView,
)
from app.session.views.room import RoomScene, RoomScreen, RoomView, room_screen, room_view
from app.session.views.schedule import (
    ScheduleSuggestionView,
    ScheduleView,
    floor_signal,
    schedule_view,
)

AnyView = FacilitatorView | ParticipantView | RoomView


def view_for(
    state: SessionState,
    role: Role,
    participant_id: str | None = None,
    *,
    now: float | None = None,
    shared: SharedViews | None = None,
) -> AnyView:
    """`now` (the server clock) adds the schedule projection to the facilitator view; `shared`
    (for this same state) saves building the public part again for every screen."""
    if role is Role.FACILITATOR:
        return facilitator_view(state, now=now, shared=shared)
    if role is Role.PARTICIPANT:
        assert participant_id is not None
        return participant_view(state, participant_id, shared)
    return room_view(state, shared)


__all__ = [
    "PUBLIC_UP_NEXT",
    "AnyView",
    "CurrentStage",
    "FacilitatorView",
    "ParticipantRow",
    "ParticipantView",
    "PersonRef",
    "PublicView",
    "RoomScene",
    "RoomScreen",
    "RoomView",
    "RoundProgress",
    "ScheduleSuggestionView",
    "ScheduleView",
    "SharedViews",
    "Speaker",
    "StageRef",
    "StageSummary",
    "TakingTimeView",
    "UndoOffer",
    "View",
    "WaitingPerson",
    "You",
    "facilitator_view",
    "floor_signal",
    "participant_view",
    "participant_you",
    "room_screen",
    "room_view",
    "schedule_view",
    "view_for",
]
