"""The room's view (a projector in a hall, or a screen shared on a call): the public view, and
which of the room's designs fits this moment, with what only that design needs.

The room is read from the back of a hall, so each moment gets one design with one large thing
on it, rather than every panel at once (issue 13): how to join before and during the welcome,
the guidelines while they are read, the speaker's name and clock in a turn, the taker and the
agreed question in Taking Time, a countdown and the time to be back in a break, a thank-you at
the end.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from app.agenda.stages import StageKind
from app.session.state import SessionState, SessionStatus
from app.session.views.base import View
from app.session.views.public import PublicView, SharedViews


class RoomScene(StrEnum):
    # Before the session starts: how to join, large.
    WAITING = "waiting"
    # The welcome stage: how to join, large, beside the stage.
    WELCOME = "welcome"
    # The group's agreed guidelines, to read together.
    GUIDELINES = "guidelines"
    # Someone's turn in a round: their name and their clock.
    SPEAKING = "speaking"
    # A Taking Time stage: the taker and the agreed question, and whoever is speaking.
    TAKING_TIME = "taking_time"
    # A break: its countdown, and when to be back.
    BREAK = "break"
    # Any other moment: the stage, its prompt and who is next.
    BETWEEN = "between"
    # A thank-you; nothing left to join.
    ENDED = "ended"


# The stages whose design does not depend on whether someone is speaking.
SCENE_OF_STAGE = {
    StageKind.WELCOME: RoomScene.WELCOME,
    StageKind.GUIDELINES: RoomScene.GUIDELINES,
    StageKind.TAKING_TIME: RoomScene.TAKING_TIME,
    StageKind.BREAK: RoomScene.BREAK,
}


class RoomScreen(View):
    scene: RoomScene
    # In a break, when it ends on the server's clock (seconds), while its clock runs; a paused
    # or unstarted break has no end anyone can name.
    back_at: float | None
    # The group's time zone (an IANA name) for saying `back_at` as the room's clocks read it;
    # None without a group (the server's own zone, if it has one, is the shell's to add).
    time_zone: str | None


class RoomView(PublicView):
    role: Literal["room"] = "room"
    screen: RoomScreen


def room_scene(state: SessionState, someone_speaking: bool) -> RoomScene:
    """Ended and not-yet-started sessions have their own designs; in a session under way the
    stage decides, except that a turn in any other stage puts the speaker first."""
    if state.status is SessionStatus.ENDED:
        return RoomScene.ENDED
    if state.status is not SessionStatus.LIVE:
        return RoomScene.WAITING
    stage = state.current_stage
    if stage is not None and stage.kind in SCENE_OF_STAGE:
        return SCENE_OF_STAGE[stage.kind]
    return RoomScene.SPEAKING if someone_speaking else RoomScene.BETWEEN


def room_screen(shared: SharedViews) -> RoomScreen:
    state = shared.state
    scene = room_scene(state, someone_speaking=shared.public["speaker"] is not None)
    stage = shared.stage
    return RoomScreen(
        scene=scene,
        back_at=stage.timer.ends_at if scene is RoomScene.BREAK and stage is not None else None,
        time_zone=state.time_zone,
    )


def room_view(state: SessionState, shared: SharedViews | None = None) -> RoomView:
    shared = shared or SharedViews(state)
    return RoomView.model_validate({**shared.public, "screen": room_screen(shared)})
