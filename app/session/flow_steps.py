"""The kinds of change to the flow of a session (whose turn, which stage), each said as whole
sentences a translator can turn around: "Sam started the round." on the console, and "Sam
already started the round." (or "You already started the round.") to a stale click.

A sentence never grows from a fragment ("already " + "started the round"): Spanish says "Sam ya
empezó la ronda." but "Ya empezaste la ronda.", and other languages move more than that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.translatable import Words, translatable


class FlowStep(StrEnum):
    FINISHED_SHARING = "finished_sharing"
    FINISHED_SHARING_THEN = "finished_sharing_then"
    PASSED = "passed"
    PASSED_THEN = "passed_then"
    PASSED_FOR_NOW = "passed_for_now"
    PASSED_FOR_NOW_THEN = "passed_for_now_then"
    STEPPED_OUT = "stepped_out"
    STEPPED_OUT_THEN = "stepped_out_then"
    SKIPPED_OWN_TURN = "skipped_own_turn"
    SKIPPED_OWN_TURN_THEN = "skipped_own_turn_then"
    NEXT_SPEAKER = "next_speaker"
    GAVE_THE_TURN = "gave_the_turn"
    UNDID = "undid"
    MOVED_TO_STAGE = "moved_to_stage"
    MOVED_TO_NEXT_ITEM = "moved_to_next_item"
    ENDED_SESSION = "ended_session"
    STARTED_SESSION = "started_session"
    ENDED_TURN = "ended_turn"
    SKIPPED_TURN = "skipped_turn"
    RETURNED_TO = "returned_to"
    STARTED_ROUND = "started_round"
    REORDERED_ROUND = "reordered_round"
    CHOSE_TAKER = "chose_taker"
    MOVED_TAKING_TIME_ON = "moved_taking_time_on"
    RELEASED_PROMISE = "released_promise"
    CHANGED_AGENDA = "changed_agenda"
    # A change kept in a snapshot from before steps were kept, whose kind is not known.
    SOME_CHANGE = "some_change"


@dataclass(frozen=True, slots=True)
class _Said:
    # English, phrased to follow "Sam …", for the JSON API (FlowChange.description).
    fragment: str
    done: str
    already: str
    you_already: str


_SAID: Mapping[FlowStep, _Said] = {
    FlowStep.FINISHED_SHARING: _Said(
        "finished sharing",
        translatable("%(who)s finished sharing."),
        translatable("%(who)s already finished sharing."),
        translatable("You already finished sharing."),
    ),
    FlowStep.FINISHED_SHARING_THEN: _Said(
        "finished sharing — it is %(next)s's turn now",
        translatable("%(who)s finished sharing — it is %(next)s's turn now."),
        translatable("%(who)s already finished sharing — it is %(next)s's turn now."),
        translatable("You already finished sharing — it is %(next)s's turn now."),
    ),
    FlowStep.PASSED: _Said(
        "passed",
        translatable("%(who)s passed."),
        translatable("%(who)s already passed."),
        translatable("You already passed."),
    ),
    FlowStep.PASSED_THEN: _Said(
        "passed — it is %(next)s's turn now",
        translatable("%(who)s passed — it is %(next)s's turn now."),
        translatable("%(who)s already passed — it is %(next)s's turn now."),
        translatable("You already passed — it is %(next)s's turn now."),
    ),
    FlowStep.PASSED_FOR_NOW: _Said(
        "passed for now",
        translatable("%(who)s passed for now."),
        translatable("%(who)s already passed for now."),
        translatable("You already passed for now."),
    ),
    FlowStep.PASSED_FOR_NOW_THEN: _Said(
        "passed for now — it is %(next)s's turn now",
        translatable("%(who)s passed for now — it is %(next)s's turn now."),
        translatable("%(who)s already passed for now — it is %(next)s's turn now."),
        translatable("You already passed for now — it is %(next)s's turn now."),
    ),
    FlowStep.STEPPED_OUT: _Said(
        "stepped out",
        translatable("%(who)s stepped out."),
        translatable("%(who)s already stepped out."),
        translatable("You already stepped out."),
    ),
    FlowStep.STEPPED_OUT_THEN: _Said(
        "stepped out — it is %(next)s's turn now",
        translatable("%(who)s stepped out — it is %(next)s's turn now."),
        translatable("%(who)s already stepped out — it is %(next)s's turn now."),
        translatable("You already stepped out — it is %(next)s's turn now."),
    ),
    FlowStep.SKIPPED_OWN_TURN: _Said(
        "skipped a turn",
        translatable("%(who)s skipped a turn."),
        translatable("%(who)s already skipped a turn."),
        translatable("You already skipped a turn."),
    ),
    FlowStep.SKIPPED_OWN_TURN_THEN: _Said(
        "skipped a turn — it is %(next)s's turn now",
        translatable("%(who)s skipped a turn — it is %(next)s's turn now."),
        translatable("%(who)s already skipped a turn — it is %(next)s's turn now."),
        translatable("You already skipped a turn — it is %(next)s's turn now."),
    ),
    FlowStep.NEXT_SPEAKER: _Said(
        "moved to the next speaker (%(name)s)",
        translatable("%(who)s moved to the next speaker (%(name)s)."),
        translatable("%(who)s already moved to the next speaker (%(name)s)."),
        translatable("You already moved to the next speaker (%(name)s)."),
    ),
    FlowStep.GAVE_THE_TURN: _Said(
        "gave the turn to %(name)s",
        translatable("%(who)s gave the turn to %(name)s."),
        translatable("%(who)s already gave the turn to %(name)s."),
        translatable("You already gave the turn to %(name)s."),
    ),
    FlowStep.UNDID: _Said(
        "undid the last step: %(step)s",
        translatable("%(who)s undid the last step."),
        translatable("%(who)s already undid the last step."),
        translatable("You already undid the last step."),
    ),
    FlowStep.MOVED_TO_STAGE: _Said(
        "moved to %(title)s",
        translatable("%(who)s moved to %(title)s."),
        translatable("%(who)s already moved to %(title)s."),
        translatable("You already moved to %(title)s."),
    ),
    FlowStep.MOVED_TO_NEXT_ITEM: _Said(
        "moved to the next item",
        translatable("%(who)s moved to the next item."),
        translatable("%(who)s already moved to the next item."),
        translatable("You already moved to the next item."),
    ),
    FlowStep.ENDED_SESSION: _Said(
        "ended the session",
        translatable("%(who)s ended the session."),
        translatable("%(who)s already ended the session."),
        translatable("You already ended the session."),
    ),
    FlowStep.STARTED_SESSION: _Said(
        "started the session",
        translatable("%(who)s started the session."),
        translatable("%(who)s already started the session."),
        translatable("You already started the session."),
    ),
    FlowStep.ENDED_TURN: _Said(
        "ended %(name)s's turn",
        translatable("%(who)s ended %(name)s's turn."),
        translatable("%(who)s already ended %(name)s's turn."),
        translatable("You already ended %(name)s's turn."),
    ),
    FlowStep.SKIPPED_TURN: _Said(
        "skipped %(name)s's turn",
        translatable("%(who)s skipped %(name)s's turn."),
        translatable("%(who)s already skipped %(name)s's turn."),
        translatable("You already skipped %(name)s's turn."),
    ),
    FlowStep.RETURNED_TO: _Said(
        "returned to %(name)s",
        translatable("%(who)s returned to %(name)s."),
        translatable("%(who)s already returned to %(name)s."),
        translatable("You already returned to %(name)s."),
    ),
    FlowStep.STARTED_ROUND: _Said(
        "started the round",
        translatable("%(who)s started the round."),
        translatable("%(who)s already started the round."),
        translatable("You already started the round."),
    ),
    FlowStep.REORDERED_ROUND: _Said(
        "changed the order of the round",
        translatable("%(who)s changed the order of the round."),
        translatable("%(who)s already changed the order of the round."),
        translatable("You already changed the order of the round."),
    ),
    FlowStep.CHOSE_TAKER: _Said(
        "chose who is Taking Time",
        translatable("%(who)s chose who is Taking Time."),
        translatable("%(who)s already chose who is Taking Time."),
        translatable("You already chose who is Taking Time."),
    ),
    FlowStep.MOVED_TAKING_TIME_ON: _Said(
        "moved Taking Time on",
        translatable("%(who)s moved Taking Time on."),
        translatable("%(who)s already moved Taking Time on."),
        translatable("You already moved Taking Time on."),
    ),
    FlowStep.RELEASED_PROMISE: _Said(
        "released the promise of Taking Time to %(name)s",
        translatable("%(who)s released the promise of Taking Time to %(name)s."),
        translatable("%(who)s already released the promise of Taking Time to %(name)s."),
        translatable("You already released the promise of Taking Time to %(name)s."),
    ),
    FlowStep.CHANGED_AGENDA: _Said(
        "changed the agenda",
        translatable("%(who)s changed the agenda."),
        translatable("%(who)s already changed the agenda."),
        translatable("You already changed the agenda."),
    ),
    FlowStep.SOME_CHANGE: _Said(
        "made a change",
        translatable("%(who)s made a change."),
        translatable("%(who)s already made a change."),
        translatable("You already made a change."),
    ),
}


def fragment(step: FlowStep, values: Mapping[str, str]) -> str:
    """What was done, in English, phrased to follow "Sam …": "moved to the next speaker (Priya)"."""
    return _SAID[step].fragment % values


def done_by(step: FlowStep, values: Mapping[str, str], who: str) -> Words:
    """ "Sam started the round." """
    return Words(_SAID[step].done, who=who, **values)


def already_done_by(step: FlowStep, values: Mapping[str, str], who: str | None) -> Words:
    """ "Sam already started the round.", or with `who` None, "You already started the round." """
    if who is None:
        return Words(_SAID[step].you_already, **values)
    return Words(_SAID[step].already, who=who, **values)
