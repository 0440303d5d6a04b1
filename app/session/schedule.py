"""The session as the schedule sees it: each stage's remaining load, for projection.

Shared by decide() and the facilitator view, so a suggestion and its acceptance count the
speakers still to come in exactly the same way.
"""

from __future__ import annotations

from app.agenda.stages import StageKind
from app.rounds.turns import TurnStatus
from app.session.shares import reflection_reserve_s, shares_owed
from app.session.state import SessionState, Stage, StageStatus, TakingTimePhase
from app.timekeeping.schedule import LoadStatus, StageLoad

_LOAD_STATUS = {
    StageStatus.UPCOMING: LoadStatus.UPCOMING,
    StageStatus.CURRENT: LoadStatus.CURRENT,
    StageStatus.DONE: LoadStatus.FINISHED,
    StageStatus.SKIPPED: LoadStatus.FINISHED,
}


def stage_load(state: SessionState, stage: Stage, now: float) -> StageLoad:
    """One stage as the schedule sees it."""
    status = _LOAD_STATUS[stage.status]
    # Rounds are offered a shorter share, a Taking Time's Round of Sharing among them while it
    # runs; the taker's own turns and the reflection keep their shape.
    sharing = is_sharing_round(stage)
    is_round = stage.kind is StageKind.ROUND or sharing
    speakers_to_come = 0
    speaker_left_s = 0.0
    if is_round and status is not LoadStatus.FINISHED:
        if stage.round is None:
            speakers_to_come = sum(1 for p in state.seating if state.is_present(p))
        else:
            # As the shares count them: a stepped-out person's turn (and share) waits for them.
            speakers_to_come = shares_owed(stage.round)
            turn = stage.round.current_turn
            if turn is not None and turn.status is TurnStatus.SPEAKING and turn.timer:
                speaker_left_s = max(turn.timer.remaining(now), 0.0)
    return StageLoad(
        id=stage.id,
        title=stage.title,
        status=status,
        planned_s=stage.planned_s,
        is_round=is_round,
        is_break=stage.kind is StageKind.BREAK,
        remaining_s=stage.timer.remaining(now) if status is LoadStatus.CURRENT else 0.0,
        speaker_left_s=speaker_left_s,
        speakers_to_come=speakers_to_come,
        reserved_s=reflection_reserve_s(stage.planned_s) if sharing else 0.0,
    )


def is_sharing_round(stage: Stage) -> bool:
    """A Taking Time in its Round of Sharing."""
    taking = stage.taking_time
    return taking is not None and taking.phase is TakingTimePhase.SHARING_ROUND
