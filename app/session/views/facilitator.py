"""The facilitators' console: everything, including private support requests and airtime."""

from __future__ import annotations

from itertools import takewhile
from typing import Literal

from pydantic import Field

from app.agenda.carry_over import ActionKind, CarriedAction
from app.agenda.stages import StageKind
from app.rounds.turns import Turn, TurnStatus
from app.session.flow_steps import FlowStep, done_by
from app.session.name_check import admit_blocked, membership
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
from app.session.views.base import PersonRef, StageRef, View
from app.session.views.promises import PromiseRow, people_here, promise_rows, promised_takers
from app.session.views.public import PublicView, SharedViews, round_progress
from app.session.views.schedule import Projection, ScheduleView, floor_signal, schedule_view
from app.translatable import Words

# Past this many waiting, the console shows how many and a few names, not one row each: a
# burst of strangers must not bury the people the facilitators are looking for.
WAITING_LISTED_UP_TO = 6
WAITING_NAMED_IN_A_BURST = 5


class WaitingPerson(View):
    """Someone in the waiting room, as the facilitators see them."""

    id: str
    name: str
    membership: Membership
    # Why they cannot be let in yet (the name check), or None.
    admit_blocked: str | None = None


class RaisedHand(PersonRef):
    """A hand that is up, as the console lists them: in the order raised."""

    # The facilitator who marked it as seen (their name), or None while nobody has.
    seen_by: str | None = None


class DepartedPerson(PersonRef):
    """Someone who left or was removed: a facilitator can let them back in (`readmit`)."""

    removed: bool
    # Where a readmit puts them: straight back in, or the waiting room (never let in before).
    back_to: Presence


class ParticipantRow(View):
    id: str
    name: str
    presence: Presence
    hand_raised: bool
    hand_seen: bool = False
    support_requested: bool
    offered_to_take_time: bool
    turn_status: TurnStatus | None
    spoken_s: float
    # Chosen to Take Time in the current stage; is_taking_time until that is complete.
    is_taker: bool
    is_taking_time: bool
    # What the facilitators can do about their turn in the round that is on.
    may_skip: bool
    may_go_back: bool
    may_give_turn: bool


class OrderPlace(View):
    """Someone's place in the round's order, as the console lists it."""

    id: str
    name: str
    # Their turn as the people list shows it; anyone no longer in the session counts as skipped.
    turn_status: TurnStatus
    # Only people still waiting can move, and only when two or more are (static/js/reorder.js).
    movable: bool
    can_move_up: bool
    can_move_down: bool


class UndoOffer(View):
    """What "undo the last action" would put back: "Undo: Sam moved to “Check-in”."."""

    version: int
    by: str
    # English, phrased to follow "Undo: Sam …".
    description: str
    # The same as a kind of step and the names or title in it (app/session/flow_steps.py).
    step: FlowStep
    values: dict[str, str]

    def said(self) -> Words:
        """The step as a whole sentence, to be said in the reader's language."""
        return done_by(self.step, self.values, self.by)


class FacilitatorView(PublicView):
    role: Literal["facilitator"] = "facilitator"
    facilitators: list[PersonRef]
    participants: list[ParticipantRow]
    waiting_room: list[WaitingPerson]
    # Of those waiting, how many joined with the session's code (not by their own member's
    # link): the ones `send_waiting_away` sends away.
    waiting_by_code: int = 0
    # Of those waiting, how many `admit_everyone` would let in (their name check is not due).
    waiting_admissible: int = 0
    # More are waiting than the console lists one by one: it shows the count and these first
    # few names, and everyone behind a disclosure.
    waiting_burst: bool = False
    waiting_first: list[WaitingPerson] = Field(default_factory=list)
    # Whether someone new may join with the session's code (`set_joining`).
    joining_open: bool = True
    # The word asked of everyone joining with the code (`set_join_word`); never on public screens.
    join_word: str | None = None
    # Who can be chosen to Take Time (those here, the ones who offered first) or start a round.
    offered_to_take_time: list[PersonRef]
    not_offered_to_take_time: list[PersonRef]
    may_start_with: list[PersonRef]
    asked_for_support: list[PersonRef]
    # Everyone who asked for support at any time in the session, for the follow-up after the
    # end; once it is marked done, only how many (support_followed_up).
    support_follow_up: list[PersonRef] = Field(default_factory=list)
    support_followed_up: int | None = None
    # In the order raised; of them, those no facilitator has marked as seen yet (the alert
    # strip counts these: a hand seen no longer needs anyone's attention).
    hands_raised: list[RaisedHand]
    hands_unseen: list[PersonRef] = Field(default_factory=list)
    # Who left or was removed, in the order they joined, to let back in.
    departed: list[DepartedPerson] = Field(default_factory=list)
    stepped_out_count: int
    order: list[OrderPlace]
    reorderable: bool
    full_up_next: list[PersonRef]
    # Where "Next stage" goes, and the Taking Time items right after this one, whose takers can
    # be planned while people are invited.
    next_stage: StageRef | None
    # Who is still owed a turn in this stage (see still_to_speak): "Next stage" asks first.
    still_to_speak: list[PersonRef] = Field(default_factory=list)
    taking_time_plan: list[StageRef]
    last_change: FlowChange | None
    # Who made it, by their name on the console ("Someone" once they are no longer listed).
    last_change_by: str | None
    undo: UndoOffer | None = None
    schedule: ScheduleView | None = None
    # Brought from the group (app/agenda/carry_over.py), for the Welcome and invite stages.
    carried_over: list[CarriedAction] = Field(default_factory=list)
    # Of those, who was promised a chance to Take Time today, and how each promise stands.
    guaranteed_time: list[CarriedAction] = Field(default_factory=list)
    promises: list[PromiseRow] = Field(default_factory=list)
    # Planning a Taking Time preselects them, in order (still owed, and here).
    promised_takers: list[PersonRef] = Field(default_factory=list)
    guidelines_due_review: list[str] = Field(default_factory=list)
    apologies: list[str] = Field(default_factory=list)
    for_group: bool = False
    # Timekeeping: said when fair shares are held at the group's minimum (see floor_signal).
    floor_signal: str | None = None
    # Timekeeping: the group's settings, for the facilitators' settings panel.
    settings: SessionSettings = SessionSettings()


def facilitator_view(
    state: SessionState,
    *,
    now: float | None = None,
    shared: SharedViews | None = None,
    projection: Projection = schedule_view,
) -> FacilitatorView:
    shared = shared or SharedViews(state)
    stage = shared.stage
    listed = _rows(state, stage)
    waiting = [
        WaitingPerson(
            id=p.id, name=p.label, membership=membership(p), admit_blocked=admit_blocked(p)
        )
        for p in state.waiting_room
    ]
    burst = len(waiting) > WAITING_LISTED_UP_TO
    names = {f.id: f.name for f in state.facilitators.values()} | {r.id: r.name for r in listed}
    order = _order(state, stage, {r.id: r for r in listed})
    hands = [
        RaisedHand(
            id=p.id,
            name=p.label,
            seen_by=None if p.hand_seen_by is None else state.name_of(p.hand_seen_by),
        )
        for p in state.raised_hands
    ]
    change = state.flow_change
    # One reference to each person listed, shared by every list of them the console shows.
    refs = {r.id: PersonRef(id=r.id, name=r.name) for r in listed}
    # Read by both the promises and who they preselect: worked out once.
    here = people_here(state, refs)
    return FacilitatorView.model_validate(
        {
            **shared.public,
            # What public screens leave out: the numbers when hidden, and who stepped out.
            "show_numbers": True,
            "round": round_progress(state, stage, for_facilitators=True),
            "facilitators": [PersonRef(id=f.id, name=f.name) for f in state.facilitators.values()],
            "participants": listed,
            "waiting_room": waiting,
            "waiting_by_code": sum(1 for p in waiting if p.membership is Membership.NOT_LINKED),
            "waiting_admissible": sum(1 for p in waiting if p.admit_blocked is None),
            "waiting_burst": burst,
            "waiting_first": waiting[:WAITING_NAMED_IN_A_BURST] if burst else [],
            "joining_open": state.joining_open,
            "join_word": state.join_word,
            "offered_to_take_time": [refs[r.id] for r in listed if r.offered_to_take_time],
            "not_offered_to_take_time": [refs[r.id] for r in listed if not r.offered_to_take_time],
            "may_start_with": [refs[r.id] for r in listed if not r.is_taker],
            "asked_for_support": [refs[r.id] for r in listed if r.support_requested],
            "support_follow_up": [
                PersonRef(id=p.id, name=p.label)
                for p in state.participants.values()
                if p.asked_for_support
            ],
            "support_followed_up": state.support_followed_up,
            "hands_raised": hands,
            "hands_unseen": [
                PersonRef(id=hand.id, name=hand.name) for hand in hands if hand.seen_by is None
            ],
            "departed": [
                DepartedPerson(
                    id=p.id,
                    name=p.label,
                    removed=p.removed,
                    back_to=Presence.PRESENT if p.was_let_in else Presence.WAITING_ROOM,
                )
                for p in state.departed
            ],
            "stepped_out_count": sum(1 for r in listed if r.presence is Presence.STEPPED_OUT),
            "order": order,
            "reorderable": sum(1 for place in order if place.movable) > 1,
            "full_up_next": [shared.person(p) for p in shared.up_next],
            "next_stage": _next_stage(state, stage),
            "still_to_speak": [shared.person(p) for p in still_to_speak(state, stage)],
            "taking_time_plan": _taking_time_plan(state, stage),
            "last_change": change,
            "last_change_by": None if change is None else names.get(change.actor_id, "Someone"),
            "undo": _undo_offer(state),
            "schedule": None if now is None else projection(state, now),
            "carried_over": list(state.carried_over),
            "guaranteed_time": [
                a for a in state.carried_over if a.kind is ActionKind.GUARANTEED_TIME
            ],
            "guidelines_due_review": [g.text for g in state.guidelines if g.review_due],
            "promises": promise_rows(state, here),
            "promised_takers": promised_takers(state, here),
            "apologies": list(state.apologies),
            "for_group": state.for_group,
            "floor_signal": None if now is None else floor_signal(state, now),
            "settings": state.settings,
        }
    )


def _rows(state: SessionState, stage: Stage | None) -> list[ParticipantRow]:
    """Those let in and not gone: the people list, and everyone a facilitator may choose from."""
    round_ = None if stage is None else stage.round
    taking = None if stage is None else stage.taking_time
    round_on = (
        state.status is SessionStatus.LIVE
        and stage is not None
        and stage.kind.has_round
        and round_ is not None
    )
    # In Taking Time, turns are given back only during its Round of Sharing.
    sharing = taking is None or taking.phase is TakingTimePhase.SHARING_ROUND
    spoken = _spoken_in_session(state)
    rows = []
    for someone in state.participants.values():
        if someone.presence in {Presence.LEFT, Presence.WAITING_ROOM}:
            continue
        turn = None if round_ is None else round_.turn(someone.id)
        status = None if turn is None else turn.status
        is_taker = taking is not None and taking.taker_id == someone.id
        rows.append(
            ParticipantRow(
                id=someone.id,
                name=someone.label,
                presence=someone.presence,
                hand_raised=someone.hand_raised,
                hand_seen=someone.hand_raised and someone.hand_seen_by is not None,
                support_requested=someone.support_requested,
                offered_to_take_time=someone.offered_to_take_time,
                turn_status=status,
                spoken_s=spoken.get(someone.id, 0.0),
                is_taker=is_taker,
                is_taking_time=is_taker
                and taking is not None
                and taking.phase is not TakingTimePhase.COMPLETE,
                may_skip=round_on and status in _SKIPPABLE,
                may_go_back=round_on and sharing and status in _HAD_THEIR_TURN,
                # Came after the round ended, or was let in when it had: they can still be asked.
                may_give_turn=round_on
                and sharing
                and status is None
                and someone.presence is Presence.PRESENT
                and not is_taker,
            )
        )
    return rows


_SKIPPABLE = {TurnStatus.WAITING, TurnStatus.PASSED_FOR_NOW, TurnStatus.SPEAKING}
_HAD_THEIR_TURN = {
    TurnStatus.SHARED,
    TurnStatus.PASSED,
    TurnStatus.PASSED_FOR_NOW,
    TurnStatus.SKIPPED,
}


def _order(
    state: SessionState, stage: Stage | None, listed: dict[str, ParticipantRow]
) -> list[OrderPlace]:
    round_ = None if stage is None else stage.round
    if round_ is None:
        return []
    statuses = [
        row.turn_status if (row := listed.get(p)) and row.turn_status else TurnStatus.SKIPPED
        for p in round_.order
    ]
    waiting = [
        p for p, status in zip(round_.order, statuses, strict=True) if status is TurnStatus.WAITING
    ]
    places = []
    for person_id, status in zip(round_.order, statuses, strict=True):
        movable = person_id in waiting and len(waiting) > 1
        places.append(
            OrderPlace(
                id=person_id,
                name=state.name_of(person_id),
                turn_status=status,
                movable=movable,
                can_move_up=movable and person_id != waiting[0],
                can_move_down=movable and person_id != waiting[-1],
            )
        )
    return places


def _next_stage(state: SessionState, stage: Stage | None) -> StageRef | None:
    following = state.next_upcoming(-1 if stage is None else state.stage_index(stage.id))
    return None if following is None else StageRef(id=following.id, title=following.title)


def still_to_speak(state: SessionState, stage: Stage | None) -> list[str]:
    """Who would lose their turn if the stage moved on now: whoever is speaking in it (a round's
    speaker, or the Taking Time taker voicing or reflecting), then everyone its round still owes
    a chance (waiting, or passed for now), in the round's order. Nobody while no round is on."""
    if stage is None or state.status is not SessionStatus.LIVE:
        return []
    turn = stage.active_turn
    speaking = (
        [] if turn is None or turn.status is not TurnStatus.SPEAKING else [turn.participant_id]
    )
    owed = [] if stage.round is None else stage.round.pending()
    return speaking + [p for p in owed if p not in speaking]


def _taking_time_plan(state: SessionState, stage: Stage | None) -> list[StageRef]:
    if stage is None:
        return []
    after = state.stages[state.stage_index(stage.id) + 1 :]
    return [
        StageRef(id=s.id, title=s.title)
        for s in takewhile(
            lambda s: s.kind is StageKind.TAKING_TIME and s.status is StageStatus.UPCOMING, after
        )
    ]


def _undo_offer(state: SessionState) -> UndoOffer | None:
    point = state.undo_point
    if point is None or state.status is not SessionStatus.LIVE:
        return None
    return UndoOffer(
        version=point.version,
        by=state.name_of(point.actor_id),
        description=point.description,
        step=point.step,
        values=point.values,
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
