"""deploy/nginx.conf pins a session to one process by the id in its path: every route of the app
that names a session must be one of the shapes its `map` knows, or that route's requests would be
spread over the processes (served right, but rendered on each). A route added with a new shape
fails here until the map learns it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from starlette.routing import BaseRoute, Mount

from app.config import Settings
from app.main import create_app
from app.realtime.registry import new_id
from app.web.lazy_routes import LazyRouter
from tests.support.nginx import DEPLOYED

MAP_LINE = re.compile(r'^\s*"~(?P<pattern>[^"]+)" \$session_in_path;$', re.MULTILINE)


def session_patterns() -> list[re.Pattern[str]]:
    """The map's regular expressions, in Python's spelling of a named group."""
    found = [match["pattern"] for match in MAP_LINE.finditer(DEPLOYED.read_text())]
    assert found, "deploy/nginx.conf no longer maps paths to sessions"
    return [re.compile(pattern.replace("(?<", "(?P<")) for pattern in found]


def session_key(path: str) -> str:
    """What nginx hashes a request for `path` on: the first pattern that matches, else empty."""
    for pattern in session_patterns():
        match = pattern.match(path)
        if match:
            return match["session_in_path"]
    return ""


def paths_of(tmp_path: Path) -> list[str]:
    return list(paths_in(create_app(Settings(data_dir=tmp_path)).routes))


def paths_in(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[str]:
    """Every route's path. FastAPI keeps an included router whole, with the prefix it was
    included at (`_IncludedRouter`); pages loaded on first use are loaded here; the static files
    are a Mount, and name no session."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if isinstance(included, LazyRouter):
            included.load()
        if included is not None:
            yield from paths_in(included.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
        elif not isinstance(route, Mount):
            yield prefix + route.path  # type: ignore[attr-defined]


def filled(path: str, session_id: str) -> str:
    """A route's path with its session id, and a plausible value for every other parameter."""
    path = path.replace("{session_id}", session_id)
    return re.sub(r"\{[a-z_]+\}", lambda _: new_id(), path)


def test_every_route_that_names_a_session_is_routed_by_its_id(tmp_path: Path) -> None:
    session_id = new_id()
    naming = [path for path in paths_of(tmp_path) if "{session_id}" in path]
    # the live socket, the pages, the summary, the API, the console's housekeeping form
    assert len(naming) >= 15, naming
    assert "/groups/sessions/{session_id}/actions" in naming
    unpinned = [path for path in naming if session_key(filled(path, session_id)) != session_id]
    assert not unpinned, f"deploy/nginx.conf's map does not pin {unpinned}"


def test_no_other_route_is_taken_for_a_session(tmp_path: Path) -> None:
    others = [path for path in paths_of(tmp_path) if "{session_id}" not in path]
    assert "/api/sessions" in others  # creating one: no id yet
    taken = [path for path in others if session_key(filled(path, new_id()))]
    assert not taken, f"routed as if they named a session: {taken}"


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/ws/sessions/AbC-12_xyz9Q/facilitator", "AbC-12_xyz9Q"),
        ("/s/AbC-12_xyz9Q/summary/airtime.csv", "AbC-12_xyz9Q"),
        ("/api/sessions", ""),
        ("/s/", ""),
        ("/static/css/app.css", ""),
    ],
)
def test_the_key_is_the_id_and_nothing_more(path: str, key: str) -> None:
    assert session_key(path) == key
