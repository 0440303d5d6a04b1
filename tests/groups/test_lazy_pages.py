"""The group pages and accounts are imported on the first request for one (app/web/lazy_routes.py):
once, whoever asks first and however many ask at once, and then they answer as they always did."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from app.config import Settings
from app.main import create_app
from app.web.groups import routes
from app.web.lazy_routes import LazyRouter
from tests.support.groups import browser, create_group, register

pytestmark = pytest.mark.anyio


def counting_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    loads: list[int] = []
    load = routes.routers

    def counted() -> tuple[APIRouter, ...]:
        loads.append(1)
        return load()

    monkeypatch.setattr(routes, "routers", counted)
    return loads


def test_every_page_is_under_one_of_the_prefixes_that_load_them() -> None:
    paths = [
        route.path
        for router in routes.routers()
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    assert len(paths) >= 46, paths
    lazy = LazyRouter(routes.PREFIXES, routes.routers)
    assert [path for path in paths if not lazy.covers(path)] == []


async def test_the_first_group_request_loads_the_pages_once_and_they_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = counting_loads(monkeypatch)
    app = create_app(Settings(data_dir=tmp_path))
    async with browser(app) as sam:
        assert (await sam.get("/healthz")).status_code == 200
        assert (await sam.get("/static/js/reconnect.js")).status_code == 200
        assert loads == []
        # The login redirect is installed at start; the page it sends to is loaded on demand.
        first = await sam.get("/groups", follow_redirects=False)
        assert (first.status_code, first.headers["location"]) == (
            303,
            "/account/login?next=/groups",
        )
        assert loads == [1]
        await register(sam)
        path = await create_group(sam)
        assert (await sam.get(path)).status_code == 200
        assert (await sam.get("/groups/nothing-here")).status_code == 404
        assert (await sam.get("/not-a-page")).status_code == 404
    assert loads == [1]


async def test_many_first_requests_at_once_load_the_pages_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = counting_loads(monkeypatch)
    app = create_app(Settings(data_dir=tmp_path))
    async with browser(app) as client:
        answers = await asyncio.gather(
            *(client.get(path) for path in ["/privacy", "/account/login", "/account/register"] * 5)
        )
    assert [answer.status_code for answer in answers] == [200] * 15
    assert loads == [1]


def test_threads_asking_at_once_load_the_routers_once() -> None:
    loads: list[int] = []
    all_asking = threading.Barrier(8)

    def slow_load() -> tuple[APIRouter, ...]:
        loads.append(1)
        # Every other thread is inside load() by now, waiting on the lock or past the check.
        threading.Event().wait(0.05)
        return (APIRouter(),)

    lazy = LazyRouter(["/x"], slow_load)

    def ask() -> None:
        all_asking.wait()
        lazy.load()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [1]


def test_the_schema_loads_the_pages_so_it_lists_every_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = counting_loads(monkeypatch)
    app: FastAPI = create_app(Settings(data_dir=tmp_path))
    app.openapi()
    assert loads == [1]
    lazy = next(
        route.original_router  # type: ignore[attr-defined]
        for route in app.routes
        if isinstance(getattr(route, "original_router", None), LazyRouter)
    )
    loaded = {
        route.name
        for included in lazy.routes
        for route in included.original_router.routes
        if isinstance(route, APIRoute)
    }
    assert {"show_group", "login_form", "facilitator_feed"} <= loaded
