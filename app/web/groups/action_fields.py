"""A housekeeping action as typed: the group page's form, the console's and the JSON API's."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from app.accounts.identity import name_problem
from app.agenda.carry_over import ActionKind
from app.groups.rules import action_date_problem
from app.store.groups import Action, new_id
from app.translatable import Words, translatable
from app.web.groups.form_values import MAX_DETAIL, parse_date, text_problem


class ActionFields(BaseModel):
    """The action form as typed; the group page's and the console's have the same fields."""

    kind: str = ""
    detail: str = ""
    peer_name: str = ""
    due_on: str = ""

    def problem(self, today: date) -> str | None:
        """What to change, kindly put; None when the action can be recorded."""
        if self.kind not in set(ActionKind):
            return translatable("Please choose what kind of action this is.")
        problem = text_problem(self.detail.strip(), translatable("what was agreed"))
        if problem is None and ActionKind(self.kind).names_a_peer:
            problem = name_problem(self.peer_name.strip(), Words("the peer's preferred name"))
        due = parse_date(self.due_on)
        if problem is None and due is None:
            return translatable("Please give the date of the meeting this action is for.")
        if problem is None and due is not None:
            problem = action_date_problem(due, today)
        return problem

    def action(self, at: float) -> Action:
        """The action these fields describe (checked with problem() first)."""
        kind = ActionKind(self.kind)
        due = parse_date(self.due_on)
        assert due is not None, "checked by problem()"
        return Action(
            id=new_id(),
            kind=kind,
            detail=self.detail.strip(),
            peer_name=self.peer_name.strip() if kind.names_a_peer else None,
            due_on=due,
            recorded_at=at,
        )

    def as_typed(self) -> dict[str, str]:
        # The kind too: a promise of Taking Time refused for its date must not come back as
        # the list's first kind ("Next meeting") and be recorded as that.
        return {
            "kind": self.kind[:20],
            "detail": self.detail.strip()[:MAX_DETAIL],
            "peer_name": self.peer_name.strip()[:40],
            "due_on": self.due_on[:10],
        }
