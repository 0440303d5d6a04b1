"""Agenda templates: the seeds and one's own, copied and saved as new versions."""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from app.accounts.identity import name_problem
from app.agenda.stages import StageKind, StagePlan
from app.agenda.templates import MAX_STAGES, AgendaTemplate
from app.plain_text import control_character_problem
from app.store.groups import new_id
from app.store.templates import StoredTemplate
from app.translatable import Words, translatable
from app.web.account_services import AccountServices
from app.web.deps import ACCOUNTS, SERVICES
from app.web.languages import gettext
from app.web.minutes import minutes_in
from app.web.problems import Problem
from app.web.rendering import page
from app.web.services import Services
from app.web.signing_in import SignedIn, require_form, require_signed_in

router = APIRouter(include_in_schema=False)

TOO_MANY_ITEMS = translatable("Please keep the agenda to %(most)s items or fewer.")


class TemplateNotFound(Problem):
    """Not a seed, and not this facilitator's own template."""

    status = status.HTTP_404_NOT_FOUND
    code = "not_found"
    title = translatable("We couldn't find that agenda template")
    message = translatable(
        "It may have been someone else's. You can copy any of the templates listed on the "
        "agenda templates page."
    )


@router.get("/templates", response_class=HTMLResponse)
async def list_templates(request: Request, svc: SERVICES, accounts: ACCOUNTS) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    usable = await to_thread.run_sync(accounts.templates.usable_by, me.account.id)
    return page(svc, request, "groups/templates.html", me=me, templates=usable)


async def _usable_template(accounts: AccountServices, me: SignedIn, key: str) -> StoredTemplate:
    usable = await to_thread.run_sync(accounts.templates.usable_by, me.account.id)
    found = next((t for t in usable if t.key == key), None)
    if found is None:
        raise TemplateNotFound
    return found


BLANK_STAGE_ROWS = 3


@router.get("/templates/{key}", response_class=HTMLResponse)
async def edit_template(
    key: str, request: Request, svc: SERVICES, accounts: ACCOUNTS
) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    stored = await _usable_template(accounts, me, key)
    return _template_page(svc, request, me, stored, stored.template, None)


def _template_page(
    svc: Services,
    request: Request,
    me: SignedIn,
    stored: StoredTemplate,
    shown: AgendaTemplate | dict[str, Any],
    error: str | None,
    status_code: int = 200,
) -> HTMLResponse:
    return page(
        svc,
        request,
        "groups/template_edit.html",
        status_code,
        me=me,
        stored=stored,
        shown=shown,
        blank_rows=BLANK_STAGE_ROWS,
        stage_kinds=list(StageKind),
        mine=stored.owner_account_id == me.account.id,
        error=error,
    )


@router.post("/templates/{key}", response_class=HTMLResponse)
async def save_template(
    key: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    guidelines: Annotated[str, Form()] = "",
    stage_kind: Annotated[list[str] | None, Form()] = None,
    stage_title: Annotated[list[str] | None, Form()] = None,
    stage_minutes: Annotated[list[str] | None, Form()] = None,
    stage_prompt: Annotated[list[str] | None, Form()] = None,
) -> Response:
    me = await require_form(request, accounts, form_key)
    stored = await _usable_template(accounts, me, key)
    rows = list(
        zip(
            stage_kind or [],
            stage_title or [],
            stage_minutes or [],
            stage_prompt or [],
            strict=False,
        )
    )[: MAX_STAGES + BLANK_STAGE_ROWS]
    shown = {
        "name": name.strip()[:120],
        "description": description.strip()[:600],
        "guidelines": [line.strip()[:300] for line in guidelines.splitlines() if line.strip()],
        "stages": [
            {"kind": k, "title": t.strip()[:120], "minutes": m[:6], "prompt": p.strip()[:300]}
            for k, t, m, p in rows
            if t.strip()
        ],
    }
    problem = _template_problem(name, description, guidelines, rows)
    if problem is None:
        mine = stored.owner_account_id == me.account.id
        try:
            template = AgendaTemplate(
                key=key if mine else f"{key.split('~')[0]}~{new_id().lower()}",
                name=name,
                description=description.strip(),
                stages=tuple(
                    StagePlan(
                        kind=StageKind(k),
                        title=t.strip(),
                        minutes=minutes_in(m),
                        prompt=p.strip() or None,
                    )
                    for k, t, m, p in rows
                    if t.strip()
                ),
                guidelines=tuple(line for line in guidelines.splitlines() if line.strip()),
            )
        except (ValidationError, ValueError):
            problem = translatable(
                "Please check each agenda item: a title of up to 120 characters, a kind, "
                "and between 1 and 240 minutes."
            )
        else:
            await to_thread.run_sync(
                accounts.templates.save, template, me.account.id, accounts.clock()
            )
            return RedirectResponse(f"/templates/{template.key}?saved=1", status_code=303)
    return _template_page(svc, request, me, stored, shown, problem, 422)


def _template_problem(
    name: str, description: str, guidelines: str, rows: list[tuple[str, str, str, str]]
) -> str | None:
    stages = [row for row in rows if row[1].strip()]
    if not stages:
        return translatable(
            "A session needs at least one agenda item. Please give at least one item a "
            "title. Nothing has been saved."
        )
    problem = name_problem(name.strip(), Words("the template's name"), 120)
    for line in [description, *guidelines.splitlines()]:
        wording = control_character_problem(line)
        if problem is None and wording is not None:
            problem = Words("Please check the wording: %(problem)s", problem=wording)
    if problem is None and len(stages) > MAX_STAGES:
        problem = gettext(TOO_MANY_ITEMS) % {"most": MAX_STAGES}
    if problem is None and any(k not in set(StageKind) for k, _t, _m, _p in stages):
        problem = translatable("Please choose a kind for each agenda item.")
    return problem
