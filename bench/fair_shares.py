"""Each person's share in one seeded 8-person round, played through the engine (no clock, no I/O).

    .venv/bin/python -m bench.fair_shares

The weekly template's "Round of Good News" (10 minutes) with the eight people the engine's tests
seat (Priya, Tom, Lee, Mere, Jo, Kim, Ravi, Zoe), in seating order. Lee steps out as the round
begins and comes back once Mere has been asked; Priya runs over (150 s); Tom, Jo and Kim pass
after 5 s; everyone else speaks for all of their share. A share is the budget a person's turn
was given when they were asked (docs/timekeeping.md). Deterministic, so the same script run on
an older commit (a worktree of it) prints that commit's shares for comparison; it imports only
what both have.
"""

from __future__ import annotations

import itertools
from typing import Any

from app.session import commands as c
from app.session import events as ev
from app.session.decide import decide
from app.session.decisions import Accepted
from app.session.evolve import apply_commit
from app.session.state import SessionState

try:
    from app.session.command_base import Actor, CommandBase, FacilitatorSpec, Role
except ImportError:  # before the commands' shared parts had a module of their own
    from app.session.commands import (  # type: ignore[attr-defined,no-redef]
        Actor,
        CommandBase,
        FacilitatorSpec,
        Role,
    )

PEOPLE = ("Priya", "Tom", "Lee", "Mere", "Jo", "Kim", "Ravi", "Zoe")
SAM = Actor(role=Role.FACILITATOR, id="f1")
OVERRUN_S = {"Priya": 150.0}
PASSES = {"Tom", "Jo", "Kim"}


class Round:
    def __init__(self) -> None:
        self.state = SessionState(session_id="fair-shares")
        self.now = 1_000.0
        self.ids = itertools.count(1)
        # (name, share) in the order people were asked.
        self.asked: list[tuple[str, float]] = []

    def run(self, actor: Actor, command_type: type[CommandBase], **fields: Any) -> None:
        command = command_type(id=f"c{next(self.ids)}", **fields)
        decision = decide(self.state, command, actor, self.now)
        assert isinstance(decision, Accepted), decision
        for event in decision.events:
            if isinstance(event, ev.TurnStarted):
                self.asked.append((self.name(event.participant_id), event.budget_s))
        self.state = apply_commit(
            self.state,
            decision.events,
            version=self.state.version + 1,
            command_id=command.id,
            actor_id=actor.id,
        )

    def name(self, person_id: str) -> str:
        return self.state.participants[person_id].name

    def speaker(self) -> str | None:
        stage = self.state.current_stage
        turn = None if stage is None else stage.active_turn
        return None if turn is None or turn.timer is None else turn.participant_id

    def share_of_speaker(self) -> float:
        stage = self.state.current_stage
        assert stage is not None
        turn = stage.active_turn
        assert turn is not None
        assert turn.timer is not None
        return turn.timer.budget_s


def person(index: int) -> Actor:
    return Actor(role=Role.PARTICIPANT, id=f"p{index + 1}")


def play() -> list[tuple[str, float]]:
    r = Round()
    r.run(
        SAM,
        c.CreateSession,
        title="Tuesday",
        group_name="Riverside",
        template_key="peer-support-plus-weekly",
        facilitators=(FacilitatorSpec(id="f1", name="Sam"),),
    )
    for index, name in enumerate(PEOPLE):
        r.run(person(index), c.Join, name=name)
        r.run(SAM, c.Admit, participant_id=person(index).id)
    r.run(SAM, c.StartSession)
    good_news = next(s for s in r.state.stages if s.title == "Round of Good News")
    r.run(SAM, c.GoToStage, stage_id=good_news.id)
    r.run(SAM, c.StartRound)
    lee = person(PEOPLE.index("Lee"))
    r.run(lee, c.StepOut)
    lee_out = True
    while (speaker := r.speaker()) is not None:
        name = r.name(speaker)
        if name in PASSES:
            r.now += 5
            r.run(SAM, c.Pass, participant_id=speaker)
        else:
            r.now += OVERRUN_S.get(name, r.share_of_speaker())
            r.run(SAM, c.Share, participant_id=speaker)
        if lee_out and name == "Mere":
            r.run(lee, c.ComeBack)
            lee_out = False
    return r.asked


def main() -> None:
    print(f"{'person':<8} share (s)")
    for name, share in play():
        print(f"{name:<8} {share:7.1f}")


if __name__ == "__main__":
    main()
