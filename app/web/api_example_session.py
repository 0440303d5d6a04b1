"""The examples of views and of the timing summary in the OpenAPI document, made by the engine.

A view is too big to write out by hand and stay true, so the examples are those of a small
session played through decide() and committed(), as the hub plays one: Sam and Ana
facilitate, Priya is speaking in the opening round, Tom is next and Mere waits to be let in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.session import commands as c
from app.session.airtime import airtime_report
from app.session.command_base import Actor, CommandBase, FacilitatorSpec, Role
from app.session.decide import decide
from app.session.decisions import Accepted
from app.session.evolve import committed
from app.session.state import SessionState
from app.session.storage import events_for_storage
from app.session.views import view_for
from app.web.api_examples import PRIYA, TOM

SESSION_ID = "9f2c4e1a7b3d"
MERE = "p-mere"
# 3 December 2026, 18:30 UTC: the example's clock starts here and moves a second a command.
STARTED = 1_796_322_600.0
SAM = Actor(role=Role.FACILITATOR, id="f1")


@dataclass(frozen=True, slots=True)
class StoredCommit:
    """A commit as the event store gives it back (what airtime_report reads)."""

    version: int
    command_id: str
    actor_id: str
    events: list[dict[str, Any]]


def _as(person: str) -> Actor:
    return Actor(role=Role.PARTICIPANT, id=person)


SCRIPT: tuple[tuple[Actor, CommandBase], ...] = (
    (
        SAM,
        c.CreateSession(
            id="c1",
            title="Tuesday evening",
            group_name="Riverside Peer Support",
            template_key="peer-support-plus-weekly",
            facilitators=(
                FacilitatorSpec(id="f1", name="Sam"),
                FacilitatorSpec(id="f2", name="Ana"),
            ),
        ),
    ),
    (_as(PRIYA), c.Join(id="c2", name="Priya")),
    (_as(TOM), c.Join(id="c3", name="Tom")),
    (_as(MERE), c.Join(id="c4", name="Mere")),
    (SAM, c.Admit(id="c5", participant_id=PRIYA)),
    (SAM, c.Admit(id="c6", participant_id=TOM)),
    (SAM, c.StartSession(id="c7")),
    (SAM, c.AdvanceStage(id="c8")),
    (SAM, c.StartRound(id="c9")),
)


def _played() -> tuple[SessionState, list[StoredCommit]]:
    state = SessionState(session_id=SESSION_ID)
    commits = []
    for version, (actor, command) in enumerate(SCRIPT, start=1):
        decision = decide(state, command, actor, STARTED + version)
        assert isinstance(decision, Accepted), decision
        state = committed(
            state, decision, version=version, command_id=command.id, actor_id=actor.id
        )
        commits.append(
            StoredCommit(version, command.id, actor.id, events_for_storage(decision.events))
        )
    return state, commits


def view_examples() -> dict[str, dict[str, Any]]:
    """`read_view`'s answer for each role, as OpenAPI examples."""
    state, _commits = _played()
    seen_by = {
        "facilitator": ("A facilitator's view: everything", Role.FACILITATOR, SAM.id),
        "participant": ("Tom's view: the public state and `you`", Role.PARTICIPANT, TOM),
        "room": ("The room view: the public state only", Role.ROOM, None),
    }
    return {
        name: {
            "summary": summary,
            "value": view_for(state, role, person).model_dump(mode="json"),
        }
        for name, (summary, role, person) in seen_by.items()
    }


def summary_example() -> dict[str, Any]:
    """`summary_json`'s answer a minute into Priya's turn."""
    _state, commits = _played()
    return airtime_report(SESSION_ID, commits, STARTED + len(SCRIPT) + 60).model_dump(mode="json")
