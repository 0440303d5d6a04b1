"""The group pages' time zones (issue 17), in-process on SQLite and PostgreSQL: the picker, a
zone not found answered with the close ones and nothing lost, and meeting times in the group's
zone with the instant the browser reads the viewer's time from."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from app.web.groups.form_values import known_zones
from tests.support.groups import (
    browser,
    create_group,
    form_key,
    group_form,
    groups_of,
    post,
    register,
)

pytestmark = pytest.mark.anyio


async def test_a_zone_not_found_names_the_close_ones_and_keeps_what_was_typed(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        key = await form_key(client)
        refused = await client.post(
            "/groups",
            data={"form_key": key, **group_form(name="Riverside Tuesdays", time_zone="Auckland")},
        )
        stored_after_refusal = groups_of(app).all_groups()
        path = await create_group(client, time_zone="pacific/auckland")

    assert refused.status_code == 422
    assert "We couldn&#39;t find that time zone. Did you mean Pacific/Auckland?" in refused.text
    assert 'value="Riverside Tuesdays"' in refused.text
    assert 'value="Auckland"' in refused.text
    assert stored_after_refusal == []
    (group,) = groups_of(app).all_groups()
    assert f"/groups/{group.id}" == path
    assert group.time_zone == "Pacific/Auckland"


async def test_a_zone_not_found_when_changing_the_details_changes_nothing(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client, time_zone="Europe/London")
        refused = await post(
            client, f"{path}/settings", **group_form(name="Riverside", time_zone="Chicgo")
        )

    assert refused.status_code == 422
    assert "Did you mean America/Chicago" in refused.text
    assert 'value="Chicgo"' in refused.text
    (group,) = groups_of(app).all_groups()
    assert group.time_zone == "Europe/London"


async def test_the_picker_lists_the_zones_and_a_new_groups_field_waits_for_the_browser(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        new = await client.get("/groups")
        path = await create_group(client, time_zone="America/Chicago")
        existing = await client.get(path)

    options = re.findall(r'<option value="([^"]+)"></option>', new.text)
    assert {"Pacific/Auckland", "America/Chicago", "Europe/London", "UTC"} <= set(options)
    assert set(options) <= known_zones()
    new_field = re.search(r'<input id="time_zone"[^>]*>', new.text)
    assert new_field is not None
    assert 'value=""' in new_field.group(0)
    assert "data-propose-browser-zone" in new_field.group(0)
    assert 'list="time-zone-list"' in new_field.group(0)
    assert re.search(r'<input id="time_zone"[^>]*value="America/Chicago"', existing.text)
    assert '<script type="module" src="/static/js/meeting-times.js"></script>' in new.text


async def test_meetings_are_shown_in_the_groups_zone_beside_their_instant(app: FastAPI) -> None:
    """Chicago in January is six hours behind UTC; in July, five (daylight saving time)."""
    async with browser(app) as client:
        await register(client)
        winter = await create_group(
            client,
            name="Winter",
            time_zone="America/Chicago",
            meeting_time="19:00",
            first_meeting_on="2037-01-06",
        )
        summer = await create_group(
            client,
            name="Summer",
            time_zone="America/Chicago",
            meeting_time="19:00",
            first_meeting_on="2037-07-07",
        )
        await post(client, f"{winter}/members", preferred_name="Priya")
        (priya,) = groups_of(app).members(winter.rsplit("/", 1)[-1])
        shown = await post(client, f"{winter}/members/{priya.id}/link")
        link = re.search(r"/apologies/[\w.-]+", shown.text)
        assert link is not None
        winter_page = await client.get(winter)
        summer_page = await client.get(summer)
        own_page = await client.get(link.group(0))
        listed = await client.get("/groups")

    winter_time = (
        '<time datetime="2037-01-07T01:00:00Z" data-group-zone="America/Chicago">'
        "Tuesday 6 January, 7:00 pm in Chicago</time>"
    )
    summer_time = (
        '<time datetime="2037-07-08T00:00:00Z" data-group-zone="America/Chicago">'
        "Tuesday 7 July, 7:00 pm in Chicago</time>"
    )
    assert winter_time in winter_page.text
    assert summer_time in summer_page.text
    assert "Weekly at 7:00 pm (America/Chicago)" in winter_page.text
    next_meeting = re.search(r'<p class="lede" id="next-meeting">.*?</p>', own_page.text, re.S)
    assert next_meeting is not None
    assert winter_time in next_meeting.group(0)
    assert "data-where-you-are hidden" in next_meeting.group(0)
    assert winter_time in listed.text
    assert summer_time in listed.text
