"""Groups across weeks: the pages facilitators use between sessions, and starting a session.

One module a concept: the group itself (``group``), co-facilitators (``invitations``),
members and their name check (``members``), a member's own link (``member_link``),
guidelines, housekeeping actions, starting a session (``sessions``), what is kept
(``records``), agenda templates and the privacy page. ``access`` holds the one way a group
page finds its group.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy
from fastapi import FastAPI

from app.agenda.carry_over import ACTION_LABELS
from app.store.accounts import Accounts
from app.store.groups import Groups
from app.store.templates import Templates
from app.web.accounts import install_account_errors, make_account_services
from app.web.accounts import router as accounts_router
from app.web.groups import (
    actions,
    agenda_templates,
    group,
    guidelines,
    invitations,
    member_link,
    members,
    privacy,
    records,
    sessions,
)
from app.web.groups.access import CalmNotFound, calm_not_found_handler
from app.web.services import Services

ROUTERS = (
    privacy.router,
    group.router,
    invitations.router,
    members.router,
    member_link.router,
    guidelines.router,
    actions.router,
    sessions.router,
    records.router,
    agenda_templates.router,
)


def install(app: FastAPI, engine: sqlalchemy.Engine, clock: Callable[[], float]) -> None:
    """Accounts, groups and stored templates for `app`: stores, seeds, routers, error pages."""
    svc: Services = app.state.services
    templates = Templates(engine)
    templates.ensure_seeds(clock())
    app.state.account_services = make_account_services(
        Accounts(engine), Groups(engine), templates, svc.settings.resolved_secret_key(), clock
    )
    install_account_errors(app)
    # The console's housekeeping form is rendered with the live fragments too (no request).
    svc.templates.env.globals["action_kinds"] = ACTION_LABELS
    app.add_exception_handler(CalmNotFound, calm_not_found_handler)
    app.include_router(accounts_router)
    for router in ROUTERS:
        app.include_router(router)
