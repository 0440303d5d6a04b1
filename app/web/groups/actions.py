"""Housekeeping actions for a meeting to come: from the group page, or the console's summary."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from app.accounts.identity import name_problem
from app.agenda.carry_over import ActionKind
from app.groups.rules import action_date_problem
from app.session.command_base import Role
from app.store.groups import Action, new_id
from app.web.access import authorize, cookie_name
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.access import GroupNotFound
from app.web.groups.form_values import MAX_DETAIL, parse_date, text_problem
from app.web.groups.group_page import group_page
from app.web.rendering import page

router = APIRouter(include_in_schema=False)


class ActionFields(BaseModel):
    """The action form as typed; the group page's and the console's have the same fields."""

    kind: str = ""
    detail: str = ""
    peer_name: str = ""
    due_on: str = ""

    def problem(self, today: date) -> str | None:
        """What to change, kindly put; None when the action can be recorded."""
        if self.kind not in set(ActionKind):
            return "Please choose what kind of action this is."
        problem = text_problem(self.detail.strip(), "what was agreed")
        if problem is None and ActionKind(self.kind).names_a_peer:
            problem = name_problem(self.peer_name.strip(), "the peer's preferred name")
        due = parse_date(self.due_on)
        if problem is None and due is None:
            return "Please give the date of the meeting this action is for."
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
        return {
            "detail": self.detail.strip()[:MAX_DETAIL],
            "peer_name": self.peer_name.strip()[:40],
        }


ACTION_FORM = Annotated[ActionFields, Form()]


@router.post("/groups/{group_id}/actions", response_class=HTMLResponse)
async def record_action(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING, fields: ACTION_FORM
) -> Response:
    group = mine.group
    problem = fields.problem(accounts.today(group.time_zone))
    if problem is not None:
        return await group_page(
            request, svc, accounts, mine, 422, error=problem, form=fields.as_typed()
        )
    await to_thread.run_sync(accounts.groups.add_action, group.id, fields.action(accounts.clock()))
    return RedirectResponse(f"/groups/{group.id}#actions", status_code=303)


@router.post("/groups/sessions/{session_id}/actions", response_class=HTMLResponse)
async def record_action_from_console(
    session_id: str, request: Request, svc: SERVICES, accounts: ACCOUNTS, fields: ACTION_FORM
) -> Response:
    """The console's summary-stage form: the console's own link is the facilitator's proof."""
    hub = await svc.registry.get(session_id)
    group_id = await to_thread.run_sync(accounts.groups.group_of_session, session_id)
    if hub is None or group_id is None:
        raise GroupNotFound
    await authorize(
        svc, request.cookies.get(cookie_name(session_id, Role.FACILITATOR)), hub, Role.FACILITATOR
    )
    group = await to_thread.run_sync(accounts.groups.get, group_id)
    if group is None:
        raise GroupNotFound
    problem = fields.problem(accounts.today(group.time_zone))
    recorded = None if problem is not None else fields.action(accounts.clock())
    if recorded is not None:
        await to_thread.run_sync(accounts.groups.add_action, group_id, recorded)
    return page(
        svc,
        request,
        "groups/action_result.html",
        422 if recorded is None else 200,
        title="That action wasn't recorded" if recorded is None else "Recorded for next time",
        error=problem,
        recorded=recorded,
        console_url=f"/s/{session_id}/console",
    )
