"""Undoing the last change of turn or stage (see UndoPoint in app/session/state.py)."""

from __future__ import annotations

from app.session import commands as cmd
from app.session import events as ev
from app.session.decide.draft import Draft, handles
from app.session.decisions import Refusal, RejectionCode
from app.translatable import translatable


@handles(cmd.UndoLast)
def _undo_last(draft: Draft, command: cmd.UndoLast) -> None:
    draft.require_live()
    point = draft.state.undo_point
    if point is None:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO, translatable("There is nothing to undo just now.")
        )
    draft.emit(ev.FlowUndone(undone_version=point.version, description=point.description))
