"""The phones' words through every step of Taking Time, rendered from views of a real session.

Priya offers, is chosen ahead, voices, agrees a question, the group shares in a Round of
Sharing (Tom shares, then the reflection is invited while Lee speaks, before Mo's turn),
Priya reflects, and Taking Time is complete. At each step: what Priya's phone says, what the
others' phones say, and which step the facilitators' console marks. docs/taking-time-words.md
is the same table in prose.

The rule behind them, checked as a property over random ways through Taking Time: a phone never
says something that is no longer true — the taker is never told a question is still to be
agreed once it is, nor that the group is sharing once it is not; nobody is told someone "is
Taking Time" once it is complete.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader

from app.session import commands as c
from app.session.command_base import Role
from app.session.state import Presence, TakingTimePhase
from app.session.views import FacilitatorView, ParticipantView, view_for
from app.web.rendering import add_filters
from tests.support.engine import Driver, engine_settings

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
RECORD = SimpleNamespace(id="s", join_code="HX7K2Q", title="Tuesday", group_name="Riverside")
QUESTION = "What helped when the evenings felt long?"
PRIYA, TOM, LEE, MO = 0, 1, 2, 3

ENV = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True)
add_filters(ENV)


def section(html: str, element_id: str) -> str:
    """The words of a top-level section, in one line."""
    found = re.search(rf'<section id="{element_id}".*?</section>', html, re.DOTALL)
    assert found is not None, element_id
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())
    return re.sub(r" ([.,;:])", r"\1", words)  # a name in <bdi> is followed by its full stop


class Phones:
    """What each phone's "you" and Taking Time panels say, and the console's current step."""

    def __init__(self, d: Driver) -> None:
        self.d = d

    def _phone(self, index: int) -> str:
        view = view_for(self.d.state, Role.PARTICIPANT, self.d.pid(index))
        assert isinstance(view, ParticipantView)
        return ENV.get_template("live/participant.html").render(view=view, session=RECORD)

    def you(self, index: int) -> str:
        return section(self._phone(index), "you-panel")

    def taking(self, index: int) -> str:
        return section(self._phone(index), "taking-time-panel")

    def console_step(self) -> str | None:
        view = view_for(self.d.state, Role.FACILITATOR)
        assert isinstance(view, FacilitatorView)
        html = ENV.get_template("live/console.html").render(
            view=view, session=RECORD, join_code=RECORD.join_code
        )
        step = re.search(r'<li class="phases__step" aria-current="step">([^<]*)</li>', html)
        return None if step is None else step.group(1)


def priya_offers_and_is_chosen() -> tuple[Driver, Phones]:
    d = Driver.weekly(4)
    d.go_to("Who would like to Take Time")
    return d, Phones(d)


def test_every_phone_follows_every_step_of_taking_time() -> None:
    d, phones = priya_offers_and_is_chosen()

    # Offered.
    d.ok(d.person(PRIYA), c.OfferToTakeTime, offered=True)
    assert "You've offered to Take Time. The facilitators will let you know when." in (
        phones.taking(PRIYA)
    )
    assert "I'd like to Take Time" in phones.taking(TOM)

    # Chosen ahead, for the first Taking Time; nobody else is told of the plan.
    d.ok(
        d.sam,
        c.ChooseTaker,
        participant_id=d.pid(PRIYA),
        stage_id=d.stage_titled("Taking Time 1").id,
    )
    assert "A facilitator has planned for you to Take Time in “Taking Time 1”." in (
        phones.taking(PRIYA)
    )
    assert "Withdraw my offer" not in phones.taking(PRIYA)
    assert "Priya" not in phones.taking(TOM)

    # Voicing: Priya speaks, everyone else listens.
    d.ok(d.sam, c.AdvanceStage)
    assert phones.console_step() == "Voicing"
    assert "You are Taking Time Take the time you need. Silence is fine." in phones.you(PRIYA)
    assert "a facilitator may agree a question with you" in phones.taking(PRIYA)
    assert "Priya is Taking Time. Listen with care; silence is fine." in phones.you(TOM)
    assert "Priya is Taking Time." in phones.taking(TOM)

    # Agreeing a question.
    d.ok(d.person(PRIYA), c.Share)
    assert phones.console_step() == "Agreeing a question"
    assert "A facilitator will agree a question with you, if you'd like the group to share." in (
        phones.you(PRIYA)
    )
    assert "A facilitator is agreeing a question with Priya." in phones.you(TOM)

    # The question is agreed: nobody is told it is still to be agreed.
    d.ok(d.sam, c.SetAgreedQuestion, question=QUESTION)
    assert phones.console_step() == "Agreeing a question"
    assert "Your question is agreed. The Round of Sharing will begin soon." in phones.you(PRIYA)
    assert "will agree a question" not in phones.you(PRIYA) + phones.taking(PRIYA)
    assert "The question is agreed." in phones.you(TOM)
    for person in (PRIYA, TOM):
        assert QUESTION in phones.taking(person)

    # The Round of Sharing: Tom first, then Lee.
    d.ok(d.sam, c.StartRound, order_policy="join_order")
    assert phones.console_step() == "Round of Sharing"
    assert "The group is sharing now. You'll be invited to reflect afterwards" in phones.you(PRIYA)
    assert "Your turn" in phones.you(TOM)
    assert QUESTION in phones.you(TOM)
    assert "You are next" in phones.you(LEE)
    assert "Share your own lived experience" in phones.taking(LEE)

    # Tom shares; the reflection is invited while Lee speaks, before Mo's turn.
    d.ok(d.person(TOM), c.Share)
    d.ok(d.sam, c.InviteReflection)
    assert phones.console_step() == "Reflection"
    assert "Your reflection You may say something about what was shared, or pass." in (
        phones.you(PRIYA)
    )
    assert "You've shared" in phones.you(TOM)
    assert "The Round of Sharing has ended It ended before your turn came." in phones.you(MO)
    assert "raise your hand" not in phones.you(MO)

    # Complete.
    d.ok(d.person(PRIYA), c.Share)
    assert phones.console_step() == "Complete"
    assert "Thank you for Taking Time Taking Time is complete." in phones.you(PRIYA)
    assert "You Took Time." in phones.taking(PRIYA)
    assert "Priya Took Time." in phones.taking(TOM)
    assert "The Round of Sharing has ended" in phones.you(MO)
    for person in (PRIYA, TOM, MO):
        assert "is Taking Time" not in phones.taking(person) + phones.you(person)


def test_a_taker_who_passes_is_told_that_is_fine_and_so_is_everyone() -> None:
    d, phones = priya_offers_and_is_chosen()
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id=d.pid(PRIYA))
    d.ok(d.person(PRIYA), c.Pass)
    assert "You passed That's completely fine." in phones.you(PRIYA)
    assert "You chose to pass this time." in phones.taking(PRIYA)
    assert "Priya chose to pass this time." in phones.taking(TOM)
    assert "Taking Time is complete. Thank you for listening." in phones.you(TOM)


def test_a_taker_who_steps_out_is_told_what_waits_for_them() -> None:
    d, phones = priya_offers_and_is_chosen()
    d.ok(d.person(PRIYA), c.StepOut)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id=d.pid(PRIYA))
    assert "Your Taking Time will wait for you." in phones.you(PRIYA)
    assert "Priya will Take Time." in phones.taking(TOM)
    d.ok(d.person(PRIYA), c.ComeBack)
    d.ok(d.person(PRIYA), c.Share)
    d.ok(d.sam, c.StartRound, order_policy="join_order")
    d.ok(d.person(PRIYA), c.StepOut)
    assert "When you're back, you'll be invited to reflect, if you'd like to." in phones.you(PRIYA)


def test_someone_chosen_for_a_later_taking_time_sees_it_on_the_way() -> None:
    d, phones = priya_offers_and_is_chosen()
    d.ok(
        d.sam, c.ChooseTaker, participant_id=d.pid(TOM), stage_id=d.stage_titled("Taking Time 2").id
    )
    d.ok(
        d.sam,
        c.ChooseTaker,
        participant_id=d.pid(PRIYA),
        stage_id=d.stage_titled("Taking Time 1").id,
    )
    d.ok(d.sam, c.AdvanceStage)
    assert "You'll Take Time in “Taking Time 2”." in phones.taking(TOM)
    assert "Taking Time 2" not in phones.taking(LEE)


# --- the rule, as a property ----------------------------------------------------------------------

MOVES = {
    "taker shares": lambda d: d.send(d.person(PRIYA), c.Share),
    "taker passes": lambda d: d.send(d.person(PRIYA), c.Pass),
    "question agreed": lambda d: d.send(d.sam, c.SetAgreedQuestion, question=QUESTION),
    "round starts": lambda d: d.send(d.sam, c.StartRound, order_policy="join_order"),
    "Tom shares": lambda d: d.send(d.person(TOM), c.Share),
    "Lee passes": lambda d: d.send(d.person(LEE), c.Pass),
    "reflection invited": lambda d: d.send(d.sam, c.InviteReflection),
    "taker steps out": lambda d: d.send(d.person(PRIYA), c.StepOut),
    "taker comes back": lambda d: d.send(d.person(PRIYA), c.ComeBack),
    "time passes": lambda d: d.tick(45),
}


@engine_settings(60)
@given(st.lists(st.sampled_from(sorted(MOVES)), max_size=12))
def test_no_phone_says_what_is_no_longer_true(moves: list[str]) -> None:
    d, phones = priya_offers_and_is_chosen()
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id=d.pid(PRIYA))
    for move in moves:
        MOVES[move](d)
        taking = d.stage().taking_time
        assert taking is not None
        here = d.state.participants[d.pid(PRIYA)].presence is Presence.PRESENT
        taker = phones.you(PRIYA) + phones.taking(PRIYA)
        others = phones.you(TOM) + phones.taking(TOM)
        if (
            taking.agreed_question is not None
            or taking.phase is not TakingTimePhase.AGREEING_QUESTION
        ):
            assert "will agree a question" not in taker
            assert "is agreeing a question" not in others
        elif here:
            assert "will agree a question with you" in taker
        if taking.phase is not TakingTimePhase.SHARING_ROUND:
            assert "The group is sharing now" not in taker
        if taking.phase is TakingTimePhase.COMPLETE:
            assert "is Taking Time" not in taker + others
            assert "Taking Time is complete" in others or "You've shared" in others
