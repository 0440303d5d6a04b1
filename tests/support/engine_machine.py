"""The engine under random use: many people, two facilitators, a room, and a clock moving on.
Run by tests/session/test_decide_stateful.py, and by tests/realtime/test_frames.py to check the
frames after every step.

Hypothesis drives decide() with random commands from random actors — right and wrong roles,
duplicate ids, stale versions — and after every step checks what must always hold: decide()
never raises and never mutates its input, refusals change nothing, versions go up by one per
accepted command, the log rebuilds the live state, nobody's turn is silently lost, at most one
person speaks, and no command ever adds or removes time from a running or paused clock —
except "undo the last action", which puts the agenda back exactly as it was before the undone
commit, and the server's record of an outage, after which every clock that was running has
used what it had when the server went away plus the time since it came back. Every share a
round gives follows docs/timekeeping.md: what is left divided among all
the round still owes a turn, between the group's minimum and maximum, and the same whoever else
happens to be stepped out at that moment. A housekeeping promise of Taking Time is settled only
by promise_kept, in the step that gives its person the taker's turn, or promise_released, and
owed again only by undoing that step. tests/session/test_decide_stateful_stored.py runs it with
every commit appended to the real event store and the session replayed from it.
"""

from __future__ import annotations

import itertools
import math
import unittest
from collections.abc import Callable
from typing import Any, Literal

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from app.agenda.carry_over import ActionKind, CarriedAction
from app.agenda.stages import StageKind
from app.rounds.order import OrderPolicy
from app.rounds.turns import Turn, TurnStatus
from app.session import commands as c
from app.session import events as ev
from app.session.command_base import Actor, CommandBase, FacilitatorSpec, Role, TurnCommand
from app.session.decide import decide
from app.session.decisions import Accepted, AlreadyDone, Rejected, RejectionCode
from app.session.event_base import EventBase, UndoEffect
from app.session.events import (
    EVENT_ADAPTER,
    FlowUndone,
    RoundStarted,
    ServerWasAway,
    TurnStarted,
)
from app.session.evolve import apply_commit, committed, fold
from app.session.shares import MINIMUM_REFLECTION_S, REFLECTION_SHARE, shares_owed
from app.session.state import (
    Presence,
    PromiseOutcome,
    SessionSettings,
    SessionState,
    SessionStatus,
    Stage,
    StageStatus,
    TakingTimePhase,
    TurnSlot,
)
from app.session.views import (
    FacilitatorView,
    ParticipantView,
    RoomScene,
    RoomView,
    SharedViews,
    view_for,
)
from app.timekeeping.timer import Timer
from tests.support.engine import (
    FACILITATORS,
    NAMES,
    ROOM,
    START,
    TEMPLATE,
    Commit,
    engine_settings,
    facilitator,
    participant,
    rebuild,
    speaker_of,
)

SESSION_ID = "stateful"
# Promises of Taking Time the group brings: to Priya (p1, the usual first taker) and to Lee (p3).
PROMISES = tuple(
    CarriedAction(
        kind=ActionKind.GUARANTEED_TIME,
        detail="Time first",
        peer_name=NAMES[index],
        action_id=f"a-{NAMES[index].lower()}",
    )
    for index in (0, 2)
)
HANDOUT = CarriedAction(kind=ActionKind.HANDOUT, detail="A handout", action_id="a-h")
PEOPLE = tuple(participant(i) for i in range(6))
FACS = (facilitator(0), facilitator(1))
STRANGER = Actor(role=Role.FACILITATOR, id="f-unknown")
SERVER = Actor(role=Role.SERVER, id="server")
EPSILON = 1e-6
# Commands after which a stepped-out person's pending turn may end up skipped.
MAY_SKIP_THE_ABSENT: tuple[type[CommandBase], ...] = (
    c.SkipTurn,
    c.InviteReflection,
    c.AdvanceStage,
    c.GoToStage,
    c.SkipStage,
    c.EndSession,
    c.RemoveParticipant,
    c.Leave,
)
# What apply_commit() adds to the fold of a commit's events.
UNDO_BOOKKEEPING = {"version", "command_versions", "flow_change", "undo_point"}
TERMINAL = {TurnStatus.SHARED, TurnStatus.PASSED, TurnStatus.SKIPPED}

Expect = Literal["none", "current", "older"]

people = st.sampled_from(range(len(PEOPLE)))
# Mostly the right facilitators; sometimes a participant, the room or a stranger tries.
facilitator_actors = st.sampled_from([*(FACS * 8), PEOPLE[0], ROOM, STRANGER])
expectations: st.SearchStrategy[Expect] = st.sampled_from(["none"] * 4 + ["current", "older"])
seconds = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 59.5, 600.0, 1800.0]), st.floats(0, 900, allow_nan=False)
)
PHASES = list(TakingTimePhase)


def _timers(state: SessionState) -> dict[tuple[str, ...], Timer]:
    """Every clock in the session, keyed by what it times."""
    timers: dict[tuple[str, ...], Timer] = {}
    for stage in state.stages:
        timers[(stage.id, "stage")] = stage.timer
        for slot, turn in _turns(stage):
            if turn.timer is not None:
                timers[(stage.id, slot, turn.participant_id)] = turn.timer
    return timers


def _turns(stage: Stage) -> list[tuple[str, Turn]]:
    turns: list[tuple[str, Turn]] = []
    if stage.round is not None:
        turns += [(TurnSlot.ROUND, t) for t in stage.round.turns.values()]
    taking = stage.taking_time
    if taking is not None:
        if taking.taker_turn is not None:
            turns.append((TurnSlot.TAKER, taking.taker_turn))
        if taking.reflection_turn is not None:
            turns.append((TurnSlot.REFLECTION, taking.reflection_turn))
    return turns


def _airtime(state: SessionState, person: str, now: float) -> float:
    """All the time ``person`` has had the floor so far, including a turn still running."""
    total = 0.0
    for stage in state.stages:
        for _slot, turn in _turns(stage):
            if turn.participant_id == person:
                total += turn.spoken_s
                if turn.timer is not None and turn.timer.running:
                    total += turn.timer.elapsed(now) - turn.timer.accumulated_s
    return total


def _taker(stage: Stage | None) -> str | None:
    return None if stage is None or stage.taking_time is None else stage.taking_time.taker_id


class EngineMachine(RuleBasedStateMachine):
    def __init__(self, session_id: str = SESSION_ID) -> None:
        super().__init__()
        self.session_id = session_id
        self.state = SessionState(session_id=session_id)
        self.mirror = SessionState(session_id=session_id)
        self.now = START
        self.commits: list[Commit] = []
        self.ids = itertools.count(1)
        self.accepted: dict[str, tuple[CommandBase, int]] = {}
        # Who must have a turn in each stage's round: present at its start, or let in during it.
        self.round_members: dict[str, set[str]] = {}
        # Stages closed at some point: going back to one does not restart what was left.
        self.closed_once: set[str] = set()
        # The state after every version, to check what an undo puts back.
        self.history: dict[int, SessionState] = {0: self.state}
        # Hands up in the order raised, and those marked as seen: the console must agree.
        self.hands: list[str] = []
        self.hands_seen: set[str] = set()

    # --- running one command -------------------------------------------------------------------

    def new_id(self) -> str:
        return f"c{next(self.ids)}"

    def expected(self, expect: Expect) -> int | None:
        if expect == "none":
            return None
        if expect == "current":
            return self.state.version
        return max(0, self.state.version - 3)

    def send(
        self,
        actor: Actor,
        command_type: type[CommandBase],
        expect: Expect = "none",
        /,
        **fields: Any,
    ) -> None:
        command = command_type(id=self.new_id(), expected_version=self.expected(expect), **fields)
        self.execute(actor, command)

    def execute(self, actor: Actor, command: CommandBase) -> None:
        before = self.state
        snapshot = before.model_dump()
        decision = decide(before, command, actor, self.now)
        assert before.model_dump() == snapshot, "decide() changed the state it was given"
        if isinstance(decision, AlreadyDone):
            assert command.id in self.accepted, "AlreadyDone for a command never accepted"
            assert decision.version == self.accepted[command.id][1]
            return
        assert command.id not in self.accepted, "a duplicate command was decided again"
        if isinstance(decision, Rejected):
            self.check_refusal(decision, command, actor)
            return
        assert isinstance(decision, Accepted)
        assert decision.events, "an accepted command must change something"
        self.check_may(command, actor)
        version = before.version + 1
        # As the hub commits it: the state decide() reached (the mirror below folds the stored
        # events instead, and the two must agree).
        after = committed(
            before, decision, version=version, command_id=command.id, actor_id=actor.id
        )
        self.check_transition(before, after, decision.events, command)
        self.check_promises(before, after, decision.events)
        self.follow_hands(decision.events)
        self.check_shares(before, decision.events, command, actor)
        self.state = after
        self.history[version] = after
        self.commits.append(Commit(decision.events, version, command.id, actor.id))
        self.accepted[command.id] = (command, version)
        # The log as the store keeps it: every event through JSON and back.
        stored = tuple(
            EVENT_ADAPTER.validate_python(e.model_dump(mode="json")) for e in decision.events
        )
        self.mirror = apply_commit(
            self.mirror, stored, version=version, command_id=command.id, actor_id=actor.id
        )

    def version_stale(self, command: CommandBase) -> bool:
        change = self.state.flow_change
        return (
            command.moves_flow
            and command.expected_version is not None
            and change is not None
            and change.version > command.expected_version
        )

    def check_refusal(self, refusal: Rejected, command: CommandBase, actor: Actor) -> None:
        assert refusal.message.strip(), "a refusal needs words"
        assert "None" not in refusal.message, refusal.message
        if actor.role is Role.ROOM:
            assert refusal.code is RejectionCode.NOT_ALLOWED
        state = self.state
        if (
            self.version_stale(command)
            and actor.role is Role.FACILITATOR
            and actor.id in state.facilitators
            and state.status in {SessionStatus.READY, SessionStatus.LIVE}
            and Role.FACILITATOR in type(command).senders
        ):
            change = state.flow_change
            assert change is not None
            who = None if change.actor_id == actor.id else state.name_of(change.actor_id)
            assert refusal.code is RejectionCode.STALE, refusal
            assert refusal.message == change.already_done_by(who)

    def check_may(self, command: CommandBase, actor: Actor) -> None:
        """An accepted command came from someone allowed to send it, and was not stale."""
        state = self.state
        kind = type(command)
        assert actor.role is not Role.ROOM
        assert state.status is not SessionStatus.ENDED
        assert not self.version_stale(command)
        if state.status is SessionStatus.NEW:
            assert isinstance(command, c.CreateSession)
            return
        if actor.role is Role.SERVER or Role.SERVER in kind.senders:
            assert actor.role is Role.SERVER
            assert kind.senders == {Role.SERVER}
            return
        if actor.role is Role.FACILITATOR:
            assert actor.id in state.facilitators
            assert Role.FACILITATOR in kind.senders
            return
        assert Role.PARTICIPANT in kind.senders
        person = state.participants.get(actor.id)
        if isinstance(command, c.Join):
            assert person is None
            return
        assert person is not None
        assert person.presence is not Presence.LEFT
        if person.presence is Presence.WAITING_ROOM:
            assert isinstance(command, c.Leave)
        assert getattr(command, "participant_id", None) in {None, actor.id}

    def check_transition(
        self,
        before: SessionState,
        after: SessionState,
        events: tuple[EventBase, ...],
        command: CommandBase,
    ) -> None:
        assert after.version == before.version + 1
        if self.check_undo(before, after, events):
            return
        if self.check_outage(before, after, events):
            return
        now = self.now
        # No command adds or removes time from any clock at the moment it is decided.
        restarted = {
            (e.stage_id, e.slot, e.participant_id) for e in events if isinstance(e, TurnStarted)
        }
        old_timers = _timers(before)
        for key, timer in _timers(after).items():
            if key in old_timers and key not in restarted:
                assert math.isclose(
                    timer.elapsed(now), old_timers[key].elapsed(now), abs_tol=EPSILON
                ), key
        # Taking Time only ever moves on.
        for stage in before.stages:
            new_stage = after.stage(stage.id)
            assert new_stage is not None
            if stage.taking_time is not None and new_stage.taking_time is not None:
                old_phase, new_phase = stage.taking_time.phase, new_stage.taking_time.phase
                assert PHASES.index(new_phase) >= PHASES.index(old_phase), (old_phase, new_phase)
        # Nobody's airtime is ever lost.
        for person in before.participants:
            assert _airtime(after, person, now) >= _airtime(before, person, now) - EPSILON, person
        # A stepped-out person's turn waits for them.
        for stage in before.stages:
            if stage.round is None:
                continue
            new_round = after.stage(stage.id)
            assert new_round is not None
            assert new_round.round is not None
            for person, turn in stage.round.turns.items():
                still_out = all(
                    s.participants[person].presence is Presence.STEPPED_OUT for s in (before, after)
                )
                if not (turn.status.pending and still_out):
                    continue
                status = new_round.round.turns[person].status
                assert status.pending or (
                    status is TurnStatus.SKIPPED and isinstance(command, MAY_SKIP_THE_ABSENT)
                ), (person, status, command)
        self.closed_once |= {
            s.id for s in after.stages if s.status in {StageStatus.DONE, StageStatus.SKIPPED}
        }
        # Who must have a turn: everyone there when the round starts, and anyone let in during it.
        for event in events:
            if isinstance(event, RoundStarted):
                round_stage = before.stage(event.stage_id)
                assert round_stage is not None
                self.round_members[event.stage_id] = {
                    p for p in before.seating if p != _taker(round_stage)
                }
        current = before.current_stage
        # Let in, or straight back in: they join the round that is on.
        let_in = isinstance(command, (c.Admit, c.Readmit)) and any(
            isinstance(e, ev.ParticipantAdmitted)
            or (isinstance(e, ev.ParticipantReadmitted) and e.presence is Presence.PRESENT)
            for e in events
        )
        if (
            isinstance(command, (c.Admit, c.Readmit))
            and let_in
            and current is not None
            and current.round is not None
            and not current.round.complete
            and command.participant_id != _taker(current)
        ):
            self.round_members[current.id].add(command.participant_id)

    def follow_hands(self, events: tuple[EventBase, ...]) -> None:
        """The hands model: a raise goes to the back; lowering, stepping out or leaving drops it."""
        for event in events:
            if isinstance(event, ev.HandAcknowledged):
                self.hands_seen.add(event.participant_id)
                continue
            gone = (ev.HandRaised, ev.HandLowered, ev.ParticipantSteppedOut, ev.ParticipantLeft)
            if isinstance(event, gone):
                person = event.participant_id
                self.hands_seen.discard(person)
                if person in self.hands:
                    self.hands.remove(person)
                if isinstance(event, ev.HandRaised):
                    self.hands.append(person)

    def check_shares(
        self,
        before: SessionState,
        events: tuple[EventBase, ...],
        command: CommandBase,
        actor: Actor,
    ) -> None:
        """Each share a round gives, against the rules of docs/timekeeping.md."""
        for index, event in enumerate(events):
            if not isinstance(event, TurnStarted) or event.slot is not TurnSlot.ROUND:
                continue
            # The state just before this turn was given: what the share was worked out from.
            given_at = fold(before, list(events[:index]))
            stage = given_at.stage(event.stage_id)
            assert stage is not None
            assert stage.round is not None
            settings = given_at.settings
            floor = settings.minimum_share_s
            ceiling = max(floor, settings.maximum_share_s)
            # Never below the group's minimum (an overrun takes from the rest, no further),
            # never above its maximum (what nobody needs goes back to the session).
            assert floor - EPSILON <= event.budget_s <= ceiling + EPSILON, event
            # Otherwise an even split of what is left among everyone still owed a turn, in the
            # room or stepped out: a pass gives time back, and nobody is given another's.
            left = stage.timer.remaining(self.now)
            if stage.taking_time is not None:
                left -= max(MINIMUM_REFLECTION_S, stage.planned_s * REFLECTION_SHARE)
            even = max(0.0, left) / shares_owed(stage.round)
            if floor <= even <= ceiling:
                assert math.isclose(event.budget_s, even, abs_tol=EPSILON), (event, even)
            self.check_share_ignores_who_is_out(before, command, actor, event)

    def check_share_ignores_who_is_out(
        self, before: SessionState, command: CommandBase, actor: Actor, given: TurnStarted
    ) -> None:
        """The same share for the same person, had anyone else been in or out of the room."""
        speaker = speaker_of(before)
        for person, someone in before.participants.items():
            flipped = {
                Presence.PRESENT: Presence.STEPPED_OUT,
                Presence.STEPPED_OUT: Presence.PRESENT,
            }.get(someone.presence)
            if (
                flipped is None
                or person in {given.participant_id, speaker, actor.id}
                or person == getattr(command, "participant_id", None)
            ):
                continue
            elsewhere = before.model_copy(
                update={
                    "participants": {
                        **before.participants,
                        person: someone.model_copy(update={"presence": flipped}),
                    }
                }
            )
            decision = decide(elsewhere, command, actor, self.now)
            if not isinstance(decision, Accepted):
                continue
            for event in decision.events:
                if (
                    isinstance(event, TurnStarted)
                    and event.slot is TurnSlot.ROUND
                    and (event.stage_id, event.participant_id)
                    == (given.stage_id, given.participant_id)
                ):
                    assert math.isclose(event.budget_s, given.budget_s, abs_tol=EPSILON), (
                        person,
                        flipped,
                        given,
                        event,
                    )

    def check_outage(
        self, before: SessionState, after: SessionState, events: tuple[EventBase, ...]
    ) -> bool:
        """Every clock that was running waited through the outage, and nothing else changed.
        True when this commit recorded an outage (checked in full)."""
        outages = [event for event in events if isinstance(event, ServerWasAway)]
        if not outages:
            return False
        assert len(events) == 1
        away = outages[0]
        old_timers = _timers(before)
        new_timers = _timers(after)
        assert new_timers.keys() == old_timers.keys()
        for key, timer in old_timers.items():
            if not timer.running:
                assert new_timers[key] == timer, key
                continue
            as_when_away = timer.elapsed(away.down_at) + (self.now - away.back_at)
            assert math.isclose(new_timers[key].elapsed(self.now), as_when_away, abs_tol=EPSILON), (
                key
            )
        assert after.participants == before.participants
        assert after.undo_point is None
        return True

    def check_undo(
        self, before: SessionState, after: SessionState, events: tuple[EventBase, ...]
    ) -> bool:
        """What undo touches and keeps. True when this commit was an undo (checked in full)."""
        effects = {event.undo_effect for event in events}
        # A promise is kept in the same step as the taker's turn, and owed again when undone.
        beyond_the_agenda = {"stages", "stages_created", "promises", *UNDO_BOOKKEEPING}
        if effects == {UndoEffect.AGENDA}:
            assert before.model_dump(exclude=beyond_the_agenda) == after.model_dump(
                exclude=beyond_the_agenda
            )
        if effects == {UndoEffect.BYSTANDER}:
            assert after.stages == before.stages
            assert after.undo_point == before.undo_point
        point = after.undo_point
        if point is not None:
            assert point.stages == self.history[point.version - 1].stages
            assert point.promises == self.history[point.version - 1].promises
        undone = [event for event in events if isinstance(event, FlowUndone)]
        if not undone:
            return False
        assert len(events) == 1
        assert after.stages == self.history[undone[0].undone_version - 1].stages
        assert after.promises == self.history[undone[0].undone_version - 1].promises
        assert after.model_dump(exclude=beyond_the_agenda) == before.model_dump(
            exclude=beyond_the_agenda
        )
        assert after.undo_point is None
        return True

    def check_promises(
        self, before: SessionState, after: SessionState, events: tuple[EventBase, ...]
    ) -> None:
        """A promise of Taking Time is settled only by promise_kept (its person given the
        taker's turn, in the same step) or promise_released, and owed again only by an undo."""
        if any(isinstance(e, FlowUndone) for e in events):
            return  # check_undo: the promises as they were before the undone step
        kept = {e.promise for e in events if isinstance(e, ev.PromiseKept)}
        released = {e.promise for e in events if isinstance(e, ev.PromiseReleased)}
        assert before.promises.items() <= after.promises.items(), "a settled promise changed"
        for key, outcome in after.promises.items():
            if key not in before.promises:
                assert key in (kept if outcome is PromiseOutcome.KEPT else released), key
        given = {
            e.participant_id
            for e in events
            if isinstance(e, TurnStarted) and e.slot is TurnSlot.TAKER
        }
        # Kept exactly when its person is given the taker's turn.
        owed_to_takers = {a.key for person in given for a in before.promises_to(person)}
        assert kept == owed_to_takers, (kept, owed_to_takers)

    # --- setting up ----------------------------------------------------------------------------

    @initialize(
        admitted=st.sampled_from([4, 5, 3, 2, 1, 0]),
        waiting=st.integers(0, 1),
        started=st.sampled_from([True] * 9 + [False]),
        opening=st.sampled_from(["round", "taking time", "welcome"]),
        policy=st.sampled_from(OrderPolicy),
        promised=st.sampled_from([PROMISES, PROMISES[:1], ()]),
    )
    def create(
        self,
        admitted: int,
        waiting: int,
        started: bool,
        opening: str,
        policy: OrderPolicy,
        promised: tuple[CarriedAction, ...],
    ) -> None:
        self.send(
            FACS[0],
            c.CreateSession,
            title="Tuesday group",
            group_name="Peer Support Plus",
            template_key=TEMPLATE,
            facilitators=tuple(FacilitatorSpec(id=i, name=n) for i, n in FACILITATORS),
            carried_over=(*promised, HANDOUT),
            for_group=True,
        )
        for index in range(admitted + waiting):
            self.send(PEOPLE[index], c.Join, name=NAMES[index])
            if index < admitted:
                self.send(FACS[index % 2], c.Admit, participant_id=PEOPLE[index].id)
        if not started:
            return
        self.send(FACS[0], c.StartSession)
        # Most runs begin where the interesting things happen.
        if opening == "round":
            self.send(FACS[1], c.GoToStage, stage_id="s2")
            self.send(FACS[1], c.StartRound, order_policy=policy, start_with="p2", order=("p3",))
        elif opening == "taking time":
            self.send(FACS[1], c.GoToStage, stage_id="s4")
            self.send(FACS[1], c.ChooseTaker, participant_id="p1")

    # --- time ----------------------------------------------------------------------------------

    @rule(elapsed=seconds)
    def time_passes(self, elapsed: float) -> None:
        self.now += elapsed

    # --- the session and its agenda (one rule: moving the agenda is rarer than taking turns) --

    @rule(
        by=facilitator_actors,
        expect=expectations,
        action=st.sampled_from(["advance", "go to", "skip", "end"]),
        data=st.data(),
    )
    def agenda_moves_on(self, by: Actor, expect: Expect, action: str, data: st.DataObject) -> None:
        self.agenda(by, expect, action, data)

    @rule(
        by=facilitator_actors,
        expect=expectations,
        action=st.sampled_from(["insert", "move", "budget", "extend", "start"]),
        data=st.data(),
    )
    def agenda_changes(self, by: Actor, expect: Expect, action: str, data: st.DataObject) -> None:
        self.agenda(by, expect, action, data)

    def agenda(self, by: Actor, expect: Expect, action: str, data: st.DataObject) -> None:
        stage_id = data.draw(self.stage_ids())
        if action == "advance":
            self.send(by, c.AdvanceStage, expect)
        elif action == "go to":
            self.send(by, c.GoToStage, expect, stage_id=stage_id)
        elif action == "skip":
            self.send(by, c.SkipStage, expect, stage_id=stage_id)
        elif action == "insert":
            self.send(
                by,
                c.InsertStage,
                expect,
                kind=data.draw(st.sampled_from(StageKind)),
                title="Extra",
                minutes=data.draw(st.sampled_from([0.5, 5.0, 15.0])),
                after_stage_id=data.draw(st.none() | st.just(stage_id)),
            )
        elif action == "move":
            to_index = data.draw(st.integers(0, len(self.state.stages) + 1))
            self.send(by, c.MoveStage, expect, stage_id=stage_id, to_index=to_index)
        elif action == "budget":
            minutes = data.draw(st.sampled_from([0.5, 3.0, 20.0]))
            self.send(by, c.SetStageBudget, stage_id=stage_id, minutes=minutes)
        elif action == "extend":
            self.send(by, c.ExtendTime, seconds=60.0, target="stage")
        elif action == "start":
            self.send(by, c.StartSession, expect)
        elif len(self.commits) > 30:
            self.send(by, c.EndSession, expect)

    def stage_ids(self) -> st.SearchStrategy[str]:
        ids = [s.id for s in self.state.stages] or ["s1"]
        return st.sampled_from([*ids, "s-missing"])

    @precondition(lambda self: self.speaker() is None)
    @rule(
        by=facilitator_actors,
        kind=st.sampled_from([StageKind.ROUND, StageKind.TAKING_TIME]),
        data=st.data(),
    )
    def open_a_stage_with_a_round(self, by: Actor, kind: StageKind, data: st.DataObject) -> None:
        """Steer towards the interesting part: a round, or a Taking Time with its taker."""
        ids = [s.id for s in self.state.stages if s.kind is kind]
        if ids:
            self.send(by, c.GoToStage, stage_id=data.draw(st.sampled_from(ids)))
        if kind is StageKind.TAKING_TIME:
            self.send(by, c.ChooseTaker, participant_id=PEOPLE[data.draw(people)].id)
        else:
            self.send(by, c.StartRound, order_policy=data.draw(st.sampled_from(OrderPolicy)))

    # --- rounds and turns ----------------------------------------------------------------------

    @rule(
        by=facilitator_actors,
        expect=expectations,
        policy=st.sampled_from(OrderPolicy),
        start_with=st.none() | people,
        data=st.data(),
    )
    def start_round(
        self,
        by: Actor,
        expect: Expect,
        policy: OrderPolicy,
        start_with: int | None,
        data: st.DataObject,
    ) -> None:
        chosen = data.draw(st.lists(people, unique=True, max_size=4))
        self.send(
            by,
            c.StartRound,
            expect,
            order_policy=policy,
            start_with=None if start_with is None else PEOPLE[start_with].id,
            order=tuple(PEOPLE[i].id for i in chosen),
        )

    @rule(by=facilitator_actors, expect=expectations, data=st.data())
    def reorder_round(self, by: Actor, expect: Expect, data: st.DataObject) -> None:
        stage = self.state.current_stage
        current = () if stage is None or stage.round is None else stage.round.order
        ids = [p.id for p in PEOPLE]
        order = data.draw(st.permutations(current) | st.lists(st.sampled_from(ids), max_size=7))
        self.send(by, c.ReorderRound, expect, order=tuple(order))

    @precondition(lambda self: self.speaker() is not None)
    @rule(
        kind=st.sampled_from([c.Share, c.Share, c.Pass, c.PassForNow]),
        by_facilitator=st.booleans(),
        expect=st.sampled_from(["none", "current"]),
    )
    def speaker_finishes(
        self, kind: type[TurnCommand], by_facilitator: bool, expect: Expect
    ) -> None:
        """The ordinary path: the speaker (or a facilitator for them) ends the turn."""
        speaker = self.speaker()
        assert speaker is not None
        actor = FACS[1] if by_facilitator else Actor(role=Role.PARTICIPANT, id=speaker)
        self.send(actor, kind, expect)

    @rule(
        kind=st.sampled_from([c.Share, c.Pass, c.PassForNow]),
        who=st.sampled_from(["speaker", "facilitator", "other", "room"]),
        named=st.sampled_from(["nobody", "speaker", "other"]),
        other=people,
        expect=expectations,
    )
    def finish_turn(
        self,
        kind: type[TurnCommand],
        who: str,
        named: str,
        other: int,
        expect: Expect,
    ) -> None:
        """Any of the three, by anyone, about anyone: mostly refused, never a crash."""
        speaker = self.speaker()
        actors = {
            "speaker": Actor(role=Role.PARTICIPANT, id=speaker or PEOPLE[other].id),
            "facilitator": FACS[other % 2],
            "other": PEOPLE[other],
            "room": ROOM,
        }
        names = {"nobody": None, "speaker": speaker, "other": PEOPLE[other].id}
        self.send(actors[who], kind, expect, participant_id=names[named])

    @rule(
        by=facilitator_actors,
        kind=st.sampled_from([c.SkipTurn, c.ReturnTo]),
        expect=expectations,
        data=st.data(),
    )
    def skip_or_return_to(
        self, by: Actor, kind: type[CommandBase], expect: Expect, data: st.DataObject
    ) -> None:
        stage = self.state.current_stage
        in_round = [] if stage is None or stage.round is None else list(stage.round.order)
        who = data.draw(st.sampled_from(in_round) if in_round else st.just(PEOPLE[0].id))
        who = data.draw(st.sampled_from([who, who, who, PEOPLE[data.draw(people)].id]))
        self.send(by, kind, expect, participant_id=who)

    # --- timers --------------------------------------------------------------------------------

    @rule(
        action=st.sampled_from(["pause", "resume", "extend"]),
        by_speaker=st.booleans(),
        by=facilitator_actors,
    )
    def speaker_timer(self, action: str, by_speaker: bool, by: Actor) -> None:
        speaker = self.speaker()
        actor = Actor(role=Role.PARTICIPANT, id=speaker) if by_speaker and speaker else by
        if action == "pause":
            self.send(actor, c.PauseTimer)
        elif action == "resume":
            self.send(actor, c.ResumeTimer)
        else:
            self.send(actor, c.ExtendTime, seconds=30.0, target="speaker")

    @rule(
        away=st.floats(3, 900, allow_nan=False),
        back_for=st.sampled_from([0.0, 0.5, 4.0, 60.0]),
        by=st.sampled_from([SERVER] * 6 + [FACS[0], PEOPLE[0]]),
    )
    def server_away(self, away: float, back_for: float, by: Actor) -> None:
        """The server goes away and comes back; `back_for` later a screen reconnects and the
        process loads the session, recording the outage (only the server can)."""
        down_at = self.now
        self.now += away
        back_at = self.now
        self.now += back_for
        self.send(by, c.RecordOutage, down_at=down_at, back_at=back_at)

    @rule(action=st.sampled_from(["pause", "resume"]), by=facilitator_actors)
    def everything_waits(self, action: str, by: Actor) -> None:
        """A session-wide pause (a fire alarm), or carrying on after one."""
        self.send(by, c.PauseSession if action == "pause" else c.ResumeSession)

    @rule(
        by=facilitator_actors,
        minimum=st.sampled_from([0.0, 30.0, 60.0, 240.0]),
        maximum=st.sampled_from([60.0, 120.0, 300.0, 900.0]),
    )
    def share_settings(self, by: Actor, minimum: float, maximum: float) -> None:
        """The group's minimum and maximum share change mid-session (crossed ones are refused)."""
        wanted = SessionSettings(minimum_share_s=minimum, maximum_share_s=maximum)
        self.send(by, c.ChangeSettings, settings=wanted)

    # --- people --------------------------------------------------------------------------------

    @precondition(lambda self: len(self.state.participants) < len(PEOPLE))
    @rule(how=st.sampled_from(["code", "member", "prospective"]), let_in=st.booleans())
    def join(self, how: str, let_in: bool) -> None:
        who = next(i for i, p in enumerate(PEOPLE) if p.id not in self.state.participants)
        if how == "code":
            self.send(PEOPLE[who], c.Join, name=NAMES[who])
        else:
            # Through the member's own link: the shell says whether the name check is due.
            self.send(
                PEOPLE[who],
                c.Join,
                name=NAMES[who],
                member_id=f"member-{who}",
                name_check_pending=how == "prospective",
            )
        if let_in:
            self.send(FACS[who % 2], c.Admit, participant_id=PEOPLE[who].id)

    @rule(by=facilitator_actors, who=people, forget=st.booleans())
    def group_page(self, by: Actor, who: int, forget: bool) -> None:
        """What the group page sends: a name check recorded, or a member erased."""
        kind = c.ForgetMember if forget else c.RecordNameCheck
        self.send(by, kind, member_id=f"member-{who}")

    @rule(by=facilitator_actors, who=people)
    def admit(self, by: Actor, who: int) -> None:
        self.send(by, c.Admit, participant_id=PEOPLE[who].id)

    @rule(
        kind=st.sampled_from([c.StepOut, c.ComeBack]),
        who=st.sampled_from(["speaker", "anyone", "anyone"]),
        anyone=people,
        how=st.sampled_from(["self", "self", "facilitator", "for someone else"]),
    )
    def step_out_or_in(self, kind: type[CommandBase], who: str, anyone: int, how: str) -> None:
        speaker = self.speaker()
        person = speaker if who == "speaker" and speaker else PEOPLE[anyone].id
        if how == "self":
            self.send(Actor(role=Role.PARTICIPANT, id=person), kind)
        elif how == "facilitator":
            self.send(FACS[anyone % 2], kind, participant_id=person)
        else:
            other = PEOPLE[(anyone + 1) % len(PEOPLE)]
            self.send(other, kind, participant_id=person)

    @precondition(lambda self: self.present_count() > 2)
    @rule(who=st.sampled_from(["speaker", "anyone"]), anyone=people, removed=st.booleans())
    def leave(self, who: str, anyone: int, removed: bool) -> None:
        speaker = self.speaker()
        person = speaker if who == "speaker" and speaker else PEOPLE[anyone].id
        if removed:
            self.send(FACS[0], c.RemoveParticipant, participant_id=person)
        else:
            self.send(Actor(role=Role.PARTICIPANT, id=person), c.Leave)

    @rule(by=facilitator_actors, who=people)
    def let_back_in(self, by: Actor, who: int) -> None:
        self.send(by, c.Readmit, participant_id=PEOPLE[who].id)

    @rule(by=facilitator_actors, who=people)
    def hand_seen(self, by: Actor, who: int) -> None:
        self.send(by, c.AcknowledgeHand, participant_id=PEOPLE[who].id)

    @rule(
        kind=st.sampled_from(
            [c.RaiseHand, c.LowerHand, c.RequestSupport, c.ClearSupportRequest, c.OfferToTakeTime]
        ),
        who=people,
        by_facilitator=st.booleans(),
    )
    def signals(self, kind: type[CommandBase], who: int, by_facilitator: bool) -> None:
        if by_facilitator and kind in {c.LowerHand, c.ClearSupportRequest}:
            self.send(FACS[0], kind, participant_id=PEOPLE[who].id)
        else:
            self.send(FACS[0] if by_facilitator else PEOPLE[who], kind)

    # --- Taking Time ---------------------------------------------------------------------------

    @rule(
        by=facilitator_actors,
        action=st.sampled_from(["choose", "choose", "question", "reflection"]),
        who=st.none() | people,
        expect=expectations,
        data=st.data(),
    )
    def taking_time(
        self, by: Actor, action: str, who: int | None, expect: Expect, data: st.DataObject
    ) -> None:
        if action == "choose":
            stage_id = data.draw(st.none() | st.none() | self.stage_ids())
            person = None if who is None else PEOPLE[who].id
            self.send(by, c.ChooseTaker, expect, participant_id=person, stage_id=stage_id)
        elif action == "question":
            self.send(by, c.SetAgreedQuestion, question="What helps when the fear comes back?")
        else:
            self.send(by, c.InviteReflection, expect)

    @precondition(lambda self: self.taking_time_phase() is TakingTimePhase.AGREEING_QUESTION)
    @rule(step=st.sampled_from(["question", "round", "round", "reflection"]))
    def taking_time_moves_on(self, step: str) -> None:
        if step == "question":
            self.send(FACS[0], c.SetAgreedQuestion, question="What helped?")
        elif step == "round":
            self.send(FACS[0], c.StartRound)
        else:
            self.send(FACS[0], c.InviteReflection)

    @rule(by=facilitator_actors, which=st.sampled_from([*(a.key for a in PROMISES), "a-h"]))
    def release_promise(self, by: Actor, which: str) -> None:
        self.send(by, c.ReleasePromise, promise=which)

    # --- undo ----------------------------------------------------------------------------------

    @rule(by=facilitator_actors, expect=expectations)
    def undo_last(self, by: Actor, expect: Expect) -> None:
        self.send(by, c.UndoLast, expect)

    @rule(
        by=st.sampled_from(FACS),
        mistake=st.sampled_from([c.Share, c.Pass, c.AdvanceStage, c.StartRound]),
        pause=seconds,
        expect=st.sampled_from(["none", "current"]),
    )
    def mistake_taken_back(
        self, by: Actor, mistake: type[CommandBase], pause: float, expect: Expect
    ) -> None:
        """The usual case: a facilitator clicks the wrong thing and takes it back soon after."""
        speaker = self.speaker()
        if mistake in {c.Share, c.Pass} and speaker is not None:
            self.send(by, mistake, "current", participant_id=speaker)
        else:
            self.send(by, mistake, "current")
        self.now += pause
        self.send(by, c.UndoLast, expect)

    # --- odd input -----------------------------------------------------------------------------

    @rule(action=st.sampled_from(["duplicate", "room", "stranger", "join again"]), data=st.data())
    def odd_input(self, action: str, data: st.DataObject) -> None:
        if action == "join again":
            who = data.draw(people)
            self.send(PEOPLE[who], c.Join, name=NAMES[who])
            return
        if action == "duplicate" and self.accepted:
            command_id = data.draw(st.sampled_from(sorted(self.accepted)))
            command, version = self.accepted[command_id]
            by = data.draw(st.sampled_from([*FACS, *PEOPLE, ROOM]))
            assert decide(self.state, command, by, self.now) == AlreadyDone(version)
            return
        kinds: list[type[CommandBase]] = [
            c.AdvanceStage,
            c.Share,
            c.Pass,
            c.PauseTimer,
            c.InviteReflection,
        ]
        kind = data.draw(st.sampled_from(kinds))
        self.send(ROOM if action == "room" else STRANGER, kind)

    # --- helpers -------------------------------------------------------------------------------

    def present_count(self) -> int:
        return sum(1 for p in self.state.participants.values() if p.presence is Presence.PRESENT)

    def taking_time_phase(self) -> TakingTimePhase | None:
        stage = self.state.current_stage
        return None if stage is None or stage.taking_time is None else stage.taking_time.phase

    def speaker(self) -> str | None:
        return speaker_of(self.state)

    # --- what always holds ---------------------------------------------------------------------

    @invariant()
    def versions_count_accepted_commands(self) -> None:
        assert self.state.version == len(self.commits)
        assert self.state.command_versions == {
            commit.command_id: commit.version for commit in self.commits
        }

    @invariant()
    def nobody_is_let_in_before_their_name_check(self) -> None:
        for person in self.state.participants.values():
            if person.name_check_pending:
                assert person.presence in {Presence.WAITING_ROOM, Presence.LEFT}, person

    @invariant()
    def no_clock_runs_while_everything_waits(self) -> None:
        if self.state.pause is not None:
            running = [key for key, timer in _timers(self.state).items() if timer.running]
            assert running == [], running

    @invariant()
    def the_log_rebuilds_the_state(self) -> None:
        assert self.mirror == self.state

    @invariant()
    def state_survives_json(self) -> None:
        assert SessionState.model_validate(self.state.model_dump(mode="json")) == self.state

    @invariant()
    def one_speaker_at_most(self) -> None:
        speaking = [
            (stage, turn)
            for stage in self.state.stages
            for _slot, turn in _turns(stage)
            if turn.status is TurnStatus.SPEAKING
        ]
        assert len(speaking) <= 1, speaking
        if speaking:
            stage, turn = speaking[0]
            assert stage.status is StageStatus.CURRENT
            assert stage.active_turn == turn

    @invariant()
    def rounds_are_well_formed(self) -> None:
        state = self.state
        for stage in state.stages:
            round_ = stage.round
            if round_ is None:
                continue
            assert len(set(round_.order)) == len(round_.order)
            assert set(round_.order) == set(round_.turns)
            assert set(round_.asked_again_queue) <= set(round_.turns)
            speaking = [p for p, t in round_.turns.items() if t.status is TurnStatus.SPEAKING]
            if round_.current is None:
                assert speaking == []
            else:
                assert speaking == [round_.current]
            # Nobody silently lost: all who were there have a turn, and it ends with an outcome.
            assert self.round_members.get(stage.id, set()) <= set(round_.turns)
            if stage.status in {StageStatus.DONE, StageStatus.SKIPPED} or round_.complete:
                assert {t.status for t in round_.turns.values()} <= TERMINAL
            for person, turn in round_.turns.items():
                if turn.status.pending:
                    presence = state.participants[person].presence
                    assert presence in {Presence.PRESENT, Presence.STEPPED_OUT}, (person, presence)

    @invariant()
    def hands_are_listed_in_the_order_raised(self) -> None:
        if self.state.status is SessionStatus.NEW:
            return
        console = view_for(self.state, Role.FACILITATOR)
        assert isinstance(console, FacilitatorView)
        assert [hand.id for hand in console.hands_raised] == self.hands
        assert {hand.id for hand in console.hands_raised if hand.seen_by} == self.hands_seen
        for person in self.state.participants:
            you = view_for(self.state, Role.PARTICIPANT, person)
            assert isinstance(you, ParticipantView)
            assert you.you.hand_seen == (person in self.hands_seen)

    @invariant()
    def the_round_never_stalls(self) -> None:
        stage = self.state.current_stage
        if stage is None or stage.round is None or stage.round.current is not None:
            return
        taking = stage.taking_time
        if taking is not None and taking.phase is not TakingTimePhase.SHARING_ROUND:
            return
        assert stage.round.upcoming(self.state.is_present) == [], "someone here was not asked"
        if (
            stage.id in self.closed_once
            or taking is None
            or not stage.round.complete
            or taking.taker_id is None
        ):
            return
        # A complete Round of Sharing goes on to the reflection, or ends a taker who has left.
        presence = self.state.participants[taking.taker_id].presence
        assert presence is Presence.STEPPED_OUT, "Taking Time did not move on after its round"

    @invariant()
    def a_chosen_taker_who_is_here_is_taking_time(self) -> None:
        stage = self.state.current_stage
        taking = None if stage is None else stage.taking_time
        if taking is None or taking.phase is not TakingTimePhase.CHOOSING:
            return
        assert taking.taker_id is None or not self.state.is_present(taking.taker_id)

    @invariant()
    def clocks_are_sane(self) -> None:
        state = self.state
        for stage in state.stages:
            on = stage.status is StageStatus.CURRENT and state.pause is None
            assert stage.timer.running == on, stage
            for _slot, turn in _turns(stage):
                if turn.timer is None:
                    continue
                assert turn.timer.budget_s >= 0, turn
                assert turn.timer.accumulated_s >= 0
                assert turn.timer.elapsed(self.now) >= 0
                if turn.status is not TurnStatus.SPEAKING:
                    assert not turn.timer.running, turn
        for timer in _timers(state).values():
            assert timer.elapsed(self.now) >= 0

    @invariant()
    def the_room_shows_the_design_for_the_moment(self) -> None:
        """The room's design follows the session: a thank-you once it has ended and only then,
        how to join before it starts, the stage's own design in a welcome, the guidelines,
        Taking Time and a break, the speaker whenever someone has a turn in any other stage.
        A break says when it ends only while its clock runs, and then it is the instant that
        clock reaches zero."""
        state = self.state
        if state.status is SessionStatus.NEW:
            return
        room = view_for(state, Role.ROOM)
        assert isinstance(room, RoomView)
        scene = room.screen.scene
        stage = state.current_stage
        assert (scene is RoomScene.ENDED) == (state.status is SessionStatus.ENDED)
        assert (scene is RoomScene.WAITING) == (state.status is SessionStatus.READY)
        if state.status is SessionStatus.LIVE and stage is not None:
            assert (scene is RoomScene.BREAK) == (stage.kind is StageKind.BREAK)
            assert (scene is RoomScene.TAKING_TIME) == (stage.kind is StageKind.TAKING_TIME)
            if stage.kind is StageKind.ROUND:
                assert (scene is RoomScene.SPEAKING) == (self.speaker() is not None)
        if scene is RoomScene.BREAK and stage is not None and stage.timer.running:
            assert room.screen.back_at is not None
            assert abs(stage.timer.remaining(self.now) - (room.screen.back_at - self.now)) < 1e-6
        else:
            assert room.screen.back_at is None
        if state.pause is not None:
            assert room.screen.back_at is None

    @invariant()
    def views_show_each_role_its_share(self) -> None:
        state = self.state
        if state.status is SessionStatus.NEW:
            return
        facilitator_view = view_for(state, Role.FACILITATOR)
        assert isinstance(facilitator_view, FacilitatorView)
        room = view_for(state, Role.ROOM)
        assert isinstance(room, RoomView)
        room_fields = set(room.model_dump())
        assert not room_fields & {"participants", "waiting_room", "you", "order", "last_change"}
        assert "support_requested" not in room.model_dump_json()
        assert "spoken_s" not in room.model_dump_json()
        full_up_next = [p.id for p in facilitator_view.full_up_next]
        speaker = self.speaker()
        # The hub builds every screen of a version from one SharedViews: same views as alone.
        shared = SharedViews(state)
        assert view_for(state, Role.ROOM, shared=shared) == room
        for person in state.participants:
            view = view_for(state, Role.PARTICIPANT, person)
            assert view_for(state, Role.PARTICIPANT, person, shared=shared) == view
            assert isinstance(view, ParticipantView)
            you = view.you
            assert you.id == person
            assert you.is_speaking == (speaker == person)
            assert you.is_next == (you.place_in_line == 1)
            expected_place = full_up_next.index(person) + 1 if person in full_up_next else None
            assert you.place_in_line == expected_place
            dumped = view.model_dump()
            dumped.pop("you")
            assert dumped == {
                **room.model_dump(exclude={"screen"}),
                "role": "participant",
                "show_numbers": (state.settings.show_numbers_to_participants),
            }

    def teardown(self) -> None:
        assert rebuild(self.session_id, self.commits) == self.state
        events = [event for commit in self.commits for event in commit.events]
        if any(isinstance(event, FlowUndone) for event in events):
            return  # an undo needs the commit boundaries that only apply_commit knows
        folded = fold(SessionState(session_id=self.session_id), events)
        assert folded.model_dump(exclude=UNDO_BOOKKEEPING) == self.state.model_dump(
            exclude=UNDO_BOOKKEEPING
        )


def checked_after_every_step(
    check: Callable[[SessionState], None], *, examples: int, steps: int
) -> type[unittest.TestCase]:
    """A hypothesis test that runs random sessions and, after every step once the session
    exists, `check`s its state: for a rule that must hold whatever people do."""

    class Checked(EngineMachine):
        @invariant()
        def holds(self) -> None:
            if self.state.status is not SessionStatus.NEW:
                check(self.state)

    Checked.TestCase.settings = engine_settings(examples, stateful_step_count=steps)
    return Checked.TestCase
