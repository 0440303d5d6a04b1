"""The airtime report's rows: what facilitators are shown of a session's timing (never content).

Made by app/session/airtime.py from the committed events.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from app.agenda.stages import StageKind
from app.rounds.turns import TurnStatus
from app.session.state import StageStatus


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True)


class TurnFact(Fact):
    participant_id: str
    name: str
    # 1 for the first person given the floor in the stage, and so on, as it happened (a late
    # arrival is where they spoke); then those never given it, in the round's order.
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
    # As planned when the session started (0 for an item added during it): the changes made
    # since are AdjustmentFacts, so the plan is never rewritten by them.
    planned_s: float
    added_during_session: bool
    # Seconds after the session started, as planned and as it happened.
    planned_start_s: float
    actual_start_s: float | None
    actual_s: float | None


class AdjustmentKind(StrEnum):
    ITEM_ADDED = "item_added"
    ITEM_REPLANNED = "item_replanned"
    ITEM_EXTENDED = "item_extended"
    SPEAKER_EXTENDED = "speaker_extended"
    SPEAKER_PAUSED = "speaker_paused"
    SESSION_PAUSED = "session_paused"
    # No process could serve the session: every clock waited, so it is nobody's speaking time.
    SERVER_AWAY = "server_away"


class AdjustmentFact(Fact):
    """A change to the plan after the session started, in the order they were made."""

    kind: AdjustmentKind
    # None for a pause of the whole session, or time without a server.
    stage_id: str | None
    title: str | None
    # The speaker, for an extension or a pause of their time.
    name: str | None
    # Time added to the item or the speaker (less than zero where a new plan shortened an
    # item); for a pause, how long it lasted (so far, while it lasts); for time without a server,
    # how long that was.
    seconds: float


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
    adjustments: tuple[AdjustmentFact, ...]

    @property
    def planned_total_s(self) -> float:
        return sum(stage.planned_s for stage in self.stages)

    @property
    def actual_total_s(self) -> float:
        return sum(stage.actual_s or 0.0 for stage in self.stages)
