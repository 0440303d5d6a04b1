"""The timing summary over HTTP, on SQLite and PostgreSQL: the page, its exports, and that only
the session's facilitators may see any of it."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.realtime.hub import Committed
from app.realtime.registry import SERVER
from app.session.commands import RecordOutage
from tests.support import api
from tests.support.api import bearer

pytestmark = pytest.mark.anyio
BASE = "http://testserver"


@pytest.fixture
async def client(tmp_path: Path, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE, headers={"Origin": BASE}
    ) as http:
        yield http


class Session:
    def __init__(self, http: httpx.AsyncClient, created: Any) -> None:
        self.http = http
        self.id: str = created["session_id"]
        self.sam: str = created["facilitators"][0]["token"]
        self.room: str = created["room"]["token"]
        self.people: dict[str, str] = {}
        self.commands = 0

    async def ok(self, token: str, command: str, **fields: Any) -> None:
        self.commands += 1
        response = await self.http.post(
            f"/api/sessions/{self.id}/commands",
            json={"type": command, "id": f"c{self.commands}", **fields},
            headers=bearer(token),
        )
        assert response.json()["status"] == "accepted", response.text

    async def view(self) -> Any:
        response = await self.http.get(f"/api/sessions/{self.id}/view", headers=bearer(self.sam))
        return response.json()


async def new_session(http: httpx.AsyncClient, title: str = "Tuesday group") -> Session:
    return Session(http, await api.new_session(http, ("Sam",), title=title))


async def a_round_shared(http: httpx.AsyncClient) -> Session:
    """Priya shares, Tom passes, Lee shares in the Round of Good News."""
    session = await new_session(http)
    for name in ("Priya", "Tom", "Lee"):
        joined = await http.post(f"/api/sessions/{session.id}/participants", json={"name": name})
        person = joined.json()
        session.people[name] = person["token"]
        await session.ok(session.sam, "admit", participant_id=person["participant_id"])
    await session.ok(session.sam, "start_session")
    stages = (await session.view())["stages"]
    good_news = next(s["id"] for s in stages if s["title"] == "Round of Good News")
    await session.ok(session.sam, "go_to_stage", stage_id=good_news)
    await session.ok(session.sam, "start_round")
    await session.ok(session.people["Priya"], "share")
    await session.ok(session.people["Tom"], "pass")
    await session.ok(session.people["Lee"], "share")
    return session


async def test_the_page_shows_the_timeline_and_airtime_in_round_order(
    client: httpx.AsyncClient,
) -> None:
    session = await a_round_shared(client)
    page = await client.get(f"/s/{session.id}/summary", headers=bearer(session.sam))
    assert page.status_code == 200
    html = page.text
    assert "Agenda: planned and actual" in html
    assert "Round of Good News: speaking time" in html
    assert html.index(">Priya</th>") < html.index(">Tom</th>") < html.index(">Lee</th>")
    assert html.count('<svg class="chart') == 2
    assert '<title id="timeline-title">' in html
    assert '<desc id="round-1-desc">' in html
    assert "style=" not in html
    assert "<script>" not in html
    assert "The session is still going" in html


async def test_a_facilitator_cookie_opens_it_and_the_console_links_to_it(
    client: httpx.AsyncClient,
) -> None:
    session = await new_session(client)
    entered = await client.get(f"/enter/{session.sam}")
    assert entered.status_code == 303
    console = await client.get(f"/s/{session.id}/console")
    assert f'href="/s/{session.id}/summary"' in console.text
    page = await client.get(f"/s/{session.id}/summary")
    assert page.status_code == 200
    assert "has not started yet" in page.text


async def test_the_airtime_csv_has_one_row_per_person_per_round(client: httpx.AsyncClient) -> None:
    session = await a_round_shared(client)
    response = await client.get(f"/s/{session.id}/summary/airtime.csv", headers=bearer(session.sam))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["round", "seat", "name", "spoken_s", "passes", "outcome", "share_of_round"]
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows[1:]] == [
        ("Round of Good News", "1", "Priya", "0", "shared"),
        ("Round of Good News", "2", "Tom", "1", "passed"),
        ("Round of Good News", "3", "Lee", "0", "shared"),
    ]
    assert all(float(r[3]) >= 0 for r in rows[1:])


async def test_the_stages_csv_and_the_json_export(client: httpx.AsyncClient) -> None:
    session = await a_round_shared(client)
    stages = await client.get(f"/s/{session.id}/summary/stages.csv", headers=bearer(session.sam))
    rows = list(csv.reader(io.StringIO(stages.text)))
    header = ["stage", "kind", "status", "planned_start_s", "planned_s", "added_during_session"]
    assert rows[0] == [*header, "actual_start_s", "actual_s"]
    assert rows[1][:6] == ["Welcome", "welcome", "done", "0.0", "300.0", "False"]
    assert rows[2][:6] == ["Round of Good News", "round", "current", "300.0", "600.0", "False"]
    assert rows[3][6:] == ["", ""]
    exported = await client.get(f"/s/{session.id}/summary.json", headers=bearer(session.sam))
    facts = exported.json()
    assert facts["session_id"] == session.id
    assert [t["name"] for t in facts["rounds"][0]["turns"]] == ["Priya", "Tom", "Lee"]
    assert facts["rounds"][0]["turns"][1]["passes"] == 1
    assert len(facts["stages"]) == len(rows) - 1


async def test_changes_to_the_plan_are_rows_of_their_own_and_never_rewrite_it(
    client: httpx.AsyncClient,
) -> None:
    session = await a_round_shared(client)
    await session.ok(session.sam, "extend_time", seconds=300, target="stage")
    await session.ok(session.sam, "extend_time", seconds=300, target="stage")
    page = (await client.get(f"/s/{session.id}/summary", headers=bearer(session.sam))).text
    planned = sum(stage["planned_s"] for stage in (await session.view())["stages"])
    assert f"Planned {planned // 3600:.0f}:{planned % 3600 // 60:02.0f}:00 in all" in page
    assert page.count("5:00 more for the item") == 2
    changes = await client.get(f"/s/{session.id}/summary/changes.csv", headers=bearer(session.sam))
    rows = list(csv.reader(io.StringIO(changes.text)))
    assert rows == [
        ["stage", "change", "speaker", "seconds"],
        ["Round of Good News", "item_extended", "", "300.0"],
        ["Round of Good News", "item_extended", "", "300.0"],
    ]
    exported = (
        await client.get(f"/s/{session.id}/summary.json", headers=bearer(session.sam))
    ).json()
    assert [a["seconds"] for a in exported["adjustments"]] == [300, 300]


async def test_time_without_a_server_is_a_row_of_its_own(tmp_path: Path, database_url: str) -> None:
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE, headers={"Origin": BASE}
    ) as http:
        session = await a_round_shared(http)
        hub = await app.state.services.registry.get(session.id)
        now = time.time()
        outage = RecordOutage(id="outage", down_at=now - 20, back_at=now - 8)
        assert isinstance(await hub.execute(outage, SERVER), Committed)
        page = (await http.get(f"/s/{session.id}/summary", headers=bearer(session.sam))).text
        changes = await http.get(
            f"/s/{session.id}/summary/changes.csv", headers=bearer(session.sam)
        )
    assert "12 s without a server; every clock waited" in page
    rows = list(csv.reader(io.StringIO(changes.text)))
    assert rows[1:] == [["", "server_away", "", "12.0"]]


@pytest.mark.parametrize(
    "path",
    [
        "/summary",
        "/summary.json",
        "/summary/airtime.csv",
        "/summary/stages.csv",
        "/summary/changes.csv",
    ],
)
async def test_participants_the_room_and_other_sessions_are_kept_out(
    client: httpx.AsyncClient, path: str
) -> None:
    session = await a_round_shared(client)
    other = await new_session(client, "Another group")
    refused = {
        "participant": await client.get(
            f"/s/{session.id}{path}", headers=bearer(session.people["Tom"])
        ),
        "room": await client.get(f"/s/{session.id}{path}", headers=bearer(session.room)),
        "other session's facilitator": await client.get(
            f"/s/{session.id}{path}", headers=bearer(other.sam)
        ),
        "nobody": await client.get(f"/s/{session.id}{path}"),
    }
    assert {who: r.status_code for who, r in refused.items()} == {
        "participant": 403,
        "room": 403,
        "other session's facilitator": 403,
        "nobody": 401,
    }
    assert "facilitators of this session" in refused["participant"].text
    assert all("Priya" not in r.text for r in refused.values())
    missing = await client.get(f"/s/no-such-session{path}", headers=bearer(session.sam))
    assert missing.status_code == 404


async def test_a_participant_cookie_is_refused_calmly(client: httpx.AsyncClient) -> None:
    session = await a_round_shared(client)
    entered = await client.get(f"/enter/{session.people['Priya']}")
    assert entered.status_code == 303
    page = await client.get(f"/s/{session.id}/summary")
    assert page.status_code == 403
    assert "This page is for facilitators" in page.text


async def test_a_name_that_looks_like_a_formula_is_exported_as_text(
    client: httpx.AsyncClient,
) -> None:
    session = await new_session(client)
    joined = await client.post(f"/api/sessions/{session.id}/participants", json={"name": "=1+2"})
    person = joined.json()
    await session.ok(session.sam, "admit", participant_id=person["participant_id"])
    await session.ok(session.sam, "start_session")
    stages = (await session.view())["stages"]
    good_news = next(s["id"] for s in stages if s["title"] == "Round of Good News")
    await session.ok(session.sam, "go_to_stage", stage_id=good_news)
    await session.ok(session.sam, "start_round")
    response = await client.get(f"/s/{session.id}/summary/airtime.csv", headers=bearer(session.sam))
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[1][2] == "'=1+2"


async def test_the_console_schedule_block_is_served_fresh_to_facilitators_only(
    client: httpx.AsyncClient,
) -> None:
    session = await a_round_shared(client)
    path = f"/s/{session.id}/console/schedule"
    block = await client.get(path, headers=bearer(session.sam))
    assert block.status_code == 200
    assert block.text.startswith('<div id="schedule-block"')
    assert 'hx-trigger="every 15s"' in block.text
    assert 'id="schedule-line"' in block.text
    participant = await client.get(path, headers=bearer(session.people["Tom"]))
    room = await client.get(path, headers=bearer(session.room))
    assert (participant.status_code, room.status_code) == (403, 403)
    await session.ok(session.sam, "end_session")
    ended = await client.get(path, headers=bearer(session.sam))
    assert (ended.status_code, ended.text) == (286, "")


# Typed in minutes, as a facilitator would (45 s, a minute and a half, four minutes).
SETTINGS = {
    "near_end_cue_min": "0.75",
    "minimum_share_min": "1.5",
    "maximum_share_min": "4",
    "sound_cue": "on",
}


async def test_the_alert_chime_is_a_setting_of_its_own(client: httpx.AsyncClient) -> None:
    """The timing cue's sound and the alerts' chime are chosen apart (app/session/state.py)."""
    session = await new_session(client)
    await client.get(f"/enter/{session.sam}")
    assert "data-alert-sound" not in (await client.get(f"/s/{session.id}/console")).text
    wanted = {**SETTINGS, "alert_sound": "on"}
    del wanted["sound_cue"]
    assert (await client.post(f"/s/{session.id}/settings", data=wanted)).status_code == 303
    settings = (await session.view())["settings"]
    assert (settings["alert_sound"], settings["sound_cue"]) == (True, False)
    console = (await client.get(f"/s/{session.id}/console")).text
    assert 'data-alert-sound="on"' in console
    assert "data-sound-cue" not in console


async def test_facilitators_change_the_timing_settings_from_the_console(
    client: httpx.AsyncClient,
) -> None:
    session = await new_session(client)
    await client.get(f"/enter/{session.sam}")
    console = await client.get(f"/s/{session.id}/console")
    assert 'id="timing-settings"' in console.text
    assert "data-sound-cue" not in console.text
    # Every length asks for minutes, and shows the session's seconds as minutes.
    assert "(seconds)" not in console.text
    for name, minutes in (
        ("near_end_cue_min", "0.5"),
        ("minimum_share_min", "1"),
        ("maximum_share_min", "5"),
    ):
        assert re.search(rf'name="{name}"[^>]*step="any"[^>]*value="{minutes}"', console.text)
    saved = await client.post(f"/s/{session.id}/settings", data={**SETTINGS, "hide_numbers": "on"})
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/s/{session.id}/console"
    view = await session.view()
    assert view["settings"] == {
        "minimum_share_s": 90.0,
        "maximum_share_s": 240.0,
        "near_end_cue_s": 45.0,
        "show_numbers_to_participants": False,
        "sound_cue": True,
        "alert_sound": False,
    }
    assert view["near_end_cue_s"] == 45
    assert 'data-sound-cue="on"' in (await client.get(f"/s/{session.id}/console")).text
    by_htmx = await client.post(
        f"/s/{session.id}/settings", data=SETTINGS, headers={"HX-Request": "true"}
    )
    assert by_htmx.status_code == 200
    assert "Settings saved." in by_htmx.text
    assert (await session.view())["settings"]["show_numbers_to_participants"] is True


def in_minutes(cue: str, minimum: str, maximum: str = "5") -> dict[str, str]:
    return {"near_end_cue_min": cue, "minimum_share_min": minimum, "maximum_share_min": maximum}


@pytest.mark.parametrize(
    "fields",
    [
        in_minutes("-5", "1"),
        in_minutes("0.5", "14400"),
        in_minutes("soon", "1"),
        in_minutes("nan", "1"),
        in_minutes("1e1", "1"),
        in_minutes("", "1"),
        in_minutes("0.5", "1", maximum="0.5"),
    ],
)
async def test_absurd_settings_are_refused_kindly_and_change_nothing(
    client: httpx.AsyncClient, fields: dict[str, str]
) -> None:
    session = await new_session(client)
    await client.get(f"/enter/{session.sam}")
    before = (await session.view())["settings"]
    refused = await client.post(f"/s/{session.id}/settings", data=fields)
    assert refused.status_code == 422
    assert "Nothing has been changed." in refused.text
    by_htmx = await client.post(
        f"/s/{session.id}/settings", data=fields, headers={"HX-Request": "true"}
    )
    assert "Nothing has been changed." in by_htmx.text
    assert (await session.view())["settings"] == before


async def test_the_console_reads_minutes_to_the_second(client: httpx.AsyncClient) -> None:
    session = await new_session(client)
    await client.get(f"/enter/{session.sam}")
    typed = {**in_minutes("0,5", "2.25", " 10 "), "alert_sound": "on"}
    assert (await client.post(f"/s/{session.id}/settings", data=typed)).status_code == 303
    settings = (await session.view())["settings"]
    assert (settings["near_end_cue_s"], settings["minimum_share_s"]) == (30.0, 135.0)
    assert settings["maximum_share_s"] == 600.0
    # Forty seconds (set by a script) shows as 0.67 minutes, and saving it again keeps 40 s.
    await session.ok(session.sam, "change_settings", settings={**settings, "near_end_cue_s": 40})
    console = (await client.get(f"/s/{session.id}/console")).text
    assert re.search(r'name="near_end_cue_min"[^>]*value="0.67"', console)
    await client.post(f"/s/{session.id}/settings", data={**typed, "near_end_cue_min": "0.67"})
    assert (await session.view())["settings"]["near_end_cue_s"] == 40.0


async def test_a_console_page_from_before_minutes_is_asked_to_reload(
    client: httpx.AsyncClient,
) -> None:
    """Its fields were seconds: read as minutes, 90 would be an hour and a half."""
    session = await new_session(client)
    await client.get(f"/enter/{session.sam}")
    before = (await session.view())["settings"]
    older_form = {"near_end_cue_s": "45", "minimum_share_s": "90", "maximum_share_s": "240"}
    refused = await client.post(f"/s/{session.id}/settings", data=older_form)
    assert refused.status_code == 422
    assert "Please reload it and change the settings again." in refused.text
    assert (await session.view())["settings"] == before


async def test_a_longest_share_below_the_minimum_is_refused_kindly(
    client: httpx.AsyncClient,
) -> None:
    session = await new_session(client)
    await client.get(f"/enter/{session.sam}")
    before = (await session.view())["settings"]
    crossed = {**SETTINGS, "minimum_share_min": "10", "maximum_share_min": "2"}
    refused = await client.post(f"/s/{session.id}/settings", data=crossed)
    assert refused.status_code == 409
    assert "The longest share can&#39;t be shorter than the minimum share." in refused.text
    assert (await session.view())["settings"] == before


async def test_only_facilitators_change_settings(client: httpx.AsyncClient) -> None:
    session = await a_round_shared(client)
    await client.get(f"/enter/{session.people['Tom']}")
    refused = await client.post(f"/s/{session.id}/settings", data=SETTINGS)
    assert refused.status_code == 403
    assert (await session.view())["settings"]["sound_cue"] is False
