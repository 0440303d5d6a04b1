"""create_app(settings): the one place that wires everything together."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Coroutine
from typing import Any

import anyio
import structlog
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles

from app.config import Settings
from app.realtime.broker import Broker, MemoryBroker
from app.realtime.registry import HubRegistry
from app.store.chores import Chores
from app.store.database import create_database_engine, migrate
from app.store.event_store import EventStore
from app.store.live_sessions import LiveSessions
from app.web import (
    api,
    api_actions,
    api_docs,
    health,
    language_choice,
    live,
    outages,
    pages,
    problems,
    revocation,
    security,
    summary,
)
from app.web.application import Application
from app.web.groups import routes as group_routes
from app.web.groups.retention_purge import purge_expired_forever
from app.web.languages import LOCALES_DIR, LanguageMiddleware, Languages
from app.web.rate_limits import UnauthenticatedSockets, rate_limits_of
from app.web.rendering import STATIC_DIR, FragmentRenderer, make_templates
from app.web.screens import OpenScreens
from app.web.services import Services
from app.web.tokens import Tokens

log = structlog.get_logger(__name__)

API_DESCRIPTION = (
    "Start a session, join it, run it and download its timing summary. Each operation has an"
    " `operationId`. A session's tokens (from `create_session` and from joining) go in an"
    " `Authorization: Bearer` header. Live updates come over a websocket,"
    " `/ws/sessions/{session_id}/{role}`, described in docs/protocol.md, which carries the same"
    " commands and views as this API. Refusals are `{code, message}` (`ProblemBody`), the"
    " message written for people."
)
API_TAGS = [
    {"name": "sessions", "description": "Starting, joining, reading and running a session."},
    {"name": "housekeeping", "description": "Actions a group agrees for its next meeting."},
    {"name": "summary", "description": "The facilitators' timing summary: timing only."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = create_database_engine(settings.resolved_database_url())
    migrate(engine)
    languages = Languages.from_directory(settings.locales_dir or LOCALES_DIR)
    templates = make_templates(settings.time_zone, languages)
    broker = _broker_for(settings.redis_url)
    registry = HubRegistry(
        store=EventStore(engine),
        sessions=LiveSessions(engine),
        renderer=FragmentRenderer(templates, languages),
        clock=time.time,
        snapshot_every=settings.snapshot_every,
        broker=broker,
    )
    checks = {"database": health.database_check(engine)}
    if settings.redis_url:
        checks["redis"] = broker.ping

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with _background(
            broker.run(registry),
            registry.check_versions_forever(settings.catch_up_interval_s),
            registry.keep_alive_forever(settings.alive_interval_s),
            purge_expired_forever(app, Chores(engine)),
        ):
            yield
        await broker.aclose()

    app = Application(
        title="Peer Rounds",
        summary="Real-time facilitation for peer-support groups.",
        description=API_DESCRIPTION,
        openapi_tags=API_TAGS,
        version="0.1.0",
        lifespan=lifespan,
        # Our own /docs (app/web/api_docs.py) serves the explorer without a CDN.
        docs_url=None,
        redoc_url=None,
    )
    security.install_security(app, settings)
    app.add_middleware(LanguageMiddleware, languages=languages)
    app.state.services = Services(
        settings=settings,
        registry=registry,
        tokens=Tokens(settings.resolved_secret_key(), settings.token_max_age_s),
        templates=templates,
        clock=time.time,
        languages=languages,
    )
    app.state.readiness = health.Readiness(checks)
    app.state.unauthenticated = UnauthenticatedSockets(
        settings.max_unauthenticated_per_address, rate_limits_of(app).policy.unlimited_addresses
    )
    app.state.open_screens = OpenScreens()
    problems.install(app)
    app.add_exception_handler(RequestValidationError, api.command_body_handler)
    outages.install(app)
    app.include_router(api.router)
    app.include_router(api_actions.router)
    app.include_router(revocation.router)
    live.install(app, languages)
    app.include_router(pages.router)
    app.include_router(language_choice.router)
    app.include_router(health.router)
    app.include_router(api_docs.router)
    api_docs.install_examples(app)
    app.include_router(summary.router)
    group_routes.install(app, engine, time.time)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _broker_for(redis_url: str | None) -> Broker:
    if redis_url is None:
        return MemoryBroker()
    # Imported only here: a single process has no use for the Redis client, whose import is a
    # tenth of the app's start-up (docs/operations.md).
    from app.realtime.redis_broker import RedisBroker

    return RedisBroker(redis_url)


@contextlib.asynccontextmanager
async def _background(*jobs: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run ``jobs`` while the app serves; cancel them, and wait for them, when it stops.

    An anyio task group, because its cancellation is level-triggered: a job that swallows one
    cancellation (redis-py can, mid-command) is cancelled again at its next wait, so the
    process always shuts down.
    """
    async with anyio.create_task_group() as group:
        for job in jobs:
            group.start_soon(_reporting_crashes, job)
        yield
        group.cancel_scope.cancel()


async def _reporting_crashes(job: Coroutine[Any, Any, None]) -> None:
    # The jobs retry what they expect to fail; anything else ends them, and must be seen, but
    # must not stop the other jobs or the app.
    try:
        await job
    except Exception:
        log.exception("background_job_crashed", job=repr(job))
