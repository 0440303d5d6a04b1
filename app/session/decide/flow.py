"""The moves several commands share: entering and closing a stage, giving and ending turns."""

from __future__ import annotations

from app.rounds.turns import Turn, TurnStatus
from app.session import events as ev
from app.session.decide.draft import Draft
from app.session.shares import reflection_reserve_s, shares_owed
from app.session.state import (
    Presence,
    Stage,
    TakingTimePhase,
    TurnSlot,
)
from app.timekeeping.fair_share import fair_share

# Within Taking Time the taker speaks for a third of the stage (their reflection: shares.py).
TAKER_SHARE = 1 / 3


def enter_stage(draft: Draft, stage: Stage) -> None:
    draft.emit(ev.StageStarted(stage_id=stage.id, at=draft.now))
    taking = stage.taking_time
    if (
        taking is not None
        and taking.phase is TakingTimePhase.CHOOSING
        and taking.taker_id is not None
        and draft.state.is_present(taking.taker_id)
    ):
        start_taker_turn(draft, draft.stage(stage.id), taking.taker_id)


def close_stage(draft: Draft, stage: Stage, *, skipped: bool) -> None:
    """End whatever turn is on (as shared: they were speaking) and close the stage."""
    end_active_turn(draft, stage, TurnStatus.SHARED)
    draft.emit(ev.StageClosed(stage_id=stage.id, skipped=skipped, at=draft.now))


def end_active_turn(draft: Draft, stage: Stage, outcome: TurnStatus) -> None:
    turn = stage.active_turn
    slot = stage.active_slot
    if turn is None or slot is None or turn.status is not TurnStatus.SPEAKING:
        return
    end_turn(draft, stage, slot, turn, outcome)


def end_turn(draft: Draft, stage: Stage, slot: TurnSlot, turn: Turn, outcome: TurnStatus) -> None:
    draft.emit(
        ev.TurnEnded(
            stage_id=stage.id,
            slot=slot,
            participant_id=turn.participant_id,
            outcome=outcome,
            at=draft.now,
        )
    )


def _round_time_left(stage: Stage, now: float) -> float:
    left = stage.timer.remaining(now)
    if stage.taking_time is not None:
        left -= reflection_reserve_s(stage.planned_s)
    return max(0.0, left)


def start_next_turn(draft: Draft, stage_id: str) -> None:
    """Give the turn to whoever is next; when the round is over, move Taking Time on."""
    stage = draft.stage(stage_id)
    round_ = stage.round
    if round_ is None or round_.current is not None:
        return
    upcoming = round_.upcoming(draft.state.is_present)
    if upcoming:
        settings = draft.state.settings
        budget = fair_share(
            _round_time_left(stage, draft.now),
            shares_owed(round_),
            settings.minimum_share_s,
            settings.maximum_share_s,
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
        start_reflection(draft, stage, taking.taker_id)
    elif draft.presence_of(taking.taker_id) is Presence.LEFT:
        # Nobody is left to reflect: this Taking Time is over.
        draft.emit(ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.COMPLETE))


def start_reflection(draft: Draft, stage: Stage, taker_id: str) -> None:
    draft.emit(ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.TAKER_REFLECTION))
    budget = reflection_reserve_s(stage.planned_s)
    draft.emit(
        ev.TurnStarted(
            stage_id=stage.id,
            slot=TurnSlot.REFLECTION,
            participant_id=taker_id,
            budget_s=budget,
            at=draft.now,
        )
    )


def start_taker_turn(draft: Draft, stage: Stage, taker_id: str) -> None:
    draft.emit(ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.TAKER_SPEAKING))
    draft.emit(
        ev.TurnStarted(
            stage_id=stage.id,
            slot=TurnSlot.TAKER,
            participant_id=taker_id,
            # Never less than the group's minimum, even when the stage has run over. The
            # group's maximum is for shares of a round: Taking Time is planned to be longer.
            budget_s=max(
                draft.state.settings.minimum_share_s,
                stage.timer.remaining(draft.now) * TAKER_SHARE,
            ),
            at=draft.now,
        )
    )
    # Being given the taker's turn is what keeps a promise of Taking Time, and nothing else.
    for promise in draft.state.promises_to(taker_id):
        draft.emit(ev.PromiseKept(promise=promise.key, stage_id=stage.id))
