"""The benchmarks' smallest configurations, run for a few seconds so that they cannot rot:
bench/load.py with one session of browser-real HTML screens against the bare server sending the
same fragments (both in this repository) and Peer Rounds with its messages made for free
(bench/floor.py), and bench/stack.py with one short block each.

The JSON mode's bare server is the team's shared baseline, outside this repository
(`../shared/bench/ws_baseline.py`): a clean checkout elsewhere does not have it, so it is run by
hand (bench/README.md), not here."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bench import churn, frames, load, socket_memory, stack

# Real server processes, one after the other: minutes, not seconds.
pytestmark = pytest.mark.slow

SCREENS = 13  # a facilitator, 11 participants and the room view


def test_the_smallest_browser_real_run_delivers_every_version(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    smallest = ["--sessions", "1", "--format", "html", "--seconds", "3", "--warmup", "1"]
    code = load.main([*smallest, "--floor", "--json", str(out)])
    assert code == 0
    by_format = {pair["peer-rounds"]["format"]: pair for pair in json.loads(out.read_text())}
    assert set(by_format) == {"html"}
    for pair in by_format.values():
        for result in pair.values():
            assert result["connected"] == SCREENS
            assert result["window_commands"] >= 2
            assert result["delivered"] == result["window_commands"]
            failures = ("incomplete", "unacked", "dropped", "connect_failures", "unattributed")
            assert [result[key] for key in failures] == [0] * len(failures)
            assert result["window_frames"] >= SCREENS * result["delivered"]
            # /proc counts CPU in 10 ms ticks, and the bare server's three seconds of one
            # session can take less than one.
            assert result["cpu_us_per_frame"] > 0 or result["server"] == "baseline"
            assert result["loop_lag_p99_ms"] is not None
            assert result["gc_worst_ms"] is not None
    html = by_format["html"]
    # The bare server sends each screen what Peer Rounds sent it: the same bytes, give or take
    # the digits of the version number.
    bare, mine = html["baseline"]["avg_message_bytes"], html["peer-rounds"]["avg_message_bytes"]
    assert abs(bare - mine) <= 0.01 * mine
    # Peer Rounds with its messages made for free (bench/floor.py) sends what it would have.
    assert abs(html["floor"]["avg_message_bytes"] - mine) <= 0.01 * mine


def test_the_stack_profile_runs_one_command_at_a_time_for_both_formats() -> None:
    lines: list[str] = []
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    results = stack.main(["--blocks", "1", "--block", "2"], out=lines.append)
    # Its logging went to a file it has closed: the process logs where it did before.
    assert (root.handlers, root.level) == (handlers, level)
    html, json_ = results["html"], results["json"]
    assert html["screens"] == json_["screens"] == SCREENS
    assert html["main_ms"] > 0
    assert json_["main_ms"] > 0
    # Every screen gets each version; JSON's facilitator also gets an ack.
    assert html["frames_per_command"] >= SCREENS
    assert json_["frames_per_command"] >= SCREENS + 1
    assert html["wire_bytes_per_command"] < html["text_bytes_per_command"]  # deflated
    assert json_["wire_bytes_per_command"] == json_["text_bytes_per_command"]
    assert html["parts_s"]["rendering (jinja2, templates/)"] > 0
    assert "where the main thread's time goes" in "\n".join(lines)


def test_the_stack_profile_with_shared_frames_writes_every_screen_as_serve_does() -> None:
    results = stack.main(["--blocks", "1", "--block", "2", "--shared-frames"], out=print)
    html, json_ = results["html"], results["json"]
    assert html["frames_per_command"] >= SCREENS
    assert json_["frames_per_command"] >= SCREENS + 1
    assert html["wire_bytes_per_command"] < html["text_bytes_per_command"]
    assert json_["wire_bytes_per_command"] == json_["text_bytes_per_command"]


def test_the_socket_memory_bench_measures_and_traces_idle_sockets() -> None:
    results = socket_memory.main(
        ["--sessions", "2", "--viewers", "3", "--rounds", "1"], out=lambda _: None
    )
    assert len(results["kib_per_socket"]["peer-rounds"]) == 1
    place, per_socket, _ = results["tracemalloc"]["peer-rounds"][0]
    # Four sockets each keep at least a protocol, a scope and an ASGI task.
    assert place == "total"
    assert per_socket > 1000
    # Each socket is at least its protocol and its ASGI task for a full collection to walk.
    assert results["objects_per_socket"]["peer-rounds"] >= 2


def test_the_churn_bench_keeps_screens_coming_and_going_and_reads_the_servers_memory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROBE_CENSUS", "1")
    argv = ["--sessions", "1", "--minutes", "0.2", "--young", "1000", "--reports", str(tmp_path)]
    (result,) = churn.main(argv)
    assert result["young"] == 1000
    # Twelve screens, each back at least once in 12 s of stays of 1 to 4 s.
    assert result["connections"] >= 2 * (SCREENS - 1)
    # As browsers: every one of them compressed.
    assert result["deflated"] == result["connections"]
    assert result["failures"] == 0
    assert 0 < result["rss_start"] <= result["rss_peak"]
    young, _middle, _full = result["collections"]
    assert young > 0
    # The server's census outlives the run's temporary directory.
    (census,) = result["reports"]
    assert census == tmp_path / "churn-1000.census.txt"
    assert census.read_text()
    printed = capsys.readouterr().out
    assert "young threshold" in printed
    assert f"kept {census}" in printed


def test_the_frames_bench_writes_each_frame_once_on_both_paths() -> None:
    results = frames.main(["--blocks", "1"], out=lambda _: None)
    for mix in results.values():
        for path in ("uvicorn", "direct", "shared"):
            assert mix[path]["writes_per_frame"] == 1
            assert mix[path]["us_per_frame"] > 0
        # Deflated on both: a fragment is some 9 KB of text.
        assert mix["shared"]["bytes_per_frame"] < 4000
        assert mix["uvicorn"]["bytes_per_frame"] < 4000


def test_the_smallest_proxied_run_pins_each_session_to_one_process(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    """`--proxy 2`: one process, then two behind Debian's nginx (deploy/nginx.conf), the same
    load through each; every session's screens on one of the two."""
    out = tmp_path / "results.json"
    services = ["--database-url", postgres_url, "--redis-url", redis_url]
    smallest = ["--sessions", "3", "--servers", "peer-rounds", "--seconds", "3", "--warmup", "1"]
    code = load.main([*smallest, "--proxy", "2", *services, "--json", str(out)])
    assert code == 0
    (results,) = json.loads(out.read_text())
    one, proxied = results["peer-rounds"], results["proxied"]
    for result in (one, proxied):
        assert result["connected"] == 3 * SCREENS
        assert result["delivered"] == result["window_commands"] >= 2
        failures = ("incomplete", "unacked", "dropped", "connect_failures")
        assert [result[key] for key in failures] == [0] * len(failures)
    assert one["sessions_per_process"] == [3]
    assert sum(proxied["sessions_per_process"]) == 3
    assert len(proxied["sessions_per_process"]) == 2
    assert proxied["sessions_split"] == 0
    # Both processes and nginx's master and worker were measured.
    assert len(proxied["cpu_per_process_s"]) == 4
