"""The one way a group page finds its group: signed in, facilitating it, and (forms) the key."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.web.groups.routes import routers
from tests.support.groups import browser, create_group, groups_of, post, register, today

pytestmark = pytest.mark.anyio


def group_forms() -> list[str]:
    """Every form a group page posts to, as a path template."""
    return sorted(
        route.path
        for router in routers()
        for route in router.routes
        if isinstance(route, APIRoute)
        and route.path.startswith("/groups/{group_id}")
        and "POST" in (route.methods or set())
    )


async def test_every_group_form_without_this_browsers_key_is_refused_and_changes_nothing(
    app: FastAPI,
) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        await post(sam, f"{path}/members", preferred_name="Priya")
        groups = groups_of(app)
        before = groups.records(groups.all_groups()[0])
        (member,) = before.members
        forms = group_forms()
        answers = {
            form: await sam.post(
                form.format(
                    group_id=path.rsplit("/", 1)[-1],
                    member_id=member.id,
                    guideline_id="g",
                    meeting_on=today().isoformat(),
                    resource_id="r",
                ),
                data={"form_key": "not this browser's", "confirm_name": "Riverside"},
            )
            for form in forms
        }

    assert len(forms) >= 10
    assert {form: a.status_code for form, a in answers.items()} == dict.fromkeys(forms, 403)
    assert all("nothing was changed" in a.text for a in answers.values())
    assert groups_of(app).records(before.group) == before


async def test_not_yours_and_not_there_are_the_same_calm_answer(app: FastAPI) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
    async with browser(app) as ana:
        await register(ana, email="ana@example.org", name="Ana")
        not_yours = await ana.get(path)
        not_there = await ana.get("/groups/no-such-group")

    assert not_yours.status_code == not_there.status_code == 404
    assert not_yours.text == not_there.text
