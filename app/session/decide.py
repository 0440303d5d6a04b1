"""decide(): may this actor do this now, and if so, which facts follow?

Pure: the clock is the `now` argument, randomness is seeded by the command id. Invalid,
duplicate and stale commands are ordinary input; they come back as a Rejected or AlreadyDone
with a message a person can read, never as an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from app.agenda.stages import StageKind
from app.agenda.templates import TEMPLATES
from app.rounds.order import OrderError, round_order
from app.rounds.turns import Round, Turn, TurnStatus
from app.session import commands as cmd
from app.session import events as ev
from app.session.commands import Actor, Role
from app.session.decisions import (
    Accepted,
    AlreadyDone,
    Decision,
    Refusal,
    Rejected,
    RejectionCode,
)
from app.session.evolve import evolve
from app.session.name_check import admit_blocked
from app.session.schedule import stage_load
from app.session.state import (
    ERASED_NAME,
    Facilitator,
    Presence,
    SessionState,
    SessionStatus,
    Stage,
    StageStatus,
    TakingTimePhase,
)
from app.timekeeping.fair_share import fair_share
from app.timekeeping.schedule import round_budget_for_share

# Within Taking Time: the taker speaks for a third of the stage; their reflection is kept short.
TAKER_SHARE = 1 / 3
REFLECTION_SHARE = 1 / 8
MINIMUM_REFLECTION_S = 60.0


def decide(state: SessionState, command: cmd.CommandBase, actor: Actor, now: float) -> Decision:
    if command.id in state.command_versions:
        return AlreadyDone(state.command_versions[command.id])
    draft = Draft(state, actor, now)
    try:
        _authorize(state, command, actor)
        _check_fresh(state, command, actor)
        _HANDLERS[type(command)](draft, command)
    except Refusal as refusal:
        return Rejected(refusal.code, refusal.message)
    return Accepted(tuple(draft.events))


class Draft:
    """The events decided so far, and the state they lead to (so later steps can see them)."""

    def __init__(self, state: SessionState, actor: Actor, now: float) -> None:
        self.state = state
        self.actor = actor
        self.now = now
        self.events: list[ev.EventBase] = []

    def emit(self, event: ev.EventBase) -> None:
        self.events.append(event)
        self.state = evolve(self.state, event)

    def stage(self, stage_id: str) -> Stage:
        stage = self.state.stage(stage_id)
        if stage is None:
            raise Refusal(RejectionCode.NOT_FOUND, "That agenda item is no longer there.")
        return stage

    def current_stage(self) -> Stage:
        stage = self.state.current_stage
        if stage is None:
            raise Refusal(RejectionCode.INVALID, "No agenda item is running just now.")
        return stage

    def person_id(self, named: str | None) -> str:
        """Whose turn or presence a command is about: as named, or the sender's own."""
        if named is not None:
            return named
        if self.actor.role is Role.PARTICIPANT:
            return self.actor.id
        raise Refusal(RejectionCode.INVALID, "Choose whose turn this is about.")


def _refuse(code: RejectionCode, message: str) -> Refusal:
    return Refusal(code, message)


# --- who may do what --------------------------------------------------------------------------

_SELF_SERVICE_NAMES = {
    cmd.StepOut: "step out",
    cmd.ComeBack: "come back",
    cmd.LowerHand: "lower a hand",
    cmd.ClearSupportRequest: "clear a support request",
    cmd.Share: "finish a turn",
    cmd.Pass: "pass",
    cmd.PassForNow: "pass for now",
}


def _authorize(state: SessionState, command: cmd.CommandBase, actor: Actor) -> None:
    kind = type(command)
    if actor.role is Role.ROOM:
        raise _refuse(RejectionCode.NOT_ALLOWED, "The room view can only watch.")
    if state.status is SessionStatus.NEW:
        if not isinstance(command, cmd.CreateSession) or actor.role is not Role.FACILITATOR:
            raise _refuse(RejectionCode.NOT_FOUND, "This session has not been set up.")
        return
    if isinstance(command, cmd.CreateSession):
        raise _refuse(RejectionCode.NOTHING_TO_DO, "This session has already been set up.")
    if state.status is SessionStatus.ENDED:
        raise _refuse(RejectionCode.SESSION_ENDED, "This session has ended. Thank you.")
    if actor.role is Role.FACILITATOR:
        if actor.id not in state.facilitators:
            raise _refuse(RejectionCode.NOT_ALLOWED, "You are not a facilitator of this session.")
        if kind in cmd.PARTICIPANT_ONLY:
            raise _refuse(RejectionCode.NOT_ALLOWED, "Only a participant can do that.")
        return
    if kind in cmd.FACILITATOR_ONLY:
        raise _refuse(RejectionCode.NOT_ALLOWED, "Only a facilitator can do that.")
    person = state.participants.get(actor.id)
    if isinstance(command, cmd.Join):
        if person is not None:
            raise _refuse(RejectionCode.NOTHING_TO_DO, "You have already joined.")
        return
    if person is None or person.presence is Presence.LEFT:
        raise _refuse(RejectionCode.NOT_ALLOWED, "You are no longer part of this session.")
    if person.presence is Presence.WAITING_ROOM and not isinstance(command, cmd.Leave):
        raise _refuse(RejectionCode.NOT_ALLOWED, "A facilitator will let you in soon.")
    named = getattr(command, "participant_id", None)
    if named is not None and named != actor.id:
        action = _SELF_SERVICE_NAMES.get(kind, "do that")
        raise _refuse(
            RejectionCode.NOT_ALLOWED, f"You can only {action} for yourself, not for someone else."
        )


def _check_fresh(state: SessionState, command: cmd.CommandBase, actor: Actor) -> None:
    change = state.flow_change
    if (
        not command.moves_flow
        or command.expected_version is None
        or change is None
        or change.version <= command.expected_version
    ):
        return
    who = "You" if change.actor_id == actor.id else state.name_of(change.actor_id)
    raise _refuse(RejectionCode.STALE, f"{who} already {change.description}.")


def _require_live(state: SessionState) -> None:
    if state.status is SessionStatus.READY:
        raise _refuse(RejectionCode.NOT_STARTED, "The session has not started yet.")


# --- session and agenda -----------------------------------------------------------------------


def _create_session(draft: Draft, command: cmd.CreateSession) -> None:
    agenda = command.agenda
    if agenda is None:
        template = TEMPLATES.get(command.template_key)
        if template is None:
            raise _refuse(RejectionCode.NOT_FOUND, "There is no agenda template with that name.")
        agenda = template.stages
    stages = tuple(
        ev.StageSpec(
            id=f"s{number}",
            kind=plan.kind,
            title=plan.title,
            prompt=plan.prompt,
            planned_s=plan.minutes * 60,
        )
        for number, plan in enumerate(agenda, start=1)
    )
    draft.emit(
        ev.SessionCreated(
            title=command.title,
            group_name=command.group_name,
            template_key=command.template_key,
            settings=command.settings,
            facilitators=tuple(Facilitator(id=f.id, name=f.name) for f in command.facilitators),
            stages=stages,
            guidelines=command.guidelines,
            carried_over=command.carried_over,
            apologies=command.apologies,
            for_group=command.for_group,
        )
    )


def _start_session(draft: Draft, command: cmd.StartSession) -> None:
    if draft.state.status is SessionStatus.LIVE:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "The session has already started.")
    planned_s = (
        command.planned_minutes * 60
        if command.planned_minutes is not None
        else sum(s.planned_s for s in draft.state.stages)
    )
    draft.emit(ev.SessionStarted(at=draft.now, planned_end=draft.now + planned_s))
    first = _next_upcoming(draft.state, after_index=-1)
    if first is not None:
        _enter_stage(draft, first)


def _end_session(draft: Draft, command: cmd.EndSession) -> None:
    current = draft.state.current_stage
    if current is not None:
        _close_stage(draft, current, skipped=False)
    draft.emit(ev.SessionEnded(at=draft.now))


def _next_upcoming(state: SessionState, after_index: int) -> Stage | None:
    return next(
        (
            stage
            for stage in state.stages[after_index + 1 :]
            if stage.status is StageStatus.UPCOMING
        ),
        None,
    )


def _advance_stage(draft: Draft, command: cmd.AdvanceStage) -> None:
    _require_live(draft.state)
    current = draft.state.current_stage
    after = -1 if current is None else draft.state.stage_index(current.id)
    following = _next_upcoming(draft.state, after)
    if following is None:
        raise _refuse(
            RejectionCode.INVALID,
            "This is the last agenda item. End the session when the group is ready.",
        )
    if current is not None:
        _close_stage(draft, current, skipped=False)
    _enter_stage(draft, draft.stage(following.id))


def _go_to_stage(draft: Draft, command: cmd.GoToStage) -> None:
    _require_live(draft.state)
    target = draft.stage(command.stage_id)
    current = draft.state.current_stage
    if current is not None and current.id == target.id:
        raise _refuse(RejectionCode.NOTHING_TO_DO, f"“{target.title}” is already on.")
    if current is not None:
        _close_stage(draft, current, skipped=False)
    _enter_stage(draft, draft.stage(target.id))


def _skip_stage(draft: Draft, command: cmd.SkipStage) -> None:
    stage = draft.stage(command.stage_id)
    if stage.status in {StageStatus.DONE, StageStatus.SKIPPED}:
        raise _refuse(RejectionCode.NOTHING_TO_DO, f"“{stage.title}” is already finished.")
    if stage.status is StageStatus.UPCOMING:
        draft.emit(ev.StageClosed(stage_id=stage.id, skipped=True, at=draft.now))
        return
    following = _next_upcoming(draft.state, draft.state.stage_index(stage.id))
    _close_stage(draft, stage, skipped=True)
    if following is not None:
        _enter_stage(draft, draft.stage(following.id))


def _insert_stage(draft: Draft, command: cmd.InsertStage) -> None:
    state = draft.state
    if command.after_stage_id is not None:
        index = state.stage_index(draft.stage(command.after_stage_id).id) + 1
    elif state.current_stage is not None:
        index = state.stage_index(state.current_stage.id) + 1
    else:
        index = len(state.stages)
    spec = ev.StageSpec(
        id=f"s{state.stages_created + 1}",
        kind=command.kind,
        title=command.title,
        prompt=command.prompt,
        planned_s=command.minutes * 60,
    )
    draft.emit(ev.StageInserted(stage=spec, index=index))


def _move_stage(draft: Draft, command: cmd.MoveStage) -> None:
    stage = draft.stage(command.stage_id)
    if stage.status is not StageStatus.UPCOMING:
        raise _refuse(RejectionCode.INVALID, "Only agenda items still to come can be moved.")
    index = min(command.to_index, len(draft.state.stages) - 1)
    if index == draft.state.stage_index(stage.id):
        raise _refuse(RejectionCode.NOTHING_TO_DO, f"“{stage.title}” is already there.")
    draft.emit(ev.StageMoved(stage_id=stage.id, index=index))


def _set_stage_budget(draft: Draft, command: cmd.SetStageBudget) -> None:
    stage = draft.stage(command.stage_id)
    if stage.status in {StageStatus.DONE, StageStatus.SKIPPED}:
        raise _refuse(RejectionCode.INVALID, f"“{stage.title}” has already finished.")
    draft.emit(ev.StageBudgetSet(stage_id=stage.id, planned_s=command.minutes * 60))


def _accept_schedule_suggestion(draft: Draft, command: cmd.AcceptScheduleSuggestion) -> None:
    _require_live(draft.state)
    stage = draft.stage(command.stage_id)
    if stage.kind is StageKind.BREAK:
        raise _refuse(
            RejectionCode.INVALID, "The break is protected: the schedule never shortens it."
        )
    if stage.kind is not StageKind.ROUND:
        raise _refuse(RejectionCode.INVALID, f"“{stage.title}” is not a round.")
    load = stage_load(draft.state, stage, draft.now)
    if stage.status in {StageStatus.DONE, StageStatus.SKIPPED} or (
        load.speakers_to_come != command.speakers_to_come
    ):
        raise _refuse(
            RejectionCode.STALE,
            f"“{stage.title}” has moved on since that suggestion — see the new one.",
        )
    if command.share_s < draft.state.settings.minimum_share_s:
        raise _refuse(
            RejectionCode.INVALID,
            "That is less than the group's minimum share; everybody keeps a real chance to speak.",
        )
    elapsed_s = stage.timer.elapsed(draft.now) if stage.status is StageStatus.CURRENT else 0.0
    planned_s = round_budget_for_share(
        elapsed_s, load.speaker_left_s, load.speakers_to_come, command.share_s
    )
    draft.emit(ev.StageBudgetSet(stage_id=stage.id, planned_s=planned_s))


def _enter_stage(draft: Draft, stage: Stage) -> None:
    draft.emit(ev.StageStarted(stage_id=stage.id, at=draft.now))
    taking = stage.taking_time
    if (
        taking is not None
        and taking.phase is TakingTimePhase.CHOOSING
        and taking.taker_id is not None
        and draft.state.is_present(taking.taker_id)
    ):
        _start_taker_turn(draft, draft.stage(stage.id), taking.taker_id)


def _close_stage(draft: Draft, stage: Stage, *, skipped: bool) -> None:
    """End whatever turn is on (as shared: they were speaking) and close the stage."""
    _end_active_turn(draft, stage, TurnStatus.SHARED)
    draft.emit(ev.StageClosed(stage_id=stage.id, skipped=skipped, at=draft.now))


# --- rounds and turns -------------------------------------------------------------------------


def _active_slot(stage: Stage) -> ev.TurnSlot | None:
    taking = stage.taking_time
    if taking is not None and taking.phase is TakingTimePhase.TAKER_SPEAKING:
        return ev.TurnSlot.TAKER
    if taking is not None and taking.phase is TakingTimePhase.TAKER_REFLECTION:
        return ev.TurnSlot.REFLECTION
    return ev.TurnSlot.ROUND if stage.active_turn is not None else None


def _end_active_turn(draft: Draft, stage: Stage, outcome: TurnStatus) -> None:
    turn = stage.active_turn
    slot = _active_slot(stage)
    if turn is None or slot is None or turn.status is not TurnStatus.SPEAKING:
        return
    draft.emit(
        ev.TurnEnded(
            stage_id=stage.id,
            slot=slot,
            participant_id=turn.participant_id,
            outcome=outcome,
            at=draft.now,
        )
    )


def _start_round(draft: Draft, command: cmd.StartRound) -> None:
    _require_live(draft.state)
    stage = draft.current_stage()
    if not stage.kind.has_round:
        raise _refuse(RejectionCode.INVALID, f"“{stage.title}” does not have a round.")
    if stage.round is not None:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "The round has already started.")
    taking = stage.taking_time
    excluded: set[str] = set()
    if taking is not None:
        if taking.taker_id is None or taking.phase is TakingTimePhase.CHOOSING:
            raise _refuse(RejectionCode.INVALID, "Choose who is Taking Time first.")
        if taking.phase in {TakingTimePhase.TAKER_REFLECTION, TakingTimePhase.COMPLETE}:
            # A round now would cut the reflection off, or start Taking Time over again.
            raise _refuse(
                RejectionCode.INVALID,
                f"{draft.state.name_of(taking.taker_id)}'s Taking Time has moved past "
                "the Round of Sharing.",
            )
        excluded.add(taking.taker_id)
    seating = [person for person in draft.state.seating if person not in excluded]
    if not any(draft.state.is_present(person) for person in seating):
        raise _refuse(
            RejectionCode.INVALID,
            "Nobody is here for the round yet — let people in from the waiting room first.",
        )
    try:
        order = round_order(
            command.order_policy,
            seating,
            start_with=command.start_with,
            chosen=command.order,
            seed=command.id,
        )
    except OrderError as problem:
        raise _refuse(RejectionCode.INVALID, str(problem)) from problem
    if taking is not None:
        _end_active_turn(draft, stage, TurnStatus.SHARED)
        draft.emit(
            ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.SHARING_ROUND)
        )
    draft.emit(ev.RoundStarted(stage_id=stage.id, order=order))
    _start_next_turn(draft, stage.id)


def _round_time_left(state: SessionState, stage: Stage, now: float) -> float:
    left = stage.timer.remaining(now)
    if stage.taking_time is not None:
        left -= max(MINIMUM_REFLECTION_S, stage.planned_s * REFLECTION_SHARE)
    return max(0.0, left)


def _start_next_turn(draft: Draft, stage_id: str) -> None:
    """Give the turn to whoever is next; when the round is over, move Taking Time on."""
    stage = draft.stage(stage_id)
    round_ = stage.round
    if round_ is None or round_.current is not None:
        return
    upcoming = round_.upcoming(draft.state.is_present)
    if upcoming:
        budget = fair_share(
            _round_time_left(draft.state, stage, draft.now),
            len(upcoming),
            draft.state.settings.minimum_share_s,
        )
        draft.emit(
            ev.TurnStarted(
                stage_id=stage.id, participant_id=upcoming[0], budget_s=budget, at=draft.now
            )
        )
        return
    taking = stage.taking_time
    if (
        not round_.complete
        or taking is None
        or taking.phase is not TakingTimePhase.SHARING_ROUND
        or taking.taker_id is None
    ):
        return
    if draft.state.is_present(taking.taker_id):
        _start_reflection(draft, stage, taking.taker_id)
    elif _participant(draft, taking.taker_id) is Presence.LEFT:
        # Nobody is left to reflect: this Taking Time is over.
        draft.emit(ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.COMPLETE))


def _start_reflection(draft: Draft, stage: Stage, taker_id: str) -> None:
    draft.emit(ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.TAKER_REFLECTION))
    budget = max(MINIMUM_REFLECTION_S, stage.planned_s * REFLECTION_SHARE)
    draft.emit(
        ev.TurnStarted(
            stage_id=stage.id,
            slot=ev.TurnSlot.REFLECTION,
            participant_id=taker_id,
            budget_s=budget,
            at=draft.now,
        )
    )


def _start_taker_turn(draft: Draft, stage: Stage, taker_id: str) -> None:
    draft.emit(ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.TAKER_SPEAKING))
    draft.emit(
        ev.TurnStarted(
            stage_id=stage.id,
            slot=ev.TurnSlot.TAKER,
            participant_id=taker_id,
            # Never less than the group's minimum, even when the stage has run over.
            budget_s=fair_share(
                stage.timer.remaining(draft.now) * TAKER_SHARE,
                1,
                draft.state.settings.minimum_share_s,
            ),
            at=draft.now,
        )
    )


def _speaking_turn(draft: Draft, named: str | None) -> tuple[Stage, ev.TurnSlot, Turn]:
    """The turn a share/pass acts on, checked against whom the sender meant."""
    _require_live(draft.state)
    stage = draft.current_stage()
    turn = stage.active_turn
    slot = _active_slot(stage)
    speaker = None if turn is None else draft.state.name_of(turn.participant_id)
    if turn is None or slot is None or turn.status is not TurnStatus.SPEAKING:
        if draft.actor.role is Role.PARTICIPANT:
            raise _refuse(RejectionCode.NOT_YOUR_TURN, "It isn't your turn just now.")
        raise _refuse(RejectionCode.NOTHING_TO_DO, "Nobody is speaking just now.")
    target = (
        named
        if named is not None
        else (draft.actor.id if draft.actor.role is Role.PARTICIPANT else turn.participant_id)
    )
    if target != turn.participant_id:
        if draft.actor.role is Role.PARTICIPANT:
            raise _refuse(
                RejectionCode.NOT_YOUR_TURN, f"It isn't your turn just now — {speaker} is speaking."
            )
        raise _refuse(
            RejectionCode.STALE,
            f"{draft.state.name_of(target)}'s turn has already ended; {speaker} is speaking now.",
        )
    return stage, slot, turn


def _finish_turn(draft: Draft, named: str | None, outcome: TurnStatus) -> None:
    stage, slot, turn = _speaking_turn(draft, named)
    if outcome is TurnStatus.PASSED_FOR_NOW and (slot is not ev.TurnSlot.ROUND or turn.asked_again):
        outcome = TurnStatus.PASSED
    draft.emit(
        ev.TurnEnded(
            stage_id=stage.id,
            slot=slot,
            participant_id=turn.participant_id,
            outcome=outcome,
            at=draft.now,
        )
    )
    if slot is ev.TurnSlot.ROUND:
        _start_next_turn(draft, stage.id)
        return
    taker_spoke = slot is ev.TurnSlot.TAKER and outcome is TurnStatus.SHARED
    draft.emit(
        ev.TakingTimePhaseChanged(
            stage_id=stage.id,
            phase=TakingTimePhase.AGREEING_QUESTION if taker_spoke else TakingTimePhase.COMPLETE,
        )
    )


def _share(draft: Draft, command: cmd.Share) -> None:
    _finish_turn(draft, command.participant_id, TurnStatus.SHARED)


def _pass(draft: Draft, command: cmd.Pass) -> None:
    _finish_turn(draft, command.participant_id, TurnStatus.PASSED)


def _pass_for_now(draft: Draft, command: cmd.PassForNow) -> None:
    _finish_turn(draft, command.participant_id, TurnStatus.PASSED_FOR_NOW)


def _round_of_current_stage(draft: Draft) -> tuple[Stage, Round]:
    _require_live(draft.state)
    stage = draft.current_stage()
    if stage.round is None:
        raise _refuse(RejectionCode.INVALID, "No round has started in this agenda item.")
    return stage, stage.round


def _skip_turn(draft: Draft, command: cmd.SkipTurn) -> None:
    stage, round_ = _round_of_current_stage(draft)
    turn = round_.turn(command.participant_id)
    name = draft.state.name_of(command.participant_id)
    if turn is None or not turn.status.pending:
        raise _refuse(RejectionCode.NOTHING_TO_DO, f"{name} has no turn waiting in this round.")
    if round_.current == command.participant_id:
        draft.emit(
            ev.TurnEnded(
                stage_id=stage.id,
                participant_id=command.participant_id,
                outcome=TurnStatus.SKIPPED,
                at=draft.now,
            )
        )
    else:
        draft.emit(ev.TurnSkipped(stage_id=stage.id, participant_id=command.participant_id))
    _start_next_turn(draft, stage.id)


def _return_to(draft: Draft, command: cmd.ReturnTo) -> None:
    stage, round_ = _round_of_current_stage(draft)
    turn = round_.turn(command.participant_id)
    name = draft.state.name_of(command.participant_id)
    taking = stage.taking_time
    if turn is None and (
        not draft.state.is_present(command.participant_id)
        or (taking is not None and taking.taker_id == command.participant_id)
    ):
        raise _refuse(RejectionCode.NOT_FOUND, f"{name} is not in this round.")
    if round_.current == command.participant_id:
        raise _refuse(RejectionCode.NOTHING_TO_DO, f"It is already {name}'s turn.")
    if _participant(draft, command.participant_id) is Presence.LEFT:
        # Their turn could never be taken: the round would stay open for good.
        raise _refuse(RejectionCode.INVALID, f"{name} has left the session.")
    if stage.taking_time is not None and stage.taking_time.phase is not (
        TakingTimePhase.SHARING_ROUND
    ):
        raise _refuse(RejectionCode.INVALID, "The Round of Sharing has finished.")
    if turn is None:
        # Someone who came after the round ended (or was let in when it had): give them a turn.
        draft.emit(ev.LateArrivalAdded(stage_id=stage.id, participant_id=command.participant_id))
    draft.emit(ev.TurnReopened(stage_id=stage.id, participant_id=command.participant_id))
    _start_next_turn(draft, stage.id)


def _reorder_round(draft: Draft, command: cmd.ReorderRound) -> None:
    stage, round_ = _round_of_current_stage(draft)
    if sorted(command.order) != sorted(round_.order):
        raise _refuse(
            RejectionCode.STALE,
            "The round has changed since you started reordering — please try again.",
        )
    if tuple(command.order) == round_.order:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "The round is already in that order.")
    draft.emit(ev.RoundReordered(stage_id=stage.id, order=tuple(command.order)))


# --- timers -----------------------------------------------------------------------------------


def _speaker_timer_target(draft: Draft) -> tuple[Stage, ev.TurnSlot, Turn]:
    _require_live(draft.state)
    stage = draft.current_stage()
    turn = stage.active_turn
    slot = _active_slot(stage)
    if turn is None or slot is None or turn.status is not TurnStatus.SPEAKING:
        raise _refuse(RejectionCode.INVALID, "That turn has already finished.")
    if draft.actor.role is Role.PARTICIPANT and turn.participant_id != draft.actor.id:
        raise _refuse(RejectionCode.NOT_YOUR_TURN, "Only the speaker or a facilitator can do that.")
    return stage, slot, turn


def _pause_timer(draft: Draft, command: cmd.PauseTimer) -> None:
    stage, slot, turn = _speaker_timer_target(draft)
    if turn.timer is None or not turn.timer.running:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "The timer is already paused.")
    draft.emit(ev.SpeakerTimerPaused(stage_id=stage.id, slot=slot, at=draft.now))


def _resume_timer(draft: Draft, command: cmd.ResumeTimer) -> None:
    stage, slot, turn = _speaker_timer_target(draft)
    if turn.timer is None or turn.timer.running:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "The timer is already running.")
    draft.emit(ev.SpeakerTimerResumed(stage_id=stage.id, slot=slot, at=draft.now))


def _extend_time(draft: Draft, command: cmd.ExtendTime) -> None:
    if command.target == "stage":
        _require_live(draft.state)
        stage = draft.current_stage()
        draft.emit(ev.StageTimeExtended(stage_id=stage.id, seconds=command.seconds))
        return
    stage, slot, _turn = _speaker_timer_target(draft)
    draft.emit(ev.SpeakerTimeExtended(stage_id=stage.id, slot=slot, seconds=command.seconds))


# --- people -----------------------------------------------------------------------------------


def _join(draft: Draft, command: cmd.Join) -> None:
    if len(draft.state.participants) >= cmd.MAX_PARTICIPANTS:
        raise _refuse(RejectionCode.INVALID, "This session is full.")
    draft.emit(
        ev.ParticipantJoined(
            participant_id=draft.actor.id,
            name=command.name,
            member_id=command.member_id,
            name_check_pending=command.member_id is not None and command.name_check_pending,
        )
    )


def _participant(draft: Draft, participant_id: str) -> Presence:
    person = draft.state.participants.get(participant_id)
    if person is None:
        raise _refuse(RejectionCode.NOT_FOUND, "That person is not in this session.")
    return person.presence


def _require_admitted(draft: Draft, person: str, presence: Presence) -> None:
    """Refuse, naming where they are, when someone is in the waiting room or has left."""
    name = draft.state.name_of(person)
    if presence is Presence.WAITING_ROOM:
        raise _refuse(RejectionCode.INVALID, f"{name} is still in the waiting room.")
    if presence is Presence.LEFT:
        raise _refuse(RejectionCode.INVALID, f"{name} has left the session.")


def _record_name_check(draft: Draft, command: cmd.RecordNameCheck) -> None:
    waiting = [
        p.id
        for p in draft.state.participants.values()
        if p.member_id == command.member_id and p.name_check_pending
    ]
    if not waiting:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "Nobody here is waiting for that name check.")
    for person in waiting:
        draft.emit(ev.NameCheckRecorded(participant_id=person))


def _forget_member(draft: Draft, command: cmd.ForgetMember) -> None:
    named = [
        p.id
        for p in draft.state.participants.values()
        if p.member_id == command.member_id and p.name != ERASED_NAME
    ]
    if not named:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "That member is not named in this session.")
    for person in named:
        draft.emit(ev.MemberForgotten(participant_id=person))


def _admit(draft: Draft, command: cmd.Admit) -> None:
    person = command.participant_id
    presence = _participant(draft, person)
    name = draft.state.name_of(person)
    if presence is Presence.LEFT:
        raise _refuse(RejectionCode.INVALID, f"{name} has left the session.")
    if presence is not Presence.WAITING_ROOM:
        raise _refuse(RejectionCode.NOTHING_TO_DO, f"{name} has already been let in.")
    blocked = admit_blocked(draft.state.participants[person])
    if blocked is not None:
        raise _refuse(RejectionCode.INVALID, blocked)
    draft.emit(ev.ParticipantAdmitted(participant_id=person))
    stage = draft.state.current_stage
    if stage is None or stage.round is None or stage.round.complete:
        return
    if stage.taking_time is not None and stage.taking_time.taker_id == person:
        return
    draft.emit(ev.LateArrivalAdded(stage_id=stage.id, participant_id=person))
    _start_next_turn(draft, stage.id)


def _leave_session(draft: Draft, person: str, *, removed: bool) -> None:
    stage = draft.state.current_stage
    if stage is not None:
        turn = stage.active_turn
        if turn is not None and turn.participant_id == person:
            _end_active_turn(draft, stage, TurnStatus.SKIPPED)
            if _active_slot(stage) is not ev.TurnSlot.ROUND:
                draft.emit(
                    ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.COMPLETE)
                )
        stage = draft.stage(stage.id)
        pending = stage.round.turn(person) if stage.round is not None else None
        if pending is not None and pending.status.pending:
            draft.emit(ev.TurnSkipped(stage_id=stage.id, participant_id=person))
    draft.emit(ev.ParticipantLeft(participant_id=person, removed=removed))
    if stage is not None:
        _start_next_turn(draft, stage.id)


def _remove_participant(draft: Draft, command: cmd.RemoveParticipant) -> None:
    if _participant(draft, command.participant_id) is Presence.LEFT:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "They have already left.")
    _leave_session(draft, command.participant_id, removed=True)


def _leave(draft: Draft, command: cmd.Leave) -> None:
    _leave_session(draft, draft.actor.id, removed=False)


def _step_out(draft: Draft, command: cmd.StepOut) -> None:
    person = draft.person_id(command.participant_id)
    presence = _participant(draft, person)
    if presence is Presence.STEPPED_OUT:
        own = person == draft.actor.id
        raise _refuse(
            RejectionCode.NOTHING_TO_DO,
            "Already stepped out — come back any time."
            if own
            else f"{draft.state.name_of(person)} has already stepped out.",
        )
    _require_admitted(draft, person, presence)
    draft.emit(ev.ParticipantSteppedOut(participant_id=person))
    stage = draft.state.current_stage
    if stage is None or stage.active_turn is None or stage.active_turn.participant_id != person:
        return
    slot = _active_slot(stage)
    if slot is ev.TurnSlot.ROUND:
        # It is OK to leave and come back: the turn waits for them instead of being lost.
        _end_active_turn(draft, stage, TurnStatus.WAITING)
        _start_next_turn(draft, stage.id)
    elif slot is not None and stage.active_turn.timer and stage.active_turn.timer.running:
        draft.emit(ev.SpeakerTimerPaused(stage_id=stage.id, slot=slot, at=draft.now))


def _come_back(draft: Draft, command: cmd.ComeBack) -> None:
    person = draft.person_id(command.participant_id)
    presence = _participant(draft, person)
    if presence is Presence.PRESENT:
        own = person == draft.actor.id
        raise _refuse(
            RejectionCode.NOTHING_TO_DO,
            "You are already here." if own else f"{draft.state.name_of(person)} is already here.",
        )
    _require_admitted(draft, person, presence)
    draft.emit(ev.ParticipantCameBack(participant_id=person))
    stage = draft.state.current_stage
    if stage is None:
        return
    taking = stage.taking_time
    if (
        taking is not None
        and taking.phase is TakingTimePhase.CHOOSING
        and taking.taker_id == person
    ):
        # They were chosen to Take Time while out: their time starts now they are back.
        _start_taker_turn(draft, stage, person)
        return
    _start_next_turn(draft, stage.id)


def _raise_hand(draft: Draft, command: cmd.RaiseHand) -> None:
    if draft.state.participants[draft.actor.id].hand_raised:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "Your hand is already raised.")
    if not draft.state.is_present(draft.actor.id):
        raise _refuse(RejectionCode.INVALID, "Come back in first, then raise your hand.")
    draft.emit(ev.HandRaised(participant_id=draft.actor.id))


def _lower_hand(draft: Draft, command: cmd.LowerHand) -> None:
    person = draft.person_id(command.participant_id)
    _participant(draft, person)
    if not draft.state.participants[person].hand_raised:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "That hand is already lowered.")
    draft.emit(ev.HandLowered(participant_id=person))


def _request_support(draft: Draft, command: cmd.RequestSupport) -> None:
    if draft.state.participants[draft.actor.id].support_requested:
        raise _refuse(
            RejectionCode.NOTHING_TO_DO, "The facilitators already know; one of them will check in."
        )
    draft.emit(ev.SupportRequested(participant_id=draft.actor.id))


def _clear_support_request(draft: Draft, command: cmd.ClearSupportRequest) -> None:
    person = draft.person_id(command.participant_id)
    _participant(draft, person)
    if not draft.state.participants[person].support_requested:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "There is no support request to clear.")
    draft.emit(ev.SupportRequestCleared(participant_id=person))


def _offer_to_take_time(draft: Draft, command: cmd.OfferToTakeTime) -> None:
    if draft.state.participants[draft.actor.id].offered_to_take_time == command.offered:
        message = "You have already offered." if command.offered else "You have not offered."
        raise _refuse(RejectionCode.NOTHING_TO_DO, message)
    draft.emit(ev.TakeTimeOffered(participant_id=draft.actor.id, offered=command.offered))


# --- Taking Time ------------------------------------------------------------------------------


def _taking_time_stage(draft: Draft, stage_id: str | None = None) -> Stage:
    stage = draft.stage(stage_id) if stage_id is not None else draft.current_stage()
    if stage.kind is not StageKind.TAKING_TIME or stage.taking_time is None:
        raise _refuse(RejectionCode.INVALID, f"“{stage.title}” is not a Taking Time.")
    return stage


def _choose_taker(draft: Draft, command: cmd.ChooseTaker) -> None:
    stage = _taking_time_stage(draft, command.stage_id)
    taking = stage.taking_time
    assert taking is not None
    if stage.status in {StageStatus.DONE, StageStatus.SKIPPED}:
        raise _refuse(RejectionCode.INVALID, f"“{stage.title}” has already finished.")
    if taking.phase is not TakingTimePhase.CHOOSING:
        raise _refuse(
            RejectionCode.STALE,
            f"{draft.state.name_of(taking.taker_id or '')} is already Taking Time.",
        )
    if taking.taker_id == command.participant_id:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "That is already the plan.")
    if command.participant_id is not None:
        presence = _participant(draft, command.participant_id)
        if presence not in {Presence.PRESENT, Presence.STEPPED_OUT}:
            raise _refuse(RejectionCode.INVALID, "Only someone in the session can Take Time.")
    draft.emit(ev.TakerChosen(stage_id=stage.id, participant_id=command.participant_id))
    stage = draft.stage(stage.id)
    if (
        stage.status is StageStatus.CURRENT
        and command.participant_id is not None
        and draft.state.is_present(command.participant_id)
    ):
        _start_taker_turn(draft, stage, command.participant_id)


def _set_agreed_question(draft: Draft, command: cmd.SetAgreedQuestion) -> None:
    stage = _taking_time_stage(draft)
    taking = stage.taking_time
    assert taking is not None
    if taking.phase in {TakingTimePhase.CHOOSING, TakingTimePhase.COMPLETE}:
        raise _refuse(RejectionCode.INVALID, "There is nobody Taking Time just now.")
    if taking.phase is TakingTimePhase.TAKER_SPEAKING:
        _end_active_turn(draft, stage, TurnStatus.SHARED)
        draft.emit(
            ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.AGREEING_QUESTION)
        )
    draft.emit(ev.AgreedQuestionSet(stage_id=stage.id, question=command.question))


def _invite_reflection(draft: Draft, command: cmd.InviteReflection) -> None:
    stage = _taking_time_stage(draft)
    taking = stage.taking_time
    assert taking is not None
    if taking.taker_id is None or taking.phase in {
        TakingTimePhase.CHOOSING,
        TakingTimePhase.TAKER_REFLECTION,
        TakingTimePhase.COMPLETE,
    }:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "There is no reflection to invite just now.")
    _require_admitted(draft, taking.taker_id, _participant(draft, taking.taker_id))
    if not draft.state.is_present(taking.taker_id):
        raise _refuse(
            RejectionCode.INVALID,
            f"{draft.state.name_of(taking.taker_id)} has stepped out; "
            "invite their reflection when they are back.",
        )
    _end_active_turn(draft, stage, TurnStatus.SHARED)
    stage = draft.stage(stage.id)
    if stage.round is not None:
        for person in stage.round.pending():
            draft.emit(ev.TurnSkipped(stage_id=stage.id, participant_id=person))
    _start_reflection(draft, draft.stage(stage.id), taking.taker_id)


def _undo_last(draft: Draft, command: cmd.UndoLast) -> None:
    _require_live(draft.state)
    point = draft.state.undo_point
    if point is None:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "There is nothing to undo just now.")
    draft.emit(ev.FlowUndone(undone_version=point.version, description=point.description))


def _change_settings(draft: Draft, command: cmd.ChangeSettings) -> None:
    if command.settings == draft.state.settings:
        raise _refuse(RejectionCode.NOTHING_TO_DO, "Those are already the settings.")
    draft.emit(ev.SettingsChanged(settings=command.settings))


C = TypeVar("C", bound=cmd.CommandBase)


def _handler(function: Callable[[Draft, C], None]) -> Callable[[Draft, Any], None]:
    return function


_HANDLERS: dict[type[cmd.CommandBase], Callable[[Draft, Any], None]] = {
    cmd.CreateSession: _handler(_create_session),
    cmd.StartSession: _handler(_start_session),
    cmd.EndSession: _handler(_end_session),
    cmd.AdvanceStage: _handler(_advance_stage),
    cmd.GoToStage: _handler(_go_to_stage),
    cmd.SkipStage: _handler(_skip_stage),
    cmd.InsertStage: _handler(_insert_stage),
    cmd.MoveStage: _handler(_move_stage),
    cmd.SetStageBudget: _handler(_set_stage_budget),
    cmd.AcceptScheduleSuggestion: _handler(_accept_schedule_suggestion),
    cmd.StartRound: _handler(_start_round),
    cmd.ReorderRound: _handler(_reorder_round),
    cmd.Share: _handler(_share),
    cmd.Pass: _handler(_pass),
    cmd.PassForNow: _handler(_pass_for_now),
    cmd.SkipTurn: _handler(_skip_turn),
    cmd.ReturnTo: _handler(_return_to),
    cmd.PauseTimer: _handler(_pause_timer),
    cmd.ResumeTimer: _handler(_resume_timer),
    cmd.ExtendTime: _handler(_extend_time),
    cmd.Join: _handler(_join),
    cmd.Admit: _handler(_admit),
    cmd.RecordNameCheck: _handler(_record_name_check),
    cmd.ForgetMember: _handler(_forget_member),
    cmd.RemoveParticipant: _handler(_remove_participant),
    cmd.Leave: _handler(_leave),
    cmd.StepOut: _handler(_step_out),
    cmd.ComeBack: _handler(_come_back),
    cmd.RaiseHand: _handler(_raise_hand),
    cmd.LowerHand: _handler(_lower_hand),
    cmd.RequestSupport: _handler(_request_support),
    cmd.ClearSupportRequest: _handler(_clear_support_request),
    cmd.OfferToTakeTime: _handler(_offer_to_take_time),
    cmd.ChooseTaker: _handler(_choose_taker),
    cmd.SetAgreedQuestion: _handler(_set_agreed_question),
    cmd.InviteReflection: _handler(_invite_reflection),
    cmd.UndoLast: _handler(_undo_last),
    cmd.ChangeSettings: _handler(_change_settings),
}
