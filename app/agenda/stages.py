"""Stage kinds: what each agenda item is for, and how it runs."""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.plain_text import PLAIN, PlainTitle


class StageKind(StrEnum):
    WELCOME = "welcome"
    GUIDELINES = "guidelines"
    ROUND = "round"
    INVITE_TAKING_TIME = "invite_taking_time"
    TAKING_TIME = "taking_time"
    BREAK = "break"
    HOUSEKEEPING = "housekeeping"
    FREE_DISCUSSION = "free_discussion"
    ACTIVITY = "activity"

    @property
    def has_round(self) -> bool:
        """Stages in which everybody present is offered a turn."""
        return self in {StageKind.ROUND, StageKind.TAKING_TIME}


MAX_STAGE_MINUTES = 240
# What a stage asks of the group ("Something I am taking away"); may be left out.
StagePrompt = Annotated[str, StringConstraints(max_length=300), PLAIN]


class StagePlan(BaseModel):
    """One agenda item as planned, before the session runs it."""

    model_config = ConfigDict(frozen=True)

    kind: StageKind
    title: PlainTitle
    minutes: float = Field(gt=0, le=MAX_STAGE_MINUTES)
    prompt: StagePrompt | None = None
