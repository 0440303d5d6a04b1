"""A facilitator's browser for the account and group pages, in-process (httpx over ASGI)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.store.groups import Groups
from app.web.account_services import AccountServices

BASE = "http://testserver"
PASSWORD = "a calm long password"
_FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


def make_app(tmp_path: Path, database_url: str) -> FastAPI:
    return create_app(Settings(data_dir=tmp_path, database_url=database_url))


def account_services(app: FastAPI) -> AccountServices:
    services: AccountServices = app.state.account_services
    return services


def groups_of(app: FastAPI) -> Groups:
    return account_services(app).groups


def today() -> date:
    return datetime.now(UTC).date()


@asynccontextmanager
async def browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Like a browser on this site: its forms send this site's Origin; cookies are kept."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE, headers={"Origin": BASE}
    ) as client:
        yield client


async def register(
    client: httpx.AsyncClient, email: str = "sam@example.org", name: str = "Sam"
) -> httpx.Response:
    return await client.post(
        "/account/register",
        data={
            "email": email,
            "display_name": name,
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )


async def form_key(client: httpx.AsyncClient, path: str = "/groups") -> str:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    found = _FORM_KEY.search(response.text)
    assert found is not None
    return found.group(1)


def group_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Riverside",
        "kind": "wellbeing",
        "meeting_pattern": "weekly",
        "first_meeting_on": today().isoformat(),
        "meeting_time": "18:30",
        "where": "room",
        "venue": "Community hall",
        "template_key": "peer-support-plus-weekly",
        "retention_days": "365",
        **overrides,
    }


async def create_group(client: httpx.AsyncClient, **overrides: str) -> str:
    """A new group's page path, /groups/<id>."""
    key = await form_key(client)
    response = await client.post("/groups", data={"form_key": key, **group_form(**overrides)})
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


async def post(client: httpx.AsyncClient, path: str, **fields: Any) -> httpx.Response:
    """A form from a logged-in page, with this browser's form key."""
    return await client.post(path, data={"form_key": await form_key(client), **fields})
