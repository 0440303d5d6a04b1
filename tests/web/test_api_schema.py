"""The OpenAPI document as an integrator reads it: each operation named, described and secured,
each client command with an example, and nothing a client may not send."""

from __future__ import annotations

from typing import Any, get_args

import httpx
import pytest
from pydantic import BaseModel

from app.config import Settings
from app.main import create_app
from app.session.airtime_facts import AirtimeReport
from app.session.command_base import CommandBase
from app.session.commands import CLIENT_COMMAND_ADAPTER, SERVER_ONLY, ClientCommand, Command
from app.session.views import FacilitatorView, ParticipantView, RoomView
from app.web.api_actions import ActionRequest, RecordedAction
from app.web.api_examples import COMMANDS
from app.web.links import CreatedSession, CreateSessionRequest, Joined
from app.web.problems import MEANING, InvalidRequestBody
from tests.support.api import bearer, command, join, new_session, version_of

pytestmark = pytest.mark.anyio

TYPES_OF_CLIENT_COMMANDS = {
    kind.model_fields["type"].default for kind in get_args(get_args(ClientCommand)[0])
}
EVERY_COMMAND: tuple[type[CommandBase], ...] = get_args(get_args(Command)[0])


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """What /openapi.json serves (made once: it takes a few seconds on a busy machine)."""
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("openapi"))).openapi()


def operations(schema: Any) -> dict[str, Any]:
    return {
        operation["operationId"]: operation
        for by_method in schema["paths"].values()
        for operation in by_method.values()
    }


def test_every_operation_has_a_chosen_id_a_summary_and_a_description(schema: Any) -> None:
    found = operations(schema)
    assert set(found) == {
        "list_templates",
        "create_session",
        "join_by_code",
        "join_session",
        "read_view",
        "send_command",
        "record_action",
        "revoke_links",
        "summary_json",
        "summary_airtime_csv",
        "summary_stages_csv",
        "summary_changes_csv",
    }
    for name, operation in found.items():
        assert operation.get("summary"), name
        assert len(operation.get("description", "")) > 40, name


def test_every_operation_shows_an_example_of_what_it_takes_and_answers(schema: Any) -> None:
    def shows_an_example(content: Any) -> bool:
        (media,) = content.values()
        if "example" in media or "examples" in media:
            return True
        ref = media.get("schema", {}).get("$ref", "")
        named = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
        return "examples" in named

    for name, operation in operations(schema).items():
        if "requestBody" in operation:
            assert shows_an_example(operation["requestBody"]["content"]), name
        answered = operation["responses"].get("200") or operation["responses"]["201"]
        assert shows_an_example(answered["content"]), name


def test_the_examples_of_views_and_the_summary_are_what_the_server_answers(schema: Any) -> None:
    found = operations(schema)
    views = found["read_view"]["responses"]["200"]["content"]["application/json"]["examples"]
    models: dict[str, type[FacilitatorView | ParticipantView | RoomView]] = {
        "facilitator": FacilitatorView,
        "participant": ParticipantView,
        "room": RoomView,
    }
    for role, model in models.items():
        assert model.model_validate(views[role]["value"]).role == role
    summary = found["summary_json"]["responses"]["200"]["content"]["application/json"]
    assert AirtimeReport.model_validate(summary["example"]).rounds[0].turns[0].name == "Priya"


def test_tokens_are_a_bearer_security_scheme_not_a_header_parameter(schema: Any) -> None:
    assert schema["components"]["securitySchemes"]["token"]["type"] == "http"
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    secured = {
        name
        for name, operation in operations(schema).items()
        if operation.get("security") == [{"token": []}]
    }
    assert secured == {
        "read_view",
        "send_command",
        "record_action",
        "revoke_links",
        "summary_json",
        "summary_airtime_csv",
        "summary_stages_csv",
        "summary_changes_csv",
    }
    for name, operation in operations(schema).items():
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert headers == [], name


def test_the_command_schema_offers_only_what_a_client_may_send(schema: Any) -> None:
    body = operations(schema)["send_command"]["requestBody"]["content"]["application/json"]
    offered = {ref["$ref"].rsplit("/", 1)[1] for ref in body["schema"]["oneOf"]}
    server_only = {kind.__name__ for kind in EVERY_COMMAND if kind.what_to_do_instead}
    assert server_only == {
        "CreateSession",
        "Join",
        "RecordNameCheck",
        "ForgetMember",
        "RecordOutage",
        "SetSupportResources",
    }
    assert offered == {kind.__name__ for kind in EVERY_COMMAND} - server_only
    assert not server_only & set(schema["components"]["schemas"])
    # The server's own union keeps them: decide() still runs what the shell sends.
    assert set(SERVER_ONLY) == {
        "create_session",
        "join",
        "record_name_check",
        "forget_member",
        "record_outage",
        "set_support_resources",
    }


def test_every_client_command_has_an_example_that_is_well_formed(schema: Any) -> None:
    body = operations(schema)["send_command"]["requestBody"]["content"]
    examples = body["application/json"]["examples"]
    assert set(examples) == set(COMMANDS) == TYPES_OF_CLIENT_COMMANDS
    for kind, example in examples.items():
        parsed = CLIENT_COMMAND_ADAPTER.validate_python(example["value"])
        assert parsed.type == kind
        assert example["summary"].startswith(f"{kind}: ")
        assert example["description"].startswith("Sent by: ")


@pytest.mark.parametrize(
    "model", [CreateSessionRequest, CreatedSession, Joined, ActionRequest, RecordedAction]
)
def test_the_examples_of_bodies_fit_their_own_schema(model: type[BaseModel]) -> None:
    (example,) = model.model_json_schema()["examples"]
    model.model_validate(example)


def test_the_summary_downloads_say_what_they_answer_with(schema: Any) -> None:
    found = operations(schema)
    assert found["summary_json"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AirtimeReport"
    }
    for name in ("summary_airtime_csv", "summary_stages_csv", "summary_changes_csv"):
        assert "text/csv" in found[name]["responses"]["200"]["content"], name
        assert {"401", "403", "404"} <= set(found[name]["responses"]), name


@pytest.mark.parametrize("kind", sorted(SERVER_ONLY))
async def test_a_command_only_the_server_sends_is_refused_saying_what_to_do_instead(
    api: httpx.AsyncClient, kind: str
) -> None:
    created = await new_session(api)
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    priya = await join(api, sid, "Priya")
    before = await version_of(api, sid, sam)
    fields = {"name": "Again", "member_id": "m1", "title": "T", "group_name": "G"}
    for token in (sam, priya["token"]):
        refused = await command(api, sid, token, kind, **fields)
        assert refused.status_code == 403
        assert refused.json() == {"code": "not_allowed", "message": SERVER_ONLY[kind]}
    assert await version_of(api, sid, sam) == before
    assert "is sent by Peer Rounds itself" in SERVER_ONLY[kind]


async def test_an_unknown_command_is_still_told_what_it_may_be(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    refused = await api.post(
        f"/api/sessions/{sid}/commands", json={"type": "dance", "id": "d1"}, headers=bearer(sam)
    )
    assert refused.status_code == 422
    invalid = InvalidRequestBody.model_validate(refused.json())
    assert invalid.detail[0].type == "union_tag_invalid"


def test_every_refusal_says_what_it_means_and_has_the_shape_sent(schema: Any) -> None:
    for name, operation in operations(schema).items():
        for status, answer in operation["responses"].items():
            # FastAPI lists its own 422 for any route with a parameter; without a body, a path
            # or a query of plain strings, it cannot happen.
            fastapi_s_own = answer["description"] == "Validation Error"
            if int(status) < 400 or (fastapi_s_own and "requestBody" not in operation):
                continue
            assert answer["description"] == MEANING[int(status)], (name, status)
            shape = answer["content"]["application/json"]["schema"]
            refs = [one["$ref"] for one in shape.get("anyOf", [shape])]
            expected = ["ProblemBody", "InvalidRequestBody"] if status == "422" else ["ProblemBody"]
            assert refs == [f"#/components/schemas/{model}" for model in expected], (name, status)
