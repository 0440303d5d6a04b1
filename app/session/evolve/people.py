"""How who is here changes: arrivals, presence, hands, support requests, offers."""

from __future__ import annotations

from app.session import events as ev
from app.session.evolve.rule import rule, with_participant
from app.session.state import ERASED_NAME, Participant, Presence, SessionState


@rule.register
def _(event: ev.ParticipantJoined, state: SessionState) -> SessionState:
    person = Participant(
        id=event.participant_id,
        name=event.name,
        member_id=event.member_id,
        name_check_pending=event.name_check_pending,
        namesake=state.namesake_for(event.name),
    )
    return state.model_copy(update={"participants": {**state.participants, person.id: person}})


@rule.register
def _(event: ev.NameCheckRecorded, state: SessionState) -> SessionState:
    return with_participant(state, event.participant_id, name_check_pending=False)


@rule.register
def _(event: ev.MemberForgotten, state: SessionState) -> SessionState:
    return with_participant(state, event.participant_id, name=ERASED_NAME, namesake=1)


@rule.register
def _(event: ev.ParticipantAdmitted, state: SessionState) -> SessionState:
    return with_participant(state, event.participant_id, presence=Presence.PRESENT, was_let_in=True)


@rule.register
def _(event: ev.ParticipantSteppedOut, state: SessionState) -> SessionState:
    return with_participant(
        state,
        event.participant_id,
        presence=Presence.STEPPED_OUT,
        hand_raised=False,
        hand_seen_by=None,
    )


@rule.register
def _(event: ev.ParticipantCameBack, state: SessionState) -> SessionState:
    return with_participant(state, event.participant_id, presence=Presence.PRESENT)


@rule.register
def _(event: ev.ParticipantLeft, state: SessionState) -> SessionState:
    waiting = state.participants[event.participant_id].presence is Presence.WAITING_ROOM
    return with_participant(
        state,
        event.participant_id,
        presence=Presence.LEFT,
        sent_away=event.removed and waiting,
        removed=event.removed,
        hand_raised=False,
        hand_seen_by=None,
        support_requested=False,
        offered_to_take_time=False,
    )


@rule.register
def _(event: ev.ParticipantReadmitted, state: SessionState) -> SessionState:
    return with_participant(
        state, event.participant_id, presence=event.presence, sent_away=False, removed=False
    )


@rule.register
def _(event: ev.JoiningSet, state: SessionState) -> SessionState:
    return state.model_copy(update={"joining_open": event.open})


@rule.register
def _(event: ev.JoinWordSet, state: SessionState) -> SessionState:
    return state.model_copy(update={"join_word": event.word})


@rule.register
def _(event: ev.HandRaised, state: SessionState) -> SessionState:
    number = state.hands_raised_so_far + 1
    raised = with_participant(
        state, event.participant_id, hand_raised=True, hand_raised_as=number, hand_seen_by=None
    )
    return raised.model_copy(update={"hands_raised_so_far": number})


@rule.register
def _(event: ev.HandLowered, state: SessionState) -> SessionState:
    return with_participant(state, event.participant_id, hand_raised=False, hand_seen_by=None)


@rule.register
def _(event: ev.HandAcknowledged, state: SessionState) -> SessionState:
    return with_participant(state, event.participant_id, hand_seen_by=event.by)


@rule.register
def _(event: ev.SupportRequested, state: SessionState) -> SessionState:
    return with_participant(
        state, event.participant_id, support_requested=True, asked_for_support=True
    )


@rule.register
def _(event: ev.SupportRequestCleared, state: SessionState) -> SessionState:
    return with_participant(state, event.participant_id, support_requested=False)


@rule.register
def _(event: ev.SupportResourcesSet, state: SessionState) -> SessionState:
    return state.model_copy(update={"support_resources": event.support_resources})


@rule.register
def _(event: ev.SupportFollowedUp, state: SessionState) -> SessionState:
    forgotten = {
        person.id: person.model_copy(
            update={"support_requested": False, "asked_for_support": False}
        )
        for person in state.participants.values()
    }
    return state.model_copy(update={"participants": forgotten, "support_followed_up": event.count})


@rule.register
def _(event: ev.TakeTimeOffered, state: SessionState) -> SessionState:
    return with_participant(state, event.participant_id, offered_to_take_time=event.offered)
