"""Commands only the server sends (on behalf of a page, the group page or itself): no screen or
script may send them, and each says in `what_to_do_instead` how people get the same done."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from app.agenda.carry_over import (
    Apologies,
    CarriedActions,
    SessionGuidelines,
    SupportResources,
)
from app.agenda.stages import StagePlan
from app.plain_text import PLAIN, PlainName, PlainTitle
from app.session.command_base import (
    BY_PARTICIPANT,
    BY_SERVER,
    MAX_PARTICIPANTS,
    CommandBase,
    FacilitatorSpec,
    PersonId,
    Role,
)
from app.session.state import SessionSettings
from app.timekeeping.zone_name import ZoneName


class CreateSession(CommandBase):
    type: Literal["create_session"] = "create_session"
    what_to_do_instead: ClassVar[str | None] = (
        "Sessions are started with POST /api/sessions, the home page or a group's page."
    )
    title: PlainTitle
    group_name: PlainTitle
    template_key: Annotated[str, PLAIN]
    facilitators: tuple[FacilitatorSpec, ...] = Field(min_length=1, max_length=6)
    settings: SessionSettings = SessionSettings()
    # A group's stored agenda (app/store/templates.py); when absent, template_key names a seed.
    agenda: tuple[StagePlan, ...] | None = Field(default=None, min_length=1, max_length=40)
    guidelines: SessionGuidelines = ()
    carried_over: CarriedActions = ()
    # Preferred names of members who sent apologies for this meeting.
    apologies: Apologies = ()
    # Sessions of a standing group can record actions for its next meeting.
    for_group: bool = False
    # The group's time zone, for the times screens say in local time (a break's "back at").
    time_zone: ZoneName | None = None
    # Where to find support, as the group confirmed it: shown privately to whoever asks.
    support_resources: SupportResources = ()


class RecordOutage(CommandBase):
    """Sent by the server itself when it loads a session after being away from it: its clocks
    wait through the gap (docs/timekeeping.md). No screen can send it."""

    type: Literal["record_outage"] = "record_outage"
    what_to_do_instead: ClassVar[str | None] = (
        "Only the server knows when it was away; nobody needs to send anything."
    )
    senders: ClassVar[frozenset[Role]] = BY_SERVER
    down_at: float
    back_at: float


class Join(CommandBase):
    type: Literal["join"] = "join"
    senders: ClassVar[frozenset[Role]] = BY_PARTICIPANT
    what_to_do_instead: ClassVar[str | None] = (
        "Please join with the session's code (POST /api/join/{join_code}) or its join link."
    )
    name: PlainName
    # Set by the shell only, from a member's signed link (app/web/groups/member_link.py): a
    # person joining with the session's code sends neither, and has already joined after.
    member_id: PersonId | None = None
    name_check_pending: bool = False
    # Set by the shell only, for someone joining with the code from an address it limits: how
    # many may wait at once (Settings.max_waiting). None: the waiting room has only the seats.
    waiting_room_cap: int | None = Field(default=None, ge=1, le=MAX_PARTICIPANTS)
    # The word said in the room, as the person joining typed it (see SetJoinWord).
    word: PlainName | None = None


class RecordNameCheck(CommandBase):
    """Sent by the shell when a facilitator records the name check on the group's page."""

    type: Literal["record_name_check"] = "record_name_check"
    what_to_do_instead: ClassVar[str | None] = "Please record the name check on the group's page."
    member_id: PersonId


class ForgetMember(CommandBase):
    """Sent by the shell when a facilitator erases a member: the session stops naming them."""

    type: Literal["forget_member"] = "forget_member"
    what_to_do_instead: ClassVar[str | None] = "Please erase the member on the group's page."
    member_id: PersonId


class SetSupportResources(CommandBase):
    """Sent by the shell when a facilitator confirms, adds or removes one of the group's support
    resources while today's session is on: its phones show the group's list as it is now."""

    type: Literal["set_support_resources"] = "set_support_resources"
    what_to_do_instead: ClassVar[str | None] = (
        "Please confirm the group's support resources on the group's page."
    )
    support_resources: SupportResources = ()


ServerCommandKind = (
    CreateSession | Join | RecordNameCheck | ForgetMember | RecordOutage | SetSupportResources
)
