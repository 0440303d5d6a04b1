"""What each role sees. Computed from the state, once per role per version.

The room view shows public state only. A participant also sees their own place. Facilitators
see everything, including private support requests and airtime; participants never do.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict

from app.agenda.carry_over import CarriedAction
from app.agenda.stages import StageKind
from app.rounds.turns import Turn, TurnStatus
from app.session.commands import Role
from app.session.name_check import admit_blocked, membership
from app.session.schedule import stage_load
from app.session.state import (
    FlowChange,
    Membership,
    Presence,
    SessionSettings,
    SessionState,
    SessionStatus,
    Stage,
    StageStatus,
    TakingTimePhase,
)
from app.timekeeping.fair_share import at_floor, floor_notice
from app.timekeeping.schedule import project
from app.timekeeping.timer import Timer

PUBLIC_UP_NEXT = 2


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class PersonRef(View):
    id: str
    name: str


class WaitingPerson(View):
    """Someone in the waiting room, as the facilitators see them."""

    id: str
    name: str
    membership: Membership
    # Why they cannot be let in yet (the name check), or None.
    admit_blocked: str | None = None


class StageSummary(View):
    id: str
    kind: StageKind
    title: str
    planned_s: float
    status: StageStatus


class StageRef(View):
    id: str
    title: str


class CurrentStage(View):
    id: str
    kind: StageKind
    title: str
    prompt: str | None
    timer: Timer


class Speaker(View):
    id: str
    name: str
    timer: Timer | None
    taking_a_moment: bool
    asked_again: bool


class RoundProgress(View):
    started: bool
    complete: bool
    done: int
    total: int
    waiting_for_return: list[PersonRef]


class TakingTimeView(View):
    taker: PersonRef | None
    phase: TakingTimePhase
    agreed_question: str | None


class PublicView(View):
    session_id: str
    version: int
    status: SessionStatus
    title: str
    group_name: str
    started_at: float | None
    planned_end: float | None
    show_numbers: bool
    near_end_cue_s: float
    stages: list[StageSummary]
    current_stage: CurrentStage | None
    speaker: Speaker | None
    up_next: list[PersonRef]
    round: RoundProgress | None
    taking_time: TakingTimeView | None
    present_count: int


class RoomView(PublicView):
    role: Literal["room"] = "room"


class You(View):
    id: str
    name: str
    presence: Presence
    turn_status: TurnStatus | None
    is_speaking: bool
    is_next: bool
    place_in_line: int | None
    hand_raised: bool
    support_requested: bool
    offered_to_take_time: bool
    is_taking_time: bool


class ParticipantView(PublicView):
    role: Literal["participant"] = "participant"
    you: You


class ParticipantRow(View):
    id: str
    name: str
    presence: Presence
    hand_raised: bool
    support_requested: bool
    offered_to_take_time: bool
    turn_status: TurnStatus | None
    spoken_s: float


class ScheduleSuggestionView(View):
    stage_id: str
    share_s: float
    speakers_to_come: int
    finishes_on_time: bool
    text: str


class ScheduleView(View):
    """Will the session end on time (facilitators only: a nudge for them, not for the room)."""

    projected_end: float
    drift_s: float
    label: str
    on_time: bool
    at_risk: list[StageRef]
    suggestion: ScheduleSuggestionView | None


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
    carried_over: list[CarriedAction] = []
    guidelines_due_review: list[str] = []
    apologies: list[str] = []
    for_group: bool = False
    # Timekeeping: said when fair shares are held at the group's minimum (see floor_signal).
    floor_signal: str | None = None
    # Timekeeping: the group's settings, for the facilitators' settings panel.
    settings: SessionSettings = SessionSettings()


def _person(state: SessionState, person_id: str) -> PersonRef:
    return PersonRef(id=person_id, name=state.name_of(person_id))


def _speaker(state: SessionState, turn: Turn | None) -> Speaker | None:
    if turn is None or turn.status is not TurnStatus.SPEAKING:
        return None
    return Speaker(
        id=turn.participant_id,
        name=state.name_of(turn.participant_id),
        timer=turn.timer,
        taking_a_moment=turn.timer is not None and not turn.timer.running,
        asked_again=turn.asked_again,
    )


def _up_next(state: SessionState, stage: Stage | None) -> list[str]:
    if stage is None or stage.round is None:
        return []
    taking = stage.taking_time
    if taking is not None and taking.phase is not TakingTimePhase.SHARING_ROUND:
        return []
    return stage.round.upcoming(state.is_present)


def _round_progress(
    state: SessionState, stage: Stage | None, *, for_facilitators: bool
) -> RoundProgress | None:
    if stage is None or not stage.kind.has_round:
        return None
    round_ = stage.round
    if round_ is None:
        return RoundProgress(started=False, complete=False, done=0, total=0, waiting_for_return=[])
    return RoundProgress(
        started=True,
        complete=round_.complete,
        done=sum(1 for t in round_.turns.values() if not t.status.pending),
        total=len(round_.turns),
        # Who stepped out is for the facilitators: public screens may be projected or shared.
        waiting_for_return=[
            _person(state, p)
            for p in round_.pending()
            if for_facilitators and state.participants[p].presence is Presence.STEPPED_OUT
        ],
    )


def _taking_time(state: SessionState, stage: Stage | None) -> TakingTimeView | None:
    if stage is None or stage.taking_time is None:
        return None
    taking = stage.taking_time
    return TakingTimeView(
        taker=None if taking.taker_id is None else _person(state, taking.taker_id),
        phase=taking.phase,
        agreed_question=taking.agreed_question,
    )


def _public(state: SessionState, up_next: list[str]) -> dict[str, object]:
    stage = state.current_stage
    return {
        "session_id": state.session_id,
        "version": state.version,
        "status": state.status,
        "title": state.title,
        "group_name": state.group_name,
        "started_at": state.started_at,
        "planned_end": state.planned_end,
        "show_numbers": state.settings.show_numbers_to_participants,
        "near_end_cue_s": state.settings.near_end_cue_s,
        "stages": [
            StageSummary(
                id=s.id, kind=s.kind, title=s.title, planned_s=s.planned_s, status=s.status
            )
            for s in state.stages
        ],
        "current_stage": None
        if stage is None
        else CurrentStage(
            id=stage.id, kind=stage.kind, title=stage.title, prompt=stage.prompt, timer=stage.timer
        ),
        "speaker": _speaker(state, None if stage is None else stage.active_turn),
        "up_next": [_person(state, p) for p in up_next[:PUBLIC_UP_NEXT]],
        "round": _round_progress(state, stage, for_facilitators=False),
        "taking_time": _taking_time(state, stage),
        "present_count": sum(
            1 for p in state.participants.values() if p.presence is Presence.PRESENT
        ),
    }


class SharedViews:
    """What every public screen of one version shows, built once for all of them.

    A version goes to a dozen phones at once; each phone's view differs only in its `you`.
    """

    def __init__(self, state: SessionState) -> None:
        self.state = state

    @cached_property
    def public(self) -> dict[str, object]:
        return _public(self.state, self.up_next)

    @cached_property
    def up_next(self) -> list[str]:
        return _up_next(self.state, self.state.current_stage)


def room_view(state: SessionState, shared: SharedViews | None = None) -> RoomView:
    return RoomView.model_validate((shared or SharedViews(state)).public)


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
    stage = state.current_stage
    turn = stage.round.turn(participant_id) if stage and stage.round else None
    speaker = None if stage is None else stage.active_turn
    upcoming = shared.up_next
    taking = stage.taking_time if stage is not None else None
    return You(
        id=person.id,
        name=person.name,
        presence=person.presence,
        turn_status=None if turn is None else turn.status,
        is_speaking=speaker is not None
        and speaker.participant_id == participant_id
        and speaker.status is TurnStatus.SPEAKING,
        is_next=bool(upcoming) and upcoming[0] == participant_id,
        place_in_line=upcoming.index(participant_id) + 1 if participant_id in upcoming else None,
        hand_raised=person.hand_raised,
        support_requested=person.support_requested,
        offered_to_take_time=person.offered_to_take_time,
        is_taking_time=taking is not None and taking.taker_id == participant_id,
    )


def facilitator_view(
    state: SessionState, *, now: float | None = None, shared: SharedViews | None = None
) -> FacilitatorView:
    shared = shared or SharedViews(state)
    stage = state.current_stage
    round_ = None if stage is None else stage.round
    spoken = _spoken_in_session(state)
    rows = []
    for person in state.participants.values():
        if person.presence is Presence.LEFT:
            continue
        turn = None if round_ is None else round_.turn(person.id)
        rows.append(
            ParticipantRow(
                id=person.id,
                name=person.name,
                presence=person.presence,
                hand_raised=person.hand_raised,
                support_requested=person.support_requested,
                offered_to_take_time=person.offered_to_take_time,
                turn_status=None if turn is None else turn.status,
                spoken_s=spoken.get(person.id, 0.0),
            )
        )
    return FacilitatorView.model_validate(
        {
            **shared.public,
            # What public screens leave out: the numbers when hidden, and who stepped out.
            "show_numbers": True,
            "round": _round_progress(state, stage, for_facilitators=True),
            "facilitators": [PersonRef(id=f.id, name=f.name) for f in state.facilitators.values()],
            "participants": [r for r in rows if r.presence is not Presence.WAITING_ROOM],
            "waiting_room": [
                WaitingPerson(
                    id=p.id, name=p.name, membership=membership(p), admit_blocked=admit_blocked(p)
                )
                for p in state.participants.values()
                if p.presence is Presence.WAITING_ROOM
            ],
            "order": [] if round_ is None else [_person(state, p) for p in round_.order],
            "full_up_next": [_person(state, p) for p in shared.up_next],
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


def schedule_view(state: SessionState, now: float) -> ScheduleView | None:
    if state.status is not SessionStatus.LIVE or state.planned_end is None:
        return None
    projection = project(
        [stage_load(state, stage, now) for stage in state.stages],
        now,
        state.planned_end,
        state.settings.minimum_share_s,
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
    )


def floor_signal(state: SessionState, now: float) -> str | None:
    """What to tell facilitators when the round's shares are held at the group's minimum.

    As the schedule does (app/session/schedule.py), only plain rounds: Taking Time keeps its
    own shape. Whoever is speaking counts among those sharing what is left of the stage.
    """
    stage = state.current_stage
    if state.status is not SessionStatus.LIVE or stage is None or stage.kind is not StageKind.ROUND:
        return None
    round_ = stage.round
    if round_ is None:
        return None
    speaking = round_.current_turn
    speakers = len(round_.upcoming(state.is_present)) + int(
        speaking is not None and speaking.status is TurnStatus.SPEAKING
    )
    minimum = state.settings.minimum_share_s
    if not at_floor(stage.timer.remaining(now), speakers, minimum):
        return None
    return floor_notice(minimum)


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
