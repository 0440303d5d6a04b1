"""Password work is bounded (issue 16): at most N argon2id hashes or checks run at once in a
process, a bounded number more wait their turn, and beyond that a calm 503; so a burst of
registrations cannot grow the server by 64 MiB per request."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import anyio
import anyio.lowlevel
import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.web import password_work
from app.web.password_work import PasswordWork, TooManySigningIn
from tests.support.groups import PASSWORD, account_services, browser, register
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.anyio

MIB = 1024 * 1024
# What one argon2id hash with today's parameters holds while it runs (m=65536 KiB).
HASH_MEMORY = 64 * MIB


class Overlap:
    """Stands in for argon2: takes a moment on its thread, noting how many ran at once."""

    def __init__(self, seconds: float = 0.05) -> None:
        self._seconds = seconds
        self._lock = threading.Lock()
        self._running = 0
        self.most = 0

    def __call__(self, *texts: str) -> str:
        with self._lock:
            self._running += 1
            self.most = max(self.most, self._running)
        time.sleep(self._seconds)
        with self._lock:
            self._running -= 1
        return "hashed"


@pytest.fixture
def overlap(monkeypatch: pytest.MonkeyPatch) -> Overlap:
    stand_in = Overlap()
    monkeypatch.setattr(password_work, "hash_password", stand_in)
    monkeypatch.setattr(password_work, "password_matches", stand_in)
    return stand_in


@pytest.mark.parametrize(("at_once", "callers"), [(1, 4), (2, 7), (3, 5)])
async def test_at_most_n_run_at_once_and_the_others_wait_their_turn(
    overlap: Overlap, at_once: int, callers: int
) -> None:
    work = PasswordWork(at_once=at_once, may_wait=callers)
    answers: list[object] = []

    async def one(number: int) -> None:  # hashes and checks share the one bound
        if number % 2:
            answers.append(await work.matches("a hash", PASSWORD))
        else:
            answers.append(await work.hash(PASSWORD))

    async with anyio.create_task_group() as group:
        for number in range(callers):
            group.start_soon(one, number)

    assert overlap.most == at_once
    assert len(answers) == callers


async def test_beyond_those_waiting_the_answer_is_at_once_and_nothing_is_lost(
    overlap: Overlap,
) -> None:
    work = PasswordWork(at_once=1, may_wait=2)
    finished: list[str] = []
    refused: list[str] = []

    async def one(name: str) -> None:
        try:
            await work.hash(name)
        except TooManySigningIn:
            refused.append(name)
        else:
            finished.append(name)

    async with anyio.create_task_group() as group:
        for name in ("first", "second", "third", "fourth", "fifth"):
            group.start_soon(one, name)
            await anyio.lowlevel.checkpoint()

    assert sorted(finished) == ["first", "second", "third"]
    assert sorted(refused) == ["fifth", "fourth"]
    assert await work.hash("later") == "hashed"  # room again once the queue has gone


async def test_a_burst_beyond_the_queue_is_asked_calmly_to_try_again(tmp_path: Path) -> None:
    """Real argon2: one at a time and one waiting, four registrations at once."""
    app = create_app(
        Settings(data_dir=tmp_path, password_hashes_at_once=1, password_hashes_waiting=1)
    )
    emails = [f"person{number}@example.org" for number in range(4)]
    answers: dict[str, httpx.Response] = {}

    async def one(client: httpx.AsyncClient, email: str) -> None:
        answers[email] = await register(client, email=email, name="Priya")

    async with browser(app) as client, anyio.create_task_group() as group:
        for email in emails:
            group.start_soon(one, client, email)

    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [303, 303, 503, 503]
    for email, answer in answers.items():
        stored = account_services(app).accounts.by_email(email)
        if answer.status_code == 303:
            assert stored is not None
            continue
        assert stored is None
        assert "Too many people are signing in at once" in answer.text
        assert answer.headers["retry-after"] == "5"
        assert f'value="{email}"' in answer.text
        assert 'value="Priya"' in answer.text
        assert PASSWORD not in answer.text


def status_bytes(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field}")


async def test_memory_stays_bounded_under_a_burst_of_registrations(tmp_path: Path) -> None:
    """16 registrations at once, from four addresses (within the per-address limit), against a
    real server running two hashes at a time: all are registered (the others waited their
    turn), and the server's peak memory grows by less than (2 + 2) * 64 MiB. Before, each ran
    on its own thread at once: 12 took a server from 156 to 925 MiB."""
    at_once, margin, burst = 2, 2, 16
    server = LiveServer(tmp_path, env={"PEER_ROUNDS_PASSWORD_HASHES_AT_ONCE": str(at_once)})
    server.start()
    try:
        assert server.process is not None
        pid = server.process.pid
        peak_before = status_bytes(pid, "VmHWM")

        async def one(number: int) -> int:
            transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{2 + number % 4}")
            async with httpx.AsyncClient(
                transport=transport,
                base_url=server.base_url,
                headers={"Origin": server.base_url},
                timeout=120,
            ) as client:
                answer = await register(client, email=f"person{number}@example.org")
                return answer.status_code

        statuses: list[int] = []

        async def record(number: int) -> None:
            statuses.append(await one(number))

        async with anyio.create_task_group() as group:
            for number in range(burst):
                group.start_soon(record, number)
        peak_after = status_bytes(pid, "VmHWM")
    finally:
        server.stop()

    growth = peak_after - peak_before
    print(
        f"peak before {peak_before / MIB:.0f} MiB, after {peak_after / MIB:.0f} MiB, "
        f"growth {growth / MIB:.0f} MiB = {growth / HASH_MEMORY:.2f} hashes' memory"
    )
    assert statuses == [303] * burst
    assert growth < (at_once + margin) * HASH_MEMORY
