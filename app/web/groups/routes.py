"""Every group page's router, and what they need from create_app() (app/web/groups).

The pages themselves are imported on the first request for one (app/web/lazy_routes.py): a
restarted process answers its live screens without them. What the live screens and the
background jobs use (the stores, the login cookie, the console's housekeeping words) is set up
at start.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy
from fastapi import APIRouter, FastAPI

from app.agenda.carry_over import ACTION_LABELS
from app.store.accounts import Accounts
from app.store.groups import Groups
from app.store.templates import Templates
from app.web import signing_in
from app.web.account_services import make_account_services
from app.web.lazy_routes import LazyRouter, include_lazily
from app.web.password_work import PasswordWork
from app.web.services import Services

# The first segment of every path below; tests/groups/test_lazy_pages.py holds every route to it.
PREFIXES = (
    "/account",
    "/privacy",
    "/groups",
    "/invitations",
    "/apologies",
    "/templates",
    "/calendars",
)


def routers() -> tuple[APIRouter, ...]:
    """The accounts' and the group pages' routers, imported when this is first called."""
    from app.web.accounts import router as accounts_router
    from app.web.groups import (
        actions,
        agenda_templates,
        calendar_feeds,
        cancellations,
        group,
        guidelines,
        invitations,
        member_link,
        members,
        privacy,
        records,
        sessions,
        support,
    )

    return (
        accounts_router,
        privacy.router,
        group.router,
        invitations.router,
        members.router,
        member_link.router,
        guidelines.router,
        support.router,
        actions.router,
        sessions.router,
        cancellations.router,
        records.router,
        agenda_templates.router,
        calendar_feeds.router,
    )


def install(app: FastAPI, engine: sqlalchemy.Engine, clock: Callable[[], float]) -> None:
    """Accounts, groups and stored templates for `app`: stores, seeds, login redirect, and the
    pages, included now and imported when first asked for."""
    svc: Services = app.state.services
    templates = Templates(engine)
    templates.ensure_seeds(clock())
    app.state.account_services = make_account_services(
        Accounts(engine),
        Groups(engine),
        templates,
        svc.settings.resolved_secret_key(),
        clock,
        PasswordWork(svc.settings.hashes_at_once(), svc.settings.password_hashes_waiting),
    )
    signing_in.install(app)
    # The console's housekeeping form is rendered with the live fragments too (no request).
    svc.templates.env.globals["action_kinds"] = ACTION_LABELS
    include_lazily(app, LazyRouter(PREFIXES, routers))
