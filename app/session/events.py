"""Events: the small facts a session is made of. State is the fold of them (see evolve.py)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, TypeAdapter

from app.agenda.carry_over import SupportResource
from app.rounds.turns import TurnStatus
from app.session.event_base import EventBase, UndoEffect

# Re-exported: every event is found here.
from app.session.session_events import ServerWasAway as ServerWasAway
from app.session.session_events import SessionCreated as SessionCreated
from app.session.session_events import SessionEnded as SessionEnded
from app.session.session_events import SessionPaused as SessionPaused
from app.session.session_events import SessionResumed as SessionResumed
from app.session.session_events import SessionStarted as SessionStarted
from app.session.session_events import StageSpec as StageSpec
from app.session.state import Presence, SessionSettings, TakingTimePhase, TurnSlot


class StageStarted(EventBase):
    type: Literal["stage_started"] = "stage_started"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    at: float


class StageClosed(EventBase):
    """A stage is finished or skipped; anyone still owed a turn in it is marked skipped."""

    type: Literal["stage_closed"] = "stage_closed"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    skipped: bool
    at: float


class StageInserted(EventBase):
    type: Literal["stage_inserted"] = "stage_inserted"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage: StageSpec
    index: int


class StageMoved(EventBase):
    type: Literal["stage_moved"] = "stage_moved"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    index: int


class StageBudgetSet(EventBase):
    type: Literal["stage_budget_set"] = "stage_budget_set"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    stage_id: str
    planned_s: float


class StageTimeExtended(EventBase):
    type: Literal["stage_time_extended"] = "stage_time_extended"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    stage_id: str
    seconds: float


class RoundStarted(EventBase):
    type: Literal["round_started"] = "round_started"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    order: tuple[str, ...]


class RoundReordered(EventBase):
    type: Literal["round_reordered"] = "round_reordered"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    order: tuple[str, ...]


class LateArrivalAdded(EventBase):
    type: Literal["late_arrival_added"] = "late_arrival_added"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    stage_id: str
    participant_id: str


class TurnStarted(EventBase):
    type: Literal["turn_started"] = "turn_started"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    slot: TurnSlot = TurnSlot.ROUND
    participant_id: str
    budget_s: float
    at: float


class TurnEnded(EventBase):
    """The speaking turn ends. `outcome` waiting means the turn was moved to later, not lost."""

    type: Literal["turn_ended"] = "turn_ended"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    slot: TurnSlot = TurnSlot.ROUND
    participant_id: str
    outcome: TurnStatus
    at: float


class TurnSkipped(EventBase):
    """The facilitator skips someone who is not speaking (they can be returned to later)."""

    type: Literal["turn_skipped"] = "turn_skipped"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    participant_id: str


class TurnReopened(EventBase):
    """The facilitator returns to someone: they are asked next."""

    type: Literal["turn_reopened"] = "turn_reopened"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    participant_id: str


class SpeakerTimerPaused(EventBase):
    type: Literal["speaker_timer_paused"] = "speaker_timer_paused"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    stage_id: str
    slot: TurnSlot
    at: float


class SpeakerTimerResumed(EventBase):
    type: Literal["speaker_timer_resumed"] = "speaker_timer_resumed"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    stage_id: str
    slot: TurnSlot
    at: float


class SpeakerTimeExtended(EventBase):
    type: Literal["speaker_time_extended"] = "speaker_time_extended"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    stage_id: str
    slot: TurnSlot
    seconds: float


class ParticipantJoined(EventBase):
    type: Literal["participant_joined"] = "participant_joined"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    participant_id: str
    name: str
    member_id: str | None = None
    name_check_pending: bool = False


class NameCheckRecorded(EventBase):
    """The group was asked about a prospective member: a facilitator may now let them in."""

    type: Literal["name_check_recorded"] = "name_check_recorded"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    participant_id: str


class MemberForgotten(EventBase):
    """The group erased this member: from now on the session calls them ERASED_NAME."""

    type: Literal["member_forgotten"] = "member_forgotten"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    participant_id: str


class ParticipantAdmitted(EventBase):
    type: Literal["participant_admitted"] = "participant_admitted"
    participant_id: str


class ParticipantSteppedOut(EventBase):
    type: Literal["participant_stepped_out"] = "participant_stepped_out"
    participant_id: str


class ParticipantCameBack(EventBase):
    type: Literal["participant_came_back"] = "participant_came_back"
    participant_id: str


class ParticipantLeft(EventBase):
    type: Literal["participant_left"] = "participant_left"
    participant_id: str
    removed: bool


class ParticipantReadmitted(EventBase):
    """Someone who had left is back: in the waiting room, or straight in (`presence`)."""

    type: Literal["participant_readmitted"] = "participant_readmitted"
    participant_id: str
    presence: Presence


class JoiningSet(EventBase):
    type: Literal["joining_set"] = "joining_set"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    open: bool


class JoinWordSet(EventBase):
    type: Literal["join_word_set"] = "join_word_set"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    word: str | None


class HandRaised(EventBase):
    type: Literal["hand_raised"] = "hand_raised"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    participant_id: str


class HandLowered(EventBase):
    type: Literal["hand_lowered"] = "hand_lowered"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    participant_id: str


class HandAcknowledged(EventBase):
    type: Literal["hand_acknowledged"] = "hand_acknowledged"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    participant_id: str
    by: str


class SupportRequested(EventBase):
    type: Literal["support_requested"] = "support_requested"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    participant_id: str


class SupportRequestCleared(EventBase):
    type: Literal["support_request_cleared"] = "support_request_cleared"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    participant_id: str


class SupportFollowedUp(EventBase):
    """The facilitators followed up with everyone who asked for support: from now on the
    session keeps only how many did. Storing it rewrites the session's earlier commits
    without its support requests (app/session/storage.py, forget_support_requests)."""

    type: Literal["support_followed_up"] = "support_followed_up"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    count: int


class SupportResourcesSet(EventBase):
    """The group's support resources as confirmed now, for the rest of the session."""

    type: Literal["support_resources_set"] = "support_resources_set"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    support_resources: tuple[SupportResource, ...]


class TakeTimeOffered(EventBase):
    type: Literal["take_time_offered"] = "take_time_offered"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    participant_id: str
    offered: bool


class TakerChosen(EventBase):
    type: Literal["taker_chosen"] = "taker_chosen"
    moves_flow: ClassVar[bool] = True
    stage_id: str
    participant_id: str | None


class TakingTimePhaseChanged(EventBase):
    type: Literal["taking_time_phase_changed"] = "taking_time_phase_changed"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    stage_id: str
    phase: TakingTimePhase


class PromiseKept(EventBase):
    """The promised person was given the taker's turn: the group's promise is kept. Part of
    the commit that gives the turn, so undoing that step owes the promise again."""

    type: Literal["promise_kept"] = "promise_kept"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    promise: str
    stage_id: str


class PromiseReleased(EventBase):
    """A facilitator released a promise of Taking Time: it is no longer owed. A step of its
    own that the console can undo, and its co-facilitators see."""

    type: Literal["promise_released"] = "promise_released"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.AGENDA
    moves_flow: ClassVar[bool] = True
    promise: str


class AgreedQuestionSet(EventBase):
    type: Literal["agreed_question_set"] = "agreed_question_set"
    stage_id: str
    question: str | None

    def for_storage(self) -> AgreedQuestionSet:
        return self.model_copy(update={"question": None})


class FlowUndone(EventBase):
    """The agenda goes back to how it was before the commit at `undone_version`."""

    type: Literal["flow_undone"] = "flow_undone"
    moves_flow: ClassVar[bool] = True
    undone_version: int
    description: str


class SettingsChanged(EventBase):
    type: Literal["settings_changed"] = "settings_changed"
    undo_effect: ClassVar[UndoEffect] = UndoEffect.BYSTANDER
    settings: SessionSettings


Event = Annotated[
    SessionCreated
    | SessionStarted
    | SessionEnded
    | SessionPaused
    | SessionResumed
    | ServerWasAway
    | StageStarted
    | StageClosed
    | StageInserted
    | StageMoved
    | StageBudgetSet
    | StageTimeExtended
    | RoundStarted
    | RoundReordered
    | LateArrivalAdded
    | TurnStarted
    | TurnEnded
    | TurnSkipped
    | TurnReopened
    | SpeakerTimerPaused
    | SpeakerTimerResumed
    | SpeakerTimeExtended
    | ParticipantJoined
    | ParticipantAdmitted
    | NameCheckRecorded
    | MemberForgotten
    | ParticipantSteppedOut
    | ParticipantCameBack
    | ParticipantLeft
    | ParticipantReadmitted
    | JoiningSet
    | JoinWordSet
    | HandRaised
    | HandLowered
    | HandAcknowledged
    | SupportRequested
    | SupportRequestCleared
    | SupportFollowedUp
    | SupportResourcesSet
    | TakeTimeOffered
    | TakerChosen
    | TakingTimePhaseChanged
    | AgreedQuestionSet
    | PromiseKept
    | PromiseReleased
    | FlowUndone
    | SettingsChanged,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENTS_ADAPTER: TypeAdapter[list[Event]] = TypeAdapter(list[Event])
