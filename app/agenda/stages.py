"""Stage kinds: what each agenda item is for, and how it runs."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


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


class StagePlan(BaseModel):
    """One agenda item as planned, before the session runs it."""

    model_config = ConfigDict(frozen=True)

    kind: StageKind
    title: str = Field(min_length=1, max_length=120)
    minutes: float = Field(gt=0, le=MAX_STAGE_MINUTES)
    prompt: str | None = Field(default=None, max_length=300)
