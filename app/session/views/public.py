"""What every screen of a session may show: the public part of the room's view and of each
phone's, the same for all of them. Built once per version (SharedViews)."""

from __future__ import annotations

from functools import cached_property

from pydantic import Field

from app.agenda.stages import StageKind
from app.rounds.turns import TurnStatus
from app.session.state import (
    Presence,
    SessionState,
    SessionStatus,
    Stage,
    StageStatus,
    TakingTimePhase,
    TurnSlot,
)
from app.session.views.base import PersonRef, View, person
from app.timekeeping.outage import Outage
from app.timekeeping.time_text import duration_text
from app.timekeeping.timer import Timer

PUBLIC_UP_NEXT = 2


class StageSummary(View):
    id: str
    kind: StageKind
    title: str
    planned_s: float
    status: StageStatus


class ClockTimer(View):
    """A timer as static/js/clock.js reads it: whole milliseconds on the server's clock."""

    budget_ms: int
    accumulated_ms: int
    started_at_ms: int | None


class Countdown(View):
    """A timer as the screens draw it. clock.js redraws the text from `clock` every frame;
    `remaining_s` is what it shows while the timer stands still, so the first paint (and a
    screen without scripts) reads the same."""

    clock: ClockTimer
    # When the gentle "nearly time" cue begins.
    cue_ms: int
    running: bool
    remaining_s: float


class CurrentStage(View):
    id: str
    # Its place in the agenda, counting from 1.
    number: int
    kind: StageKind
    title: str
    prompt: str | None
    timer: Timer
    countdown: Countdown
    # On a guidelines stage, the group's agreed guidelines, to read together; otherwise empty.
    guidelines: list[str] = Field(default_factory=list)


class Speaker(View):
    id: str
    name: str
    # Whose turn this is: one in the round, or the Taking Time taker's own (voicing, reflecting).
    slot: TurnSlot
    timer: Timer | None
    countdown: Countdown | None
    taking_a_moment: bool
    asked_again: bool

    def without_clock(self) -> Speaker:
        """Who speaks, for what does not show their clock: pausing it, resuming it or giving
        more time leaves this the same."""
        return self.model_copy(update={"timer": None, "countdown": None, "taking_a_moment": False})


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
    # The taker passed instead of voicing anything: Taking Time ended there, and that is fine.
    taker_passed: bool = False


class ServerAwayNotice(View):
    """Said once on every screen: the server was away, and the clocks waited for it."""

    # Tells this outage from any other, so a screen says it once (static/js/live.js).
    key: str
    # In English, for the JSON API; screens say it in their own language from `seconds`.
    text: str
    seconds: float


def server_away_notice(outage: Outage) -> ServerAwayNotice:
    return ServerAwayNotice(
        key=f"{outage.down_at:.3f}",
        text=f"We lost the server for {duration_text(outage.seconds)}. "
        "Everyone's time waited, so nobody lost any of theirs.",
        seconds=outage.seconds,
    )


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
    # Everything is waiting since then (a session-wide pause); every clock is stopped.
    paused_since: float | None = None
    # The server's latest time away (docs/timekeeping.md, "When the server was away").
    server_away: ServerAwayNotice | None = None


def countdown(timer: Timer, cue_s: float) -> Countdown:
    clock = ClockTimer(
        budget_ms=round(timer.budget_s * 1000),
        accumulated_ms=round(timer.accumulated_s * 1000),
        started_at_ms=None if timer.started_at is None else round(timer.started_at * 1000),
    )
    return Countdown(
        clock=clock,
        cue_ms=round(cue_s * 1000),
        running=timer.running,
        # From the same whole milliseconds clock.js counts from, so both round alike.
        remaining_s=(clock.budget_ms - clock.accumulated_ms) / 1000,
    )


def _speaker(state: SessionState, stage: Stage | None) -> Speaker | None:
    slot = None if stage is None else stage.active_slot
    turn = None if stage is None or slot is None else stage.turn_in(slot)
    if slot is None or turn is None or turn.status is not TurnStatus.SPEAKING:
        return None
    cue_s = state.settings.near_end_cue_s
    return Speaker(
        id=turn.participant_id,
        name=state.name_of(turn.participant_id),
        slot=slot,
        timer=turn.timer,
        countdown=None if turn.timer is None else countdown(turn.timer, cue_s),
        # A clock stopped by the session-wide pause is not the speaker taking a moment.
        taking_a_moment=turn.timer is not None and not turn.timer.running and state.pause is None,
        asked_again=turn.asked_again,
    )


def _up_next(state: SessionState, stage: Stage | None) -> list[str]:
    if stage is None or stage.round is None:
        return []
    taking = stage.taking_time
    if taking is not None and taking.phase is not TakingTimePhase.SHARING_ROUND:
        return []
    return stage.round.upcoming(state.is_present)


def round_progress(
    state: SessionState, stage: Stage | None, *, for_facilitators: bool
) -> RoundProgress | None:
    if stage is None or not stage.kind.has_round:
        return None
    round_ = stage.round
    if round_ is None:
        return RoundProgress(started=False, complete=False, done=0, total=0, waiting_for_return=[])
    pending = round_.pending()
    return RoundProgress(
        started=True,
        complete=not pending,
        done=sum(1 for t in round_.turns.values() if not t.status.pending),
        total=len(round_.turns),
        # Who stepped out is for the facilitators: public screens may be projected or shared.
        waiting_for_return=[
            person(state, p)
            for p in (pending if for_facilitators else ())
            if state.participants[p].presence is Presence.STEPPED_OUT
        ],
    )


def _taking_time(state: SessionState, stage: Stage | None) -> TakingTimeView | None:
    if stage is None or stage.taking_time is None:
        return None
    taking = stage.taking_time
    return TakingTimeView(
        taker=None if taking.taker_id is None else person(state, taking.taker_id),
        phase=taking.phase,
        agreed_question=taking.agreed_question,
        taker_passed=taking.taker_turn is not None
        and taking.taker_turn.status is TurnStatus.PASSED,
    )


def _public(
    state: SessionState, stage: Stage | None, up_next: list[PersonRef]
) -> dict[str, object]:
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
        "paused_since": None if state.pause is None else state.pause.at,
        "server_away": None if state.outage is None else server_away_notice(state.outage),
        "stages": [
            StageSummary(
                id=s.id, kind=s.kind, title=s.title, planned_s=s.planned_s, status=s.status
            )
            for s in state.stages
        ],
        "current_stage": None
        if stage is None
        else CurrentStage(
            id=stage.id,
            number=state.stage_index(stage.id) + 1,
            kind=stage.kind,
            title=stage.title,
            prompt=stage.prompt,
            timer=stage.timer,
            countdown=countdown(stage.timer, state.settings.near_end_cue_s),
            guidelines=[g.text for g in state.guidelines]
            if stage.kind is StageKind.GUIDELINES
            else [],
        ),
        "speaker": _speaker(state, stage),
        "up_next": up_next,
        "round": round_progress(state, stage, for_facilitators=False),
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
        self._people: dict[str, PersonRef] = {}

    @cached_property
    def public(self) -> dict[str, object]:
        up_next = [self.person(p) for p in self.up_next[:PUBLIC_UP_NEXT]]
        return _public(self.state, self.stage, up_next)

    @cached_property
    def stage(self) -> Stage | None:
        """The current stage, looked up once for every screen rather than by each."""
        return self.state.current_stage

    @cached_property
    def speaking(self) -> str | None:
        """Who is speaking in the current stage (in its round, or the taker's own turn)."""
        turn = None if self.stage is None else self.stage.active_turn
        return (
            None if turn is None or turn.status is not TurnStatus.SPEAKING else turn.participant_id
        )

    @cached_property
    def up_next(self) -> list[str]:
        return _up_next(self.state, self.stage)

    def person(self, person_id: str) -> PersonRef:
        """Someone as this version's views name them: made once, however many lists (the
        public up next, the console's whole line and who is still to speak) show them."""
        ref = self._people.get(person_id)
        if ref is None:
            ref = self._people[person_id] = person(self.state, person_id)
        return ref

    @cached_property
    def chosen_takers(self) -> dict[str, str]:
        """Who a facilitator has chosen to Take Time in a stage still to come: the title of the
        first such stage, by person. Every phone reads it for its own `you`."""
        chosen: dict[str, str] = {}
        for stage in self.state.stages:
            taking = stage.taking_time
            if (
                stage.status is StageStatus.UPCOMING
                and taking is not None
                and taking.taker_id is not None
            ):
                chosen.setdefault(taking.taker_id, stage.title)
        return chosen
