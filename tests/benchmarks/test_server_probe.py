"""bench/server_probe.py's stall watcher: where the event loop was when it stopped waking."""

from __future__ import annotations

import asyncio
import signal
import time

from bench import server_probe


def hold_the_loop() -> None:
    time.sleep(0.3)


def test_a_loop_held_by_one_call_is_noted_in_that_call() -> None:
    probes = server_probe.Probes()

    async def run() -> None:
        stop = probes.watch_stalls(0.05)
        sampler = asyncio.create_task(probes.sample_lag())
        try:
            await asyncio.sleep(0.1)
            hold_the_loop()
            await asyncio.sleep(0.1)
        finally:
            stop()
            sampler.cancel()

    asyncio.run(run())
    assert len(probes.stalls) == 1
    _, where = probes.stalls[0]
    assert where[-1].startswith("tests/benchmarks/test_server_probe.py:")
    assert where[-1].endswith(" hold_the_loop")


def test_the_watcher_gives_back_the_timer_it_found() -> None:
    before = signal.getitimer(signal.ITIMER_REAL)
    handler = signal.getsignal(signal.SIGALRM)
    server_probe.Probes().watch_stalls(0.05)()
    assert signal.getsignal(signal.SIGALRM) is handler
    delay, interval = signal.getitimer(signal.ITIMER_REAL)
    # Set again as it stood: no sooner than it was due, and with its interval.
    assert interval == before[1]
    assert (delay > 0) == (before[0] > 0)
