"""Airtime and fairness facts, for facilitators only: timing, never content.

Computed from a session's committed events. They are folded with the same rules as the live
session (so an undone turn or stage counts as undone), while the fold notes when each stage
actually began. Nothing here reads the clock: `now` says how far a running timer has got.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from app.agenda.stages import StageKind
from app.rounds.turns import Turn, TurnStatus
from app.session import events as ev
from app.session.evolve import apply_commit
from app.session.state import SessionState, Stage, StageStatus


class CommittedEvents(Protocol):
    """What a stored commit holds (app/store/commits.py), as far as airtime needs it."""

    @property
    def version(self) -> int: ...
    @property
    def command_id(self) -> str: ...
    @property
    def actor_id(self) -> str: ...
    @property
    def events(self) -> list[dict[str, Any]]: ...


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True)


class TurnFact(Fact):
    participant_id: str
    name: str
    # 1 for the first person asked in the round, and so on: the order people were asked in.
    seat: int
    outcome: TurnStatus
    spoken_s: float
    passes: int
    # Of everything spoken in this round; None while nobody has spoken yet.
    share: float | None


class RoundFact(Fact):
    stage_id: str
    title: str
    spoken_s: float
    turns: tuple[TurnFact, ...]


class StageFact(Fact):
    stage_id: str
    title: str
    kind: StageKind
    status: StageStatus
    planned_s: float
    # Seconds after the session started, as planned and as it happened.
    planned_start_s: float
    actual_start_s: float | None
    actual_s: float | None


class AirtimeReport(Fact):
    session_id: str
    title: str
    group_name: str
    started_at: float | None
    ended_at: float | None
    planned_end: float | None
    as_of: float
    stages: tuple[StageFact, ...]
    rounds: tuple[RoundFact, ...]

    @property
    def planned_total_s(self) -> float:
        return sum(stage.planned_s for stage in self.stages)

    @property
    def actual_total_s(self) -> float:
        return sum(stage.actual_s or 0.0 for stage in self.stages)


def airtime_report(
    session_id: str, commits: Iterable[CommittedEvents], now: float
) -> AirtimeReport:
    state = SessionState(session_id=session_id)
    began: dict[str, float] = {}
    ended_at: float | None = None
    for commit in commits:
        batch = ev.EVENTS_ADAPTER.validate_python(commit.events)
        state = apply_commit(
            state,
            batch,
            version=commit.version,
            command_id=commit.command_id,
            actor_id=commit.actor_id,
        )
        began = _stage_beginnings(began, state.stages, batch)
        ended_at = next((e.at for e in batch if isinstance(e, ev.SessionEnded)), ended_at)
    until = now if ended_at is None else min(now, ended_at)
    return AirtimeReport(
        session_id=session_id,
        title=state.title,
        group_name=state.group_name,
        started_at=state.started_at,
        ended_at=ended_at,
        planned_end=state.planned_end,
        as_of=until,
        stages=_stage_facts(state, began, until),
        rounds=tuple(
            fact
            for fact in (_round_fact(state, stage, until) for stage in state.stages)
            if fact is not None
        ),
    )


def _stage_beginnings(
    began: dict[str, float], stages: Sequence[Stage], batch: Sequence[ev.EventBase]
) -> dict[str, float]:
    """A stage began at its first start that still stands: an undo can take a start back."""
    started_now = {e.stage_id: e.at for e in batch if isinstance(e, ev.StageStarted)}
    kept: dict[str, float] = {}
    for stage in stages:
        if stage.status is StageStatus.UPCOMING:
            continue
        if stage.id in began:
            kept[stage.id] = began[stage.id]
        elif stage.id in started_now:
            kept[stage.id] = started_now[stage.id]
    return kept


def _stage_facts(state: SessionState, began: dict[str, float], now: float) -> tuple[StageFact, ...]:
    facts: list[StageFact] = []
    planned_start_s = 0.0
    for stage in state.stages:
        start = began.get(stage.id)
        facts.append(
            StageFact(
                stage_id=stage.id,
                title=stage.title,
                kind=stage.kind,
                status=stage.status,
                planned_s=stage.planned_s,
                planned_start_s=planned_start_s,
                actual_start_s=None
                if start is None or state.started_at is None
                else start - state.started_at,
                actual_s=None if start is None else stage.timer.elapsed(now),
            )
        )
        planned_start_s += stage.planned_s
    return tuple(facts)


def _round_fact(state: SessionState, stage: Stage, now: float) -> RoundFact | None:
    order = _asked_order(stage)
    if not order:
        return None
    spoken = {person: _spoken_in_stage(stage, person, now) for person in order}
    total = sum(spoken.values())
    turns = tuple(
        TurnFact(
            participant_id=person,
            name=state.name_of(person),
            seat=seat,
            outcome=_outcome(stage, person),
            spoken_s=spoken[person],
            passes=_passes(stage, person),
            share=spoken[person] / total if total > 0 else None,
        )
        for seat, person in enumerate(order, start=1)
    )
    return RoundFact(stage_id=stage.id, title=stage.title, spoken_s=total, turns=turns)


def _asked_order(stage: Stage) -> list[str]:
    """Whoever the stage gave a turn: the Taking Time taker first, then the round in order."""
    order: list[str] = []
    taking = stage.taking_time
    if taking is not None and taking.taker_turn is not None:
        order.append(taking.taker_turn.participant_id)
    if stage.round is not None:
        order += [person for person in stage.round.order if person not in order]
    return order


def _stage_turns(stage: Stage, person: str) -> list[Turn]:
    turns: list[Turn | None] = []
    if stage.round is not None:
        turns.append(stage.round.turn(person))
    if stage.taking_time is not None:
        turns += [stage.taking_time.taker_turn, stage.taking_time.reflection_turn]
    return [t for t in turns if t is not None and t.participant_id == person]


def _spoken_in_stage(stage: Stage, person: str, now: float) -> float:
    return sum(
        t.earlier_s + (0.0 if t.timer is None else t.timer.elapsed(now))
        for t in _stage_turns(stage, person)
    )


def _outcome(stage: Stage, person: str) -> TurnStatus:
    turn = stage.round.turn(person) if stage.round is not None else None
    if turn is not None:
        return turn.status
    taking = stage.taking_time
    taker = None if taking is None else taking.taker_turn
    return TurnStatus.WAITING if taker is None else taker.status


def _passes(stage: Stage, person: str) -> int:
    """A pass for now puts someone in the asked-again queue; a final pass is the outcome."""
    round_ = stage.round
    turn = None if round_ is None else round_.turn(person)
    if round_ is None or turn is None:
        return 0
    passed_for_now = turn.asked_again or person in round_.asked_again_queue
    return int(passed_for_now) + int(turn.status is TurnStatus.PASSED)
