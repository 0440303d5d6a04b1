"""Calendar feeds over HTTP (SQLite and PostgreSQL): a member's through their own link, a
facilitator's through its signed address, and how each stops working."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi import FastAPI

from app.store.groups.schema import FACILITATORS
from tests.support.calendars import meetings_in
from tests.support.groups import browser, create_group, groups_of, post, register, today

pytestmark = pytest.mark.anyio


def events_of(feed: bytes) -> list[tuple[date, str]]:
    return [(start.date(), summary) for start, _, summary in meetings_in(feed)]


async def test_a_member_subscribes_with_their_link_and_sees_their_apologies(app: FastAPI) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam, time_zone="Pacific/Auckland", meeting_time="19:00")
        group_id = path.rsplit("/", 1)[-1]
        await post(sam, f"{path}/members", preferred_name="Mere")
        (member,) = groups_of(app).members(group_id)
        shown = await post(sam, f"{path}/members/{member.id}/link")
    link = re.search(r"/apologies/[\w.-]+", shown.text)
    assert link is not None
    async with browser(app) as mere:
        page = await mere.get(link.group(0))
        before = await mere.get(f"{link.group(0)}/meetings.ics")
        first, second = (on for on, _ in events_of(before.content)[:2])
        await mere.post(link.group(0), data={"meeting_on": second.isoformat()})
        after = await mere.get(f"{link.group(0)}/meetings.ics")
    async with browser(app) as sam:
        await sam.post(
            "/account/login", data={"email": "sam@example.org", "password": "a calm long password"}
        )
        await post(sam, f"{path}/members/{member.id}/remove")
    async with browser(app) as mere:
        removed = await mere.get(f"{link.group(0)}/meetings.ics")

    assert re.search(rf'href="webcal://[^"/]+{re.escape(link.group(0))}/meetings\.ics"', page.text)
    assert before.status_code == 200
    assert before.headers["content-type"] == "text/calendar; charset=utf-8"
    assert first >= today()
    starts = [start for start, _, _ in meetings_in(before.content)]
    assert {(start.hour, start.minute, str(start.tzinfo)) for start in starts} == {
        (19, 0, "Pacific/Auckland")
    }
    assert events_of(after.content)[:2] == [
        (first, "Riverside"),
        (second, "Riverside (apologies sent)"),
    ]
    assert b"Mere" not in after.content
    assert removed.status_code == 404


async def test_a_facilitators_feed_answers_only_while_they_facilitate_the_group(
    app: FastAPI,
) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        page = await sam.get(path)
        signed_in = await sam.get(f"{path}/meetings.ics")
    found = re.search(r'value="(https?://[^"]+/calendars/[^"]+/meetings\.ics)"', page.text)
    assert found is not None
    feed_path = found.group(1).split("://", 1)[1].split("/", 1)[1]
    async with browser(app) as calendar_app:
        subscribed = await calendar_app.get(f"/{feed_path}")
        forged = await calendar_app.get("/calendars/not-signed/meetings.ics")
        elsewhere = await calendar_app.get(f"{path}/meetings.ics")
        with groups_of(app)._engine.begin() as connection:  # Sam hands the group over
            connection.execute(FACILITATORS.delete())
        handed_over = await calendar_app.get(f"/{feed_path}")

    assert signed_in.status_code == subscribed.status_code == 200
    assert events_of(subscribed.content) == events_of(signed_in.content)
    assert len(events_of(subscribed.content)) == 12
    assert forged.status_code == 404
    assert "This calendar link doesn&#39;t work any more" in forged.text
    assert elsewhere.status_code in (303, 401)
    assert handed_over.status_code == 404
