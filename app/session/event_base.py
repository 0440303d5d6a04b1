"""What every event is made of: whether it moves the flow, and what it means for undo."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class UndoEffect(StrEnum):
    """What an event means for "undo the last action" (see apply_commit)."""

    # Changes the agenda (stages) and nothing else: a commit of these can be undone.
    AGENDA = "agenda"
    # Changes nothing an undo restores: the last action stays undoable after it.
    BYSTANDER = "bystander"
    # Anything else (presence, who takes time, start and end): the last action is final.
    FINAL = "final"


class EventBase(BaseModel):
    model_config = ConfigDict(frozen=True)

    # Flow events change whose turn it is or which stage is on; a command that expected an
    # older flow is stale. Presence, hands and timers are not flow.
    moves_flow: ClassVar[bool] = False
    undo_effect: ClassVar[UndoEffect] = UndoEffect.FINAL

    def for_storage(self) -> EventBase:
        """The event as it may be written down. Nothing anybody says is ever stored."""
        return self
