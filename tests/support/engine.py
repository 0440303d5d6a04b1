"""A small driver for the pure session engine, shared by the tests of every layer.

It runs commands the way the shell does — ``decide()`` then ``apply_commit()`` with the next
version — and keeps every commit so a test can rebuild the state from the log.

    d = Driver.weekly(participants=3)            # created, 3 people admitted, session started
    d.ok(d.sam, c.AdvanceStage)                  # asserts Accepted, returns the events
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(0), c.Pass)                    # Priya passes; Tom is asked next
    refusal = d.refused(d.person(0), c.Share)    # asserts Rejected and that nothing changed
    assert d.speaker() == d.pid(1)
    d.tick(30)                                   # time moves on (seconds)

Command ids are made up by the driver (``send``/``ok``/``refused`` take the command class and
its fields); ``run`` takes a ready command when a test needs to choose the id itself.

Hypothesis: engine property tests take their settings from ``engine_settings(max_examples)``,
built on the ``engine`` profile (deterministic: ``derandomize=True``, no deadline, no example
database), so CI runs the same examples every time. ``ENGINE_HYPOTHESIS_PROFILE=engine-explore``
switches to a randomised search with 20 times the examples, for bug hunting on a workstation.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

from app.rounds.turns import Round, Turn, TurnStatus
from app.session import commands as c
from app.session.command_base import Actor, CommandBase, FacilitatorSpec, Role
from app.session.decide import decide
from app.session.decisions import Accepted, AlreadyDone, Decision, Rejected
from app.session.event_base import EventBase
from app.session.evolve import apply_commit
from app.session.state import SessionState, Stage

# Drawing a history folds the engine as it goes, which on a busy machine can trip Hypothesis's
# "generation is slow" check; speed is not what these properties test.
_UNTIMED = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("engine", _UNTIMED, derandomize=True)
settings.register_profile("engine-explore", _UNTIMED, derandomize=False)
ENGINE_PROFILE = os.environ.get("ENGINE_HYPOTHESIS_PROFILE", "engine")
EXPLORE_FACTOR = 20


def engine_settings(max_examples: int, **overrides: Any) -> settings:
    """Hypothesis settings for an engine property test, from the active ``engine*`` profile.

    ``max_examples`` is what CI runs; ``engine-explore`` runs ``EXPLORE_FACTOR`` times more.
    Use as a decorator (``@engine_settings(100)``) or assign to a state machine's
    ``TestCase.settings``.
    """
    factor = EXPLORE_FACTOR if ENGINE_PROFILE == "engine-explore" else 1
    return settings(
        settings.get_profile(ENGINE_PROFILE), max_examples=max_examples * factor, **overrides
    )


TEMPLATE = "peer-support-plus-weekly"
START = 1_000.0
FACILITATORS = (("f1", "Sam"), ("f2", "Ana"))
NAMES = ("Priya", "Tom", "Lee", "Mo", "Jo", "Kim", "Ravi", "Zoe")

C = TypeVar("C", bound=CommandBase)


@dataclass(frozen=True)
class Commit:
    """One accepted command, as the event store would keep it."""

    events: tuple[EventBase, ...]
    version: int
    command_id: str
    actor_id: str


def facilitator(index: int = 0) -> Actor:
    return Actor(role=Role.FACILITATOR, id=FACILITATORS[index][0])


def participant(index: int) -> Actor:
    """Participant number ``index`` (0-based): id ``p1``, ``p2``, …; named from ``NAMES``."""
    return Actor(role=Role.PARTICIPANT, id=f"p{index + 1}")


ROOM = Actor(role=Role.ROOM, id="room")


def rebuild(session_id: str, commits: list[Commit]) -> SessionState:
    """The state folded from the log alone, exactly as the shell replays it."""
    state = SessionState(session_id=session_id)
    for commit in commits:
        state = apply_commit(
            state,
            commit.events,
            version=commit.version,
            command_id=commit.command_id,
            actor_id=commit.actor_id,
        )
    return state


class Driver:
    """One session, driven through decide() and apply_commit() with a clock of its own."""

    def __init__(self, session_id: str = "test-session", *, now: float = START) -> None:
        self.state = SessionState(session_id=session_id)
        self.now = now
        self.commits: list[Commit] = []
        self._ids = itertools.count(1)
        self.sam = facilitator(0)
        self.ana = facilitator(1)
        self.room = ROOM

    # --- building a session --------------------------------------------------------------------

    @classmethod
    def weekly(cls, participants: int = 3, *, start: bool = True, **plan: Any) -> Driver:
        """The weekly template, ``participants`` people joined and admitted, optionally started.

        When started, the first stage ("Welcome") is on. ``plan``: what a group brings to
        CreateSession (``carried_over``, ``apologies``, ``for_group``, ...).
        """
        driver = cls()
        driver.ok(
            driver.sam,
            c.CreateSession,
            title="Tuesday group",
            group_name="Peer Support Plus",
            template_key=TEMPLATE,
            facilitators=tuple(FacilitatorSpec(id=i, name=n) for i, n in FACILITATORS),
            **plan,
        )
        for index in range(participants):
            driver.join(index)
            driver.ok(driver.sam, c.Admit, participant_id=driver.pid(index))
        if start:
            driver.ok(driver.sam, c.StartSession)
        return driver

    def join(self, index: int) -> None:
        """Participant ``index`` joins (and waits in the waiting room)."""
        self.ok(self.person(index), c.Join, name=NAMES[index])

    # --- people --------------------------------------------------------------------------------

    def person(self, index: int) -> Actor:
        return participant(index)

    def pid(self, index: int) -> str:
        return participant(index).id

    # --- running commands ----------------------------------------------------------------------

    def next_id(self) -> str:
        return f"cmd-{next(self._ids)}"

    def tick(self, seconds: float) -> None:
        self.now += seconds

    def run(self, actor: Actor, command: CommandBase) -> Decision:
        """Decide ``command`` and, if accepted, commit it with the next version."""
        decision = decide(self.state, command, actor, self.now)
        if isinstance(decision, Accepted):
            version = self.state.version + 1
            self.state = apply_commit(
                self.state,
                decision.events,
                version=version,
                command_id=command.id,
                actor_id=actor.id,
            )
            self.commits.append(Commit(decision.events, version, command.id, actor.id))
        return decision

    def send(self, actor: Actor, command_type: type[C], /, **fields: Any) -> Decision:
        """Build a ``command_type`` command with a fresh id and ``fields``, and run it."""
        return self.run(actor, command_type(id=self.next_id(), **fields))

    def ok(self, actor: Actor, command_type: type[C], /, **fields: Any) -> tuple[EventBase, ...]:
        """Send, assert it was accepted, and return its events."""
        decision = self.send(actor, command_type, **fields)
        name = command_type.__name__
        assert isinstance(decision, Accepted), f"{name} was not accepted: {decision}"
        return decision.events

    def refused(self, actor: Actor, command_type: type[C], /, **fields: Any) -> Rejected:
        """Send, assert it was rejected and that the state did not change; return the refusal."""
        before = self.state
        decision = self.send(actor, command_type, **fields)
        name = command_type.__name__
        assert isinstance(decision, Rejected), f"{name} was not refused: {decision}"
        assert self.state == before
        return decision

    def again(self, actor: Actor, command: CommandBase) -> AlreadyDone:
        """Resend a command (same id); assert it is recognised as already done."""
        decision = self.run(actor, command)
        assert isinstance(decision, AlreadyDone), f"not recognised as a duplicate: {decision}"
        return decision

    # --- looking at the state ------------------------------------------------------------------

    def stage(self) -> Stage:
        """The current stage (asserts there is one)."""
        stage = self.state.current_stage
        assert stage is not None, "no stage is on"
        return stage

    def stage_titled(self, title: str) -> Stage:
        """The first stage whose title starts with ``title``."""
        return next(s for s in self.state.stages if s.title.startswith(title))

    def go_to(self, title: str) -> None:
        """A facilitator goes to the first stage whose title starts with ``title``."""
        self.ok(self.sam, c.GoToStage, stage_id=self.stage_titled(title).id)

    def round(self) -> Round:
        """The current stage's round (asserts there is one)."""
        round_ = self.stage().round
        assert round_ is not None, "no round has started"
        return round_

    def turn(self, index: int) -> Turn:
        """Participant ``index``'s turn in the current round."""
        turn = self.round().turn(self.pid(index))
        assert turn is not None, f"{NAMES[index]} has no turn in this round"
        return turn

    def status(self, index: int) -> TurnStatus:
        return self.turn(index).status

    def speaker(self) -> str | None:
        """Who is speaking in the current stage (round, taker or reflection turn), if anyone."""
        return speaker_of(self.state)

    def rebuilt(self) -> SessionState:
        return rebuild(self.state.session_id, self.commits)


def speaker_of(state: SessionState) -> str | None:
    """Who is speaking in the current stage (round, taker or reflection turn), if anyone."""
    stage = state.current_stage
    turn = None if stage is None else stage.active_turn
    if turn is None or turn.status is not TurnStatus.SPEAKING:
        return None
    return turn.participant_id
