"""At the edge of every request: same-origin forms, security headers, body size, kind refusals."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from app.config import Settings
from app.main import create_app
from app.web.security import CONTENT_SECURITY_POLICY, MAX_BODY_BYTES
from tests.support.api import BASE_URL, SAME_ORIGIN, bearer, new_session
from tests.support.live_server import LiveServer, create_session

pytestmark = pytest.mark.anyio

CREATE_FORM = {
    "title": "Tuesday",
    "group_name": "Riverside",
    "template_key": "peer-support-plus-weekly",
    "facilitator_name": "Sam",
}


async def join_code(api: httpx.AsyncClient) -> str:
    code: str = (await new_session(api))["join_code"]
    return code


# --- forms come from this site -------------------------------------------------------------------


FOREIGN_SOURCES = [
    pytest.param({}, id="no-origin-no-referer"),
    pytest.param({"Origin": "https://elsewhere.example"}, id="foreign-origin"),
    pytest.param({"Origin": "null"}, id="opaque-origin"),
    pytest.param({"Referer": "https://elsewhere.example/page"}, id="foreign-referer"),
    pytest.param(
        {"Origin": "https://elsewhere.example", "Referer": f"{BASE_URL}/"},
        id="foreign-origin-same-referer",
    ),
    pytest.param({"Origin": "http://testserver.elsewhere.example"}, id="lookalike-origin"),
]
SAME_SITE_SOURCES = [
    pytest.param(SAME_ORIGIN, id="same-origin"),
    pytest.param({"Referer": f"{BASE_URL}/join/X"}, id="same-site-referer-without-origin"),
]


@pytest.mark.parametrize("headers", FOREIGN_SOURCES)
async def test_a_cross_site_form_post_gets_a_calm_403(
    api: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    code = await join_code(api)
    for path, form in (("/sessions", CREATE_FORM), (f"/join/{code}", {"name": "Mallory"})):
        response = await api.post(path, data=form, headers=headers)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert "Please use Peer Rounds itself" in response.text
        assert "set-cookie" not in response.headers
    # Nobody joined, nothing was created.
    assert (await api.get(f"/join/{code}")).status_code == 200


@pytest.mark.parametrize("headers", SAME_SITE_SOURCES)
async def test_a_form_from_this_site_works(api: httpx.AsyncClient, headers: dict[str, str]) -> None:
    created = await api.post("/sessions", data=CREATE_FORM, headers=headers)
    assert created.status_code == 303
    assert created.headers["location"].endswith("/console")
    code = await join_code(api)
    joined = await api.post(f"/join/{code}", data={"name": "Priya"}, headers=headers)
    assert joined.status_code == 303
    assert "httponly" in joined.headers["set-cookie"].lower()
    assert "samesite=lax" in joined.headers["set-cookie"].lower()


async def test_the_public_url_counts_as_this_site(tmp_path: Path) -> None:
    """Behind a proxy that rewrites Host, the page's origin is the public URL."""
    app = create_app(Settings(data_dir=tmp_path, public_url="https://rounds.example.org"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://internal:8000") as api:
        ok = await api.post(
            "/sessions", data=CREATE_FORM, headers={"Origin": "https://rounds.example.org"}
        )
        assert ok.status_code == 303
        wrong_scheme = await api.post(
            "/sessions", data=CREATE_FORM, headers={"Origin": "http://rounds.example.org"}
        )
        assert wrong_scheme.status_code == 403


async def test_the_json_api_is_not_a_form(api: httpx.AsyncClient) -> None:
    """The API proves who is asking with a bearer token, never a cookie: nothing to forge."""
    response = await api.post(
        "/api/sessions",
        json={"title": "T", "group_name": "G", "facilitator_names": ["Sam"]},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 201
    assert "set-cookie" not in response.headers


# --- websockets check their origin during the handshake --------------------------------------


async def test_websocket_origins(server: LiveServer) -> None:
    created = create_session(server)
    url = f"{server.ws_base}/ws/sessions/{created['session_id']}/room"
    hello = json.dumps({"type": "hello", "token": created["room"]["token"]})
    for origin in (server.base_url, None):
        async with connect(url, origin=None if origin is None else Origin(origin)) as ws:
            await ws.send(hello)
            assert json.loads(await ws.recv())["type"] == "snapshot"
    for foreign in ("https://elsewhere.example", "null", f"http://127.0.0.1:{server.port + 1}"):
        with pytest.raises(InvalidStatus, match="403"):
            await connect(url, origin=Origin(foreign))


# --- headers on every response -------------------------------------------------------------------


async def test_every_page_and_answer_carries_the_security_headers(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    sid = created["session_id"]
    await api.get(f"/enter/{created['facilitators'][0]['token']}")
    await api.get(f"/enter/{created['room']['token']}")
    paths = [
        "/",
        f"/join/{created['join_code']}",
        "/join/NOSUCH",
        f"/s/{sid}/console",
        f"/s/{sid}/room",
        f"/s/{sid}/me",
        "/enter/broken",
        "/api/templates",
        "/api/sessions/nope/view",
        "/openapi.json",
        "/no/such/page",
    ]
    for path in paths:
        response = await api.get(path)
        assert_security_headers(response.headers, path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["cache-control"] == "no-store", path
    refused = await api.post("/sessions", data=CREATE_FORM)
    assert_security_headers(refused.headers, "refused form")
    view = await api.get(f"/api/sessions/{sid}/view", headers=bearer(created["room"]["token"]))
    assert_security_headers(view.headers, "view")


def assert_security_headers(headers: httpx.Headers, where: str) -> None:
    expected = {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "same-origin",
        "cross-origin-opener-policy": "same-origin",
    }
    for name, value in expected.items():
        assert headers.get(name) == value, (where, name)
    assert "camera=()" in headers["permissions-policy"], where
    policy = headers["content-security-policy"]
    for directive in ("frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"):
        assert directive in policy, (where, directive)


def test_the_content_security_policy_is_strict() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
    }


async def test_static_files_may_be_cached_and_the_api_explorer_keeps_the_strict_policy(
    api: httpx.AsyncClient,
) -> None:
    css = await api.get("/static/css/app.css")
    assert css.status_code == 200
    assert "cache-control" not in css.headers
    assert_security_headers(css.headers, "css")
    docs = await api.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text
    assert_security_headers(docs.headers, "docs")
    assert docs.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        served = await api.get(f"/static/vendor/{asset}")
        assert served.status_code == 200
        assert served.headers["content-type"].startswith(
            "text/css" if asset.endswith(".css") else "text/javascript"
        )


async def test_https_deployments_ask_for_https_only(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, public_url="https://rounds.example.org"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://rounds.example.org"
    ) as api:
        response = await api.get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


# --- a server error is calm too, and still has its headers ---------------------------------------


@pytest.fixture
async def failing(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(Settings(data_dir=tmp_path))

    async def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as api:
        yield api


async def test_a_server_error_is_kind_and_keeps_its_headers(failing: httpx.AsyncClient) -> None:
    api_error = await failing.get("/api/boom")
    assert api_error.status_code == 500
    assert api_error.json()["code"] == "server_error"
    assert "a bug" not in api_error.text
    assert_security_headers(api_error.headers, "api 500")
    page_error = await failing.get("/boom")
    assert page_error.status_code == 500
    assert "Something went wrong on our side" in page_error.text
    assert_security_headers(page_error.headers, "page 500")


# --- body size -----------------------------------------------------------------------------------


async def test_a_body_over_the_limit_is_refused_before_it_is_read(api: httpx.AsyncClient) -> None:
    code = await join_code(api)
    huge = "x" * (MAX_BODY_BYTES + 1)
    too_big_json = await api.post(
        "/api/sessions", json={"title": huge, "group_name": "G", "facilitator_names": ["S"]}
    )
    assert too_big_json.status_code == 413
    assert too_big_json.json()["code"] == "too_large"
    too_big_form = await api.post(f"/join/{code}", data={"name": huge}, headers=SAME_ORIGIN)
    assert too_big_form.status_code == 413
    assert "Please shorten it" in too_big_form.text


async def test_a_streamed_body_is_cut_off_at_the_limit(api: httpx.AsyncClient) -> None:
    """Without Content-Length (chunked), the limit is counted as the body arrives."""
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(1000):
            sent.append(1)
            yield b"x" * 1024

    response = await api.post("/api/sessions", content=chunks())
    assert response.status_code == 413
    assert "content-length" not in response.request.headers
    assert len(sent) < 100


async def test_a_body_under_the_limit_reaches_validation(api: httpx.AsyncClient) -> None:
    body: dict[str, Any] = {"title": "x" * (MAX_BODY_BYTES - 100), "group_name": "G"}
    response = await api.post("/api/sessions", json=body)
    assert response.status_code == 422
