"""Schemathesis against the app's own OpenAPI schema, in-process: no input makes a 500.

Cases are generated from the schema, valid and deliberately invalid, and half of them are aimed
at a real session with a facilitator's token, so that commands get past authorization into the
engine. Deterministic (derandomized) and bounded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, get_args

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python import asgi

from app.config import Settings
from app.main import create_app
from app.session.commands import Command
from app.web.rate_limits import RateLimitPolicy, RateLimits

# Long hypothesis runs: in `make test`, not in the fast lane.
pytestmark = pytest.mark.slow

# The schema gives each command's `type` a default, so generated commands often lack it (the
# union then refuses them all alike); putting one in lets more of them reach the engine.
COMMAND_TYPES = sorted(kind.model_fields["type"].default for kind in get_args(get_args(Command)[0]))


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str, str]]:
    """The schema, a real session id and its facilitator's token."""
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("fuzz-api")))
    # This fuzzes the API, not the rate limits (tests/security/test_rate_limits.py).
    app.state.rate_limits = RateLimits(
        RateLimitPolicy(unlimited_addresses=frozenset({asgi.HOST, "testclient"}))
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    created = (
        schema["/api/sessions"]["POST"]
        .Case(body={"title": "Fuzz", "group_name": "G", "facilitator_names": ["Sam", "Ana"]})
        .call()
        .json()
    )
    join = schema["/api/sessions/{session_id}/participants"]["POST"]
    for name in ("Priya", "Tom"):
        join.Case(path_parameters={"session_id": created["session_id"]}, body={"name": name}).call()
    yield schema, created["session_id"], created["facilitators"][0]["token"]
    asgi.shutdown_lifespans()


SETTINGS = settings(
    derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def test_no_input_makes_a_server_error(
    fuzzed: tuple[Any, str, str], caplog: pytest.LogCaptureFixture
) -> None:
    schema, session_id, token = fuzzed

    @settings(SETTINGS, max_examples=150)
    @given(case=both_modes(schema), aimed=st.booleans())
    def check(case: Any, aimed: bool) -> None:
        headers = None
        if aimed and "session_id" in (case.path_parameters or {}):
            case.path_parameters["session_id"] = session_id
            headers = {"Authorization": f"Bearer {token}"}
        assert_no_server_error(case, headers)

    check()
    assert_a_quiet_log(caplog)


def test_no_command_makes_a_server_error(
    fuzzed: tuple[Any, str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Every case a command for the real session, from its facilitator: into the engine."""
    schema, session_id, token = fuzzed
    operation = schema["/api/sessions/{session_id}/commands"]["POST"]

    @settings(SETTINGS, max_examples=250)
    @given(case=both_modes(operation), kind=st.sampled_from(COMMAND_TYPES))
    def check(case: Any, kind: str) -> None:
        case.path_parameters["session_id"] = session_id
        if isinstance(case.body, dict):
            case.body.setdefault("type", kind)
        assert_no_server_error(case, {"Authorization": f"Bearer {token}"})

    check()
    assert_a_quiet_log(caplog)


def both_modes(schema: Any) -> st.SearchStrategy[Any]:
    return st.one_of(
        schema.as_strategy(GenerationMode.POSITIVE), schema.as_strategy(GenerationMode.NEGATIVE)
    )


def assert_no_server_error(case: Any, headers: dict[str, str] | None) -> None:
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.as_curl_command(), response.text)


def assert_a_quiet_log(caplog: pytest.LogCaptureFixture) -> None:
    """No error and no traceback was logged, whatever the cases were (issue 16)."""
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not loud, [r.getMessage() for r in loud]
