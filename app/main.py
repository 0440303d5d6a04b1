"""create_app(settings): the one place that wires everything together."""

from __future__ import annotations

import time

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.config import Settings
from app.realtime.registry import HubRegistry
from app.store.database import create_database_engine, migrate
from app.store.event_store import EventStore
from app.store.live_sessions import LiveSessions
from app.web import api, live, pages
from app.web.rendering import STATIC_DIR, FragmentRenderer, make_templates
from app.web.services import Services
from app.web.tokens import Tokens


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = create_database_engine(settings.resolved_database_url())
    migrate(engine)
    templates = make_templates()
    registry = HubRegistry(
        store=EventStore(engine),
        sessions=LiveSessions(engine),
        renderer=FragmentRenderer(templates),
        clock=time.time,
        snapshot_every=settings.snapshot_every,
    )
    app = FastAPI(
        title="Peer Rounds",
        summary="Real-time facilitation for peer-support groups.",
        version="0.1.0",
    )
    app.state.services = Services(
        settings=settings,
        registry=registry,
        tokens=Tokens(settings.resolved_secret_key(), settings.token_max_age_s),
        templates=templates,
        clock=time.time,
    )
    app.add_exception_handler(api.ApiProblem, api.api_problem_handler)
    app.include_router(api.router)
    app.include_router(live.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
