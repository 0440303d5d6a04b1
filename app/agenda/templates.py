"""Agenda templates taken from the groups' own descriptions (see shared/seeds)."""

from pydantic import BaseModel, ConfigDict

from app.agenda.stages import StageKind, StagePlan


class AgendaTemplate(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    description: str
    stages: tuple[StagePlan, ...]


def _taking_time(number: int) -> StagePlan:
    return StagePlan(
        kind=StageKind.TAKING_TIME,
        title=f"Taking Time {number}",
        minutes=15,
        prompt="The taker speaks; we agree a question; a Round of Sharing if wanted; "
        "the taker reflects (or passes).",
    )


PEER_SUPPORT_PLUS_WEEKLY = AgendaTemplate(
    key="peer-support-plus-weekly",
    name="Peer Support Plus weekly support group",
    description="The typical weekly Support Group session structure of Peer Support Plus.",
    stages=(
        StagePlan(
            kind=StageKind.WELCOME,
            title="Welcome",
            minutes=5,
            prompt="Housekeeping, notices, Group administration.",
        ),
        StagePlan(
            kind=StageKind.ROUND,
            title="Round of Good News",
            minutes=10,
            prompt="Some good news (giving preferred names if a member is unfamiliar).",
        ),
        StagePlan(
            kind=StageKind.INVITE_TAKING_TIME,
            title="Who would like to Take Time today?",
            minutes=2,
        ),
        _taking_time(1),
        _taking_time(2),
        StagePlan(kind=StageKind.BREAK, title="Comfort and refreshment break", minutes=10),
        StagePlan(
            kind=StageKind.INVITE_TAKING_TIME,
            title="Would anyone else like to Take Time today?",
            minutes=2,
        ),
        _taking_time(3),
        _taking_time(4),
        StagePlan(
            kind=StageKind.HOUSEKEEPING,
            title="Summary of housekeeping actions",
            minutes=5,
            prompt="Next meeting date, time and venue; guaranteed time for a Peer; handouts; "
            "news to seek of an absent Peer.",
        ),
        StagePlan(
            kind=StageKind.ROUND,
            title="Round of “Something I am taking away”",
            minutes=9,
            prompt="Something I am taking away from this session.",
        ),
    ),
)

TEMPLATES: dict[str, AgendaTemplate] = {
    template.key: template for template in (PEER_SUPPORT_PLUS_WEEKLY,)
}
