"""The live state of one session: a fold of its events. Snapshots of it are only a cache."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from app.agenda.carry_over import CarriedAction, SessionGuideline, SupportResource
from app.agenda.stages import StageKind
from app.rounds.turns import Round, Turn
from app.session.flow_steps import FlowStep, already_done_by, done_by
from app.timekeeping.outage import Outage
from app.timekeeping.timer import Timer
from app.translatable import Words, translatable


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SessionStatus(StrEnum):
    NEW = "new"
    READY = "ready"
    LIVE = "live"
    ENDED = "ended"


class Presence(StrEnum):
    WAITING_ROOM = "waiting_room"
    PRESENT = "present"
    STEPPED_OUT = "stepped_out"
    LEFT = "left"


class StageStatus(StrEnum):
    UPCOMING = "upcoming"
    CURRENT = "current"
    DONE = "done"
    SKIPPED = "skipped"


class TakingTimePhase(StrEnum):
    CHOOSING = "choosing"
    TAKER_SPEAKING = "taker_speaking"
    AGREEING_QUESTION = "agreeing_question"
    SHARING_ROUND = "sharing_round"
    TAKER_REFLECTION = "taker_reflection"
    COMPLETE = "complete"


class TurnSlot(StrEnum):
    """Which turn of a stage: a turn in its round, or the Taking Time taker's own turns."""

    ROUND = "round"
    TAKER = "taker"
    REFLECTION = "reflection"


class Facilitator(Frozen):
    id: str
    name: str


class Membership(StrEnum):
    """Who someone in a group's session is to the group (app/session/name_check.py)."""

    # Joined through their own member's link, and the group's name check is recorded.
    MEMBER = "member"
    # Joined through their own link, but the group has not been asked about them yet.
    PROSPECTIVE = "prospective"
    # Joined with the session's code: a guest, or a member who did not use their link.
    NOT_LINKED = "not_linked"


# What is shown, and kept, instead of the name of a member the group has erased.
ERASED_NAME = translatable("A former member")


def labelled(name: str, namesake: int) -> str:
    return name if namesake == 1 else f"{name} ({namesake})"


def same_name(name: str) -> str:
    """Names compared as people read them: "sarah", "Sarah" and "SARAH " are the same name."""
    return " ".join(name.casefold().split())


class Participant(Frozen):
    id: str
    name: str
    presence: Presence = Presence.WAITING_ROOM
    # The group's member record this person joined as (their signed link), if any.
    member_id: str | None = None
    name_check_pending: bool = False
    hand_raised: bool = False
    # Which hand of the session theirs is (SessionState.hands_raised_so_far when it went up):
    # hands are listed in the order raised, and a hand raised again goes to the back.
    hand_raised_as: int = 0
    # The facilitator who marked the raised hand as seen; their phone says a facilitator has.
    hand_seen_by: str | None = None
    support_requested: bool = False
    # Asked for support at some point in this session (support_requested is only while it is
    # open): the facilitators follow up after the end, then only a count is kept.
    asked_for_support: bool = False
    offered_to_take_time: bool = False
    # Let in from the waiting room at some point: if they leave, a readmit brings them back in.
    was_let_in: bool = False
    # Removed by a facilitator (rather than leaving by themselves), while gone.
    removed: bool = False
    # Removed by a facilitator while still in the waiting room: never let in this time.
    sent_away: bool = False
    # 1 for the first person in the session with this name (facilitators included), 2 for the
    # second, ...: two people called Sarah are shown as "Sarah" and "Sarah (2)" on every screen.
    namesake: int = 1

    @property
    def label(self) -> str:
        """The name as every screen shows it: the same name twice is told apart."""
        return labelled(self.name, self.namesake)


class TakingTime(Frozen):
    taker_id: str | None = None
    phase: TakingTimePhase = TakingTimePhase.CHOOSING
    taker_turn: Turn | None = None
    reflection_turn: Turn | None = None
    # The agreed question lives only in memory: the event store redacts it (see events.py).
    agreed_question: str | None = None


class Stage(Frozen):
    id: str
    kind: StageKind
    title: str
    prompt: str | None = None
    planned_s: float
    status: StageStatus = StageStatus.UPCOMING
    timer: Timer
    round: Round | None = None
    taking_time: TakingTime | None = None

    @property
    def active_slot(self) -> TurnSlot | None:
        """Which turn `share`, `pass` and the speaker timer act on right now, if any."""
        taking = self.taking_time
        if taking is not None:
            if taking.phase is TakingTimePhase.TAKER_SPEAKING:
                return TurnSlot.TAKER
            if taking.phase is TakingTimePhase.TAKER_REFLECTION:
                return TurnSlot.REFLECTION
            if taking.phase is not TakingTimePhase.SHARING_ROUND:
                return None
        return None if self.round is None or self.round.current is None else TurnSlot.ROUND

    @property
    def active_turn(self) -> Turn | None:
        slot = self.active_slot
        return None if slot is None else self.turn_in(slot)

    def turn_in(self, slot: TurnSlot) -> Turn | None:
        if slot is TurnSlot.ROUND:
            return None if self.round is None else self.round.current_turn
        taking = self.taking_time
        if taking is None:
            return None
        return taking.taker_turn if slot is TurnSlot.TAKER else taking.reflection_turn


class SessionSettings(Frozen):
    # The ranges a facilitator may choose from (the settings form shows them too).
    MAX_MINIMUM_SHARE_S: ClassVar[int] = 30 * 60
    MIN_MAXIMUM_SHARE_S: ClassVar[int] = 60
    MAX_MAXIMUM_SHARE_S: ClassVar[int] = 60 * 60
    MAX_NEAR_END_CUE_S: ClassVar[int] = 10 * 60

    minimum_share_s: float = Field(default=60.0, ge=0, le=MAX_MINIMUM_SHARE_S)
    # No share of a round grows past this, however many pass: the rest goes back to the
    # session (docs/timekeeping.md). Five minutes is well above a usual share (a round is
    # planned at two or three minutes each) and long enough to say something hard unhurried.
    # Not checked against the minimum here: settings in old logs must still load, and a
    # minimum above the maximum simply wins (decide() refuses to set them that way).
    maximum_share_s: float = Field(default=300.0, ge=MIN_MAXIMUM_SHARE_S, le=MAX_MAXIMUM_SHARE_S)
    near_end_cue_s: float = Field(default=30.0, ge=0, le=MAX_NEAR_END_CUE_S)
    show_numbers_to_participants: bool = True
    # Timekeeping: a soft sound with the gentle cue, on screens a person has interacted with.
    sound_cue: bool = False
    # A soft chime on the console when someone raises a hand, asks for support or waits to be
    # let in. Its own setting, not sound_cue's: a console in the room would chime in the middle
    # of someone's share, and say aloud that someone asked for support; a facilitator online,
    # with the console behind a call, wants the chime and may not want the timing cue.
    alert_sound: bool = False


class FlowChange(Frozen):
    """The last change to whose turn it is or which stage is on, for stale-click messages and
    the console's "Last change"."""

    version: int
    actor_id: str
    # What was done, in English, phrased to follow "Sam …" (as the JSON API has always said).
    description: str
    # The same as a kind of step and the names or title in it, said as whole sentences in any
    # language (app/session/flow_steps.py). A snapshot from before they were kept has neither.
    step: FlowStep = FlowStep.SOME_CHANGE
    values: dict[str, str] = {}

    def done_by(self, who: str) -> Words:
        """ "Sam started the round." """
        return done_by(self.step, self.values, who)

    def already_done_by(self, who: str | None) -> Words:
        """ "Sam already started the round."; with `who` None, "You already …"."""
        return already_done_by(self.step, self.values, who)


class UndoPoint(Frozen):
    """The agenda as it was just before the last flow change, so a facilitator can put it back.

    Only the agenda is kept: an undo never touches who is present, raised hands or settings.
    """

    version: int
    actor_id: str
    description: str
    step: FlowStep = FlowStep.SOME_CHANGE
    values: dict[str, str] = {}
    stages: tuple[Stage, ...]
    # A promise kept by the step being undone is owed again once it is undone.
    promises: dict[str, PromiseOutcome] = {}


class PromiseOutcome(StrEnum):
    """How a promise of Taking Time was settled in the session (docs/timekeeping.md)."""

    # The promised person was given the taker's turn.
    KEPT = "kept"
    # A facilitator released it openly, on the console.
    RELEASED = "released"


class SessionPause(Frozen):
    """Everything is waiting, since ``at``: the current stage's clock, and the speaker's, held."""

    at: float


class SessionState(Frozen):
    session_id: str
    version: int = 0
    status: SessionStatus = SessionStatus.NEW
    title: str = ""
    group_name: str = ""
    template_key: str = ""
    settings: SessionSettings = SessionSettings()
    facilitators: dict[str, Facilitator] = {}
    participants: dict[str, Participant] = {}
    stages: tuple[Stage, ...] = ()
    stages_created: int = 0
    started_at: float | None = None
    planned_end: float | None = None
    flow_change: FlowChange | None = None
    undo_point: UndoPoint | None = None
    pause: SessionPause | None = None
    # The server's latest time away from the session, which every screen mentions once.
    outage: Outage | None = None
    command_versions: dict[str, int] = {}
    # Brought from the group at creation (app/agenda/carry_over.py); fixed for the session.
    guidelines: tuple[SessionGuideline, ...] = ()
    carried_over: tuple[CarriedAction, ...] = ()
    apologies: tuple[str, ...] = ()
    # The promises of Taking Time settled so far (CarriedAction.key): one still owed is absent.
    promises: dict[str, PromiseOutcome] = {}
    for_group: bool = False
    # The group's time zone (an IANA name), for times said in local time; None without a group.
    time_zone: str | None = None
    # Where to find support, as the group confirmed it (app/agenda/carry_over.py).
    support_resources: tuple[SupportResource, ...] = ()
    # How many people asked for support, once a facilitator has marked the follow-up done:
    # from then on the session no longer knows who (docs/privacy.md). None until then.
    support_followed_up: int | None = None
    # Whether someone new may join with the session's code (facilitators close the door).
    joining_open: bool = True
    # A word the facilitators say aloud in the room, asked of everyone joining with the code.
    join_word: str | None = None
    # How many hands have gone up in the session: each raise is numbered, in the order raised.
    hands_raised_so_far: int = 0

    @property
    def current_stage(self) -> Stage | None:
        return next((s for s in self.stages if s.status is StageStatus.CURRENT), None)

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def stage_index(self, stage_id: str) -> int:
        return next(i for i, s in enumerate(self.stages) if s.id == stage_id)

    def next_upcoming(self, after_index: int) -> Stage | None:
        """The first stage still to come after the one at `after_index` (-1: from the start)."""
        return next(
            (s for s in self.stages[after_index + 1 :] if s.status is StageStatus.UPCOMING), None
        )

    @property
    def open_promises(self) -> list[CarriedAction]:
        """The promises of Taking Time brought from the group and not yet kept or released."""
        return [a for a in self.carried_over if a.is_promise and a.key not in self.promises]

    def promises_to(self, participant_id: str) -> list[CarriedAction]:
        """The open promises made to this person (by the name they go by in the group)."""
        person = self.participants.get(participant_id)
        if person is None:
            return []
        name = same_name(person.name)
        return [a for a in self.open_promises if same_name(a.peer_name or "") == name]

    def is_present(self, participant_id: str) -> bool:
        person = self.participants.get(participant_id)
        return person is not None and person.presence is Presence.PRESENT

    def name_of(self, person_id: str) -> str:
        if person_id in self.facilitators:
            return self.facilitators[person_id].name
        if person_id in self.participants:
            label = self.participants[person_id].label
            # Our words, not theirs: said in the language of whoever reads the sentence.
            return Words(ERASED_NAME) if label == ERASED_NAME else label
        return Words("Someone")

    def namesake_for(self, name: str) -> int:
        """The first number that tells a newcomer called ``name`` apart from everyone already
        here (1: nobody goes by that name), so no two people are ever shown alike."""
        taken = {same_name(f.name) for f in self.facilitators.values()}
        taken |= {same_name(p.label) for p in self.participants.values()}
        namesake = 1
        while same_name(labelled(name, namesake)) in taken:
            namesake += 1
        return namesake

    @property
    def seats_taken(self) -> int:
        """Seats count everyone waiting, here or stepped out: not those who left or were removed
        (until a facilitator lets them back in), so sending people away frees their seats."""
        left = Presence.LEFT  # looked up once: an enum member is a slow attribute to fetch
        return sum(1 for p in self.participants.values() if p.presence is not left)

    @property
    def waiting_room(self) -> list[Participant]:
        """Everyone waiting to be let in, in the order they joined."""
        waiting = Presence.WAITING_ROOM  # looked up once (see seats_taken)
        return [p for p in self.participants.values() if p.presence is waiting]

    @property
    def raised_hands(self) -> list[Participant]:
        """Everyone whose hand is up, in the order they raised it (seating order among hands kept
        in snapshots from before the order was: a stable sort leaves them as they were)."""
        raised = [p for p in self.participants.values() if p.hand_raised]
        return sorted(raised, key=lambda p: p.hand_raised_as)

    @property
    def departed(self) -> list[Participant]:
        """Everyone who left or was removed, in the order they joined: a facilitator may let
        them back in."""
        left = Presence.LEFT
        return [p for p in self.participants.values() if p.presence is left]

    @property
    def seating(self) -> tuple[str, ...]:
        """Everyone admitted and not gone, in the order they joined."""
        return tuple(
            p.id
            for p in self.participants.values()
            if p.presence in {Presence.PRESENT, Presence.STEPPED_OUT}
        )
