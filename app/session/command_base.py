"""What every command is made of: who may send it, its id, and the values commands carry."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.agenda.carry_over import (
    Apologies,
    CarriedActions,
    SessionGuidelines,
    SupportResources,
)
from app.agenda.stages import StagePlan
from app.plain_text import PLAIN, PlainName
from app.timekeeping.zone_name import ZoneName


class Role(StrEnum):
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    ROOM = "room"
    # The server itself, for facts only it can know (an outage). No link is ever issued for it.
    SERVER = "server"


class Actor(BaseModel):
    """Who sends a command, as proven by their token (never by the command itself)."""

    model_config = ConfigDict(frozen=True)

    role: Role
    id: str


CommandId = Annotated[str, StringConstraints(min_length=1, max_length=64), PLAIN]
PersonId = Annotated[str, StringConstraints(min_length=1, max_length=64), PLAIN]
StageId = Annotated[str, StringConstraints(min_length=1, max_length=64), PLAIN]
# A promise's CarriedAction.key: the group's id for it, or its kind, name and words (up to 360).
PromiseKey = Annotated[str, StringConstraints(min_length=1, max_length=400), PLAIN]
Seconds = Annotated[float, Field(gt=0, le=4 * 60 * 60)]

BY_FACILITATOR = frozenset({Role.FACILITATOR})
BY_PARTICIPANT = frozenset({Role.PARTICIPANT})
BY_EITHER = frozenset({Role.FACILITATOR, Role.PARTICIPANT})
MAX_PARTICIPANTS = 200
BY_SERVER = frozenset({Role.SERVER})


class CommandBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Who may send it: facilitators, unless the command names others. The room view only ever
    # watches. The authorization-matrix test reads these declarations.
    senders: ClassVar[frozenset[Role]] = BY_FACILITATOR
    # Commands that move the flow (whose turn, which stage) are refused when the sender saw an
    # older flow than the current one: they would act on a situation that no longer exists.
    moves_flow: ClassVar[bool] = False
    # Set on the commands only the server sends (commands.ServerCommandKind): what people do
    # instead, told to a client that sends one.
    what_to_do_instead: ClassVar[str | None] = None
    # Accepted after the session has ended too (everything else is refused then): what the
    # facilitators do once everyone has gone, such as marking a follow-up done.
    after_the_end: ClassVar[bool] = False

    id: CommandId
    expected_version: int | None = Field(default=None, ge=0)


class FacilitatorSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: PersonId
    name: PlainName


class SelfServiceCommand(CommandBase):
    """Sent by a participant for themselves, or by a facilitator for anyone (`participant_id`)."""

    senders: ClassVar[frozenset[Role]] = BY_EITHER
    # The refusal when someone else's is asked for, a whole sentence for the translators.
    only_for_oneself: ClassVar[str]
    participant_id: PersonId | None = None


class TurnCommand(SelfServiceCommand):
    """Acts on the turn of `participant_id` (default: the sender's own turn)."""

    moves_flow: ClassVar[bool] = True


class GroupPlan(BaseModel):
    """What a group brings to a new session (the CreateSession fields of the same names)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agenda: tuple[StagePlan, ...] | None = None
    guidelines: SessionGuidelines = ()
    carried_over: CarriedActions = ()
    apologies: Apologies = ()
    time_zone: ZoneName | None = None
    support_resources: SupportResources = ()
