"""What a session brings with it from the group: guidelines, and actions promised last time.

These are group structure, not anything said in a session: a guideline's wording, a promise
such as "Priya has time guaranteed next week". They are passed into a session when it is
created and are the same for its whole life.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.plain_text import PLAIN, PlainName, PlainTitle, PlainWords
from app.translatable import translatable

GuidelineText = PlainWords
ActionDetail = PlainWords
PeerName = PlainName
ActionId = Annotated[str, StringConstraints(min_length=1, max_length=64), PLAIN]


class ActionKind(StrEnum):
    """The housekeeping actions of a summary stage (Peer Support Plus's weekly structure)."""

    NEXT_MEETING = "next_meeting"
    GUARANTEED_TIME = "guaranteed_time"
    HANDOUT = "handout"
    SEEK_NEWS = "seek_news"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]

    @property
    def names_a_peer(self) -> bool:
        return self in {ActionKind.GUARANTEED_TIME, ActionKind.SEEK_NEWS}


ACTION_LABELS = {
    ActionKind.NEXT_MEETING: translatable("Next meeting"),
    ActionKind.GUARANTEED_TIME: translatable("A guaranteed chance to Take Time"),
    ActionKind.HANDOUT: translatable("A handout to send"),
    ActionKind.SEEK_NEWS: translatable("News to seek of an absent peer"),
}


class CarriedAction(BaseModel):
    """A housekeeping action recorded at an earlier meeting, for this one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ActionKind
    detail: ActionDetail
    peer_name: PeerName | None = None
    # The group's record of it, so the group can settle a promise from the session (kept,
    # released or still owed); None for an action no group keeps.
    action_id: ActionId | None = None

    @property
    def key(self) -> str:
        """How the session names this action in its log: the group's id for it, or (for an
        action no group keeps) what it says."""
        return self.action_id or f"{self.kind.value}:{self.peer_name or ''}:{self.detail}"

    @property
    def is_promise(self) -> bool:
        """A promise of Taking Time to a named person: settled only by keeping or releasing."""
        return self.kind is ActionKind.GUARANTEED_TIME and self.peer_name is not None


class SessionGuideline(BaseModel):
    """One of the group's agreed guidelines, as the session shows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: GuidelineText
    # The group agreed to look at it again by now: the Welcome stage reminds the facilitators.
    review_due: bool = False


class SupportResource(BaseModel):
    """Where a person can find support (a helpline, a text line, the facilitators), as the
    group has confirmed it: only confirmed resources are brought into a session."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: PlainTitle
    how_to_reach: PlainWords
    when_available: PlainWords


MAX_GUIDELINES = 60
MAX_APOLOGIES = 200
Apologies = Annotated[tuple[PeerName, ...], Field(max_length=MAX_APOLOGIES)]
MAX_CARRIED_ACTIONS = 40
CarriedActions = Annotated[tuple[CarriedAction, ...], Field(max_length=MAX_CARRIED_ACTIONS)]
SessionGuidelines = Annotated[tuple[SessionGuideline, ...], Field(max_length=MAX_GUIDELINES)]
MAX_SUPPORT_RESOURCES = 20
SupportResources = Annotated[tuple[SupportResource, ...], Field(max_length=MAX_SUPPORT_RESOURCES)]
