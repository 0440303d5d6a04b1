"""Agenda templates taken from the groups' own descriptions (see shared/seeds).

These constants are the seeds: they are copied into the store (app/store/templates.py), where
facilitators copy and edit them, and groups start their sessions from the stored versions.
"""

from pydantic import BaseModel, ConfigDict, Field

from app.agenda.carry_over import MAX_GUIDELINES, GuidelineText
from app.agenda.stages import StageKind, StagePlan
from app.plain_text import PlainTitle

MAX_STAGES = 40
TemplateName = PlainTitle


class AgendaTemplate(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str = Field(min_length=1, max_length=120)
    name: TemplateName
    description: str = Field(max_length=600)
    # A session needs something to do: an agenda with no stages is refused.
    stages: tuple[StagePlan, ...] = Field(min_length=1, max_length=MAX_STAGES)
    guidelines: tuple[GuidelineText, ...] = Field(default=(), max_length=MAX_GUIDELINES)


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
    guidelines=(
        "What is said in The Room stays in The Room, except when our Safeguarding Policy "
        "means we must disclose a concern.",
        "We are kind to ourselves and others, and make no Judgements.",
        "Everyone has an equal chance in every Round to share, or to pass.",
        "We maintain our personal boundaries and don't share more than we are comfortable with.",
        "We do not interrupt, except when a timely question is essential for clarity.",
        "We do not have side conversations.",
        "Silence isn't bad. It is OK to leave and OK to come back.",
    ),
)


STRONGER_TOGETHER = AgendaTemplate(
    key="stronger-together-grief-support",
    name="Stronger Together grief support (Bellis)",
    description="Licensed facilitators gently guide a gathering more like friends than "
    "therapy: the guidelines are read at the start, then we share our stories.",
    stages=(
        StagePlan(kind=StageKind.WELCOME, title="Welcome", minutes=5),
        StagePlan(
            kind=StageKind.GUIDELINES,
            title="Reading our Group Guidelines",
            minutes=5,
            prompt="We read the Bellis Group Guidelines together before we begin.",
        ),
        StagePlan(
            kind=StageKind.ROUND,
            title="Check-in round",
            minutes=15,
            prompt="Your name and how you are arriving today.",
        ),
        StagePlan(
            kind=StageKind.ROUND,
            title="Sharing our stories",
            minutes=40,
            prompt="Each of us may share our story, or pass. We listen with compassion.",
        ),
        StagePlan(kind=StageKind.BREAK, title="A short break", minutes=10),
        StagePlan(
            kind=StageKind.FREE_DISCUSSION,
            title="Questions and resources",
            minutes=15,
            prompt="Facilitators answer questions and suggest resources.",
        ),
        StagePlan(
            kind=StageKind.HOUSEKEEPING,
            title="Before we close",
            minutes=5,
            prompt="Next meeting; anything promised for next time.",
        ),
        StagePlan(
            kind=StageKind.ROUND,
            title="Closing round",
            minutes=10,
            prompt="One thing I am taking away with me.",
        ),
    ),
    guidelines=(
        "We create a safe space.",
        "We welcome all.",
        "We do not judge.",
        "We respect confidentiality: names and details are private; we share our own story; "
        "we take examples and lessons away.",
        "We share feelings, experiences, and stories.",
        "We offer support, understanding, and compassion.",
        "We are mindful of the time we are sharing.",
        "We allow space for everyone to share.",
        "We own our part in our stories.",
        "We recognize so much is out of our control.",
        "We seek validation for our grief and loss.",
        "We provide validation for experiences of grief and loss.",
        "We listen with compassion.",
        "We do not have to fix ourselves or others.",
        "We are in a therapeutic setting, but this group does not replace therapy.",
        "We focus on healing and supporting one another, not on airing grievances about "
        "flawed systems.",
        "We honor religion as an individual preference, and refrain from using it as a "
        "basis for discussion.",
        "We do not give advice unless expressly asked.",
    ),
)

TAUTOKO_TANE_WELLBEING = AgendaTemplate(
    key="tautoko-tane-wellbeing",
    name="Tautoko Tāne wellbeing group",
    description="A facilitated Purposeful Peer Support wellbeing group, weekly or "
    "fortnightly; the group may set its own topics.",
    stages=(
        StagePlan(kind=StageKind.WELCOME, title="Welcome", minutes=5),
        StagePlan(
            kind=StageKind.ROUND,
            title="Check-in round",
            minutes=15,
            prompt="How your week has been, in a few words, or pass.",
        ),
        StagePlan(
            kind=StageKind.FREE_DISCUSSION,
            title="Our topic today",
            minutes=30,
            prompt="A topic the group chose for our wellbeing journeys.",
        ),
        StagePlan(kind=StageKind.BREAK, title="Cuppa break", minutes=10),
        StagePlan(
            kind=StageKind.ROUND,
            title="Sharing round",
            minutes=20,
            prompt="What this topic brings up for me, and what has helped.",
        ),
        StagePlan(
            kind=StageKind.HOUSEKEEPING,
            title="Housekeeping",
            minutes=5,
            prompt="Next meeting; anything promised for next time.",
        ),
        StagePlan(
            kind=StageKind.ROUND,
            title="Check-out round",
            minutes=10,
            prompt="Something I am taking with me.",
        ),
    ),
    guidelines=(
        "What is shared here is shared in confidence and stays here.",
        "We look after each other's physical and emotional safety.",
        "We respect each person's cultural values and beliefs.",
        "We support each person's own wellbeing journey, without judgement.",
        "Everyone may share or pass; nobody has to.",
    ),
)

EDUCATION_SESSION = AgendaTemplate(
    key="education-guest-speaker",
    name="Education session with a guest speaker",
    description="A workshop on a topic that matters to the group, with a guest speaker, "
    "questions and a discussion between peers.",
    stages=(
        StagePlan(kind=StageKind.WELCOME, title="Welcome and introductions", minutes=10),
        StagePlan(
            kind=StageKind.ACTIVITY,
            title="Guest speaker",
            minutes=30,
            prompt="Our guest shares what they know about today's topic.",
        ),
        StagePlan(kind=StageKind.FREE_DISCUSSION, title="Questions for our guest", minutes=15),
        StagePlan(kind=StageKind.BREAK, title="Break", minutes=10),
        StagePlan(
            kind=StageKind.ROUND,
            title="Discussion round",
            minutes=20,
            prompt="What I heard that could help me, or pass.",
        ),
        StagePlan(kind=StageKind.HOUSEKEEPING, title="Housekeeping", minutes=5),
    ),
    guidelines=(
        "What peers share here stays here.",
        "We listen to one another and do not interrupt.",
        "Everyone may ask, share or pass.",
    ),
)

SOCIAL_ACTIVITY = AgendaTemplate(
    key="social-activity",
    name="Social activity gathering",
    description="An informal gathering around a shared activity: a walk, a game, a barbecue.",
    stages=(
        StagePlan(kind=StageKind.WELCOME, title="Welcome", minutes=10),
        StagePlan(
            kind=StageKind.ACTIVITY,
            title="Our activity",
            minutes=60,
            prompt="Doing something together.",
        ),
        StagePlan(kind=StageKind.BREAK, title="Kai and a cuppa", minutes=20),
        StagePlan(kind=StageKind.HOUSEKEEPING, title="Next time", minutes=5),
        StagePlan(
            kind=StageKind.ROUND,
            title="Closing round",
            minutes=10,
            prompt="One good thing from today, or pass.",
        ),
    ),
    guidelines=(
        "We keep each other safe and welcome everyone.",
        "What is shared in the group stays in the group.",
        "Nobody has to join in with anything they would rather not.",
    ),
)

SEED_TEMPLATES: tuple[AgendaTemplate, ...] = (
    PEER_SUPPORT_PLUS_WEEKLY,
    STRONGER_TOGETHER,
    TAUTOKO_TANE_WELLBEING,
    EDUCATION_SESSION,
    SOCIAL_ACTIVITY,
)

TEMPLATES: dict[str, AgendaTemplate] = {template.key: template for template in SEED_TEMPLATES}
