"""A week of fair time, played through the engine and the group's own records (issue 14).

The Riverside group meets weekly; last week it promised Priya a chance to Take Time. This week:
Lee steps out of the Round of Good News and Mere's share does not grow; the facilitators jump
past both Taking Time items with "Go to" (the promise must not be used up); the closing round
is given +5 min twice, six of the eight pass, and Wen arrives late and speaks last. The summary
keeps the plan as planned, the extensions as rows of their own and the order as it happened;
the group settles the promise and it carries to next week, where Priya Takes Time and it is kept.
On SQLite and PostgreSQL (the group's records).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from app.agenda.carry_over import ActionKind, CarriedAction
from app.groups.rules import GroupKind, MeetingPattern, PendingAction, actions_for_meeting
from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session.airtime import airtime_report
from app.session.airtime_facts import AdjustmentKind
from app.session.command_base import FacilitatorSpec
from app.session.state import PromiseOutcome, StageStatus
from app.session.storage import events_for_storage
from app.store.accounts import Account, Accounts
from app.store.database import create_database_engine, migrate
from app.store.groups import Action, Group, Groups
from tests.session.test_airtime import Stored
from tests.support.engine import Driver

WEEK_1 = date(2026, 11, 24)
WEEK_2 = WEEK_1 + timedelta(weeks=1)
REGULARS = ("Priya", "Tom", "Lee", "Mere", "Jo", "Kim", "Ravi", "Zoe")
PRIYA, TOM, LEE, MERE, JO, KIM, RAVI, ZOE = range(len(REGULARS))
WEN = len(REGULARS)
MAXIMUM = 300.0  # the group's maximum share, by default
SAM = Account(
    id="account-sam",
    email="sam@example.org",
    display_name="Sam",
    password_hash="$argon2id$not-a-real-hash",
    credential_version=1,
    created_at=1_763_900_000.0,
)
RIVERSIDE = Group(
    id="riverside",
    name="Riverside",
    kind=GroupKind.WELLBEING,
    meeting_pattern=MeetingPattern.WEEKLY,
    first_meeting_on=WEEK_1 - timedelta(weeks=4),
    meeting_time="18:30",
    time_zone="Pacific/Auckland",
    online=False,
    venue="Hall",
    template_key="peer-support-plus-weekly",
    retention_days=365,
    created_at=1_763_900_000.0,
)


@pytest.fixture
def groups(database_url: str) -> Iterator[Groups]:
    engine = create_database_engine(database_url)
    migrate(engine)
    Accounts(engine).create(SAM)
    store = Groups(engine)
    store.create(RIVERSIDE, SAM.id, ["We listen."], RIVERSIDE.first_meeting_on)
    store.add_action(
        RIVERSIDE.id,
        Action(
            id="promise-priya",
            kind=ActionKind.GUARANTEED_TIME,
            detail="Priya is guaranteed a chance to Take Time first.",
            peer_name="Priya",
            due_on=WEEK_1,
            recorded_at=1_763_900_100.0,
        ),
    )
    try:
        yield store
    finally:
        engine.dispose()


def open_meeting(groups: Groups, meeting_on: date, session_id: str) -> Driver:
    """What the shell does when a facilitator starts the week's session: the actions due are
    carried into it, and everyone comes (Wen, new, waits outside for now)."""
    actions = groups.actions(RIVERSIDE.id)
    carried = actions_for_meeting(
        (PendingAction(a.id, a.kind, a.due_on, a.carried_into) for a in actions), meeting_on
    )
    brought = tuple(
        CarriedAction(kind=a.kind, detail=a.detail, peer_name=a.peer_name, action_id=a.id)
        for a in actions
        if a.id in carried
    )
    d = Driver(session_id)
    d.ok(d.sam, c.CreateSession, **_create_fields(brought))
    for index, name in enumerate(REGULARS):
        d.ok(d.person(index), c.Join, name=name)
        d.ok(d.sam, c.Admit, participant_id=d.pid(index))
    d.ok(d.sam, c.StartSession)
    groups.record_session(RIVERSIDE.id, session_id, meeting_on, d.now, carried)
    return d


def _create_fields(brought: tuple[CarriedAction, ...]) -> dict[str, Any]:
    return {
        "title": "Tuesday",
        "group_name": RIVERSIDE.name,
        "template_key": RIVERSIDE.template_key,
        "facilitators": (
            FacilitatorSpec(id="f1", name="Sam"),
            FacilitatorSpec(id="f2", name="Ana"),
        ),
        "carried_over": brought,
        "for_group": True,
    }


def settle(groups: Groups, d: Driver) -> None:
    """What the group's pages do once the session is over."""
    outcomes = {key: outcome.value for key, outcome in d.state.promises.items()}
    groups.settle_promises(RIVERSIDE.id, d.state.session_id, outcomes)


def speak_in_full(d: Driver) -> tuple[str, float]:
    turn = d.stage().active_turn
    assert turn is not None
    assert turn.timer is not None
    given = turn.timer.budget_s
    d.tick(given)
    d.ok(d.sam, c.Share, participant_id=turn.participant_id)
    return turn.participant_id, given


def play_good_news(d: Driver) -> dict[str, float]:
    """Lee steps out as the round begins and is back once Mere has spoken."""
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(LEE), c.StepOut)
    shares: dict[str, float] = {}
    while d.speaker() is not None:
        person, given = speak_in_full(d)
        shares[person] = given
        if person == d.pid(MERE):
            d.ok(d.person(LEE), c.ComeBack)
    return shares


def play_closing_round(d: Driver) -> dict[str, float]:
    """+5 min twice; six of the eight pass; Wen is let in late and speaks last."""
    d.go_to("Round of “Something I am taking away”")
    d.ok(d.sam, c.StartRound)
    d.ok(d.sam, c.ExtendTime, seconds=300.0, target="stage")
    d.ok(d.sam, c.ExtendTime, seconds=300.0, target="stage")
    for _ in range(6):
        speaker = d.speaker()
        assert speaker is not None
        d.tick(5)
        d.ok(d.sam, c.Pass, participant_id=speaker)
    d.ok(d.person(WEN), c.Join, name="Wen")
    d.ok(d.sam, c.Admit, participant_id=d.pid(WEN))
    shares: dict[str, float] = {}
    while d.speaker() is not None:
        person, given = speak_in_full(d)
        shares[person] = given
    return shares


def test_a_week_of_fair_time_and_a_promise_that_carries(groups: Groups) -> None:
    d = open_meeting(groups, WEEK_1, "week-1")
    assert [a.peer_name for a in d.state.open_promises] == ["Priya"]

    good_news = play_good_news(d)
    # 10 minutes for eight: 75 s each, Lee's kept for him while he was out, Mere's not grown.
    assert good_news == {d.pid(i): 75.0 for i in range(len(REGULARS))}
    # Back while Jo was being asked: Lee is asked next, his share waiting for him.
    assert list(good_news)[:5] == [d.pid(i) for i in (PRIYA, TOM, MERE, JO, LEE)]

    d.go_to("Comfort and refreshment break")  # past both Taking Time items, Priya promised
    assert d.stage_titled("Taking Time 1").status is StageStatus.UPCOMING
    assert d.state.promises == {}

    closing = play_closing_round(d)
    # 9 min + 10 min, 30 s used by the passes: 1,110 s for Ravi and Zoe, then Wen too; each
    # stops at the maximum and the rest goes back to the session.
    assert closing == {d.pid(RAVI): MAXIMUM, d.pid(ZOE): MAXIMUM, d.pid(WEN): MAXIMUM}
    assert d.stage().timer.remaining(d.now) == pytest.approx(540 + 600 - 30 - 3 * MAXIMUM)
    d.ok(d.sam, c.EndSession)

    report = airtime_report(
        d.state.session_id,
        [
            Stored(k.version, k.command_id, k.actor_id, events_for_storage(k.events))
            for k in d.commits
        ],
        d.now,
    )
    closing_stage = next(s for s in report.stages if s.title.startswith("Round of “Something"))
    assert closing_stage.planned_s == 540  # as planned at the start, not 19 minutes
    assert [(a.kind, a.seconds) for a in report.adjustments] == [
        (AdjustmentKind.ITEM_EXTENDED, 300.0),
        (AdjustmentKind.ITEM_EXTENDED, 300.0),
    ]
    [good_news_round, closing_round] = report.rounds
    assert [t.name for t in good_news_round.turns][:5] == ["Priya", "Tom", "Mere", "Jo", "Lee"]
    assert [(t.name, t.seat, t.outcome) for t in closing_round.turns][-3:] == [
        ("Ravi", 7, TurnStatus.SHARED),
        ("Zoe", 8, TurnStatus.SHARED),
        ("Wen", 9, TurnStatus.SHARED),  # where she spoke, not "asked 1"
    ]
    assert [t.outcome for t in closing_round.turns[:6]] == [TurnStatus.PASSED] * 6

    settle(groups, d)
    [promise] = groups.actions(RIVERSIDE.id)
    assert (promise.carried_into, promise.settled_as) == (None, None)  # still owed

    week_2 = open_meeting(groups, WEEK_2, "week-2")
    assert [a.action_id for a in week_2.state.open_promises] == ["promise-priya"]
    week_2.go_to("Taking Time 1")
    week_2.ok(week_2.sam, c.ChooseTaker, participant_id=week_2.pid(PRIYA))
    assert week_2.state.promises == {"promise-priya": PromiseOutcome.KEPT}
    week_2.ok(week_2.sam, c.EndSession)
    settle(groups, week_2)

    [kept] = groups.actions(RIVERSIDE.id)
    assert (kept.carried_into, kept.settled_as) == ("week-2", "kept")
    week_3 = WEEK_2 + timedelta(weeks=1)
    pending = (PendingAction(a.id, a.kind, a.due_on, a.carried_into) for a in [kept])
    assert actions_for_meeting(pending, week_3) == []


def test_a_released_promise_is_done_and_a_settled_session_is_not_settled_twice(
    groups: Groups,
) -> None:
    d = open_meeting(groups, WEEK_1, "week-1")
    d.ok(d.ana, c.ReleasePromise, promise="promise-priya")
    d.ok(d.sam, c.EndSession)
    settle(groups, d)
    settle(groups, d)
    [released] = groups.actions(RIVERSIDE.id)
    assert (released.carried_into, released.settled_as) == ("week-1", "released")
    assert groups.unsettled_promises(RIVERSIDE.id) == {}
