"""An agenda item's length is read like every other length typed in minutes
(app/web/minutes.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.support.groups import account_services, browser, post, register

pytestmark = pytest.mark.anyio


async def test_an_agenda_item_takes_minutes_with_a_comma_and_refuses_nan(app: FastAPI) -> None:
    """float() used to read "nan" and "1e2" as minutes; now both are asked again, kindly."""
    fields = {
        "name": "Our circle",
        "stage_kind": ["welcome"],
        "stage_title": ["Welcome"],
        "stage_prompt": [""],
    }
    async with browser(app) as client:
        await register(client)
        copied = await post(client, "/templates/social-activity", **fields, stage_minutes=["2,5"])
        own = copied.headers["location"].split("?")[0]
        refused = [
            await post(client, own, **fields, stage_minutes=[typed]) for typed in ("nan", "1e2")
        ]
    assert copied.status_code == 303
    latest = account_services(app).templates.latest(own.rsplit("/", 1)[-1])
    assert latest is not None
    assert (latest.version, latest.template.stages[0].minutes) == (1, 2.5)
    assert [answer.status_code for answer in refused] == [422, 422]
    assert all("between 1 and 240 minutes" in answer.text for answer in refused)
