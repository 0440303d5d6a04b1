"""Commands: what people ask the session to do. Each one is decided by decide()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar, Literal, get_args

from pydantic import Field, TypeAdapter

from app.agenda.stages import MAX_STAGE_MINUTES, StageKind, StagePrompt
from app.plain_text import PlainName, PlainTitle, PlainWords
from app.rounds.order import OrderPolicy
from app.session.command_base import (
    BY_EITHER,
    BY_PARTICIPANT,
    CommandBase,
    PersonId,
    PromiseKey,
    Role,
    Seconds,
    SelfServiceCommand,
    StageId,
    TurnCommand,
)
from app.session.command_base import MAX_PARTICIPANTS as MAX_PARTICIPANTS

# Re-exported: a command is found here whoever sends it.
from app.session.server_commands import CreateSession as CreateSession
from app.session.server_commands import ForgetMember as ForgetMember
from app.session.server_commands import Join as Join
from app.session.server_commands import RecordNameCheck as RecordNameCheck
from app.session.server_commands import RecordOutage as RecordOutage
from app.session.server_commands import ServerCommandKind
from app.session.server_commands import SetSupportResources as SetSupportResources
from app.session.state import SessionSettings
from app.translatable import translatable


class StartSession(CommandBase):
    type: Literal["start_session"] = "start_session"
    moves_flow: ClassVar[bool] = True
    planned_minutes: float | None = Field(default=None, gt=0, le=12 * 60)


class PauseSession(CommandBase):
    """Everything waits (a fire alarm, a lost connection, someone in distress): every clock."""

    type: Literal["pause_session"] = "pause_session"


class ResumeSession(CommandBase):
    type: Literal["resume_session"] = "resume_session"


class EndSession(CommandBase):
    type: Literal["end_session"] = "end_session"
    moves_flow: ClassVar[bool] = True


class AdvanceStage(CommandBase):
    type: Literal["advance_stage"] = "advance_stage"
    moves_flow: ClassVar[bool] = True


class GoToStage(CommandBase):
    type: Literal["go_to_stage"] = "go_to_stage"
    moves_flow: ClassVar[bool] = True
    stage_id: StageId


class SkipStage(CommandBase):
    type: Literal["skip_stage"] = "skip_stage"
    moves_flow: ClassVar[bool] = True
    stage_id: StageId


class InsertStage(CommandBase):
    type: Literal["insert_stage"] = "insert_stage"
    moves_flow: ClassVar[bool] = True
    kind: StageKind
    title: PlainTitle
    minutes: float = Field(gt=0, le=MAX_STAGE_MINUTES)
    prompt: StagePrompt | None = None
    after_stage_id: StageId | None = None


class MoveStage(CommandBase):
    type: Literal["move_stage"] = "move_stage"
    moves_flow: ClassVar[bool] = True
    stage_id: StageId
    to_index: int = Field(ge=0)


class SetStageBudget(CommandBase):
    type: Literal["set_stage_budget"] = "set_stage_budget"
    stage_id: StageId
    minutes: float = Field(gt=0, le=MAX_STAGE_MINUTES)


class AcceptScheduleSuggestion(CommandBase):
    """Give each speaker still to come in a round `share_s`, as the schedule suggested.

    `speakers_to_come` is what the suggestion was made for: if the round has moved on since,
    the suggestion is stale and is refused rather than applied to a different situation.
    """

    type: Literal["accept_schedule_suggestion"] = "accept_schedule_suggestion"
    stage_id: StageId
    share_s: Seconds
    speakers_to_come: int = Field(ge=1, le=MAX_PARTICIPANTS)


class StartRound(CommandBase):
    type: Literal["start_round"] = "start_round"
    moves_flow: ClassVar[bool] = True
    order_policy: OrderPolicy = OrderPolicy.JOIN_ORDER
    start_with: PersonId | None = None
    order: tuple[PersonId, ...] = Field(default=(), max_length=MAX_PARTICIPANTS)


class ReorderRound(CommandBase):
    type: Literal["reorder_round"] = "reorder_round"
    moves_flow: ClassVar[bool] = True
    order: tuple[PersonId, ...] = Field(max_length=MAX_PARTICIPANTS)


class Share(TurnCommand):
    """The speaker has finished sharing (sent by them, or by a facilitator: next speaker)."""

    type: Literal["share"] = "share"
    only_for_oneself: ClassVar[str] = translatable(
        "You can only finish a turn for yourself, not for someone else."
    )


class Pass(TurnCommand):
    type: Literal["pass"] = "pass"
    only_for_oneself: ClassVar[str] = translatable(
        "You can only pass for yourself, not for someone else."
    )


class PassForNow(TurnCommand):
    type: Literal["pass_for_now"] = "pass_for_now"
    only_for_oneself: ClassVar[str] = translatable(
        "You can only pass for now for yourself, not for someone else."
    )


class SkipTurn(CommandBase):
    type: Literal["skip_turn"] = "skip_turn"
    moves_flow: ClassVar[bool] = True
    participant_id: PersonId


class ReturnTo(CommandBase):
    type: Literal["return_to"] = "return_to"
    moves_flow: ClassVar[bool] = True
    participant_id: PersonId


class PauseTimer(CommandBase):
    type: Literal["pause_timer"] = "pause_timer"
    senders: ClassVar[frozenset[Role]] = BY_EITHER


class ResumeTimer(CommandBase):
    type: Literal["resume_timer"] = "resume_timer"
    senders: ClassVar[frozenset[Role]] = BY_EITHER


class ExtendTime(CommandBase):
    type: Literal["extend_time"] = "extend_time"
    seconds: Seconds
    target: Literal["speaker", "stage"] = "speaker"


class Admit(CommandBase):
    type: Literal["admit"] = "admit"
    participant_id: PersonId


class AdmitEveryone(CommandBase):
    """Let in at once everyone waiting who can be let in (not those whose name check is due)."""

    type: Literal["admit_everyone"] = "admit_everyone"


class RemoveParticipant(CommandBase):
    type: Literal["remove_participant"] = "remove_participant"
    participant_id: PersonId


class Readmit(CommandBase):
    """Let back in someone who left or was removed, by mistake perhaps: whoever had been let in
    comes straight back in; whoever never was goes back to the waiting room."""

    type: Literal["readmit"] = "readmit"
    participant_id: PersonId


class SendWaitingAway(CommandBase):
    """Remove at once everyone in the waiting room who joined with the session's code.

    Members who came by their own link are known to the group, so they stay. Like removing one
    person, it cannot be undone: the console asks first.
    """

    type: Literal["send_waiting_away"] = "send_waiting_away"


class SetJoining(CommandBase):
    """Open or close the door: while closed, nobody new can join with the session's code.

    Members who come by their own link still can (they wait to be let in, as always).
    """

    type: Literal["set_joining"] = "set_joining"
    open: bool


class SetJoinWord(CommandBase):
    """Ask everyone joining with the code for a word the facilitators say aloud in the room
    (None: stop asking). Members who come by their own link are not asked."""

    type: Literal["set_join_word"] = "set_join_word"
    word: PlainName | None = None


class Leave(CommandBase):
    type: Literal["leave"] = "leave"
    senders: ClassVar[frozenset[Role]] = BY_PARTICIPANT


class StepOut(SelfServiceCommand):
    type: Literal["step_out"] = "step_out"
    only_for_oneself: ClassVar[str] = translatable(
        "You can only step out for yourself, not for someone else."
    )


class ComeBack(SelfServiceCommand):
    type: Literal["come_back"] = "come_back"
    only_for_oneself: ClassVar[str] = translatable(
        "You can only come back for yourself, not for someone else."
    )


class RaiseHand(CommandBase):
    type: Literal["raise_hand"] = "raise_hand"
    senders: ClassVar[frozenset[Role]] = BY_PARTICIPANT


class LowerHand(SelfServiceCommand):
    type: Literal["lower_hand"] = "lower_hand"
    only_for_oneself: ClassVar[str] = translatable(
        "You can only lower a hand for yourself, not for someone else."
    )


class AcknowledgeHand(CommandBase):
    """A facilitator has seen someone's raised hand: their phone says so."""

    type: Literal["acknowledge_hand"] = "acknowledge_hand"
    participant_id: PersonId


class RequestSupport(CommandBase):
    type: Literal["request_support"] = "request_support"
    senders: ClassVar[frozenset[Role]] = BY_PARTICIPANT


class ClearSupportRequest(SelfServiceCommand):
    type: Literal["clear_support_request"] = "clear_support_request"
    only_for_oneself: ClassVar[str] = translatable(
        "You can only clear a support request for yourself, not for someone else."
    )


class FollowUpDone(CommandBase):
    """After the end: someone has followed up with everyone who asked for support. The session
    then keeps only how many asked, and the stored log is rewritten to match (docs/privacy.md)."""

    type: Literal["follow_up_done"] = "follow_up_done"
    after_the_end: ClassVar[bool] = True


class OfferToTakeTime(CommandBase):
    type: Literal["offer_to_take_time"] = "offer_to_take_time"
    senders: ClassVar[frozenset[Role]] = BY_PARTICIPANT
    offered: bool = True


class ChooseTaker(CommandBase):
    type: Literal["choose_taker"] = "choose_taker"
    moves_flow: ClassVar[bool] = True
    participant_id: PersonId | None
    stage_id: StageId | None = None


class SetAgreedQuestion(CommandBase):
    type: Literal["set_agreed_question"] = "set_agreed_question"
    question: PlainWords


class InviteReflection(CommandBase):
    type: Literal["invite_reflection"] = "invite_reflection"
    moves_flow: ClassVar[bool] = True


class ReleasePromise(CommandBase):
    """The facilitators decide, openly, that a promise of Taking Time is no longer owed."""

    type: Literal["release_promise"] = "release_promise"
    # CarriedAction.key of the promise, as the facilitator view lists it.
    promise: PromiseKey


class UndoLast(CommandBase):
    """Put the agenda back as it was before the last change of turn or stage."""

    type: Literal["undo_last"] = "undo_last"
    moves_flow: ClassVar[bool] = True


class ChangeSettings(CommandBase):
    type: Literal["change_settings"] = "change_settings"
    settings: SessionSettings


# What a client may send: the websocket and POST /api/sessions/{id}/commands read these, and
# the OpenAPI schema shows them.
ClientCommandKind = (
    StartSession
    | EndSession
    | PauseSession
    | ResumeSession
    | AdvanceStage
    | GoToStage
    | SkipStage
    | InsertStage
    | MoveStage
    | SetStageBudget
    | AcceptScheduleSuggestion
    | StartRound
    | ReorderRound
    | Share
    | Pass
    | PassForNow
    | SkipTurn
    | ReturnTo
    | PauseTimer
    | ResumeTimer
    | ExtendTime
    | Admit
    | AdmitEveryone
    | RemoveParticipant
    | Readmit
    | SendWaitingAway
    | SetJoining
    | SetJoinWord
    | Leave
    | StepOut
    | ComeBack
    | RaiseHand
    | LowerHand
    | AcknowledgeHand
    | RequestSupport
    | ClearSupportRequest
    | FollowUpDone
    | OfferToTakeTime
    | ChooseTaker
    | SetAgreedQuestion
    | InviteReflection
    | ReleasePromise
    | UndoLast
    | ChangeSettings
)

ClientCommand = Annotated[ClientCommandKind, Field(discriminator="type")]
# Every command decide() knows, from clients and from the server.
Command = Annotated[ClientCommandKind | ServerCommandKind, Field(discriminator="type")]

COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)
CLIENT_COMMAND_ADAPTER: TypeAdapter[ClientCommand] = TypeAdapter(ClientCommand)
# The `type` of each command only the server sends, and what people do instead.
SERVER_ONLY: Mapping[str, str] = {
    kind.model_fields["type"].default: f"{kind.model_fields['type'].default} is sent by Peer"
    f" Rounds itself, not by a screen or a script. {kind.what_to_do_instead}"
    for kind in get_args(ServerCommandKind)
}
