"""What of a session may be written down: the same facts, minus anything anybody said."""

from __future__ import annotations

from app.agenda.carry_over import ActionKind, CarriedAction
from app.session import commands as c
from app.session.events import EVENTS_ADAPTER, SessionCreated
from app.session.state import ERASED_NAME, SessionSettings, SessionState
from app.session.storage import erase_member, events_for_storage, state_for_storage
from tests.support.engine import Driver

QUESTION = "What helps when the panic starts?"


def with_agreed_question() -> Driver:
    d = Driver.weekly(3)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    d.ok(d.sam, c.SetAgreedQuestion, question=QUESTION)
    return d


def test_stored_events_never_hold_the_agreed_question() -> None:
    d = with_agreed_question()
    events = [e for commit in d.commits for e in commit.events]
    stored = events_for_storage(events)
    assert QUESTION not in str(stored)
    assert len(stored) == len(events)
    reloaded = EVENTS_ADAPTER.validate_python(stored)
    assert [type(e) for e in reloaded] == [type(e) for e in events]
    question_set = next(e for e in stored if e["type"] == "agreed_question_set")
    assert question_set["question"] is None


def test_a_stored_snapshot_is_the_state_without_the_agreed_question() -> None:
    d = with_agreed_question()
    snapshot = state_for_storage(d.state)
    assert QUESTION not in str(snapshot)
    restored = SessionState.model_validate(snapshot)
    taking = restored.stage(d.stage().id)
    assert taking is not None
    assert taking.taking_time is not None
    assert taking.taking_time.agreed_question is None
    # Everything else is kept, and the live state still has its question.
    assert restored.model_dump(exclude={"stages"}) == d.state.model_dump(exclude={"stages"})
    live = d.stage().taking_time
    assert live is not None
    assert live.agreed_question == QUESTION


def test_a_snapshot_without_a_question_is_the_state_itself() -> None:
    d = Driver.weekly(2)
    assert SessionState.model_validate(state_for_storage(d.state)) == d.state


def test_erasing_a_member_keeps_their_arrival_and_drops_their_name() -> None:
    d = Driver.weekly(0)
    d.ok(d.person(0), c.Join, name="Priya", member_id="m-priya")
    d.ok(d.person(1), c.Join, name="Priya", member_id="m-other")
    d.ok(d.person(2), c.Join, name="Tom")
    stored = events_for_storage([event for commit in d.commits for event in commit.events])

    erased = erase_member(stored, "m-priya", "Priya")

    joined = [e for e in erased if e["type"] == "participant_joined"]
    assert [(e["name"], e["member_id"]) for e in joined] == [
        (ERASED_NAME, "m-priya"),
        ("Priya", "m-other"),  # someone else of the same name keeps theirs
        ("Tom", None),
    ]
    assert erase_member(stored, "m-nobody", "Nobody") is stored  # nothing to rewrite


def test_what_names_people_only_by_name_is_kept_while_another_member_shares_it() -> None:
    created = SessionCreated(
        title="Tuesday",
        group_name="Riverside",
        template_key="peer-support-plus-weekly",
        settings=SessionSettings(),
        facilitators=(),
        stages=(),
        apologies=("Priya", "Mere"),
        carried_over=(
            CarriedAction(kind=ActionKind.GUARANTEED_TIME, detail="Time first", peer_name="Priya"),
        ),
    )
    stored = events_for_storage([created])

    shared = EVENTS_ADAPTER.validate_python(erase_member(stored, "m-priya", None))
    alone = EVENTS_ADAPTER.validate_python(erase_member(stored, "m-priya", "Priya"))

    assert shared == [created]
    (erased,) = alone
    assert isinstance(erased, SessionCreated)
    assert (erased.apologies, erased.carried_over) == (("Mere",), ())
