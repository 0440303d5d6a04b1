"""Group pages on SQLite and PostgreSQL: groups, members, guidelines, actions, sessions."""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from app.agenda.carry_over import ActionKind
from app.agenda.stages import StageKind
from app.session.command_base import Actor, Role
from app.session.commands import AdvanceStage, EndSession, StartSession
from app.session.state import SessionStatus
from app.web.account_services import make_account_services
from app.web.groups.retention_purge import purge_expired
from app.web.services import Services
from tests.support.groups import (
    PASSWORD,
    account_services,
    browser,
    create_group,
    form_key,
    group_form,
    groups_of,
    post,
    register,
    today,
)

pytestmark = pytest.mark.anyio


def group_id(path: str) -> str:
    return path.rsplit("/", 1)[-1]


async def start_session(client: httpx.AsyncClient, path: str) -> str:
    """Press "start this week's session"; the new session's id (from the console address)."""
    response = await post(client, f"{path}/sessions")
    assert response.status_code == 303, response.text
    entered = await client.get(response.headers["location"])
    found = re.search(r"/s/([^/]+)/console", str(entered.url))
    assert found is not None
    return found.group(1)


async def test_a_new_group_brings_its_templates_guidelines_and_a_calendar(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(
            client, template_key="stronger-together-grief-support", new_members_every="4"
        )
        page = await client.get(path)

    assert page.status_code == 200
    assert "We listen with compassion." in page.text
    # The first meeting (today) welcomes new members; the next three do not.
    assert page.text.count("welcomes new members") == 2  # meetings 1 and 5 of the six shown
    assert 'id="start-this-week"' in page.text
    assert re.search(r'id="calendar-list">\s*<li\b', page.text)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "x" * 10_000}, "120 characters or fewer"),
        ({"name": "<b>Riverside</b>"}, "without &lt; or &gt;"),
        ({"kind": "book club"}, "what kind of group"),
        ({"first_meeting_on": "someday"}, "date of the first meeting"),
        ({"meeting_time": "25:00"}, "meeting time"),
        ({"template_key": "no-such-agenda"}, "choose an agenda"),
        ({"retention_days": "1"}, "how many days records are kept"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time zone"),
    ],
)
async def test_a_group_that_cannot_be_made_is_refused_kindly_and_nothing_is_stored(
    app: FastAPI, fields: dict[str, str], message: str
) -> None:
    async with browser(app) as client:
        await register(client)
        key = await form_key(client)
        response = await client.post("/groups", data={"form_key": key, **group_form(**fields)})

    assert response.status_code == 422
    assert message in response.text
    assert "<b>Riverside</b>" not in response.text
    assert groups_of(app).all_groups() == []


async def test_every_participant_sees_the_groups_guidelines(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client, template_key="stronger-together-grief-support")
        session_id = await start_session(client, path)
    svc: Services = app.state.services
    hub = await svc.registry.get(session_id)
    assert hub is not None
    async with browser(app) as phone:
        joined = await phone.post(f"/join/{hub.record.join_code}", data={"name": "Priya"})
        page = await phone.get(joined.headers["location"])

    assert 'id="guidelines"' in page.text
    assert "We do not give advice unless expressly asked." in page.text


async def test_a_facilitator_of_one_group_cannot_see_or_touch_another(app: FastAPI) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        await post(sam, f"{path}/members", preferred_name="Priya")
    before = groups_of(app).records(groups_of(app).all_groups()[0])

    async with browser(app) as sam:
        await sam.post("/account/login", data={"email": "sam@example.org", "password": PASSWORD})
        copied = await post(
            sam,
            "/templates/social-activity",
            name="Sam's own agenda",
            description="",
            guidelines="",
            stage_kind=["welcome"],
            stage_title=["Welcome"],
            stage_minutes=["5"],
            stage_prompt=[""],
        )
        sams_template = copied.headers["location"].split("?")[0]

    async with browser(app) as ana:
        await register(ana, email="ana@example.org", name="Ana")
        await create_group(ana, name="Ana's own group")
        answers = [
            await ana.get(sams_template),
            await post(
                ana,
                sams_template,
                name="Taken over",
                stage_kind=["welcome"],
                stage_title=["Hello"],
                stage_minutes=["5"],
                stage_prompt=[""],
            ),
            await ana.get(path),
            await ana.get(f"{path}/export.json"),
            await ana.get(f"{path}/export.csv"),
            await post(ana, f"{path}/members", preferred_name="Intruder"),
            await post(ana, f"{path}/guidelines", text="Intruders welcome"),
            await post(
                ana,
                f"{path}/actions",
                kind="handout",
                detail="x",
                due_on=today().isoformat(),
            ),
            await post(ana, f"{path}/sessions"),
            await post(ana, f"{path}/invitations"),
            await post(ana, f"{path}/settings", **group_form(name="Taken", retention_days="7")),
            await post(ana, f"{path}/purge", confirm_name="Riverside"),
        ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all("couldn&#39;t find that" in a.text for a in answers)
    assert all("Priya" not in a.text for a in answers)
    assert groups_of(app).records(before.group) == before
    templates = account_services(app).templates
    own = templates.latest(sams_template.rsplit("/", 1)[-1])
    assert own is not None
    assert (own.version, own.template.name) == (1, "Sam's own agenda")


def test_today_is_the_groups_own_date_not_the_servers() -> None:
    # 01:00 on Tuesday 24 November in London is still Monday evening in Minneapolis.
    at = datetime(2026, 11, 24, 1, 0, tzinfo=UTC).timestamp()
    services = make_account_services(None, None, None, "secret", lambda: at, None)  # type: ignore[arg-type]

    assert services.today("Europe/London") == date(2026, 11, 24)
    assert services.today("America/Chicago") == date(2026, 11, 23)


async def test_pages_need_a_login_and_come_back_after_it(app: FastAPI) -> None:
    async with browser(app) as client:
        response = await client.get("/groups/anything")

    assert response.status_code == 303
    assert response.headers["location"] == "/account/login?next=/groups/anything"


async def test_a_groups_details_are_changed_and_a_shorter_retention_purges_at_once(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        todays = await start_session(client, path)
        groups = groups_of(app)
        a_month_ago = today() - timedelta(days=30)
        groups.record_session(group_id(path), "an-old-session", a_month_ago, 0.0, [])
        refused = await post(
            client,
            f"{path}/settings",
            **group_form(name="n" * 10_000, meeting_pattern="fortnightly"),
        )
        unchanged = groups.all_groups()[0]
        changed = await post(
            client,
            f"{path}/settings",
            **group_form(
                name="Riverside Tuesdays",
                meeting_pattern="fortnightly",
                time_zone="Pacific/Auckland",
                retention_days="7",
            ),
        )
        page = await client.get(path)

    assert refused.status_code == 422
    assert "120 characters or fewer" in refused.text
    assert (unchanged.name, unchanged.meeting_pattern.value) == ("Riverside", "weekly")
    assert changed.status_code == 303
    group = groups.all_groups()[0]
    assert (group.name, group.meeting_pattern.value, group.time_zone, group.retention_days) == (
        "Riverside Tuesdays",
        "fortnightly",
        "Pacific/Auckland",
        7,
    )
    # Records are now kept a week: last month's session is forgotten, today's is kept.
    assert [s.session_id for s in groups.sessions(group_id(path))] == [todays]
    assert 'value="Riverside Tuesdays"' in page.text


async def test_a_co_facilitator_joins_by_an_invitation_that_works_once(app: FastAPI) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        invited = await post(sam, f"{path}/invitations")
        link = re.search(r"http://[^\"<]+/invitations/[\w-]+", invited.text)
        assert link is not None
        invitation = link.group(0).removeprefix("http://127.0.0.1:8000")

    async with browser(app) as ana:
        await register(ana, email="ana@example.org", name="Ana")
        shown = await ana.get(invitation)
        accepted = await post(ana, invitation)
        page = await ana.get(path)

    async with browser(app) as lee:
        await register(lee, email="lee@example.org", name="Lee")
        again = await lee.get(invitation)

    assert "Co-facilitate <bdi>Riverside</bdi>?" in shown.text
    assert accepted.status_code == 303
    assert page.status_code == 200
    assert "Facilitators: Ana, Sam" in page.text
    assert again.status_code == 404


async def test_members_are_added_name_checked_and_removed_with_their_name_erased(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        await post(client, f"{path}/members", preferred_name="Priya")
        refused = await post(client, f"{path}/members", preferred_name="y" * 10_000)
        (member,) = groups_of(app).members(group_id(path))
        await post(client, f"{path}/members/{member.id}/name-check")
        checked = groups_of(app).members(group_id(path))
        page = (await client.get(path)).text
        await post(client, f"{path}/members/{member.id}/remove")
        exported = await client.get(f"{path}/export.json")

    # Erasing sits apart from "Their own link", behind a question that names the member and
    # what cannot be undone.
    link, erase = page.split(f'<details class="more more--erase" id="erase-member-{member.id}">')
    assert f"/members/{member.id}/link" in link
    assert f"/members/{member.id}/remove" not in link
    assert "Remove <bdi>Priya</bdi> from the group and erase their name?" in erase
    assert "This cannot be undone." in erase
    assert refused.status_code == 422
    assert "40 characters or fewer" in refused.text
    assert checked[0].name_checked_on == today()
    assert groups_of(app).members(group_id(path)) == []
    assert "Priya" not in exported.text


async def test_a_proposed_guideline_is_agreed_with_a_date_and_a_review_date(app: FastAPI) -> None:
    review_on = today() + timedelta(days=90)
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        await post(client, f"{path}/guidelines", text="Phones on silent, please.")
        proposed = next(
            g for g in groups_of(app).guidelines(group_id(path)) if g.text.startswith("Phones")
        )
        past = await post(
            client, f"{path}/guidelines/{proposed.id}/agree", review_on=today().isoformat()
        )
        await post(
            client, f"{path}/guidelines/{proposed.id}/agree", review_on=review_on.isoformat()
        )

    assert proposed.agreed_on is None
    assert past.status_code == 422
    agreed = next(g for g in groups_of(app).guidelines(group_id(path)) if g.id == proposed.id)
    assert (agreed.agreed_on, agreed.review_on) == (today(), review_on)


async def test_the_welcome_reminds_the_facilitators_of_guidelines_due_for_review(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        await post(client, f"{path}/guidelines", text="Phones on silent, please.")
        groups = groups_of(app)
        proposed = next(g for g in groups.guidelines(group_id(path)) if g.text.startswith("Phones"))
        # Agreed half a year ago, to be looked at again by today.
        groups.agree_guideline(group_id(path), proposed.id, today() - timedelta(days=182), today())
        session_id = await start_session(client, path)
        console = await client.get(f"/s/{session_id}/console")

    due = re.search(r'id="guidelines-due">(.*?)</ul>', console.text, re.S)
    assert due is not None
    assert "Phones on silent, please." in due.group(1)
    assert "What is said in The Room" not in due.group(1)


async def test_an_action_for_a_past_date_is_refused_and_nothing_is_recorded(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        response = await post(
            client,
            f"{path}/actions",
            kind="handout",
            detail="The grounding handout",
            due_on=(today() - timedelta(days=1)).isoformat(),
        )

    assert response.status_code == 422
    assert "already passed" in response.text
    assert "The grounding handout" in response.text  # kept in the form, nothing lost
    # The kind and the date too: sent again as it is, it would otherwise be a "Next meeting".
    assert '<option value="handout" selected>' in response.text
    assert f'value="{(today() - timedelta(days=1)).isoformat()}" required>' in response.text
    assert groups_of(app).actions(group_id(path)) == []


async def test_this_weeks_session_opens_with_what_was_carried_over(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        await post(client, f"{path}/members", preferred_name="Priya")
        await post(
            client,
            f"{path}/actions",
            kind="guaranteed_time",
            detail="Priya has time first",
            peer_name="Priya",
            due_on=today().isoformat(),
        )
        session_id = await start_session(client, path)
        console = await client.get(f"/s/{session_id}/console")
        again = await start_session(client, path)

    svc: Services = app.state.services
    hub = await svc.registry.get(session_id)
    assert hub is not None
    assert [a.peer_name for a in hub.state.carried_over] == ["Priya"]
    assert hub.state.for_group
    assert any(g.text.startswith("What is said in The Room") for g in hub.state.guidelines)
    # The group's zone, so that the room can say when a break ends by the room's clocks.
    assert hub.state.time_zone == "UTC"
    assert 'id="carried-over"' in console.text
    assert "Priya has time first" in console.text
    # Pressed again: the same session, and the action was carried once.
    assert again == session_id
    assert groups_of(app).actions(group_id(path))[0].carried_into == session_id
    assert len(groups_of(app).sessions(group_id(path))) == 1


async def test_after_todays_session_has_ended_the_button_starts_a_new_one(app: FastAPI) -> None:
    """Issue 13: a second session the same day (the first ended early, or by mistake) must not
    reopen the ended one; pressed again, the button returns to the new one."""
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        ended_id = await start_session(client, path)
        svc: Services = app.state.services
        ended = await svc.registry.get(ended_id)
        assert ended is not None
        sam = Actor(role=Role.FACILITATOR, id=next(iter(ended.state.facilitators)))
        await ended.execute(EndSession(id=str(uuid.uuid4())), sam)
        new_id = await start_session(client, path)
        again = await start_session(client, path)

    assert new_id != ended_id
    assert again == new_id
    new = await svc.registry.get(new_id)
    assert new is not None
    assert new.state.status is not SessionStatus.ENDED
    assert ended.state.status is SessionStatus.ENDED
    assert [s.session_id for s in groups_of(app).sessions(group_id(path))] == [new_id, ended_id]


async def test_the_console_names_the_guaranteed_taker_when_inviting_taking_time(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        await post(
            client,
            f"{path}/actions",
            kind="guaranteed_time",
            detail="Time for Priya",
            peer_name="Priya",
            due_on=today().isoformat(),
        )
        session_id = await start_session(client, path)
        svc: Services = app.state.services
        hub = await svc.registry.get(session_id)
        assert hub is not None
        sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
        await hub.execute(StartSession(id=str(uuid.uuid4())), sam)
        while hub.state.current_stage.kind is not StageKind.INVITE_TAKING_TIME:  # type: ignore[union-attr]
            await hub.execute(AdvanceStage(id=str(uuid.uuid4())), sam)
        console = await client.get(f"/s/{session_id}/console")

    assert re.search(
        r'id="guaranteed-time">.*<strong><bdi>Priya</bdi></strong>', console.text, re.S
    )


async def test_the_console_records_an_action_at_the_summary_stage(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        session_id = await start_session(client, path)
        svc: Services = app.state.services
        hub = await svc.registry.get(session_id)
        assert hub is not None
        sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
        await hub.execute(StartSession(id=str(uuid.uuid4())), sam)
        while hub.state.current_stage.kind is not StageKind.HOUSEKEEPING:  # type: ignore[union-attr]
            await hub.execute(AdvanceStage(id=str(uuid.uuid4())), sam)
        console = await client.get(f"/s/{session_id}/console")
        next_week = (today() + timedelta(weeks=1)).isoformat()
        fields = {"kind": "seek_news", "detail": "Ask after Tom", "peer_name": "Tom"}
        past = await client.post(
            f"/groups/sessions/{session_id}/actions",
            data={**fields, "due_on": (today() - timedelta(days=3)).isoformat()},
        )
        recorded = await client.post(
            f"/groups/sessions/{session_id}/actions", data={**fields, "due_on": next_week}
        )
    async with browser(app) as stranger:
        refused = await stranger.post(
            f"/groups/sessions/{session_id}/actions", data={**fields, "due_on": next_week}
        )

    assert f'action="/groups/sessions/{session_id}/actions"' in console.text
    assert past.status_code == 422
    assert "already passed" in past.text
    assert recorded.status_code == 200
    assert "will open with it" in recorded.text
    assert refused.status_code == 401
    (action,) = groups_of(app).actions(group_id(path))
    assert (action.kind, action.peer_name, action.due_on.isoformat()) == (
        ActionKind.SEEK_NEWS,
        "Tom",
        next_week,
    )
    assert hub.state.current_stage is not None  # the session carried on as it was


async def test_a_member_sends_apologies_from_their_link_and_the_welcome_shows_them(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        await post(client, f"{path}/members", preferred_name="Mere")
        (member,) = groups_of(app).members(group_id(path))
        shown = await post(client, f"{path}/members/{member.id}/link")
        found = re.search(r"/apologies/[\w.-]+", shown.text)
        assert found is not None
    async with browser(app) as mere:
        form = await mere.get(found.group(0))
        sent = await mere.post(found.group(0), data={"meeting_on": today().isoformat()})
        wrong_day = await mere.post(found.group(0), data={"meeting_on": "1999-01-01"})
        proposed = await mere.post(f"{found.group(0)}/guideline", data={"text": "Lights low"})
        too_long = await mere.post(f"{found.group(0)}/guideline", data={"text": "x" * 10_000})
        forged = await mere.get("/apologies/not-a-real-link")
    async with browser(app) as client:
        await client.post(
            "/account/login",
            data={"email": "sam@example.org", "password": "a calm long password"},
        )
        page = await client.get(path)
        session_id = await start_session(client, path)
        console = await client.get(f"/s/{session_id}/console")

    assert form.status_code == 200
    assert "Thank you for letting us know" in sent.text
    assert wrong_day.status_code == 422
    assert "choose one of the meetings" in wrong_day.text
    assert "will be put to the group" in proposed.text
    assert too_long.status_code == 422
    mere_guidelines = [
        g for g in groups_of(app).guidelines(group_id(path)) if g.text == "Lights low"
    ]
    assert [g.agreed_on for g in mere_guidelines] == [None]  # proposed, not yet agreed
    assert forged.status_code == 404
    assert "apologies from Mere" in page.text
    assert "Apologies from Mere." in console.text


async def test_exports_hold_the_groups_records_and_csv_cells_cannot_become_formulas(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        await post(client, f"{path}/members", preferred_name="=HYPERLINK(1)")
        as_json = await client.get(f"{path}/export.json")
        as_csv = await client.get(f"{path}/export.csv")

    document = as_json.json()
    assert document["group"]["name"] == "Riverside"
    assert document["facilitators"] == ["Sam"]
    assert [m["preferred_name"] for m in document["members"]] == ["=HYPERLINK(1)"]
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert ["member", today().isoformat(), "", "", "'=HYPERLINK(1)"] in rows


async def test_purging_a_group_removes_everything_kept_about_it(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client)
        await post(client, f"{path}/members", preferred_name="Priya")
        session_id = await start_session(client, path)
        wrong = await post(client, f"{path}/purge", confirm_name="Riversid")
        kept = groups_of(app).sessions(group_id(path))
        purged = await post(client, f"{path}/purge", confirm_name="Riverside")
        after = await client.get(path)

    svc: Services = app.state.services
    assert wrong.status_code == 422
    assert len(kept) == 1
    assert purged.status_code == 303
    assert after.status_code == 404
    assert groups_of(app).all_groups() == []
    assert svc.registry.sessions.get(session_id) is None
    assert svc.registry.store.load(session_id) == []


async def test_expired_session_records_are_purged_by_the_retention_rule(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        path = await create_group(client, retention_days="7")
        session_id = await start_session(client, path)

    groups = groups_of(app)
    assert purge_expired(groups, time.time()) == 0
    assert purge_expired(groups, time.time() + timedelta(days=8).total_seconds()) == 1
    assert groups.sessions(group_id(path)) == []
    svc: Services = app.state.services
    assert svc.registry.store.load(session_id) == []


async def test_a_facilitator_copies_a_seed_template_and_each_save_is_a_new_version(
    app: FastAPI,
) -> None:
    fields = {
        "name": "Our walking group",
        "description": "A walk, then tea.",
        "guidelines": "We walk at the pace of the slowest.\nNobody is left behind.",
        "stage_kind": ["welcome", "activity", ""],
        "stage_title": ["Welcome", "The walk", ""],
        "stage_minutes": ["5", "60", "10"],
        "stage_prompt": ["", "Around the lake", ""],
    }
    async with browser(app) as client:
        await register(client)
        copied = await post(client, "/templates/social-activity", **fields)
        own = copied.headers["location"].split("?")[0]
        saved_again = await post(client, own, **{**fields, "name": "Our walking group (v2)"})
        empty = await post(
            client, own, **{**fields, "stage_title": ["", "", ""], "name": "Nothing"}
        )
        key = own.rsplit("/", 1)[-1]
        path = await create_group(client, template_key=key)
        session_id = await start_session(client, path)

    templates = account_services(app).templates
    assert copied.status_code == saved_again.status_code == 303
    assert key.startswith("social-activity~")
    latest = templates.latest(key)
    assert latest is not None
    assert latest.version == 2
    assert latest.template.name == "Our walking group (v2)"
    assert templates.latest("social-activity").version == 1  # type: ignore[union-attr]
    assert empty.status_code == 422
    assert "at least one agenda item" in empty.text
    svc: Services = app.state.services
    hub = await svc.registry.get(session_id)
    assert hub is not None
    assert [s.title for s in hub.state.stages] == ["Welcome", "The walk"]
    assert [g.text for g in hub.state.guidelines] == [
        "We walk at the pace of the slowest.",
        "Nobody is left behind.",
    ]


async def test_the_privacy_page_says_plainly_what_is_kept(app: FastAPI) -> None:
    async with browser(app) as client:
        response = await client.get("/privacy")

    assert response.status_code == 200
    assert "no transcripts" in response.text
    assert "removed automatically" in response.text
