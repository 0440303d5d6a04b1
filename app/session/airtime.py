"""Airtime and fairness facts, for facilitators only: timing, never content.

Computed from a session's committed events. They are folded with the same rules as the live
session (so an undone turn or stage counts as undone), while the fold notes when each stage
actually began, the plan as it stood when the session started, each change made to it after
that, and the order people were actually given the floor in. Nothing here reads the clock:
`now` says how far a running timer has got.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.rounds.turns import Turn, TurnStatus
from app.session import events as ev
from app.session.airtime_facts import (
    AdjustmentFact,
    AdjustmentKind,
    AirtimeReport,
    RoundFact,
    StageFact,
    TurnFact,
)
from app.session.event_base import EventBase
from app.session.evolve import apply_commit
from app.session.state import SessionState, Stage, StageStatus, TurnSlot


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


def airtime_report(
    session_id: str, commits: Iterable[CommittedEvents], now: float
) -> AirtimeReport:
    history = _History(state=SessionState(session_id=session_id))
    for commit in commits:
        history.apply(commit)
    state = history.state
    until = now if history.ended_at is None else min(now, history.ended_at)
    return AirtimeReport(
        session_id=session_id,
        title=state.title,
        group_name=state.group_name,
        started_at=state.started_at,
        ended_at=history.ended_at,
        planned_end=state.planned_end,
        as_of=until,
        stages=_stage_facts(state, history, until),
        rounds=tuple(
            fact
            for fact in (_round_fact(state, stage, history, until) for stage in state.stages)
            if fact is not None
        ),
        adjustments=tuple(change.fact(until) for change in history.adjustments),
    )


@dataclass
class _Adjustment:
    version: int
    kind: AdjustmentKind
    stage: Stage | None
    name: str | None
    seconds: float
    # A pause's start, until it ends.
    paused_at: float | None = None
    slot: TurnSlot | None = None

    def fact(self, now: float) -> AdjustmentFact:
        lasting = 0.0 if self.paused_at is None else now - self.paused_at
        return AdjustmentFact(
            kind=self.kind,
            stage_id=None if self.stage is None else self.stage.id,
            title=None if self.stage is None else self.stage.title,
            name=self.name,
            seconds=self.seconds + lasting,
        )

    def ended(self, at: float) -> None:
        if self.paused_at is not None:
            self.seconds += at - self.paused_at
            self.paused_at = None


@dataclass
class _History:
    """The live fold, plus what it forgets: when stages began, the plan at the start, changes
    to the plan, and who was given the floor when. An undo takes back what it undid here too."""

    state: SessionState
    ended_at: float | None = None
    began: dict[str, float] = field(default_factory=dict)
    # Stage id: (planned start, planned seconds), as they stood when the session started.
    plan: dict[str, tuple[float, float]] | None = None
    adjustments: list[_Adjustment] = field(default_factory=list)
    # Stage id: person: the version that first gave them the floor there.
    given_floor: dict[str, dict[str, int]] = field(default_factory=dict)

    def apply(self, commit: CommittedEvents) -> None:
        batch = ev.EVENTS_ADAPTER.validate_python(commit.events)
        before = self.state
        self.state = apply_commit(
            before,
            batch,
            version=commit.version,
            command_id=commit.command_id,
            actor_id=commit.actor_id,
        )
        self.began = _stage_beginnings(self.began, self.state.stages, batch)
        for event in batch:
            self._note(event, before, commit.version)

    def _note(self, event: EventBase, before: SessionState, version: int) -> None:
        if isinstance(event, ev.SessionStarted):
            self.plan = _plan_of(self.state)
        elif isinstance(event, ev.SessionEnded):
            self.ended_at = event.at
            self._session_pause_ended(event.at)
        elif isinstance(event, ev.SessionPaused):
            self.adjustments.append(
                _Adjustment(version, AdjustmentKind.SESSION_PAUSED, None, None, 0.0, event.at)
            )
        elif isinstance(event, ev.SessionResumed):
            self._session_pause_ended(event.at)
        elif isinstance(event, ev.ServerWasAway):
            away = event.back_at - event.down_at
            self.adjustments.append(
                _Adjustment(version, AdjustmentKind.SERVER_AWAY, None, None, away)
            )
        elif isinstance(event, ev.FlowUndone):
            self.adjustments = [a for a in self.adjustments if a.version < event.undone_version]
            for people in self.given_floor.values():
                for person in [p for p, v in people.items() if v >= event.undone_version]:
                    del people[person]
        elif isinstance(event, ev.TurnStarted):
            self.given_floor.setdefault(event.stage_id, {}).setdefault(
                event.participant_id, version
            )
        elif isinstance(event, ev.TurnEnded):
            self._pause_ended(event.stage_id, event.slot, event.at)
        elif self.plan is not None:
            self._note_change(event, before, version)

    def _note_change(self, event: EventBase, before: SessionState, version: int) -> None:
        if isinstance(event, ev.SpeakerTimerResumed):
            self._pause_ended(event.stage_id, event.slot, event.at)
            return
        change = self._change(event, before, version)
        if change is not None:
            self.adjustments.append(change)

    def _change(self, event: EventBase, before: SessionState, version: int) -> _Adjustment | None:
        state = self.state
        match event:
            case ev.StageInserted(stage=spec):
                kind, stage_id, name, seconds = (
                    AdjustmentKind.ITEM_ADDED,
                    spec.id,
                    None,
                    spec.planned_s,
                )
            case ev.StageBudgetSet(stage_id=stage_id, planned_s=planned_s):
                was = before.stage(stage_id)
                kind, name = AdjustmentKind.ITEM_REPLANNED, None
                seconds = planned_s - (0.0 if was is None else was.planned_s)
            case ev.StageTimeExtended(stage_id=stage_id, seconds=seconds):
                kind, name = AdjustmentKind.ITEM_EXTENDED, None
            case ev.SpeakerTimeExtended(stage_id=stage_id, slot=slot, seconds=seconds):
                kind, name = AdjustmentKind.SPEAKER_EXTENDED, _speaker(state, stage_id, slot)
            case ev.SpeakerTimerPaused(stage_id=stage_id, slot=slot, at=at):
                stage = state.stage(stage_id)
                if stage is None:
                    return None
                name = _speaker(state, stage_id, slot)
                return _Adjustment(
                    version, AdjustmentKind.SPEAKER_PAUSED, stage, name, 0.0, at, slot
                )
            case _:
                return None
        stage = state.stage(stage_id)
        return None if stage is None else _Adjustment(version, kind, stage, name, seconds)

    def _pause_ended(self, stage_id: str, slot: TurnSlot, at: float) -> None:
        for change in self.adjustments:
            if change.stage is not None and change.stage.id == stage_id and change.slot == slot:
                change.ended(at)

    def _session_pause_ended(self, at: float) -> None:
        for change in self.adjustments:
            if change.kind is AdjustmentKind.SESSION_PAUSED:
                change.ended(at)


def _speaker(state: SessionState, stage_id: str, slot: TurnSlot) -> str | None:
    stage = state.stage(stage_id)
    turn = None if stage is None else stage.turn_in(slot)
    return None if turn is None else state.name_of(turn.participant_id)


def _plan_of(state: SessionState) -> dict[str, tuple[float, float]]:
    plan: dict[str, tuple[float, float]] = {}
    start = 0.0
    for stage in state.stages:
        plan[stage.id] = (start, stage.planned_s)
        start += stage.planned_s
    return plan


def _stage_beginnings(
    began: dict[str, float], stages: Sequence[Stage], batch: Sequence[EventBase]
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


def _stage_facts(state: SessionState, history: _History, now: float) -> tuple[StageFact, ...]:
    plan = _plan_of(state) if history.plan is None else history.plan
    facts: list[StageFact] = []
    planned_end = 0.0
    for stage in state.stages:
        start = history.began.get(stage.id)
        planned_start_s, planned_s = plan.get(stage.id, (planned_end, 0.0))
        planned_end = planned_start_s + planned_s
        facts.append(
            StageFact(
                stage_id=stage.id,
                title=stage.title,
                kind=stage.kind,
                status=stage.status,
                planned_s=planned_s,
                added_during_session=stage.id not in plan,
                planned_start_s=planned_start_s,
                actual_start_s=None
                if start is None or state.started_at is None
                else start - state.started_at,
                actual_s=None if start is None else stage.timer.elapsed(now),
            )
        )
    return tuple(facts)


def _round_fact(
    state: SessionState, stage: Stage, history: _History, now: float
) -> RoundFact | None:
    order = _asked_order(stage, history.given_floor.get(stage.id, {}))
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


def _asked_order(stage: Stage, given_floor: dict[str, int]) -> list[str]:
    """Whoever the stage gave a turn, in the order they were given the floor; then those still
    to be asked: the Taking Time taker first, then the round in order."""
    listed: list[str] = []
    taking = stage.taking_time
    if taking is not None and taking.taker_turn is not None:
        listed.append(taking.taker_turn.participant_id)
    if stage.round is not None:
        listed += [person for person in stage.round.order if person not in listed]
    spoke = sorted((p for p in given_floor if p in listed), key=lambda p: given_floor[p])
    return spoke + [person for person in listed if person not in spoke]


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
