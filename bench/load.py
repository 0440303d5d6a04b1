"""Fan-out load benchmark: Peer Rounds against a bare websockets broadcast server, same run.

    .venv/bin/python bench/load.py --sessions 100 --seconds 30
    .venv/bin/python bench/load.py --sessions 100 500 --seconds 45 --warmup 10
    .venv/bin/python bench/load.py --sessions 100 --servers peer-rounds --profile /tmp/pr.prof
    .venv/bin/python bench/load.py --sessions 20 50 --format json html --seconds 10 --warmup 3
    .venv/bin/python bench/load.py --sessions 50 --servers peer-rounds --proxy 2 --rounds 3 \
        --database-url postgresql+psycopg://postgres@127.0.0.1/test \
        --redis-url redis://127.0.0.1:6379/0

For each S it runs, one after the other (never at the same time), the baseline
(`../shared/bench/ws_baseline.py`) and `peer-rounds serve` (fresh temporary SQLite, or a scratch
PostgreSQL database with --database-url), and drives both with the same load generator
(bench/loadgen.py, separate asyncio processes): S sessions x (1 facilitator + 12 viewers), each
facilitator sending one command per second, session starts staggered across the second.

`--format html` is the browser-real mode: the viewers speak what the live pages speak (cookie
set by the link, the page's Origin, `?format=html`, HTML fragments, permessage-deflate offered),
and the baseline becomes bench/bare_html.py, which sends each socket the same fragments Peer
Rounds sent that screen (captured from a Peer Rounds session first), deflate negotiated too.

Measured in the window after the warm-up: command -> last viewer of the session holding the
new version (p50/p99/p99.9), server CPU seconds (/proc/PID/stat: user / kernel, main thread /
other threads) and per frame delivered in the window, event-loop lag and GC pauses (measured
inside each server process by bench/server_probe.py), server RSS before the sockets open and
with them all open and idle (-> RSS per connection), dropped connections, and the generators'
own CPU (so a saturated generator is visible).
`--proxy N` adds a third server: N `peer-rounds serve` processes behind Debian's nginx running
deploy/nginx.conf (bench/proxied.py), measured like the others (CPU and memory summed over every
process, nginx's included) and reported with the sessions each process held.
`--floor` adds Peer Rounds with its screens' messages made for free (bench/floor.py): the
command's whole path but views, panels and templates, so `floor/base` is the part of a ratio
target no view or rendering work can reach.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import math
import os
import platform
import pstats
import resource
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
# ../shared next to the main checkout; a worktree (/work/wtN/<branch>) is one level deeper.
BASELINE_CANDIDATES = [
    (REPO / up / "shared" / "bench" / "ws_baseline.py").resolve() for up in ("..", "../..")
]
BASELINE_SCRIPT = next((p for p in BASELINE_CANDIDATES if p.exists()), BASELINE_CANDIDATES[0])
BENCH = Path(__file__).resolve().parent
LOADGEN = BENCH / "loadgen.py"
BARE_HTML_SCRIPT = BENCH / "bare_html.py"
SERVER_PROBE = BENCH / "server_probe.py"
# Where a stall was: its innermost frames, and how many places `--stalls` prints.
STALL_SITE_FRAMES = 4
STALL_SITES = 8
FRAGMENT_VERSION_SLOT = "{version}"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
STARTUP_TIMEOUT_S = 60.0
SETUP_CONCURRENCY = 8
SETTLE_S = 4.0
DRAIN_S = 15.0
SOCKETS_PER_GENERATOR = 3500
# Issue 15's targets (bench/README.md, "Issue 15's targets"), against the bare server in the
# same run: p99 latency and CPU per delivered frame by format; memory per idle JSON socket (a
# browser's, with deflate, is held to the bare server's own).
TARGET_P99_RATIO = {"json": 1.5, "html": 3.0}
TARGET_CPU_PER_FRAME_RATIO = {"json": 1.6, "html": 2.5}
TARGET_KIB_PER_CONNECTION = 30.0


# --- /proc -------------------------------------------------------------------------------------


def _stat_fields(path: str) -> list[str]:
    """Fields of a /proc/.../stat line after the `(comm)`, which may contain spaces."""
    text = Path(path).read_text()
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a whole process (all its threads), in seconds."""
    user, kernel = cpu_split(f"/proc/{pid}/stat")
    return user + kernel


def cpu_split(stat_path: str) -> tuple[float, float]:
    """(user, kernel) CPU seconds of a process or a thread (/proc/.../task/TID/stat)."""
    fields = _stat_fields(stat_path)
    # fields[0] is field 3 (state): utime and stime are fields 14 and 15.
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def thread_cpu_seconds(pid: int) -> dict[int, float]:
    """utime + stime per thread (the main thread's id is the pid)."""
    found: dict[int, float] = {}
    with contextlib.suppress(FileNotFoundError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                fields = _stat_fields(f"/proc/{pid}/task/{tid}/stat")
                found[int(tid)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return found


def status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def machine_cpu() -> tuple[int, int, int]:
    """(busy, total, steal) jiffies over all cores, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    steal = values[7] if len(values) > 7 else 0
    total = sum(values[:8])
    return total - idle, total, steal


def raise_fd_limit(needed: int) -> int:
    """Raise the soft RLIMIT_NOFILE to the hard one; children (servers, generators) inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    if soft < needed:
        print(f"warning: file-descriptor limit {soft} < {needed} needed", file=sys.stderr)
    return soft


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest rank. Undelivered commands are passed as +inf, so they count as slow."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- servers -----------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    probes_path: Path
    ws_base: str = ""
    # Proxied (bench/proxied.py): the processes counted besides `process` (the other Peer
    # Rounds processes, nginx's), where requests go, the proxy's certificate, each Peer Rounds
    # process's log and probes, and what stops the rest.
    others: list[int] = field(default_factory=list)
    http_base: str = ""
    ca_file: Path | None = None
    app_logs: list[Path] = field(default_factory=list)
    more_probes: list[Path] = field(default_factory=list)
    on_stop: list[Callable[[], None]] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def pids(self) -> list[int]:
        """Every process whose CPU and memory count as this server's."""
        return [self.pid, *self.others]

    @property
    def base_url(self) -> str:
        return self.http_base or f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace_s: float = 30.0) -> None:
        """SIGINT first (uvicorn shuts down cleanly and cProfile writes its file), then kill
        after `grace_s`."""
        for stop in self.on_stop:
            stop()
        if not self.alive():
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def wait_until_listening(server: Server, check: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            if check == "tcp":
                with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                    return
            elif httpx.get(f"http://127.0.0.1:{server.port}/healthz", timeout=1).is_success:
                return
        except (OSError, httpx.TransportError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not start within {STARTUP_TIMEOUT_S:.0f} s")


def with_niceness(value: int) -> Callable[[], None] | None:
    """A preexec_fn giving a child (and every thread it starts) this nice value."""
    if value == 0:
        return None

    def apply() -> None:
        os.setpriority(os.PRIO_PROCESS, 0, value)

    return apply


def probes_file(work: Path, name: str) -> Path:
    return work / f"{name}-probes-{uuid.uuid4().hex[:8]}.json"


def start_baseline(work: Path, nice: int, fragments: Path | None) -> Server:
    """The shared JSON baseline, or with `fragments` the bare server sending those HTML
    fragments (bench/bare_html.py); either under bench/server_probe.py."""
    port = free_port()
    log = work / "baseline.log"
    probes = probes_file(work, "baseline")
    script = BASELINE_SCRIPT if fragments is None else BARE_HTML_SCRIPT
    extra = [] if fragments is None else [str(fragments)]
    process = subprocess.Popen(
        [sys.executable, str(SERVER_PROBE), str(probes), "script", str(script), str(port), *extra],
        cwd=script.parent,
        preexec_fn=with_niceness(nice),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    server = Server("baseline", process, port, log, probes, ws_base=f"ws://127.0.0.1:{port}")
    wait_until_listening(server, "tcp")
    return server


def start_peer_rounds(
    work: Path,
    database_url: str | None,
    profile: Path | None,
    nice: int,
    *,
    name: str = "peer-rounds",
    settings: dict[str, str] | None = None,
) -> Server:
    """`settings`: more PEER_ROUNDS_* variables (several processes share Redis and a key)."""
    port = free_port()
    data_dir = work / f"{name}-data"
    data_dir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PEER_ROUNDS_DATA_DIR": str(data_dir),
        "PEER_ROUNDS_PORT": str(port),
        "PEER_ROUNDS_HOST": "127.0.0.1",
        "PYTHONPATH": str(REPO),
        **(settings or {}),
    }
    env.pop("PEER_ROUNDS_DATABASE_URL", None)
    if database_url:
        env["PEER_ROUNDS_DATABASE_URL"] = database_url
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    probes = probes_file(work, name)
    command += [str(SERVER_PROBE), str(probes), "peer-rounds"]
    log = work / f"{name}.log"
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        preexec_fn=with_niceness(nice),
    )
    server = Server(name, process, port, log, probes, ws_base=f"ws://127.0.0.1:{port}")
    server.app_logs.append(log)
    wait_until_listening(server, "http")
    return server


# --- session setup -----------------------------------------------------------------------------


async def entered(client: httpx.AsyncClient, token: str) -> str:
    """The cookie a browser keeps after opening its link (`/enter/{token}`), as a Cookie header."""
    response = await client.get(f"/enter/{token}")
    if response.status_code != 303 or not response.cookies:
        raise RuntimeError(f"/enter answered {response.status_code}: {response.text[:200]}")
    return "; ".join(f"{name}={value}" for name, value in response.cookies.items())


async def set_up_session(
    client: httpx.AsyncClient, index: int, viewers: int, viewer_mix: str, format: str
) -> dict[str, Any]:
    """One session through the JSON API: viewers-1 admitted participants, a started session,
    the first round started (its first speaker's timer is running); and its sockets' plans.
    For HTML screens each socket carries the cookie its link set instead of a token for the
    hello."""
    created = await client.post(
        "/api/sessions",
        json={
            "title": f"Load session {index}",
            "group_name": "Benchmark group",
            "facilitator_names": ["Sam"],
        },
    )
    created.raise_for_status()
    body = created.json()
    session_id: str = body["session_id"]
    facilitator_token: str = body["facilitators"][0]["token"]
    room_token: str = body["room"]["token"]
    auth = {"Authorization": f"Bearer {facilitator_token}"}
    joined: list[dict[str, Any]] = []
    for n in range(viewers - 1):
        response = await client.post(
            f"/api/sessions/{session_id}/participants", json={"name": f"Peer {n + 1}"}
        )
        response.raise_for_status()
        joined.append(response.json())
    commands: list[dict[str, Any]] = [
        {"type": "admit", "participant_id": person["participant_id"]} for person in joined
    ]
    commands += [{"type": "start_session"}, {"type": "advance_stage"}]
    commands.append({"type": "start_round"})
    for command in commands:
        response = await client.post(
            f"/api/sessions/{session_id}/commands",
            json={**command, "id": str(uuid.uuid4())},
            headers=auth,
        )
        if response.status_code != 200:
            raise RuntimeError(f"setup {command['type']}: {response.text}")
    base = f"/ws/sessions/{session_id}"

    async def socket(role: str, token: str) -> dict[str, Any]:
        if format == "html":
            cookie = await entered(client, token)
            return {"path": f"{base}/{role}?format=html", "token": None, "cookie": cookie}
        return {"path": f"{base}/{role}", "token": token}

    if viewer_mix == "room":
        viewer_sockets = [await socket("room", room_token)] * viewers
    else:
        viewer_sockets = [await socket("participant", person["token"]) for person in joined]
        viewer_sockets.append(await socket("room", room_token))
    return {
        "index": index,
        "id": session_id,
        "facilitator": await socket("facilitator", facilitator_token),
        "viewers": viewer_sockets,
    }


async def setup_peer_rounds(
    server: Server, sessions: int, viewers: int, viewer_mix: str, format: str = "json"
) -> list[dict[str, Any]]:
    """Create the sessions (set_up_session), a few at a time."""
    limit = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def one(client: httpx.AsyncClient, index: int) -> dict[str, Any]:
        async with limit:
            return await set_up_session(client, index, viewers, viewer_mix, format)

    async with httpx.AsyncClient(
        base_url=server.base_url,
        verify=True
        if server.ca_file is None
        else ssl.create_default_context(cafile=server.ca_file),
        timeout=60,
        limits=httpx.Limits(max_connections=SETUP_CONCURRENCY),
    ) as client:
        return list(await asyncio.gather(*(one(client, i) for i in range(sessions))))


def baseline_sessions(
    sessions: int, viewers: int, format: str = "json", viewer_mix: str = "participants"
) -> list[dict[str, Any]]:
    """The JSON baseline has one path per session; the HTML one a path per screen, so that
    each socket gets the fragment its Peer Rounds counterpart gets (bench/bare_html.py)."""
    if format == "json":
        return [
            {
                "index": i,
                "id": f"s{i}",
                "facilitator": {"path": f"/s{i}", "token": None},
                "viewers": [{"path": f"/s{i}", "token": None}] * viewers,
            }
            for i in range(sessions)
        ]
    if viewer_mix == "room":
        screens = ["room/0"] * viewers
    else:
        screens = [f"participant/{n}" for n in range(viewers - 1)] + ["room/0"]
    return [
        {
            "index": i,
            "id": f"s{i}",
            "facilitator": {"path": f"/s{i}/facilitator/0", "token": None},
            "viewers": [{"path": f"/s{i}/{screen}", "token": None} for screen in screens],
        }
        for i in range(sessions)
    ]


async def capture_fragments(args: Any) -> Path:
    """What each screen of a Peer Rounds session gets over its HTML socket for a version, paused
    and resumed: one session set up as the load's are, its 13 screens connected as pages
    connect (each first gets its whole page), then one pause_timer and one resume_timer sent;
    what each screen got for those two (only the panels that changed, on a phone) is what the
    load's versions send. Written for bench/bare_html.py, the version number made a slot."""
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    server = start_peer_rounds(args.work, args.scratch_database_url, None, args.nice)
    try:
        (plan,) = await setup_peer_rounds(server, 1, args.viewers, "participants", "html")
        origin = Origin(f"http://127.0.0.1:{server.port}")
        sockets = [plan["facilitator"], *plan["viewers"]]
        names = ["facilitator/0"] + [f"participant/{n}" for n in range(args.viewers - 1)]
        names.append("room/0")
        fragments: dict[str, list[str]] = {}
        connections = [
            await connect(
                server.ws_base + sock["path"],
                origin=origin,
                additional_headers={"Cookie": sock["cookie"]},
                compression="deflate",
                max_size=2**22,
            )
            for sock in sockets
        ]
        try:
            sent = {
                name: [await next_fragment(c)] for name, c in zip(names, connections, strict=True)
            }
            for command in ("pause_timer", "resume_timer"):
                await connections[0].send(json.dumps({"type": command, "id": f"capture-{command}"}))
                for name, connection in zip(names, connections, strict=True):
                    sent[name].append(await next_fragment(connection))
        finally:
            for connection in connections:
                await connection.close()
        for name, (whole, paused, resumed) in sent.items():
            fragments[name] = [version_slotted(m) for m in (whole, resumed, paused)]
    finally:
        server.stop()
    path: Path = args.work / "fragments.json"
    await asyncio.to_thread(path.write_text, json.dumps(fragments))
    return path


async def next_fragment(connection: Any) -> str:
    """The next HTML message, past the JSON ones (the facilitator's acks)."""
    while (message := str(await asyncio.wait_for(connection.recv(), 30))).startswith("{"):
        pass
    return message


def version_slotted(fragment: str) -> str:
    marker = 'data-version="'
    start = fragment.index(marker) + len(marker)
    end = fragment.index('"', start)
    return fragment[:start] + FRAGMENT_VERSION_SLOT + fragment[end:]


# --- generators --------------------------------------------------------------------------------


@dataclass
class GeneratorProcess:
    process: asyncio.subprocess.Process
    result_path: Path
    log_path: Path
    ready: dict[str, Any] = field(default_factory=dict)

    async def line(self, wait_s: float) -> str:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), wait_s)
        if not raw:
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"load generator exited:\n{tail}")
        return raw.decode().strip()

    def kill(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()


async def start_generators(
    work: Path,
    tag: str,
    kind: str,
    format: str,
    server: Server,
    plans: list[dict[str, Any]],
    args: Any,
) -> list[GeneratorProcess]:
    count = args.generators or max(1, -(-len(plans) * (args.viewers + 1) // SOCKETS_PER_GENERATOR))
    generators: list[GeneratorProcess] = []
    for g in range(count):
        plan = {
            "kind": kind,
            "format": format,
            "ws_base": server.ws_base,
            "ca_file": None if server.ca_file is None else str(server.ca_file),
            "total_sessions": len(plans),
            "warmup_s": args.warmup,
            "measure_s": args.seconds,
            "drain_s": DRAIN_S,
            # Browsers always offer permessage-deflate.
            "compression": "deflate" if format == "html" else args.compression,
            "connect_concurrency": max(8, 64 // count),
            "sessions": plans[g::count],
        }
        plan_path = work / f"{tag}-plan-{g}.json"
        plan_path.write_text(json.dumps(plan))
        log_path = work / f"{tag}-loadgen-{g}.log"
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(LOADGEN),
            str(plan_path),
            str(work / f"{tag}-result-{g}.json"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=log_path.open("ab"),
            preexec_fn=with_niceness(args.nice),
        )
        generators.append(GeneratorProcess(process, work / f"{tag}-result-{g}.json", log_path))
    return generators


# --- one measured run --------------------------------------------------------------------------


async def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


def main_thread_split(pid: int) -> tuple[float, float]:
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        return cpu_split(f"/proc/{pid}/task/{pid}/stat")
    return 0.0, 0.0


# A server may be several processes (bench/proxied.py): each measurement is their sum.


def summed_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def summed_kib(pids: list[int], key: str) -> int:
    return sum(status_kib(pid, key) for pid in pids)


def summed_split(pids: list[int], *, main_only: bool) -> tuple[float, float]:
    """(user, kernel) of the processes, or of their main threads only."""
    splits = [
        main_thread_split(pid) if main_only else cpu_split(f"/proc/{pid}/stat") for pid in pids
    ]
    return sum(user for user, _ in splits), sum(kernel for _, kernel in splits)


def summed_threads(pids: list[int]) -> dict[int, float]:
    """Every thread of the processes (thread ids are unique across the machine)."""
    return {tid: cpu for pid in pids for tid, cpu in thread_cpu_seconds(pid).items()}


async def measure(
    server: Server, kind: str, format: str, plans: list[dict[str, Any]], args: Any
) -> dict[str, Any]:
    work: Path = args.work
    tag = f"{server.name}-{format}-{len(plans)}-{uuid.uuid4().hex[:6]}"
    sockets = len(plans) * (args.viewers + 1)
    await asyncio.sleep(1.0)
    rss_before = summed_kib(server.pids, "VmRSS")
    fds_before = sum(map(open_fds, server.pids))
    generators = await start_generators(work, tag, kind, format, server, plans, args)
    try:
        connect_started = time.monotonic()
        connect_timeout = 120 + sockets / 50
        for generator in generators:
            line = await generator.line(connect_timeout)
            if not line.startswith("READY "):
                raise RuntimeError(f"unexpected generator output: {line}")
            generator.ready = json.loads(line[6:])
        connect_s = time.monotonic() - connect_started
        await asyncio.sleep(SETTLE_S / 2)
        idle_start, idle_wall = summed_cpu(server.pids), time.monotonic()
        await asyncio.sleep(SETTLE_S / 2)
        idle_cpu_pct = 100 * (summed_cpu(server.pids) - idle_start) / (time.monotonic() - idle_wall)
        rss_idle = summed_kib(server.pids, "VmRSS")
        fds_idle = sum(map(open_fds, server.pids))

        t0 = time.monotonic() + 1.0
        for generator in generators:
            assert generator.process.stdin is not None
            generator.process.stdin.write(f"GO {t0}\n".encode())
            await generator.process.stdin.drain()
        await sleep_until(t0 + args.warmup)
        split_start = summed_split(server.pids, main_only=False)
        main_split_start = summed_split(server.pids, main_only=True)
        per_process_start = [cpu_seconds(pid) for pid in server.pids]
        cpu_start = sum(per_process_start)
        threads_start = summed_threads(server.pids)
        gen_start = [cpu_seconds(g.process.pid) for g in generators]
        machine_start = machine_cpu()
        wall_start = time.monotonic()
        await sleep_until(t0 + args.warmup + args.seconds)
        split_end = summed_split(server.pids, main_only=False)
        main_split_end = summed_split(server.pids, main_only=True)
        per_process_end = [cpu_seconds(pid) for pid in server.pids]
        cpu_end = sum(per_process_end)
        threads_end = summed_threads(server.pids)
        window = (wall_start, time.monotonic())
        gen_end = [cpu_seconds(g.process.pid) for g in generators]
        machine_end = machine_cpu()
        wall = time.monotonic() - wall_start
        rss_end = summed_kib(server.pids, "VmRSS")
        hwm = summed_kib(server.pids, "VmHWM")

        results: list[dict[str, Any]] = []
        for generator in generators:
            line = await generator.line(DRAIN_S + 120)
            if line != "DONE":
                raise RuntimeError(f"unexpected generator output: {line}")
            results.append(json.loads(generator.result_path.read_text()))
        for generator in generators:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(generator.process.wait(), 90)
    finally:
        for generator in generators:
            generator.kill()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(generator.process.wait(), 10)
    if not server.alive():
        raise RuntimeError(f"{server.name} died during the run:\n{server.log_tail()}")

    def merged(key: str) -> list[float]:
        return [value for result in results for value in result[key]]

    def total(key: str) -> int:
        return sum(int(result[key]) for result in results)

    latencies = merged("latencies_s")
    undelivered = [math.inf] * (total("incomplete") + total("unacked"))
    acks = merged("ack_latencies_s")
    lateness = merged("send_lateness_s")
    cpu = cpu_end - cpu_start
    # The process's and the thread's counters are read a moment apart: one tick may differ.
    main_thread = min(
        cpu,
        sum(threads_end.get(pid, 0.0) - threads_start.get(pid, 0.0) for pid in server.pids),
    )
    busy = machine_end[0] - machine_start[0]
    machine_total = machine_end[1] - machine_start[1]
    delivered = len(latencies)
    messages = total("messages_received")
    frames = total("window_frames")
    return {
        "server": server.name,
        "format": format,
        "window": window,
        "sessions": len(plans),
        "sockets": sockets,
        "generators": len(generators),
        "connected": total("connected"),
        "connect_s": connect_s,
        "window_commands": total("window_commands"),
        "delivered": delivered,
        "incomplete": total("incomplete"),
        "unacked": total("unacked"),
        "rejected": total("rejected"),
        "latency_p50_ms": 1000 * percentile(latencies + undelivered, 0.50),
        "latency_p90_ms": 1000 * percentile(latencies + undelivered, 0.90),
        "latency_p99_ms": 1000 * percentile(latencies + undelivered, 0.99),
        "latency_p999_ms": 1000 * percentile(latencies + undelivered, 0.999),
        "latency_max_ms": 1000 * max(latencies + undelivered, default=float("nan")),
        "latency_max_delivered_ms": 1000 * max(latencies, default=float("nan")),
        "ack_p50_ms": 1000 * percentile(acks, 0.50) if acks else None,
        "ack_p99_ms": 1000 * percentile(acks, 0.99) if acks else None,
        "window_s": wall,
        "cpu_s": cpu,
        "cpu_pct": 100 * cpu / wall,
        "cpu_main_thread_s": main_thread,
        "cpu_other_threads_s": cpu - main_thread,
        "cpu_user_s": split_end[0] - split_start[0],
        "cpu_kernel_s": split_end[1] - split_start[1],
        "cpu_main_user_s": main_split_end[0] - main_split_start[0],
        "cpu_main_kernel_s": main_split_end[1] - main_split_start[1],
        "window_frames": frames,
        "window_frame_bytes": total("window_bytes"),
        "cpu_us_per_frame": 1e6 * cpu / max(1, frames),
        "cpu_user_us_per_frame": 1e6 * (split_end[0] - split_start[0]) / max(1, frames),
        "cpu_kernel_us_per_frame": 1e6 * (split_end[1] - split_start[1]) / max(1, frames),
        "cpu_main_us_per_frame": 1e6 * main_thread / max(1, frames),
        "cpu_others_us_per_frame": 1e6 * (cpu - main_thread) / max(1, frames),
        "unattributed": total("unattributed"),
        "threads": len(threads_end),
        "idle_cpu_pct": idle_cpu_pct,
        "cpu_ms_per_command": 1000 * cpu / max(1, total("window_commands")),
        "rss_before_kib": rss_before,
        "rss_idle_kib": rss_idle,
        "rss_end_kib": rss_end,
        "rss_hwm_kib": hwm,
        "rss_per_connection_kib": (rss_idle - rss_before) / max(1, total("connected")),
        "fds_before": fds_before,
        "fds_idle": fds_idle,
        "dropped": total("dropped"),
        "dropped_facilitators": total("dropped_facilitators"),
        "drop_reasons": sorted({r for result in results for r in result["drop_reasons"]}),
        "connect_failures": total("connect_failures"),
        "connect_retries": total("connect_retries"),
        "generator_cpu_pct": [
            100 * (end - start) / wall for start, end in zip(gen_start, gen_end, strict=True)
        ],
        "send_lateness_p99_ms": 1000 * percentile(lateness, 0.99),
        "send_lateness_max_ms": 1000 * max(lateness, default=float("nan")),
        "machine_busy_pct": 100 * busy / max(1, machine_total) * (os.cpu_count() or 1),
        "others_cpu_pct": 100 * busy / max(1, machine_total) * (os.cpu_count() or 1)
        - 100
        * (cpu + sum(end - start for start, end in zip(gen_start, gen_end, strict=True)))
        / wall,
        "machine_steal_pct": 100
        * (machine_end[2] - machine_start[2])
        / max(1, machine_total)
        * (os.cpu_count() or 1),
        "messages_received": messages,
        "cpu_per_process_s": [
            end - start for start, end in zip(per_process_start, per_process_end, strict=True)
        ],
        **sessions_held(server.app_logs, {plan["id"] for plan in plans}),
        "avg_message_bytes": total("bytes_received") / max(1, messages),
    }


async def run_server(name: str, sessions: int, format: str, args: Any) -> dict[str, Any]:
    work: Path = args.work
    if name == "baseline":
        server = start_baseline(work, args.nice, args.fragments if format == "html" else None)
    elif name == "proxied":
        from bench.proxied import start_proxied

        sockets = sessions * (args.viewers + 1)
        server = start_proxied(
            work, args.scratch_database_url, args.redis_url, args.proxy, args.nice, sockets
        )
    else:
        # With --redis-url the one process publishes each version too, as each proxied one does.
        settings = {"PEER_ROUNDS_REDIS_URL": args.redis_url} if args.redis_url else {}
        if name == "floor":
            settings["PROBE_FLOOR"] = "1"
        server = start_peer_rounds(
            work, args.scratch_database_url, args.profile, args.nice, name=name, settings=settings
        )
    try:
        setup_started = time.monotonic()
        if name == "baseline":
            plans = baseline_sessions(sessions, args.viewers, format, args.viewer_mix)
            kind = "baseline"
        else:
            plans = await setup_peer_rounds(server, sessions, args.viewers, args.viewer_mix, format)
            kind = "peer_rounds"
        setup_s = time.monotonic() - setup_started
        print(
            f"  {name} ({format}): {sessions} sessions ready in {setup_s:.1f} s; connecting…",
            flush=True,
        )
        result = await measure(server, kind, format, plans, args)
        result["setup_s"] = setup_s
    finally:
        server.stop()
    result.update(worst_probed([server.probes_path, *server.more_probes], result["window"]))
    return result


def sessions_held(app_logs: list[Path], measured: set[str]) -> dict[str, Any]:
    """Which of the `measured` sessions each Peer Rounds process held screens of (its
    `connected` log lines; a log goes on across rounds): how many per process, and how many
    had screens on more than one."""
    held: list[set[str]] = []
    for log in app_logs:
        sessions: set[str] = set()
        for line in log.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                fields = json.loads(line)
                if isinstance(fields, dict) and fields.get("event") == "connected":
                    sessions.add(str(fields.get("session_id")))
        sessions &= measured
        held.append(sessions)
    everywhere = [session for sessions in held for session in sessions]
    return {
        "sessions_per_process": [len(sessions) for sessions in held],
        "sessions_split": len(everywhere) - len(set(everywhere)),
    }


def worst_probed(paths: list[Path], window: tuple[float, float]) -> dict[str, Any]:
    """probed() of each process; the worst of each measurement (a server of one process: its)."""
    each = [probed(path, window) for path in paths]
    worst = dict(each[0])
    for key in worst:
        values = [result[key] for result in each if result.get(key) is not None]
        if key == "stalls":
            worst[key] = [stall for stalls in values for stall in stalls]
        else:
            worst[key] = max(values) if values else None
    return worst


def stall_sites(rounds: dict[str, list[dict[str, Any]]], threshold_ms: float) -> str:
    """Where each server's event loop was when it stalled (`--stalls`), most frequent first."""
    lines = []
    for name, results in rounds.items():
        stalls = [stall for result in results for stall in result.get("stalls") or []]
        lines.append(
            f"loop stalls over {threshold_ms:g} ms in the windows, {name}: {len(stalls)} "
            f"in {len(results)} round(s)"
        )
        sites = Counter(" < ".join(reversed(where[-STALL_SITE_FRAMES:])) for where in stalls)
        lines += [f"  {count:4}  {site}" for count, site in sites.most_common(STALL_SITES)]
    return "\n".join(lines)


def probed(path: Path, window: tuple[float, float]) -> dict[str, Any]:
    """Loop lag and GC pauses inside the server (bench/server_probe.py) in the measured window."""
    try:
        samples = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"loop_lag_p99_ms": None, "loop_lag_max_ms": None, "gc_worst_ms": None}
    start, end = window
    lags = [lag for at, lag in samples["lags"] if start <= at < end]
    pauses = [pause for at, _generation, pause in samples["gc_pauses"] if start <= at < end]
    return {
        "loop_lag_p99_ms": 1000 * percentile(lags, 0.99) if lags else None,
        "loop_lag_max_ms": 1000 * max(lags) if lags else None,
        "gc_worst_ms": 1000 * max(pauses, default=0.0),
        "gc_total_ms": 1000 * sum(pauses),
        "gc_collections": len(pauses),
        "stalls": [where for at, where in samples.get("stalls", []) if start <= at < end],
    }


# --- PostgreSQL scratch database ---------------------------------------------------------------


@contextlib.contextmanager
def scratch_database(url: str | None) -> Any:
    """A fresh database next to the one in `url` (created, then dropped), like a fresh SQLite."""
    if not url:
        yield None
        return
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(url)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"peer_rounds_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- report ------------------------------------------------------------------------------------


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and math.isinf(value):
        return "undelivered"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, list):
        return " + ".join(fmt(v, 0) for v in value)
    return f"{value:,}" if isinstance(value, int) else str(value)


ROWS: list[tuple[str, str, int, bool]] = [
    # label, key, digits, show a ratio
    ("sockets connected", "connected", 0, False),
    ("commands in window", "window_commands", 0, False),
    ("  delivered to every viewer", "delivered", 0, False),
    ("  not delivered by drain end", "incomplete", 0, False),
    ("  rejected / not acked", "rejected", 0, False),
    ("latency p50 (ms)", "latency_p50_ms", 1, True),
    ("latency p90 (ms)", "latency_p90_ms", 1, True),
    ("latency p99 (ms)", "latency_p99_ms", 1, True),
    ("latency p99.9 (ms)", "latency_p999_ms", 1, True),
    ("latency max (ms)", "latency_max_ms", 1, True),
    ("command -> ack p50 / p99 (ms)", "ack", 1, False),
    ("server CPU in window (s)", "cpu_s", 2, True),
    ("server CPU (% of one core)", "cpu_pct", 0, True),
    ("  main thread / other threads (s)", "threads_split", 2, False),
    ("  user / kernel (s)", "user_kernel", 2, False),
    ("server CPU per command (ms)", "cpu_ms_per_command", 2, True),
    ("frames delivered in window", "window_frames", 0, True),
    ("server CPU per frame (us)", "cpu_us_per_frame", 1, True),
    ("  user / kernel (us)", "user_kernel_per_frame", 1, False),
    ("  main thread / other threads (us)", "threads_per_frame", 1, False),
    ("event-loop lag p99 / max (ms)", "loop_lag", 1, False),
    ("worst GC pause (ms); total, count", "gc", 1, False),
    ("server CPU idle, sockets open (%)", "idle_cpu_pct", 1, False),
    ("RSS before sockets (MiB)", "rss_before_mib", 1, True),
    ("RSS idle, all sockets open (MiB)", "rss_idle_mib", 1, True),
    ("RSS per connection (KiB)", "rss_per_connection_kib", 1, True),
    ("RSS end of load / peak (MiB)", "rss_end", 1, False),
    ("avg message size (bytes)", "avg_message_bytes", 0, True),
    ("dropped connections (facilitators)", "dropped", 0, False),
    ("versions not attributed (HTML)", "unattributed", 0, False),
    ("connect failures (retries)", "connect", 0, False),
    ("generator CPU (% of a core)", "generator_cpu_pct", 0, False),
    ("send lateness p99 / max (ms)", "lateness", 1, False),
    ("machine busy, steal (% of one core)", "machine_busy_pct", 0, False),
    ("  of which other processes (%)", "others_cpu_pct", 0, False),
    ("time to open all sockets (s)", "connect_s", 1, True),
    ("sessions held per process (split)", "sessions_held", 0, False),
    ("CPU per process (s), nginx's last", "cpu_per_process", 2, False),
]
# Ratio columns: (numerator, denominator, heading), shown when both were measured.
RATIOS = (
    ("peer-rounds", "baseline", "ratio PR/base"),
    ("proxied", "peer-rounds", "proxied/PR"),
    ("floor", "baseline", "floor/base"),
    ("peer-rounds", "floor", "PR/floor"),
)


def cell(result: dict[str, Any], key: str, digits: int) -> str:
    if key == "sessions_held":
        held = result["sessions_per_process"]
        if not held:
            return "-"
        return " / ".join(map(str, held)) + f" ({result['sessions_split']})"
    if key == "cpu_per_process":
        return "/".join(f"{seconds:.{digits}f}" for seconds in result["cpu_per_process_s"])
    if key == "ack":
        return f"{fmt(result['ack_p50_ms'])} / {fmt(result['ack_p99_ms'])}"
    if key == "threads_split":
        return f"{fmt(result['cpu_main_thread_s'], 2)} / {fmt(result['cpu_other_threads_s'], 2)}"
    if key == "user_kernel":
        return f"{fmt(result['cpu_user_s'], 2)} / {fmt(result['cpu_kernel_s'], 2)}"
    if key == "user_kernel_per_frame":
        user, kernel = result["cpu_user_us_per_frame"], result["cpu_kernel_us_per_frame"]
        return f"{fmt(user)} / {fmt(kernel)}"
    if key == "threads_per_frame":
        return f"{fmt(result['cpu_main_us_per_frame'])} / {fmt(result['cpu_others_us_per_frame'])}"
    if key == "loop_lag":
        return f"{fmt(result['loop_lag_p99_ms'])} / {fmt(result['loop_lag_max_ms'])}"
    if key == "gc":
        if result["gc_worst_ms"] is None:
            return "-"
        return (
            f"{fmt(result['gc_worst_ms'])}; {fmt(result['gc_total_ms'], 0)}, "
            f"{result['gc_collections']}"
        )
    if key == "rss_end":
        return f"{result['rss_end_kib'] / 1024:,.1f} / {result['rss_hwm_kib'] / 1024:,.1f}"
    if key == "connect":
        return f"{result['connect_failures']} ({result['connect_retries']})"
    if key == "lateness":
        return f"{fmt(result['send_lateness_p99_ms'])} / {fmt(result['send_lateness_max_ms'])}"
    if key == "machine_busy_pct":
        return f"{result[key]:.0f} (steal {result['machine_steal_pct']:.0f})"
    if key == "dropped":
        return f"{result['dropped']} ({result['dropped_facilitators']})"
    if key == "rejected":
        return f"{result['rejected']} / {result['unacked']}"
    if key.endswith("_mib"):
        return fmt(result[key.removesuffix("_mib") + "_kib"] / 1024, digits)
    value = result[key]
    return fmt(float(value), digits) if isinstance(value, float) else fmt(value, digits)


def numeric(result: dict[str, Any], key: str) -> float:
    if key.endswith("_mib"):
        return float(result[key.removesuffix("_mib") + "_kib"]) / 1024
    return float(result[key])


def table(results: dict[str, dict[str, Any]], args: Any) -> str:
    names = [name for name in ("baseline", "peer-rounds", "floor", "proxied") if name in results]
    ratios = [(top, bottom, head) for top, bottom, head in RATIOS if {top, bottom} <= set(results)]
    first = results[names[0]]
    lines = [
        f"S = {first['sessions']} sessions x ({args.viewers} viewers + 1 facilitator) = "
        f"{first['sockets']:,} sockets, 1 command/s/session, {args.seconds:g} s measured after "
        f"{args.warmup:g} s warm-up; viewers: {viewer_mix_words(args)}, "
        f"{format_words(first['format'], args)}",
        "",
        f"{'':38}"
        + "".join(f"{name:>20}" for name in names)
        + "".join(f"{head:>16}" for _, _, head in ratios),
    ]
    for label, key, digits, ratio in ROWS:
        if key == "ack" and "peer-rounds" not in results:
            continue
        row = f"{label:38}" + "".join(f"{cell(results[n], key, digits):>20}" for n in names)
        for top, bottom, _ in ratios if ratio else []:
            base = numeric(results[bottom], key)
            mine = numeric(results[top], key)
            ratio_text = f"{mine / base:.2f}x" if base and math.isfinite(mine) else "-"
            row += f"{ratio_text:>16}"
        lines.append(row)
    return "\n".join(lines)


def format_words(format: str, args: Any) -> str:
    if format == "html":
        return "HTML fragments as the pages get them, deflate (browser-real)"
    return f"JSON, {'deflate' if args.compression == 'deflate' else 'no compression'}"


def viewer_mix_words(args: Any) -> str:
    if args.viewer_mix == "room":
        return f"{args.viewers} room views (one rendered view per session)"
    return f"{args.viewers - 1} participants (each a personal view) + 1 room view"


def verdict(results: dict[str, dict[str, Any]]) -> str:
    mine = results.get("peer-rounds")
    base = results.get("baseline")
    if mine is None:
        return ""
    lines = ["targets:"]
    if base is not None:
        ratio = mine["latency_p99_ms"] / base["latency_p99_ms"]
        ok = held(results)
        lines.append(
            f"  p99 latency <= {TARGET_P99_RATIO[mine['format']]}x baseline, everything "
            f"delivered: {ratio:.2f}x "
            f"({mine['latency_p99_ms']:.1f} vs {base['latency_p99_ms']:.1f} ms)"
            + ("" if mine["incomplete"] == 0 else f", {mine['incomplete']} undelivered")
            + f"  {'MET' if ok else 'MISSED'}"
        )
        target = TARGET_CPU_PER_FRAME_RATIO[mine["format"]]
        mine_us, base_us = mine["cpu_us_per_frame"], base["cpu_us_per_frame"]
        # /proc counts CPU in ticks of 10 ms: a bare server in a short, small run can show none.
        per_frame = f"{mine_us / base_us:.2f}x" if base_us else "- (the bare server used < 1 tick)"
        met = bool(base_us) and mine_us / base_us <= target
        lines.append(
            f"  CPU per delivered frame <= {target}x baseline: {per_frame} "
            f"({mine_us:.1f} vs {base_us:.1f} us)  {'MET' if met else 'MISSED'}"
        )
    per = mine["rss_per_connection_kib"]
    if mine["format"] == "json":
        lines.append(
            f"  <= {TARGET_KIB_PER_CONNECTION:g} KiB per idle connection: {per:.1f} KiB  "
            f"{'MET' if per <= TARGET_KIB_PER_CONNECTION else 'MISSED'}"
        )
    elif base is not None:
        bare = base["rss_per_connection_kib"]
        lines.append(
            f"  <= the bare server's KiB per idle connection (deflate): {per:.1f} vs {bare:.1f}"
            f"  {'MET' if per <= bare else 'MISSED'}"
        )
    lost = mine["dropped"] + mine["connect_failures"]
    lines.append(
        f"  no connection dropped: {mine['dropped']} dropped, {mine['connect_failures']} "
        f"failed to connect  {'MET' if lost == 0 else 'MISSED'}"
    )
    if mine["unattributed"]:
        lines.append(
            f"  warning: {mine['unattributed']} versions not attributed to the commands sent "
            "(a refused command or a change nobody sent): HTML latencies may be misattributed"
        )
    proxied = results.get("proxied")
    if proxied is not None:
        per_process = " / ".join(map(str, proxied["sessions_per_process"]))
        lost = proxied["dropped"] + proxied["connect_failures"] + proxied["incomplete"]
        p99 = proxied["latency_p99_ms"] / mine["latency_p99_ms"]
        per_frame = proxied["cpu_us_per_frame"] / mine["cpu_us_per_frame"]
        lines.append(
            f"  proxied ({len(proxied['sessions_per_process'])} processes behind nginx): sessions "
            f"held per process {per_process}, {proxied['sessions_split']} with screens on "
            f"more than one; p99 {p99:.2f}x one process's, CPU per frame {per_frame:.2f}x "
            f"(nginx included); {lost} dropped, failed or undelivered"
        )
    for result in results.values():
        if result["drop_reasons"]:
            lines.append(f"  {result['server']} drop reasons: {result['drop_reasons']}")
        if max(result["generator_cpu_pct"]) > 85:
            lines.append(
                f"  warning: a {result['server']} generator used "
                f"{max(result['generator_cpu_pct']):.0f}% of a core — it may be the bottleneck"
            )
    return "\n".join(lines)


def held(results: dict[str, dict[str, Any]]) -> bool:
    """Peer Rounds delivered every version to every screen, dropped nobody, and its p99 is
    within its format's TARGET_P99_RATIO of the bare server's."""
    mine, base = results["peer-rounds"], results["baseline"]
    failures = (
        mine["incomplete"]
        + mine["unacked"]
        + mine["dropped"]
        + mine["connect_failures"]
        + mine["unattributed"]
    )
    target = TARGET_P99_RATIO[mine["format"]]
    fast_enough: bool = mine["latency_p99_ms"] <= target * base["latency_p99_ms"]
    return failures == 0 and fast_enough


def side_by_side(base: dict[str, Any], mine: dict[str, Any], key: str) -> str:
    """`bare / Peer Rounds (ratio)` of one measurement."""
    ratio = mine[key] / base[key] if base[key] and math.isfinite(mine[key]) else None
    text = f"{fmt(base[key])} / {fmt(mine[key])}"
    return text + (f" ({ratio:.1f}x)" if ratio is not None else "")


def summary(everything: list[dict[str, dict[str, Any]]]) -> str:
    """One line per S and format, JSON and browser-real side by side, and the largest S held."""
    pairs = [r for r in everything if "baseline" in r and "peer-rounds" in r]
    if not pairs:
        return ""
    lines = [
        "",
        "summary (Peer Rounds / bare, same run):",
        f"{'S':>6} {'format':>7} {'p50 ms':>16} {'p99 ms':>18} {'p99.9 ms':>18} "
        f"{'CPU/frame us':>22} {'loop lag p99 ms':>16} {'worst GC ms':>13} {'held':>5}",
    ]
    largest: dict[str, int | None] = {}
    for results in pairs:
        mine, base = results["peer-rounds"], results["baseline"]
        format = mine["format"]
        ok = held(results)
        largest.setdefault(format, None)
        if ok:
            largest[format] = max(largest[format] or 0, mine["sessions"])

        p50, p99, p999, per_frame = (
            side_by_side(base, mine, key)
            for key in ("latency_p50_ms", "latency_p99_ms", "latency_p999_ms", "cpu_us_per_frame")
        )
        lines.append(
            f"{mine['sessions']:>6} {format:>7} {p50:>16} {p99:>18} {p999:>18} {per_frame:>22} "
            f"{fmt(base['loop_lag_p99_ms'])} / {fmt(mine['loop_lag_p99_ms']):>6} "
            f"{fmt(base['gc_worst_ms'])} / {fmt(mine['gc_worst_ms']):>5} {'yes' if ok else 'no':>5}"
        )
    for format, sessions in largest.items():
        lines.append(
            f"largest S held ({format}: everything delivered, "
            f"p99 <= {TARGET_P99_RATIO[format]}x bare): "
            + (f"{sessions}" if sessions is not None else "none of those measured")
        )
    floors = [r for r in pairs if "floor" in r]
    if floors:
        lines += ["", "the floor (messages made for free, bench/floor.py) / bare, and PR / floor:"]
        lines.append(f"{'S':>6} {'format':>7} {'CPU/frame':>22} {'p99':>22}")
    for results in floors:
        base, floor, mine = results["baseline"], results["floor"], results["peer-rounds"]
        cpu, p99 = (
            f"{numeric(floor, key) / numeric(base, key):.2f}x / "
            f"{numeric(mine, key) / numeric(floor, key):.2f}x"
            if numeric(base, key) and numeric(floor, key)
            else "-"
            for key in ("cpu_us_per_frame", "latency_p99_ms")
        )
        lines.append(f"{mine['sessions']:>6} {mine['format']:>7} {cpu:>22} {p99:>22}")
    return "\n".join(lines)


def print_profile(path: Path, limit: int = 30) -> None:
    if not path.exists():
        print(f"no profile written at {path}")
        return
    for order in ("tottime", "cumulative"):
        print(f"\n--- main thread profile, top {limit} by {order} ({path}) ---")
        stats = pstats.Stats(str(path))
        stats.strip_dirs().sort_stats(order).print_stats(limit)


# --- main --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[100], metavar="S")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured window (s)")
    parser.add_argument("--warmup", type=float, default=10.0, help="load before the window (s)")
    parser.add_argument("--viewers", type=int, default=12, help="viewers per session")
    parser.add_argument(
        "--viewer-mix",
        choices=("participants", "room"),
        default="participants",
        help="participants: viewers-1 participant views + 1 room view (default); "
        "room: every viewer on the room view",
    )
    parser.add_argument(
        "--format",
        choices=("json", "html"),
        nargs="+",
        default=["json"],
        help="json: script viewers (JSON, hello with the token; the default); html: "
        "browser-real viewers (cookie, HTML fragments, deflate offered) against the bare "
        "server sending the same fragments (bench/bare_html.py). Both: each S in both modes",
    )
    parser.add_argument("--servers", choices=("both", "baseline", "peer-rounds"), default="both")
    parser.add_argument(
        "--generators",
        type=int,
        default=0,
        help=f"load-generator processes (default: one per {SOCKETS_PER_GENERATOR} sockets)",
    )
    parser.add_argument(
        "--compression",
        choices=("none", "deflate"),
        default="none",
        help="offer permessage-deflate as browsers do (both servers accept it)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server for Peer Rounds, e.g. postgresql+psycopg://postgres@127.0.0.1/test"
        "; a scratch database is created next to it and dropped afterwards",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="run Peer Rounds under cProfile (main thread only) and write the stats here",
    )
    parser.add_argument(
        "--stalls",
        type=float,
        default=None,
        metavar="MS",
        help="note where each server's event loop is when it has not woken for MS ms "
        "(bench/server_probe.py; costs the servers a little) and print the most frequent places",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run the servers and generators at this nice value (negative needs root): on a "
        "shared machine, -5 keeps neighbours from starving the run. Default 0.",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure each server this many times per S (odd: 3 or 5), alternating which goes "
        "first, and report medians (a shared machine's bursts then weigh on both sides alike)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also run Peer Rounds with its screens' messages made for free (bench/floor.py): "
        "what the rest of a command's path costs, the floor under any view or rendering work",
    )
    parser.add_argument(
        "--proxy",
        type=int,
        default=0,
        metavar="N",
        help="also run N Peer Rounds processes behind Debian's nginx running deploy/nginx.conf "
        "(sessions pinned by id; bench/proxied.py), reported next to one process and with the "
        "sessions each process held; needs --database-url and --redis-url",
    )
    parser.add_argument(
        "--redis-url",
        default=None,
        help="Redis for the processes, e.g. redis://127.0.0.1:6379/0 (one process uses it too)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.viewers < 2:
        parser.error("--viewers must be at least 2 (participants + a room view)")
    if args.proxy and not (args.database_url and args.redis_url):
        parser.error("--proxy needs --database-url and --redis-url (processes share both)")
    if args.proxy and args.servers == "baseline":
        parser.error("--proxy runs Peer Rounds: use --servers both or peer-rounds")
    return args


# Counts of things that went wrong: across rounds the worst one is reported, never the median.
WORST_OF_ROUNDS = frozenset(
    {
        "dropped",
        "dropped_facilitators",
        "connect_failures",
        "incomplete",
        "unacked",
        "rejected",
        "unattributed",
    }
)


def combine_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from several rounds of the same server: the median of every measurement, the
    worst of every failure count, and the first round's lists and labels."""
    combined = dict(rounds[0])
    for key, value in rounds[0].items():
        values = [r[key] for r in rounds]
        if key in WORST_OF_ROUNDS:
            combined[key] = max(values)
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and all(v is not None for v in values)
            and len(set(values)) > 1
        ):
            middle = statistics.median(values)
            combined[key] = round(middle) if isinstance(value, int) else middle
    combined["rounds"] = len(rounds)
    return combined


async def main_async(args: argparse.Namespace) -> int:
    everything: list[dict[str, dict[str, Any]]] = []
    names = ["baseline", "peer-rounds"] if args.servers == "both" else [args.servers]
    if args.floor:
        names.append("floor")
    if args.proxy:
        names.append("proxied")
    args.fragments = None
    if "html" in args.format and "baseline" in names:
        print("capturing the HTML fragments of a Peer Rounds session for the bare server…")
        args.fragments = await capture_fragments(args)
    for sessions in args.sessions:
        for format in args.format:
            print(f"\n== S = {sessions}, {format} ==", flush=True)
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
            for number in range(args.rounds):
                # A B, B A, A B, ...: a neighbour's burst or a drift weighs on both sides alike.
                for name in names if number % 2 == 0 else names[::-1]:
                    rounds[name].append(await run_server(name, sessions, format, args))
            results = {name: combine_rounds(rounds[name]) for name in names}
            print()
            if args.rounds > 1:
                for name in names:
                    p99s = ", ".join(f"{r['latency_p99_ms']:.1f}" for r in rounds[name])
                    print(f"p99 per round, {name} (ms): {p99s}")
                print(
                    f"(medians of {args.rounds} rounds below; failure counts are the worst round)"
                )
            print(table(results, args))
            print(verdict(results))
            if args.stalls:
                print(stall_sites(rounds, args.stalls))
            everything.append(results)
    print(summary(everything))
    if args.json is not None:
        args.json.write_text(json.dumps(everything, indent=2))
    return 0


def source_version() -> str:
    """The commit measured, and whether app/ had uncommitted changes (others work concurrently)."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "app"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {commit}" + (" + uncommitted changes in app/" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Only the JSON mode's bare server lives outside the repository (bare_html.py is in it).
    needs_shared = args.servers != "peer-rounds" and "json" in args.format
    if needs_shared and not BASELINE_SCRIPT.exists():
        print(f"the baseline server is missing: {BASELINE_SCRIPT}", file=sys.stderr)
        return 2
    largest = max(args.sessions) * (args.viewers + 1)
    # nginx (a child: it inherits the limit) holds two descriptors per proxied socket.
    limit = raise_fd_limit(largest * (3 if args.proxy else 1) + 1000)
    stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    print(
        f"bench/load.py {' '.join(sys.argv[1:])}\n{stamp}, {platform.node()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, fd limit {limit}, "
        f"page {PAGE_KIB} KiB, nice {args.nice}, {source_version()}"
    )
    if args.stalls:
        # Both servers inherit it (bench/server_probe.py).
        os.environ["PROBE_STALLS_MS"] = str(args.stalls)
    with tempfile.TemporaryDirectory(prefix="peer-rounds-load-") as tmp:
        args.work = Path(tmp)
        if args.keep:
            args.work = Path(tempfile.mkdtemp(prefix="peer-rounds-load-"))
            print(f"keeping servers' logs, plans and raw results in {args.work}")
        with scratch_database(args.database_url) as url:
            args.scratch_database_url = url
            code = asyncio.run(main_async(args))
    if args.profile is not None:
        print_profile(args.profile)
    return code


if __name__ == "__main__":
    sys.exit(main())
