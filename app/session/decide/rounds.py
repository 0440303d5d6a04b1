"""Rounds and turns: starting a round, sharing and passing, skipping, returning, reordering."""

from __future__ import annotations

from app.plain_text import quoted
from app.rounds.order import OrderError, round_order
from app.rounds.turns import Round, Turn, TurnStatus
from app.session import commands as cmd
from app.session import events as ev
from app.session.command_base import Role
from app.session.decide.draft import Draft, handles
from app.session.decide.flow import end_active_turn, end_turn, start_next_turn
from app.session.decisions import Refusal, RejectionCode
from app.session.state import Presence, Stage, TakingTimePhase, TurnSlot
from app.translatable import Words, translatable


@handles(cmd.StartRound)
def _start_round(draft: Draft, command: cmd.StartRound) -> None:
    draft.require_live()
    stage = draft.current_stage()
    if not stage.kind.has_round:
        raise Refusal(
            RejectionCode.INVALID,
            Words("%(title)s does not have a round.", title=quoted(stage.title)),
        )
    if stage.round is not None:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("The round has already started."))
    taking = stage.taking_time
    excluded: set[str] = set()
    if taking is not None:
        if taking.taker_id is None or taking.phase is TakingTimePhase.CHOOSING:
            raise Refusal(RejectionCode.INVALID, translatable("Choose who is Taking Time first."))
        if taking.phase in {TakingTimePhase.TAKER_REFLECTION, TakingTimePhase.COMPLETE}:
            # A round now would cut the reflection off, or start Taking Time over again.
            raise Refusal(
                RejectionCode.INVALID,
                Words(
                    "%(name)s's Taking Time has moved past the Round of Sharing.",
                    name=draft.state.name_of(taking.taker_id),
                ),
            )
        excluded.add(taking.taker_id)
    seating = [person for person in draft.state.seating if person not in excluded]
    if not any(draft.state.is_present(person) for person in seating):
        raise Refusal(
            RejectionCode.INVALID,
            translatable(
                "Nobody is here for the round yet — let people in from the waiting room first."
            ),
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
        raise Refusal(RejectionCode.INVALID, str(problem)) from problem
    if taking is not None:
        end_active_turn(draft, stage, TurnStatus.SHARED)
        draft.emit(
            ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.SHARING_ROUND)
        )
    draft.emit(ev.RoundStarted(stage_id=stage.id, order=order))
    start_next_turn(draft, stage.id)


def _speaking_turn(draft: Draft, named: str | None) -> tuple[Stage, TurnSlot, Turn]:
    """The turn a share/pass acts on, checked against whom the sender meant."""
    draft.require_live()
    stage = draft.current_stage()
    turn = stage.active_turn
    slot = stage.active_slot
    if turn is None or slot is None or turn.status is not TurnStatus.SPEAKING:
        if draft.actor.role is Role.PARTICIPANT:
            raise Refusal(RejectionCode.NOT_YOUR_TURN, translatable("It isn't your turn just now."))
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("Nobody is speaking just now."))
    speaker = draft.state.name_of(turn.participant_id)
    target = (
        named
        if named is not None
        else (draft.actor.id if draft.actor.role is Role.PARTICIPANT else turn.participant_id)
    )
    if target != turn.participant_id:
        if draft.actor.role is Role.PARTICIPANT:
            raise Refusal(
                RejectionCode.NOT_YOUR_TURN,
                Words("It isn't your turn just now — %(speaker)s is speaking.", speaker=speaker),
            )
        raise Refusal(
            RejectionCode.STALE,
            Words(
                "%(name)s's turn has already ended; %(speaker)s is speaking now.",
                name=draft.state.name_of(target),
                speaker=speaker,
            ),
        )
    return stage, slot, turn


def _finish_turn(draft: Draft, named: str | None, outcome: TurnStatus) -> None:
    stage, slot, turn = _speaking_turn(draft, named)
    if outcome is TurnStatus.PASSED_FOR_NOW and (slot is not TurnSlot.ROUND or turn.asked_again):
        outcome = TurnStatus.PASSED
    end_turn(draft, stage, slot, turn, outcome)
    if slot is TurnSlot.ROUND:
        start_next_turn(draft, stage.id)
        return
    taker_spoke = slot is TurnSlot.TAKER and outcome is TurnStatus.SHARED
    draft.emit(
        ev.TakingTimePhaseChanged(
            stage_id=stage.id,
            phase=TakingTimePhase.AGREEING_QUESTION if taker_spoke else TakingTimePhase.COMPLETE,
        )
    )


@handles(cmd.Share)
def _share(draft: Draft, command: cmd.Share) -> None:
    _finish_turn(draft, command.participant_id, TurnStatus.SHARED)


@handles(cmd.Pass)
def _pass(draft: Draft, command: cmd.Pass) -> None:
    _finish_turn(draft, command.participant_id, TurnStatus.PASSED)


@handles(cmd.PassForNow)
def _pass_for_now(draft: Draft, command: cmd.PassForNow) -> None:
    _finish_turn(draft, command.participant_id, TurnStatus.PASSED_FOR_NOW)


def _round_of_current_stage(draft: Draft) -> tuple[Stage, Round]:
    draft.require_live()
    stage = draft.current_stage()
    if stage.round is None:
        raise Refusal(
            RejectionCode.INVALID, translatable("No round has started in this agenda item.")
        )
    return stage, stage.round


@handles(cmd.SkipTurn)
def _skip_turn(draft: Draft, command: cmd.SkipTurn) -> None:
    stage, round_ = _round_of_current_stage(draft)
    turn = round_.turn(command.participant_id)
    name = draft.state.name_of(command.participant_id)
    if turn is None or not turn.status.pending:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            Words("%(name)s has no turn waiting in this round.", name=name),
        )
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
    start_next_turn(draft, stage.id)


@handles(cmd.ReturnTo)
def _return_to(draft: Draft, command: cmd.ReturnTo) -> None:
    stage, round_ = _round_of_current_stage(draft)
    turn = round_.turn(command.participant_id)
    name = draft.state.name_of(command.participant_id)
    taking = stage.taking_time
    if turn is None and (
        not draft.state.is_present(command.participant_id)
        or (taking is not None and taking.taker_id == command.participant_id)
    ):
        raise Refusal(RejectionCode.NOT_FOUND, Words("%(name)s is not in this round.", name=name))
    if round_.current == command.participant_id:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, Words("It is already %(name)s's turn.", name=name)
        )
    if draft.presence_of(command.participant_id) is Presence.LEFT:
        # Their turn could never be taken: the round would stay open for good.
        raise Refusal(RejectionCode.INVALID, Words("%(name)s has left the session.", name=name))
    if stage.taking_time is not None and stage.taking_time.phase is not (
        TakingTimePhase.SHARING_ROUND
    ):
        raise Refusal(RejectionCode.INVALID, translatable("The Round of Sharing has finished."))
    if turn is None:
        # Someone who came after the round ended (or was let in when it had): give them a turn.
        draft.emit(ev.LateArrivalAdded(stage_id=stage.id, participant_id=command.participant_id))
    draft.emit(ev.TurnReopened(stage_id=stage.id, participant_id=command.participant_id))
    start_next_turn(draft, stage.id)


@handles(cmd.ReorderRound)
def _reorder_round(draft: Draft, command: cmd.ReorderRound) -> None:
    stage, round_ = _round_of_current_stage(draft)
    if sorted(command.order) != sorted(round_.order):
        raise Refusal(
            RejectionCode.STALE,
            translatable("The round has changed since you started reordering — please try again."),
        )
    if tuple(command.order) == round_.order:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("The round is already in that order.")
        )
    draft.emit(ev.RoundReordered(stage_id=stage.id, order=tuple(command.order)))
