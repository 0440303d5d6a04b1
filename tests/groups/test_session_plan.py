"""The engine hook: a session created with a group's agenda, guidelines and carried actions."""

import pytest
from pydantic import ValidationError

from app.agenda.carry_over import ActionKind, CarriedAction, SessionGuideline
from app.agenda.stages import StageKind, StagePlan
from app.agenda.templates import STRONGER_TOGETHER
from app.session import commands as c
from app.session.command_base import FacilitatorSpec, Role
from app.session.events import SessionCreated
from app.session.state import SessionState
from app.session.storage import events_for_storage
from app.session.views import FacilitatorView, ParticipantView, view_for
from tests.support.engine import FACILITATORS, Driver, rebuild

PRIYA_TIME = CarriedAction(
    kind=ActionKind.GUARANTEED_TIME, detail="Priya is guaranteed time.", peer_name="Priya"
)
HANDOUT = CarriedAction(kind=ActionKind.HANDOUT, detail="Send the grounding handout.")
GUIDELINES = (
    SessionGuideline(text="We listen with compassion."),
    SessionGuideline(text="Phones on silent.", review_due=True),
)


def group_session(template_key: str = "peer-support-plus-weekly", **fields: object) -> Driver:
    driver = Driver()
    driver.ok(
        driver.sam,
        c.CreateSession,
        title="Monday 23 November",
        group_name="Riverside",
        template_key=template_key,
        facilitators=tuple(FacilitatorSpec(id=i, name=n) for i, n in FACILITATORS),
        for_group=True,
        **fields,
    )
    for index in range(2):
        driver.join(index)
        driver.ok(driver.sam, c.Admit, participant_id=driver.pid(index))
    return driver


def facilitator_view(state: SessionState) -> FacilitatorView:
    view = view_for(state, Role.FACILITATOR, "f1")
    assert isinstance(view, FacilitatorView)
    return view


def test_a_stored_agenda_replaces_the_seed_named_by_the_template_key() -> None:
    driver = group_session(agenda=STRONGER_TOGETHER.stages)

    assert [s.title for s in driver.state.stages] == [s.title for s in STRONGER_TOGETHER.stages]
    assert driver.state.stages[1].kind is StageKind.GUIDELINES


def test_an_agenda_of_ones_own_needs_no_seed_of_that_name() -> None:
    driver = group_session(
        template_key="sams-own~abc",
        agenda=(StagePlan(kind=StageKind.ACTIVITY, title="A walk", minutes=45),),
    )

    assert [s.title for s in driver.state.stages] == ["A walk"]
    assert driver.state.template_key == "sams-own~abc"


def test_an_agenda_with_no_stages_is_refused_before_it_reaches_the_engine() -> None:
    with pytest.raises(ValidationError):
        c.CreateSession(
            id="x",
            title="T",
            group_name="G",
            template_key="k",
            facilitators=(FacilitatorSpec(id="f1", name="Sam"),),
            agenda=(),
        )


def test_the_welcome_stage_shows_what_was_carried_over_guideline_reviews_and_apologies() -> None:
    driver = group_session(
        guidelines=GUIDELINES, carried_over=(PRIYA_TIME, HANDOUT), apologies=("Mere",)
    )
    driver.ok(driver.sam, c.StartSession)

    view = facilitator_view(driver.state)

    assert view.current_stage is not None
    assert view.current_stage.kind is StageKind.WELCOME
    assert view.carried_over == [PRIYA_TIME, HANDOUT]
    assert view.guidelines_due_review == ["Phones on silent."]
    assert view.apologies == ["Mere"]
    assert view.for_group


def test_the_guaranteed_taking_time_is_in_the_facilitator_view_of_the_invite_stage() -> None:
    driver = group_session(carried_over=(PRIYA_TIME, HANDOUT))
    driver.ok(driver.sam, c.StartSession)
    while driver.state.current_stage.kind is not StageKind.INVITE_TAKING_TIME:  # type: ignore[union-attr]
        driver.ok(driver.sam, c.AdvanceStage)

    view = facilitator_view(driver.state)

    assert view.guaranteed_time == [PRIYA_TIME]


def test_participants_never_see_the_groups_housekeeping() -> None:
    driver = group_session(carried_over=(PRIYA_TIME,), apologies=("Mere",))

    view = view_for(driver.state, Role.PARTICIPANT, driver.pid(0))

    assert isinstance(view, ParticipantView)
    assert "Priya is guaranteed" not in view.model_dump_json()
    assert "Mere" not in view.model_dump_json()


def test_what_the_group_brought_survives_a_replay_from_stored_events() -> None:
    driver = group_session(guidelines=GUIDELINES, carried_over=(PRIYA_TIME,), apologies=("Mere",))
    created = driver.commits[0].events[0]
    assert isinstance(created, SessionCreated)

    stored = events_for_storage([created])[0]

    assert SessionCreated.model_validate(stored) == created
    assert rebuild(driver.state.session_id, driver.commits) == driver.state


def test_a_session_without_a_group_is_not_marked_as_one() -> None:
    driver = Driver.weekly(participants=1)

    view = facilitator_view(driver.state)

    assert not view.for_group
    assert view.carried_over == []
