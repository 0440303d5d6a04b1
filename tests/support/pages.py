"""Shortcuts for the browser tests: a session driven through the JSON API, and page probes."""

from __future__ import annotations

import json
import statistics
import uuid
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page

from tests.support.live_server import LiveServer, create_session

AXE_URL = "/static/vendor/axe.min.js"
BAD_IMPACTS = ("serious", "critical")


@dataclass
class Session:
    """One session on a live server, with its links; the JSON API acts as Sam (or anyone)."""

    server: LiveServer
    created: dict[str, Any]
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def create(
        cls, server: LiveServer, title: str = "Tuesday evening", group: str = "Riverside"
    ) -> Session:
        return cls(server, create_session(server, title=title, group_name=group))

    @property
    def id(self) -> str:
        return str(self.created["session_id"])

    @property
    def join_url(self) -> str:
        return str(self.created["join_url"])

    @property
    def sam_url(self) -> str:
        return str(self.created["facilitators"][0]["url"])

    @property
    def ana_url(self) -> str:
        return str(self.created["facilitators"][1]["url"])

    @property
    def room_url(self) -> str:
        return str(self.created["room"]["url"])

    @property
    def sam_token(self) -> str:
        return str(self.created["facilitators"][0]["token"])

    def join(self, name: str) -> dict[str, Any]:
        """Join through the API (the join page is tested on its own); returns id, token, url."""
        with self.server.api() as api:
            response = api.post(f"/api/sessions/{self.id}/participants", json={"name": name})
        assert response.status_code == 201, response.text
        joined: dict[str, Any] = response.json()
        self.participants[name] = joined
        return joined

    def command(self, type_: str, token: str | None = None, **fields: Any) -> int:
        """Run a command as Sam (or the token's holder); returns the version it produced."""
        body = {"type": type_, "id": str(uuid.uuid4()), **fields}
        with self.server.api() as api:
            response = api.post(
                f"/api/sessions/{self.id}/commands",
                json=body,
                headers={"Authorization": f"Bearer {token or self.sam_token}"},
            )
        assert response.status_code == 200, response.text
        version: int = response.json()["version"]
        return version

    def view(self, token: str | None = None) -> dict[str, Any]:
        with self.server.api() as api:
            response = api.get(
                f"/api/sessions/{self.id}/view",
                headers={"Authorization": f"Bearer {token or self.sam_token}"},
            )
        assert response.status_code == 200, response.text
        view: dict[str, Any] = response.json()
        return view

    def id_of(self, name: str) -> str:
        return str(self.participants[name]["participant_id"])

    def admit_all(self) -> None:
        for joined in self.participants.values():
            self.command("admit", participant_id=joined["participant_id"])

    def round_with(self, *names: str) -> None:
        """``names`` join and are let in, and the Round of Good News starts with them."""
        for name in names:
            self.join(name)
        self.admit_all()
        self.start_first_round()

    def start_first_round(self) -> None:
        """Start the session, move on to the Round of Good News and start it (join order)."""
        self.command("start_session")
        self.command("advance_stage")
        self.command("start_round", order_policy="join_order")

    def speaker(self) -> str | None:
        speaker = self.view()["speaker"]
        return None if speaker is None else str(speaker["name"])


# --- page probes (see PROBE_SCRIPT in conftest.py) -----------------------------------------------


def version_of(page: Page) -> int:
    value = page.get_attribute("#live-version", "data-version")
    assert value is not None
    return int(value)


def wait_version_above(page: Page, version: int, timeout_ms: float = 8_000) -> None:
    page.wait_for_function(
        """v => {
            const marker = document.getElementById("live-version");
            return marker !== null && Number(marker.dataset.version) > v;
        }""",
        arg=version,
        timeout=timeout_ms,
    )


def first_seen_after(page: Page, version: int) -> float:
    """Browser time (ms) at which the page first showed a version newer than `version`."""
    seen: float | None = page.evaluate(
        """v => {
            const times = Object.entries(window.__probe.seen)
                .filter(([seen]) => Number(seen) > v).map(([, t]) => t);
            return times.length ? Math.min(...times) : null;
        }""",
        version,
    )
    assert seen is not None, f"{page.url} never showed a version after {version}"
    return seen


def last_click(page: Page) -> float:
    clicked: float | None = page.evaluate(
        "() => window.__probe.clicks.length ? window.__probe.clicks.at(-1) : null"
    )
    assert clicked is not None, "the page recorded no click"
    return clicked


def browser_now(page: Page) -> float:
    now: float = page.evaluate("() => window.__probe.now()")
    return now


def ping(page: Page) -> float:
    """One bare ping/pong round trip on the page's own websocket, in ms."""
    round_trip: float = page.evaluate("() => window.__probe.ping()")
    return round_trip


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.1f} ms, p90 {percentile(values, 0.9):.1f} ms, "
        f"max {max(values):.1f} ms (n={len(values)})"
    )


# --- accessibility --------------------------------------------------------------------------------


def to_the_top(page: Page) -> None:
    """A screen as its person sees it between actions, for a screenshot: at the top of the
    page, nothing focused."""
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (served by the app from npm) on the page; serious or critical problems."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    results: dict[str, Any] = page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [v for v in results["violations"] if v.get("impact") in BAD_IMPACTS]


def describe_violations(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{where}: {len(violations)} serious or critical accessibility problem(s)"]
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = json.dumps(node["target"])
            lines.append(f"      at {target}: {node.get('failureSummary', '').splitlines()[-1:]}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)
