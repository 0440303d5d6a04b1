"""The facilitators' console: everything, including private support requests and airtime."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.agenda.carry_over import CarriedAction
from app.rounds.turns import Turn, TurnStatus
from app.session.name_check import admit_blocked, membership
from app.session.state import (
    FlowChange,
    Membership,
    Presence,
    SessionSettings,
    SessionState,
    SessionStatus,
)
from app.session.views.base import PersonRef, View, person
from app.session.views.public import PublicView, SharedViews, round_progress
from app.session.views.schedule import ScheduleView, floor_signal, schedule_view


class WaitingPerson(View):
    """Someone in the waiting room, as the facilitators see them."""

    id: str
    name: str
    membership: Membership
    # Why they cannot be let in yet (the name check), or None.
    admit_blocked: str | None = None


class ParticipantRow(View):
    id: str
    name: str
    presence: Presence
    hand_raised: bool
    support_requested: bool
    offered_to_take_time: bool
    turn_status: TurnStatus | None
    spoken_s: float


class UndoOffer(View):
    """What "undo the last action" would put back, phrased to follow "Undo: Sam …"."""

    version: int
    by: str
    description: str


class FacilitatorView(PublicView):
    role: Literal["facilitator"] = "facilitator"
    facilitators: list[PersonRef]
    participants: list[ParticipantRow]
    waiting_room: list[WaitingPerson]
    order: list[PersonRef]
    full_up_next: list[PersonRef]
    last_change: FlowChange | None
    undo: UndoOffer | None = None
    # Only when the shell passes the server time: the projection depends on the clock.
    schedule: ScheduleView | None = None
    # Brought from the group (app/agenda/carry_over.py), for the Welcome and invite stages.
    carried_over: list[CarriedAction] = Field(default_factory=list)
    guidelines_due_review: list[str] = Field(default_factory=list)
    apologies: list[str] = Field(default_factory=list)
    for_group: bool = False
    # Timekeeping: said when fair shares are held at the group's minimum (see floor_signal).
    floor_signal: str | None = None
    # Timekeeping: the group's settings, for the facilitators' settings panel.
    settings: SessionSettings = SessionSettings()


def facilitator_view(
    state: SessionState, *, now: float | None = None, shared: SharedViews | None = None
) -> FacilitatorView:
    shared = shared or SharedViews(state)
    stage = state.current_stage
    round_ = None if stage is None else stage.round
    spoken = _spoken_in_session(state)
    rows = []
    for someone in state.participants.values():
        if someone.presence is Presence.LEFT:
            continue
        turn = None if round_ is None else round_.turn(someone.id)
        rows.append(
            ParticipantRow(
                id=someone.id,
                name=someone.name,
                presence=someone.presence,
                hand_raised=someone.hand_raised,
                support_requested=someone.support_requested,
                offered_to_take_time=someone.offered_to_take_time,
                turn_status=None if turn is None else turn.status,
                spoken_s=spoken.get(someone.id, 0.0),
            )
        )
    return FacilitatorView.model_validate(
        {
            **shared.public,
            # What public screens leave out: the numbers when hidden, and who stepped out.
            "show_numbers": True,
            "round": round_progress(state, stage, for_facilitators=True),
            "facilitators": [PersonRef(id=f.id, name=f.name) for f in state.facilitators.values()],
            "participants": [r for r in rows if r.presence is not Presence.WAITING_ROOM],
            "waiting_room": [
                WaitingPerson(
                    id=p.id, name=p.name, membership=membership(p), admit_blocked=admit_blocked(p)
                )
                for p in state.participants.values()
                if p.presence is Presence.WAITING_ROOM
            ],
            "order": [] if round_ is None else [person(state, p) for p in round_.order],
            "full_up_next": [person(state, p) for p in shared.up_next],
            "last_change": state.flow_change,
            "undo": _undo_offer(state),
            "schedule": None if now is None else schedule_view(state, now),
            "carried_over": list(state.carried_over),
            "guidelines_due_review": [g.text for g in state.guidelines if g.review_due],
            "apologies": list(state.apologies),
            "for_group": state.for_group,
            "floor_signal": None if now is None else floor_signal(state, now),
            "settings": state.settings,
        }
    )


def _undo_offer(state: SessionState) -> UndoOffer | None:
    point = state.undo_point
    if point is None or state.status is not SessionStatus.LIVE:
        return None
    return UndoOffer(
        version=point.version, by=state.name_of(point.actor_id), description=point.description
    )


def _spoken_in_session(state: SessionState) -> dict[str, float]:
    """Finished speaking time across the session, per person (airtime, for facilitators only):
    one walk over every stage's turns, whatever the number of people."""
    spoken: dict[str, float] = {}
    for stage in state.stages:
        turns: list[Turn | None] = []
        if stage.round is not None:
            turns.extend(stage.round.turns.values())
        if stage.taking_time is not None:
            turns += [stage.taking_time.taker_turn, stage.taking_time.reflection_turn]
        for turn in turns:
            if turn is not None:
                spoken[turn.participant_id] = spoken.get(turn.participant_id, 0.0) + turn.spoken_s
    return spoken
