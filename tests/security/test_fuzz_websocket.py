"""Hypothesis against the live protocol of a real server.

Each example is a fresh session in a live round and one connection (a facilitator, a participant
or the room; JSON or the browser's HTML flavour) that sends a burst of frames: commands built from
the real command models with wrong types, extra fields, huge numbers and any unicode (lone
surrogates and invisible formatting characters among it); JSON that is not a message; NaN,
Infinity and numbers past a float's range; text that is not JSON; nesting thousands deep; binary,
oversized and ping frames. Another test sends any one frame in place of the hello.

What must hold: the server never closes with an internal error (1011) or drops the connection
without a close (1006); it still answers a ping afterwards; it never logs a traceback or an error;
and the session moves on only through commands that were valid, each committed at most once, in
order. Deterministic (derandomized), and bounded to well under half a minute.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.agenda.stages import StageKind
from app.realtime.protocol import CommandEnvelope
from app.rounds.order import OrderPolicy
from app.session.commands import CLIENT_COMMAND_ADAPTER, Command
from app.store.database import create_database_engine, sqlite_url_for
from app.store.event_store import EventStore
from app.web import strict_json
from tests.support.live_server import LiveServer, create_session, running_server

MAX_EXAMPLES = 120
# What a fuzzing client may legitimately be closed with: we closed (1000), binary (1003), too
# big (1009), it left or removed itself (4403), it flooded (4429).
EXPECTED_CLOSES = {1000, 1003, 1009, 4403, 4429}
# After refusing an oversized frame the server closes its socket while the client may still be
# sending the rest of its burst; unread data makes the kernel reset the connection, and the
# client can lose the close frame (1006). A crash would show as 1011, in the log, or as a server
# that no longer answers: all checked.
TOO_BIG_FOR_THE_SERVER = 16 * 1024
CALM_4401_REASONS = {
    "Start with a hello message carrying your token.",
    "Please open the link you were given for this session.",
}
FINAL_PING_T0 = 0.125

COMMAND_MODELS: dict[str, type[BaseModel]] = {
    kind.model_fields["type"].default: kind for kind in get_args(get_args(Command)[0])
}
COMMAND_FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(
        name for name in model.model_fields if name not in ("type", "id", "expected_version")
    )
    for kind, model in COMMAND_MODELS.items()
}
# Stand-ins for ids known only once the example's session exists (see World.resolve).
PEOPLE = ("<priya>", "<tom>", "<sam>", "<nobody>")
SESSION = "<session>"

# Any unicode but controls (the mangled commands' business): lone surrogates, bidirectional
# controls and zero-width characters included.
unicode = st.characters(exclude_categories=["Cc"])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.integers(min_value=10**30, max_value=10**60),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(unicode, max_size=30),
    st.sampled_from(["", "s1", "s2", "s3", "s99", "speaker", "stage", *PEOPLE, SESSION]),
    # Half a character, and text that would turn a sentence around: often, not by luck.
    st.sampled_from(["\ud800", "Pri\udfffya", "\u202eayirP", "Pri\u200bya"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
people = st.sampled_from(PEOPLE)
words = st.text(unicode, min_size=1, max_size=40)
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "participant_id": people,
    "start_with": people,
    "order": st.lists(people, max_size=4),
    "stage_id": st.sampled_from(["s1", "s2", "s3", "s5", "s42"]),
    "after_stage_id": st.sampled_from(["s1", "s4", "s42"]),
    "minutes": st.floats(min_value=0.5, max_value=120) | st.integers(0, 10**9),
    "seconds": st.floats(min_value=0.5, max_value=600) | st.integers(0, 10**9),
    "share_s": st.floats(min_value=0.5, max_value=600) | st.integers(0, 10**9),
    "speakers_to_come": st.integers(-1, 5) | st.integers(0, 10**9),
    "planned_minutes": st.floats(min_value=1, max_value=600),
    "to_index": st.integers(0, 12) | st.integers(-3, 2**40),
    "kind": st.sampled_from([kind.value for kind in StageKind]),
    "order_policy": st.sampled_from([policy.value for policy in OrderPolicy]),
    "target": st.sampled_from(["speaker", "stage"]),
    "offered": st.booleans(),
    "settings": st.fixed_dictionaries(
        {},
        optional={
            "minimum_share_s": st.floats(min_value=0, max_value=600),
            "near_end_cue_s": st.integers(0, 120),
            "show_numbers_to_participants": st.booleans(),
        },
    ),
    "template_key": st.sampled_from(["peer-support-plus-weekly", "nope"]),
    "facilitators": st.lists(
        st.fixed_dictionaries({"id": st.text(max_size=5), "name": st.text(max_size=10)}),
        max_size=2,
    ),
}


def plausible(name: str) -> st.SearchStrategy[Any]:
    """What the field expects, roughly (any text for names, titles and the question)."""
    return PLAUSIBLE.get(name, words)


def well_formed(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Shaped like the command model: often accepted, so the session really moves."""
    model = COMMAND_MODELS[kind]
    fields = COMMAND_FIELDS[kind]
    required = {name: plausible(name) for name in fields if model.model_fields[name].is_required()}
    optional = {name: plausible(name) for name in fields if name not in required}
    optional["expected_version"] = st.integers(0, 10**6)
    return st.fixed_dictionaries(
        {"type": st.just(kind), "id": st.uuids().map(str), **required}, optional=optional
    )


def mangled(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Any field may be missing or of any type, and there may be one too many."""
    optional = {name: st.one_of(plausible(name), json_values) for name in COMMAND_FIELDS[kind]}
    optional["expected_version"] = st.integers(-2, 10**20) | json_values
    optional["surprise"] = json_values  # an extra field: refused by every command model
    return st.fixed_dictionaries(
        {"type": st.just(kind), "id": st.uuids().map(str) | st.just("\ud800") | json_values},
        optional=optional,
    )


kinds = st.sampled_from(sorted(COMMAND_FIELDS))
commands = st.one_of(kinds.flatmap(well_formed), kinds.flatmap(mangled))


@dataclass(frozen=True)
class Frame:
    kind: str  # "command", "text", "binary", "ping" (a websocket ping frame)
    data: Any


def text(value: Any) -> Frame:
    return Frame("text", value)


# Frames that end the connection (too big, binary) are kept rare, or little else gets said.
enders = st.one_of(
    st.integers(16 * 1024 + 1, 40 * 1024).map(lambda size: Frame("text", "raw:" + "x" * size)),
    st.binary(max_size=32).map(lambda data: Frame("binary", data)),
)
# A command, sent the way the screen's format sends one (see encode); listed four times so that
# about half of what is said is a command.
as_command = commands.map(lambda c: Frame("command", c))
frames = st.one_of(
    as_command,
    as_command,
    as_command,
    as_command,
    st.builds(
        lambda c, sid: text({"type": "command", "session_id": sid, "command": c}),
        commands,
        st.sampled_from([SESSION, "another-session"]) | json_values,
    ),
    st.builds(
        lambda kind, rest: text({**rest, "type": kind}),
        st.sampled_from(["ping", "hello", "command", "shout"]) | json_values,
        st.dictionaries(st.sampled_from(["t0", "token", "command", "last_version"]), json_values),
    ),
    json_values.map(text),
    st.text(max_size=200).map(lambda garbage: Frame("text", f"raw:{garbage}")),
    st.integers(1, 8000).map(lambda depth: Frame("text", "raw:" + "[" * depth + "]" * depth)),
    # Past a float's range, as a literal Python's json would read as infinity.
    st.sampled_from(["1e400", "-1e400", "1" * 400 + ".5"]).map(
        lambda huge: Frame("text", f'raw:{{"type": "ping", "t0": {huge}}}')
    ),
    st.binary(max_size=16).map(lambda data: Frame("ping", data)),
)
burst = st.lists(frames, min_size=2, max_size=12).flatmap(
    lambda said: st.one_of(st.just(said), enders.map(lambda end: [*said, end]))
)
SCREENS = [
    ("facilitator", "json"),
    ("facilitator", "html"),
    ("participant", "json"),
    ("participant", "html"),
    ("room", "json"),
]


@dataclass
class World:
    """One session in a live round: Sam and Ana facilitate, Priya speaks, Tom waits."""

    server: LiveServer
    created: dict[str, Any]
    ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def session_id(self) -> str:
        return str(self.created["session_id"])

    def token_for(self, role: str) -> str:
        if role == "facilitator":
            return str(self.created["facilitators"][0]["token"])
        if role == "room":
            return str(self.created["room"]["token"])
        return self.tokens["Priya"]

    def resolve(self, value: Any) -> Any:
        stand_ins = {
            "<priya>": self.ids["Priya"],
            "<tom>": self.ids["Tom"],
            "<sam>": str(self.created["facilitators"][0]["id"]),
            SESSION: self.session_id,
        }
        if isinstance(value, str):
            return stand_ins.get(value, value)
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        return value


def live_round(server: LiveServer, api: httpx.Client) -> World:
    world = World(server, create_session(server, title="Fuzz", group_name="G"))
    sam = {"Authorization": f"Bearer {world.token_for('facilitator')}"}
    url = f"/api/sessions/{world.session_id}"
    for name in ("Priya", "Tom"):
        joined = api.post(f"{url}/participants", json={"name": name}).json()
        world.ids[name], world.tokens[name] = joined["participant_id"], joined["token"]
        api.post(
            f"{url}/commands",
            json={
                "type": "admit",
                "id": str(uuid.uuid4()),
                "participant_id": joined["participant_id"],
            },
            headers=sam,
        )
    for kind in ("start_session", "advance_stage", "start_round"):
        api.post(f"{url}/commands", json={"type": kind, "id": str(uuid.uuid4())}, headers=sam)
    return world


def encode(frame: Frame, world: World, fmt: str) -> Frame:
    """The frame as it goes on the wire: stand-ins resolved, JSON serialised."""
    if frame.kind == "command":
        # JSON clients wrap a command in an envelope; htmx sends the form's fields flat.
        wrapped = (
            {"type": "command", "command": frame.data}
            if fmt == "json"
            else {**frame.data, "HEADERS": {"HX-Request": "true"}}
        )
        return encode(text(wrapped), world, fmt)
    if frame.kind != "text":
        return frame
    if isinstance(frame.data, str) and frame.data.startswith("raw:"):
        return text(frame.data.removeprefix("raw:"))
    # NaN, Infinity and lone surrogates ("\ud800") are written as such: the server must cope.
    return text(json.dumps(world.resolve(frame.data)))


def valid_command_id(raw: str, fmt: str, session_id: str) -> str | None:
    """The id of the command in `raw` if the server should consider running it, else None."""
    try:
        message = strict_json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None
    if message["type"] in ("ping", "hello"):
        return None
    if fmt == "json":
        if message["type"] != "command":
            return None
        try:
            envelope = CommandEnvelope.model_validate(message)
        except ValidationError:
            return None
        if envelope.session_id not in (None, session_id):
            return None
        fields = envelope.command
    else:
        # As app/web/live.py reads an htmx form: its HEADERS dropped, empty fields absent.
        fields = {k: v for k, v in message.items() if k != "HEADERS" and v != ""}
    try:
        command = CLIENT_COMMAND_ADAPTER.validate_python(fields)
    except ValidationError:
        return None
    return command.id


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("fuzz-ws")) as live:
        yield live


@pytest.fixture(scope="module")
def store(fuzz_server: LiveServer) -> Iterator[EventStore]:
    engine = create_database_engine(sqlite_url_for(fuzz_server.data_dir / "peer-rounds.db"))
    yield EventStore(engine)
    engine.dispose()


def test_no_burst_of_frames_breaks_the_live_protocol(
    fuzz_server: LiveServer, store: EventStore
) -> None:
    api = httpx.Client(base_url=fuzz_server.base_url, timeout=10)

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(screen=st.sampled_from(SCREENS), burst=burst)
    def check(screen: tuple[str, str], burst: list[Frame]) -> None:
        world = live_round(fuzz_server, api)
        role, fmt = screen
        before = store.current_version(world.session_id)
        wire = [encode(frame, world, fmt) for frame in burst]
        outcome = run_burst(world, role, fmt, wire)
        oversized = any(len(frame.data) > TOO_BIG_FOR_THE_SERVER for frame in wire)
        allowed = EXPECTED_CLOSES | ({1006} if oversized else set())
        assert outcome.close_code in allowed, outcome
        if outcome.close_code == 1000:
            assert outcome.answered_ping, "no pong after the burst"
        commits = store.load(world.session_id, after_version=before)
        assert [c.version for c in commits] == list(range(before + 1, before + 1 + len(commits)))
        committed = [commit.command_id for commit in commits]
        assert len(set(committed)) == len(committed)
        assert set(committed) <= outcome.valid_ids, (committed, outcome)
        assert outcome.acked <= set(committed)

    try:
        check()
    finally:
        api.close()
    assert_still_answers(fuzz_server)
    assert_a_quiet_log(fuzz_server)


def assert_a_quiet_log(server: LiveServer) -> None:
    log = server.log_path.read_text()
    for sign_of_a_crash in ("Traceback", "Exception in ASGI application", '"level": "error"'):
        assert sign_of_a_crash not in log


first_frames = st.one_of(
    st.binary(max_size=32).map(lambda data: Frame("binary", data)),
    json_values.map(text),
    st.fixed_dictionaries(
        {"type": st.just("hello")},
        optional={"token": json_values, "last_version": json_values, "protocol": json_values},
    ).map(text),
    st.text(unicode, max_size=100).map(lambda garbage: Frame("text", f"raw:{garbage}")),
    st.sampled_from(["1e400", "NaN", "-Infinity"]).map(
        lambda odd: Frame("text", f'raw:{{"type": "hello", "token": "t", "last_version": {odd}}}')
    ),
)


def test_no_first_frame_breaks_the_hello(fuzz_server: LiveServer) -> None:
    """Whatever comes in place of the hello, the screen is told calmly to start with one."""
    api = httpx.Client(base_url=fuzz_server.base_url, timeout=10)
    world = live_round(fuzz_server, api)

    @settings(
        max_examples=60,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(role=st.sampled_from(["facilitator", "participant", "room"]), first=first_frames)
    def check(role: str, first: Frame) -> None:
        url = f"{fuzz_server.ws_base}/ws/sessions/{world.session_id}/{role}"
        with connect(url, open_timeout=10) as ws:
            ws.send(encode(first, world, "json").data)
            with contextlib.suppress(ConnectionClosed):
                while True:
                    ws.recv(timeout=5)
        # Not a hello, or a hello without a token that opens this session: told which, calmly.
        assert ws.close_code == 4401, (first, ws.close_code, ws.close_reason)
        assert ws.close_reason in CALM_4401_REASONS

    try:
        check()
    finally:
        api.close()
    assert_a_quiet_log(fuzz_server)


@dataclass
class Outcome:
    close_code: int | None = None
    answered_ping: bool = False
    valid_ids: set[str] = field(default_factory=set)
    acked: set[str] = field(default_factory=set)
    replies: list[str] = field(default_factory=list)


def run_burst(world: World, role: str, fmt: str, wire: list[Frame]) -> Outcome:
    outcome = Outcome()
    url = f"{world.server.ws_base}/ws/sessions/{world.session_id}/{role}?format={fmt}"
    with connect(url, max_size=None, max_queue=None, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "hello", "token": world.token_for(role)}))
        try:
            for number, frame in enumerate(wire):
                if frame.kind == "ping":
                    ws.ping(bytes([number]) + frame.data)  # the client wants each one distinct
                    continue
                if frame.kind == "text":
                    valid = valid_command_id(frame.data, fmt, world.session_id)
                    if valid is not None:
                        outcome.valid_ids.add(valid)
                ws.send(frame.data)
            ws.send(json.dumps({"type": "ping", "t0": FINAL_PING_T0}))
            read_until_pong(ws, outcome)
        except ConnectionClosed:
            read_what_is_left(ws, outcome)
        if ws.close_code is None:
            ws.close()
    outcome.close_code = ws.close_code if outcome.close_code is None else outcome.close_code
    return outcome


def read_until_pong(ws: ClientConnection, outcome: Outcome) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        note(ws.recv(timeout=max(0.01, deadline - time.monotonic())), outcome)
        if outcome.answered_ping:
            outcome.close_code = 1000
            return


def read_what_is_left(ws: ClientConnection, outcome: Outcome) -> None:
    try:
        while True:
            note(ws.recv(timeout=5), outcome)
    except (ConnectionClosed, TimeoutError):
        return


def note(raw: str | bytes, outcome: Outcome) -> None:
    outcome.replies.append(str(raw)[:200])
    if not isinstance(raw, str) or not raw.startswith("{"):
        return  # an HTML fragment
    message: Mapping[str, Any] = json.loads(raw)
    if message.get("type") == "ack" and not message.get("duplicate"):
        outcome.acked.add(str(message["id"]))
    if message.get("type") == "pong" and message.get("t0") == FINAL_PING_T0:
        outcome.answered_ping = True


def assert_still_answers(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as api:
        world = live_round(server, api)
    url = f"{server.ws_base}/ws/sessions/{world.session_id}/room"
    with connect(url) as ws:
        ws.send(json.dumps({"type": "hello", "token": world.token_for("room")}))
        ws.send(json.dumps({"type": "ping", "t0": FINAL_PING_T0}))
        outcome = Outcome()
        read_until_pong(ws, outcome)
        assert outcome.answered_ping
