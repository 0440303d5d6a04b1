"""Who is here: joining, being let in, stepping out and back, leaving, hands and support."""

from __future__ import annotations

from app.rounds.turns import TurnStatus
from app.session import commands as cmd
from app.session import events as ev
from app.session.decide.draft import Draft, handles
from app.session.decide.flow import end_active_turn, start_next_turn, start_taker_turn
from app.session.decisions import Refusal, RejectionCode
from app.session.name_check import admit_blocked, membership
from app.session.state import (
    ERASED_NAME,
    Membership,
    Presence,
    SessionStatus,
    TakingTimePhase,
    TurnSlot,
)
from app.translatable import Words, translatable

JOINING_CLOSED = translatable(
    "This session is not taking new people right now. Please ask a facilitator."
)
WORD_NEEDED = translatable("Please type the word the facilitators said in the room.")
WRONG_WORD = translatable(
    "That isn't the word the facilitators gave. Please check with them and try again."
)
WAITING_ROOM_FULL = translatable(
    "The waiting room is full just now. Please wait a moment, then try again, or ask a facilitator."
)
SESSION_FULL = translatable("This session is full.")


@handles(cmd.Join)
def _join(draft: Draft, command: cmd.Join) -> None:
    if not draft.state.joining_open and command.member_id is None:
        raise Refusal(RejectionCode.INVALID, JOINING_CLOSED)
    wanted = draft.state.join_word
    if wanted is not None and command.member_id is None:
        if command.word is None:
            raise Refusal(RejectionCode.INVALID, WORD_NEEDED)
        if not same_word(command.word, wanted):
            raise Refusal(RejectionCode.INVALID, WRONG_WORD)
    cap = command.waiting_room_cap
    if cap is not None and len(draft.state.waiting_room) >= cap:
        raise Refusal(RejectionCode.INVALID, WAITING_ROOM_FULL)
    if draft.state.seats_taken >= cmd.MAX_PARTICIPANTS:
        raise Refusal(RejectionCode.INVALID, SESSION_FULL)
    draft.emit(
        ev.ParticipantJoined(
            participant_id=draft.actor.id,
            name=command.name,
            member_id=command.member_id,
            name_check_pending=command.member_id is not None and command.name_check_pending,
        )
    )


def same_word(typed: str, wanted: str) -> bool:
    """As people hear and type a word, capitals do not matter (PlainName trims the spaces)."""
    return typed.casefold() == wanted.casefold()


@handles(cmd.RecordNameCheck)
def _record_name_check(draft: Draft, command: cmd.RecordNameCheck) -> None:
    waiting = [
        p.id
        for p in draft.state.participants.values()
        if p.member_id == command.member_id and p.name_check_pending
    ]
    if not waiting:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("Nobody here is waiting for that name check.")
        )
    for person in waiting:
        draft.emit(ev.NameCheckRecorded(participant_id=person))


@handles(cmd.ForgetMember)
def _forget_member(draft: Draft, command: cmd.ForgetMember) -> None:
    named = [
        p.id
        for p in draft.state.participants.values()
        if p.member_id == command.member_id and p.name != ERASED_NAME
    ]
    if not named:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("That member is not named in this session.")
        )
    for person in named:
        draft.emit(ev.MemberForgotten(participant_id=person))


@handles(cmd.Admit)
def _admit(draft: Draft, command: cmd.Admit) -> None:
    person = command.participant_id
    presence = draft.presence_of(person)
    name = draft.state.name_of(person)
    if presence is Presence.LEFT:
        raise Refusal(RejectionCode.INVALID, Words("%(name)s has left the session.", name=name))
    if presence is not Presence.WAITING_ROOM:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, Words("%(name)s has already been let in.", name=name)
        )
    blocked = admit_blocked(draft.state.participants[person])
    if blocked is not None:
        raise Refusal(RejectionCode.INVALID, blocked)
    _let_in(draft, person)


@handles(cmd.AdmitEveryone)
def _admit_everyone(draft: Draft, command: cmd.AdmitEveryone) -> None:
    waiting = draft.state.waiting_room
    if not waiting:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("Nobody is waiting."))
    ready = [p.id for p in waiting if admit_blocked(p) is None]
    if not ready:
        raise Refusal(
            RejectionCode.INVALID,
            translatable(
                "Everyone waiting needs their name check first: ask the group, then record it "
                "on the group page."
            ),
        )
    for person in ready:
        _let_in(draft, person)


def _let_in(draft: Draft, person: str) -> None:
    """In from the waiting room, and into the round that is on, if any (at its end)."""
    draft.emit(ev.ParticipantAdmitted(participant_id=person))
    _into_the_round(draft, person)


def _into_the_round(draft: Draft, person: str) -> None:
    """Someone just in is owed a turn at the end of the round that is on, unless they already
    have one there (they were in it before they left) or are its Taking Time taker."""
    stage = draft.state.current_stage
    if stage is None or stage.round is None or stage.round.complete:
        return
    if stage.taking_time is not None and stage.taking_time.taker_id == person:
        return
    if stage.round.turn(person) is not None:
        return
    draft.emit(ev.LateArrivalAdded(stage_id=stage.id, participant_id=person))
    start_next_turn(draft, stage.id)


@handles(cmd.Readmit)
def _readmit(draft: Draft, command: cmd.Readmit) -> None:
    """Back where they were: whoever had been let in comes straight back in (the facilitators
    know them), and whoever never was goes back to the waiting room, where the name check and
    "Let in" still apply. A turn they lost when they left stays skipped: "Go back to" asks them."""
    person = command.participant_id
    presence = draft.presence_of(person)
    name = draft.state.name_of(person)
    if presence is Presence.WAITING_ROOM:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            Words("%(name)s is already in the waiting room.", name=name),
        )
    if presence is not Presence.LEFT:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, Words("%(name)s is still in the session.", name=name)
        )
    if draft.state.seats_taken >= cmd.MAX_PARTICIPANTS:
        raise Refusal(RejectionCode.INVALID, SESSION_FULL)
    if not draft.state.participants[person].was_let_in:
        draft.emit(ev.ParticipantReadmitted(participant_id=person, presence=Presence.WAITING_ROOM))
        return
    draft.emit(ev.ParticipantReadmitted(participant_id=person, presence=Presence.PRESENT))
    _into_the_round(draft, person)


def _leave_session(draft: Draft, person: str, *, removed: bool) -> None:
    stage = draft.state.current_stage
    if stage is not None:
        turn = stage.active_turn
        if turn is not None and turn.participant_id == person:
            end_active_turn(draft, stage, TurnStatus.SKIPPED)
            if stage.active_slot is not TurnSlot.ROUND:
                draft.emit(
                    ev.TakingTimePhaseChanged(stage_id=stage.id, phase=TakingTimePhase.COMPLETE)
                )
        stage = draft.stage(stage.id)
        pending = stage.round.turn(person) if stage.round is not None else None
        if pending is not None and pending.status.pending:
            draft.emit(ev.TurnSkipped(stage_id=stage.id, participant_id=person))
    draft.emit(ev.ParticipantLeft(participant_id=person, removed=removed))
    if stage is not None:
        start_next_turn(draft, stage.id)


@handles(cmd.RemoveParticipant)
def _remove_participant(draft: Draft, command: cmd.RemoveParticipant) -> None:
    if draft.presence_of(command.participant_id) is Presence.LEFT:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("They have already left."))
    _leave_session(draft, command.participant_id, removed=True)


@handles(cmd.SendWaitingAway)
def _send_waiting_away(draft: Draft, command: cmd.SendWaitingAway) -> None:
    waiting = draft.state.waiting_room
    if not waiting:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("Nobody is waiting."))
    strangers = [p.id for p in waiting if membership(p) is Membership.NOT_LINKED]
    if not strangers:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            translatable(
                "Everyone waiting came by their own member's link: let each one in, or not, by "
                "name."
            ),
        )
    # Nobody waiting has a turn, so nothing else about the session changes.
    for person in strangers:
        draft.emit(ev.ParticipantLeft(participant_id=person, removed=True))


@handles(cmd.SetJoining)
def _set_joining(draft: Draft, command: cmd.SetJoining) -> None:
    if draft.state.joining_open == command.open:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            translatable("New people can already join.")
            if command.open
            else translatable("Joining is already closed."),
        )
    draft.emit(ev.JoiningSet(open=command.open))


@handles(cmd.SetJoinWord)
def _set_join_word(draft: Draft, command: cmd.SetJoinWord) -> None:
    if draft.state.join_word == command.word:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            translatable("Joining does not ask for a word.")
            if command.word is None
            else translatable("That is the word now."),
        )
    draft.emit(ev.JoinWordSet(word=command.word))


@handles(cmd.Leave)
def _leave(draft: Draft, command: cmd.Leave) -> None:
    _leave_session(draft, draft.actor.id, removed=False)


@handles(cmd.StepOut)
def _step_out(draft: Draft, command: cmd.StepOut) -> None:
    person = draft.person_id(command.participant_id)
    presence = draft.presence_of(person)
    if presence is Presence.STEPPED_OUT:
        own = person == draft.actor.id
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            translatable("Already stepped out — come back any time.")
            if own
            else Words("%(name)s has already stepped out.", name=draft.state.name_of(person)),
        )
    draft.require_admitted(person, presence)
    draft.emit(ev.ParticipantSteppedOut(participant_id=person))
    stage = draft.state.current_stage
    if stage is None or stage.active_turn is None or stage.active_turn.participant_id != person:
        return
    slot = stage.active_slot
    if slot is TurnSlot.ROUND:
        # It is OK to leave and come back: the turn waits for them instead of being lost.
        end_active_turn(draft, stage, TurnStatus.WAITING)
        start_next_turn(draft, stage.id)
    elif slot is not None and stage.active_turn.timer and stage.active_turn.timer.running:
        draft.emit(ev.SpeakerTimerPaused(stage_id=stage.id, slot=slot, at=draft.now))


@handles(cmd.ComeBack)
def _come_back(draft: Draft, command: cmd.ComeBack) -> None:
    person = draft.person_id(command.participant_id)
    presence = draft.presence_of(person)
    if presence is Presence.PRESENT:
        own = person == draft.actor.id
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            translatable("You are already here.")
            if own
            else Words("%(name)s is already here.", name=draft.state.name_of(person)),
        )
    draft.require_admitted(person, presence)
    draft.emit(ev.ParticipantCameBack(participant_id=person))
    stage = draft.state.current_stage
    if stage is None:
        return
    taking = stage.taking_time
    if (
        taking is not None
        and taking.phase is TakingTimePhase.CHOOSING
        and taking.taker_id == person
    ):
        # They were chosen to Take Time while out: their time starts now they are back.
        start_taker_turn(draft, stage, person)
        return
    start_next_turn(draft, stage.id)


@handles(cmd.RaiseHand)
def _raise_hand(draft: Draft, command: cmd.RaiseHand) -> None:
    if draft.state.participants[draft.actor.id].hand_raised:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("Your hand is already raised."))
    if not draft.state.is_present(draft.actor.id):
        raise Refusal(
            RejectionCode.INVALID, translatable("Come back in first, then raise your hand.")
        )
    draft.emit(ev.HandRaised(participant_id=draft.actor.id))


@handles(cmd.LowerHand)
def _lower_hand(draft: Draft, command: cmd.LowerHand) -> None:
    person = draft.person_id(command.participant_id)
    draft.presence_of(person)
    if not draft.state.participants[person].hand_raised:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("That hand is already lowered."))
    draft.emit(ev.HandLowered(participant_id=person))


@handles(cmd.AcknowledgeHand)
def _acknowledge_hand(draft: Draft, command: cmd.AcknowledgeHand) -> None:
    person = command.participant_id
    draft.presence_of(person)
    someone = draft.state.participants[person]
    if not someone.hand_raised:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            Words("%(name)s's hand is no longer raised.", name=someone.label),
        )
    if someone.hand_seen_by == draft.actor.id:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            Words("You have already marked %(name)s's hand as seen.", name=someone.label),
        )
    if someone.hand_seen_by is not None:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            Words(
                "%(who)s has already marked %(name)s's hand as seen.",
                who=draft.state.name_of(someone.hand_seen_by),
                name=someone.label,
            ),
        )
    draft.emit(ev.HandAcknowledged(participant_id=person, by=draft.actor.id))


@handles(cmd.RequestSupport)
def _request_support(draft: Draft, command: cmd.RequestSupport) -> None:
    if draft.state.participants[draft.actor.id].support_requested:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            translatable("The facilitators already know; one of them will check in."),
        )
    draft.emit(ev.SupportRequested(participant_id=draft.actor.id))


@handles(cmd.ClearSupportRequest)
def _clear_support_request(draft: Draft, command: cmd.ClearSupportRequest) -> None:
    person = draft.person_id(command.participant_id)
    draft.presence_of(person)
    if not draft.state.participants[person].support_requested:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("There is no support request to clear.")
        )
    draft.emit(ev.SupportRequestCleared(participant_id=person))


@handles(cmd.SetSupportResources)
def _set_support_resources(draft: Draft, command: cmd.SetSupportResources) -> None:
    if command.support_resources == draft.state.support_resources:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("The session shows these already."))
    draft.emit(ev.SupportResourcesSet(support_resources=command.support_resources))


@handles(cmd.FollowUpDone)
def _follow_up_done(draft: Draft, command: cmd.FollowUpDone) -> None:
    state = draft.state
    if state.status is not SessionStatus.ENDED:
        raise Refusal(
            RejectionCode.INVALID,
            translatable("Follow-up is marked done once the session has ended."),
        )
    if state.support_followed_up is not None:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("The follow-up is already marked done.")
        )
    asked = sum(1 for person in state.participants.values() if person.asked_for_support)
    if asked == 0:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("Nobody asked for support in this session.")
        )
    draft.emit(ev.SupportFollowedUp(count=asked))


@handles(cmd.OfferToTakeTime)
def _offer_to_take_time(draft: Draft, command: cmd.OfferToTakeTime) -> None:
    if draft.state.participants[draft.actor.id].offered_to_take_time == command.offered:
        message = (
            translatable("You have already offered.")
            if command.offered
            else translatable("You have not offered.")
        )
        raise Refusal(RejectionCode.NOTHING_TO_DO, message)
    draft.emit(ev.TakeTimeOffered(participant_id=draft.actor.id, offered=command.offered))
