"""A participant's phone: the public view, and their own place in it (`you`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.agenda.carry_over import SupportResource
from app.rounds.turns import TurnStatus
from app.session.state import Presence, SessionState
from app.session.views.base import View
from app.session.views.public import PublicView, SharedViews


class You(View):
    id: str
    name: str
    presence: Presence
    # Removed from the waiting room by a facilitator: they were not let in this time.
    sent_away: bool = False
    turn_status: TurnStatus | None
    is_speaking: bool
    is_next: bool
    place_in_line: int | None
    hand_raised: bool
    # A facilitator has marked their raised hand as seen.
    hand_seen: bool = False
    support_requested: bool
    offered_to_take_time: bool
    is_taking_time: bool
    # The title of a Taking Time still to come that a facilitator has chosen this person for.
    chosen_to_take_time_in: str | None = None
    # Where to find support, as the group confirmed it: the phone shows them to this person
    # when they ask for support, and to everyone once the session has ended. Part of `you`,
    # never of the public view: the room view is projected.
    support_resources: list[SupportResource] = Field(default_factory=list)


class ParticipantView(PublicView):
    role: Literal["participant"] = "participant"
    you: You


def participant_view(
    state: SessionState, participant_id: str, shared: SharedViews | None = None
) -> ParticipantView:
    shared = shared or SharedViews(state)
    return ParticipantView.model_validate(
        {**shared.public, "you": participant_you(state, participant_id, shared)}
    )


def participant_you(state: SessionState, participant_id: str, shared: SharedViews) -> You:
    """The one part of a participant's view that is theirs alone."""
    person = state.participants[participant_id]
    stage = shared.stage
    turn = stage.round.turn(participant_id) if stage and stage.round else None
    upcoming = shared.up_next
    taking = stage.taking_time if stage is not None else None
    return You(
        id=person.id,
        name=person.label,
        presence=person.presence,
        sent_away=person.sent_away,
        turn_status=None if turn is None else turn.status,
        is_speaking=shared.speaking == participant_id,
        is_next=bool(upcoming) and upcoming[0] == participant_id,
        place_in_line=upcoming.index(participant_id) + 1 if participant_id in upcoming else None,
        hand_raised=person.hand_raised,
        hand_seen=person.hand_raised and person.hand_seen_by is not None,
        support_requested=person.support_requested,
        offered_to_take_time=person.offered_to_take_time,
        is_taking_time=taking is not None and taking.taker_id == participant_id,
        chosen_to_take_time_in=shared.chosen_takers.get(participant_id),
        support_resources=list(state.support_resources),
    )
