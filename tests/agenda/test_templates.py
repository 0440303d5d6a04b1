"""The Peer Support Plus weekly template follows the group's own session structure (seed 002)."""

from __future__ import annotations

from app.agenda.stages import StageKind
from app.agenda.templates import PEER_SUPPORT_PLUS_WEEKLY, TEMPLATES

# "Typical weekly Support Group session structure", in order.
SEED_STRUCTURE = [
    (StageKind.WELCOME, "Welcome"),
    (StageKind.ROUND, "Round of Good News"),
    (StageKind.INVITE_TAKING_TIME, "Who would like to Take Time today?"),
    (StageKind.TAKING_TIME, "Taking Time 1"),
    (StageKind.TAKING_TIME, "Taking Time 2"),
    (StageKind.BREAK, "Comfort and refreshment break"),
    (StageKind.INVITE_TAKING_TIME, "Would anyone else like to Take Time today?"),
    (StageKind.TAKING_TIME, "Taking Time 3"),
    (StageKind.TAKING_TIME, "Taking Time 4"),
    (StageKind.HOUSEKEEPING, "Summary of housekeeping actions"),
    (StageKind.ROUND, "Round of “Something I am taking away”"),
]


def test_the_weekly_template_matches_the_seed_exactly() -> None:
    stages = PEER_SUPPORT_PLUS_WEEKLY.stages
    assert [(s.kind, s.title) for s in stages] == SEED_STRUCTURE


def test_every_seed_template_is_registered_under_its_key() -> None:
    assert TEMPLATES["peer-support-plus-weekly"] == PEER_SUPPORT_PLUS_WEEKLY
    assert set(TEMPLATES) == {
        "peer-support-plus-weekly",
        "stronger-together-grief-support",
        "tautoko-tane-wellbeing",
        "education-guest-speaker",
        "social-activity",
    }


def test_the_welcome_covers_housekeeping_and_notices() -> None:
    welcome = PEER_SUPPORT_PLUS_WEEKLY.stages[0]
    assert welcome.prompt == "Housekeeping, notices, Group administration."


def test_good_news_asks_for_preferred_names() -> None:
    good_news = PEER_SUPPORT_PLUS_WEEKLY.stages[1]
    assert good_news.prompt is not None
    assert "preferred names" in good_news.prompt


def test_every_taking_time_offers_a_round_of_sharing_and_a_reflection_that_may_be_a_pass() -> None:
    for stage in PEER_SUPPORT_PLUS_WEEKLY.stages:
        if stage.kind is StageKind.TAKING_TIME:
            assert stage.prompt is not None
            assert "Round of Sharing if wanted" in stage.prompt
            assert "(or passes)" in stage.prompt


def test_the_housekeeping_summary_lists_the_seeds_examples() -> None:
    housekeeping = PEER_SUPPORT_PLUS_WEEKLY.stages[9]
    assert housekeeping.prompt is not None
    for example in ("Next meeting date, time and venue", "guaranteed time", "handouts", "absent"):
        assert example in housekeeping.prompt


def test_the_session_is_planned_to_last_an_hour_and_three_quarters() -> None:
    assert sum(s.minutes for s in PEER_SUPPORT_PLUS_WEEKLY.stages) == 103
