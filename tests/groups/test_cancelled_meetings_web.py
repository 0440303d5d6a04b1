"""Cancelling a meeting and restoring it over HTTP (SQLite and PostgreSQL): the group page, a
member's own page and both calendar feeds; what is refused, kindly; and meeting anyway."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from icalendar import Calendar

from app.groups.cancellations import MAX_REASON
from tests.support.groups import browser, create_group, groups_of, post, register, today

pytestmark = pytest.mark.anyio


def day_of(on: date) -> str:
    return f"{on:%A} {on.day} {on:%B}"


def statuses(feed: bytes) -> dict[date, tuple[str, int, str]]:
    """Each meeting's status, sequence and summary, by date, read back with the library."""
    found = {}
    for event in Calendar.from_ical(feed).events:
        start = event.start
        assert isinstance(start, datetime), start
        found[start.date()] = (
            str(event["STATUS"]),
            int(event.get("SEQUENCE", 0)),
            str(event["SUMMARY"]),
        )
    return found


async def member_link(app: FastAPI, sam: httpx.AsyncClient, path: str) -> str:
    """Mere's own link, as Sam gives it to her."""
    await post(sam, f"{path}/members", preferred_name="Mere")
    (member,) = groups_of(app).members(path.rsplit("/", 1)[-1])
    shown = await post(sam, f"{path}/members/{member.id}/link")
    found = re.search(r"/apologies/[\w.-]+", shown.text)
    assert found is not None
    return found.group(0)


async def test_a_cancelled_meeting_is_told_to_members_and_struck_from_calendars_until_restored(
    app: FastAPI,
) -> None:
    this_week, next_week = today(), today() + timedelta(weeks=1)
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        link = await member_link(app, sam, path)
        cancelled = await post(
            sam, f"{path}/meetings/{this_week.isoformat()}/cancel", reason="Christmas Eve"
        )
        page = await sam.get(path)
        feed_cancelled = await sam.get(f"{path}/meetings.ics")
        async with browser(app) as mere:
            member_page = await mere.get(link)
            member_feed = await mere.get(f"{link}/meetings.ics")
        restored = await post(sam, f"{path}/meetings/{this_week.isoformat()}/restore")
        page_after = await sam.get(path)
        feed_restored = await sam.get(f"{path}/meetings.ics")
        async with browser(app) as mere:
            member_page_after = await mere.get(link)

    assert cancelled.status_code == 303
    assert cancelled.headers["location"] == f"{path}#calendar"
    row = re.search(rf'<li id="meeting-{this_week.isoformat()}".*?</li>', page.text, re.S)
    assert row is not None
    assert 'class="calendar__cancelled"' in row.group(0)
    assert '<span class="tag tag--cancelled">cancelled</span>' in row.group(0)
    assert "Christmas Eve" in row.group(0)
    assert f"/meetings/{this_week.isoformat()}/restore" in row.group(0)
    assert "Cancel this meeting" not in row.group(0)
    assert 'id="this-week-cancelled"' in page.text
    assert "Start a session anyway" in page.text
    assert f'id="cancel-{next_week.isoformat()}"' in page.text

    assert statuses(feed_cancelled.content)[this_week] == ("CANCELLED", 1, "Cancelled: Riverside")
    assert statuses(feed_cancelled.content)[next_week] == ("CONFIRMED", 0, "Riverside")
    assert statuses(member_feed.content)[this_week][0] == "CANCELLED"
    assert f"No meeting on {day_of(this_week)}: Christmas Eve." in member_page.text
    next_meeting = re.search(r'id="next-meeting">.*?</p>', member_page.text, re.S)
    assert next_meeting is not None
    assert day_of(next_week) in next_meeting.group(0)
    assert f'value="{this_week.isoformat()}"' not in member_page.text

    assert restored.status_code == 303
    assert 'id="this-week-cancelled"' not in page_after.text
    assert f'id="cancel-{this_week.isoformat()}"' in page_after.text
    assert statuses(feed_restored.content)[this_week] == ("CONFIRMED", 2, "Riverside")
    assert "No meeting on" not in member_page_after.text


async def test_what_cannot_be_cancelled_or_restored_is_explained_and_the_words_kept(
    app: FastAPI,
) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        past = await post(
            sam, f"{path}/meetings/{(today() - timedelta(weeks=1)).isoformat()}/cancel"
        )
        not_a_date = await post(sam, f"{path}/meetings/someday/cancel")
        too_long = await post(
            sam, f"{path}/meetings/{today().isoformat()}/cancel", reason="Snow " * MAX_REASON
        )
        not_cancelled = await post(sam, f"{path}/meetings/{today().isoformat()}/restore")

    assert (past.status_code, not_a_date.status_code) == (422, 422)
    assert "not one of those coming up" in past.text
    assert too_long.status_code == 422
    assert f"Please keep the reason to {MAX_REASON} characters or fewer." in too_long.text
    assert re.search(
        rf'<details class="more" id="cancel-{today().isoformat()}" open>', too_long.text
    )
    assert 'value="Snow Snow' in too_long.text
    assert not_cancelled.status_code == 409
    assert "another facilitator may have restored it" in not_cancelled.text
    assert groups_of(app).meeting_changes(path.rsplit("/", 1)[-1], today()) == {}


async def test_a_member_who_sends_apologies_for_a_meeting_just_cancelled_is_told_kindly(
    app: FastAPI,
) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        link = await member_link(app, sam, path)
        await post(sam, f"{path}/meetings/{today().isoformat()}/cancel")
    async with browser(app) as mere:
        refused = await mere.post(link, data={"meeting_on": today().isoformat()})

    assert refused.status_code == 409
    assert (
        f"No meeting on {day_of(today())}, so there is no need to send apologies for it."
        in refused.text
    )
    group_id = path.rsplit("/", 1)[-1]
    assert groups_of(app).apologies(group_id, today()) == []


async def test_a_facilitator_can_still_start_a_session_on_a_cancelled_day_which_stays_cancelled(
    app: FastAPI,
) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        await post(sam, f"{path}/meetings/{today().isoformat()}/cancel", reason="Hall closed")
        started = await post(sam, f"{path}/sessions")
        exported = await sam.get(f"{path}/export.csv")

    group_id = path.rsplit("/", 1)[-1]
    assert started.status_code == 303
    assert groups_of(app).session_on(group_id, today()) is not None
    # Members were told there is no meeting; meeting anyway does not tell them otherwise.
    assert groups_of(app).meeting_changes(group_id, today())[today()].cancelled
    assert f"cancelled meeting,{today().isoformat()},,Hall closed," in exported.text
