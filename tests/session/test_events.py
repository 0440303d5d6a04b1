"""Events: what the store may keep of them, and that every one of them survives JSON."""

from __future__ import annotations

from app.agenda.stages import StageKind
from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session import events as ev
from app.session.event_base import EventBase, UndoEffect
from app.session.events import EVENT_ADAPTER, EVENTS_ADAPTER
from app.session.state import Presence, SessionSettings, TakingTimePhase, TurnSlot
from tests.support.engine import Driver

ONE_OF_EACH: list[EventBase] = [
    ev.SessionCreated(
        title="T",
        group_name="G",
        template_key="k",
        settings=SessionSettings(),
        facilitators=(),
        stages=(ev.StageSpec(id="s1", kind=StageKind.ROUND, title="R", planned_s=60),),
    ),
    ev.SessionStarted(at=1, planned_end=2),
    ev.SessionEnded(at=3),
    ev.SessionPaused(at=2),
    ev.SessionResumed(at=3),
    ev.ServerWasAway(down_at=3, back_at=15),
    ev.StageStarted(stage_id="s1", at=1),
    ev.StageClosed(stage_id="s1", skipped=True, at=2),
    ev.StageInserted(
        stage=ev.StageSpec(id="s2", kind=StageKind.BREAK, title="B", planned_s=60), index=1
    ),
    ev.StageMoved(stage_id="s2", index=0),
    ev.StageBudgetSet(stage_id="s1", planned_s=120),
    ev.StageTimeExtended(stage_id="s1", seconds=30),
    ev.RoundStarted(stage_id="s1", order=("p1", "p2")),
    ev.RoundReordered(stage_id="s1", order=("p2", "p1")),
    ev.LateArrivalAdded(stage_id="s1", participant_id="p3"),
    ev.TurnStarted(stage_id="s1", slot=TurnSlot.TAKER, participant_id="p1", budget_s=9, at=1),
    ev.TurnEnded(stage_id="s1", participant_id="p1", outcome=TurnStatus.PASSED, at=2),
    ev.TurnSkipped(stage_id="s1", participant_id="p2"),
    ev.TurnReopened(stage_id="s1", participant_id="p2"),
    ev.SpeakerTimerPaused(stage_id="s1", slot=TurnSlot.ROUND, at=1),
    ev.SpeakerTimerResumed(stage_id="s1", slot=TurnSlot.REFLECTION, at=2),
    ev.SpeakerTimeExtended(stage_id="s1", slot=TurnSlot.ROUND, seconds=5),
    ev.ParticipantJoined(participant_id="p1", name="Priya"),
    ev.ParticipantAdmitted(participant_id="p1"),
    ev.NameCheckRecorded(participant_id="p1"),
    ev.MemberForgotten(participant_id="p1"),
    ev.ParticipantSteppedOut(participant_id="p1"),
    ev.ParticipantCameBack(participant_id="p1"),
    ev.ParticipantLeft(participant_id="p1", removed=False),
    ev.ParticipantReadmitted(participant_id="p1", presence=Presence.PRESENT),
    ev.JoiningSet(open=False),
    ev.JoinWordSet(word="heron"),
    ev.HandRaised(participant_id="p1"),
    ev.HandLowered(participant_id="p1"),
    ev.HandAcknowledged(participant_id="p1", by="f1"),
    ev.SupportRequested(participant_id="p1"),
    ev.SupportRequestCleared(participant_id="p1"),
    ev.SupportFollowedUp(count=2),
    ev.SupportResourcesSet(support_resources=()),
    ev.TakeTimeOffered(participant_id="p1", offered=True),
    ev.TakerChosen(stage_id="s1", participant_id=None),
    ev.TakingTimePhaseChanged(stage_id="s1", phase=TakingTimePhase.COMPLETE),
    ev.AgreedQuestionSet(stage_id="s1", question="What helps?"),
    ev.PromiseKept(promise="a-priya", stage_id="s4"),
    ev.PromiseReleased(promise="a-priya"),
    ev.SettingsChanged(settings=SessionSettings(minimum_share_s=10)),
    ev.FlowUndone(undone_version=4, description="moved to the next speaker (Priya)"),
]


def test_every_event_kind_is_covered_here() -> None:
    assert (
        len({type(e) for e in ONE_OF_EACH})
        == len(ONE_OF_EACH)
        == len(EVENT_ADAPTER.json_schema()["oneOf"])
    )


def test_every_event_survives_json() -> None:
    for event in ONE_OF_EACH:
        assert EVENT_ADAPTER.validate_json(EVENT_ADAPTER.dump_json(event)) == event  # type: ignore[arg-type]
    blob = EVENTS_ADAPTER.dump_json(ONE_OF_EACH)  # type: ignore[arg-type]
    assert EVENTS_ADAPTER.validate_json(blob) == ONE_OF_EACH


def test_the_agreed_question_is_redacted_for_storage_and_nothing_else_is() -> None:
    for event in ONE_OF_EACH:
        stored = event.for_storage()
        if isinstance(event, ev.AgreedQuestionSet):
            assert stored == ev.AgreedQuestionSet(stage_id="s1", question=None)
            assert event.question == "What helps?"  # the live event keeps it
        else:
            assert stored is event


def test_no_event_of_a_real_session_carries_words_into_storage() -> None:
    d = Driver.weekly(3)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    d.ok(d.sam, c.SetAgreedQuestion, question="A very private question")
    stored = [e.for_storage() for commit in d.commits for e in commit.events]
    assert "private" not in EVENTS_ADAPTER.dump_json(stored).decode()  # type: ignore[arg-type]


def test_flow_events_are_marked() -> None:
    flow = {type(e).__name__ for e in ONE_OF_EACH if e.moves_flow}
    assert flow == {
        "SessionStarted",
        "SessionEnded",
        "StageStarted",
        "StageClosed",
        "StageInserted",
        "StageMoved",
        "RoundStarted",
        "RoundReordered",
        "TurnStarted",
        "TurnEnded",
        "TurnSkipped",
        "TurnReopened",
        "TakerChosen",
        "TakingTimePhaseChanged",
        "PromiseReleased",
        "FlowUndone",
    }


def test_undo_effects_are_marked() -> None:
    """Only changes to the agenda alone can be undone; only signals leave an undo possible."""
    by_effect = {
        effect: {type(e).__name__ for e in ONE_OF_EACH if e.undo_effect is effect}
        for effect in UndoEffect
    }
    assert by_effect[UndoEffect.AGENDA] == {
        "StageStarted",
        "StageClosed",
        "StageInserted",
        "StageMoved",
        "StageBudgetSet",
        "StageTimeExtended",
        "RoundStarted",
        "RoundReordered",
        "LateArrivalAdded",
        "TurnStarted",
        "TurnEnded",
        "TurnSkipped",
        "TurnReopened",
        "SpeakerTimerPaused",
        "SpeakerTimerResumed",
        "SpeakerTimeExtended",
        "TakingTimePhaseChanged",
        "PromiseKept",
        "PromiseReleased",
    }
    assert by_effect[UndoEffect.BYSTANDER] == {
        "ParticipantJoined",
        "NameCheckRecorded",
        "MemberForgotten",
        "HandRaised",
        "HandLowered",
        "HandAcknowledged",
        "SupportRequested",
        "SupportRequestCleared",
        "SupportFollowedUp",
        "SupportResourcesSet",
        "TakeTimeOffered",
        "SettingsChanged",
        "JoiningSet",
        "JoinWordSet",
    }
