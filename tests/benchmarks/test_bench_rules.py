"""The rules the benchmarks count by (bench/): which version a frame carries, what the bare
server sends for a version, when a run is "held", and that the stack profile's parts add up."""

from __future__ import annotations

import cProfile
import json
import time
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bench.bare_html import Fragments
from bench.floor import VERSION_SLOT, slotted
from bench.load import held, summary, verdict, version_slotted
from bench.loadgen import version_of
from bench.stack import OTHER, part_of, where_time_goes

versions = st.integers(min_value=0, max_value=10**9)
# Text before a fragment's version marker: anything that is not itself a marker.
html_prefixes = st.text(alphabet=st.characters(blacklist_characters='"'), max_size=200)


@given(versions)
def test_a_json_message_carries_its_version(version: int) -> None:
    message = json.dumps({"type": "snapshot", "version": version, "view": {"x": 1}})
    assert version_of(message) == version


@given(html_prefixes, versions)
def test_an_html_fragment_carries_the_version_of_its_marker(prefix: str, version: int) -> None:
    fragment = f'<div>{prefix}</div><span id="live-version" data-version="{version}" hidden>'
    assert version_of(fragment) == version


def test_a_notice_carries_no_version() -> None:
    assert version_of('<div id="notice" role="status"><p>Please wait.</p></div>') is None
    assert version_of('{"type":"pong","t0":1}') is None


@given(html_prefixes, versions, versions)
def test_the_bare_server_sends_a_captured_fragment_with_the_new_version(
    prefix: str, captured: int, version: int
) -> None:
    fragment = f'<p>{prefix}</p><span data-version="{captured}" data-status="live"></span>'
    slotted = version_slotted(fragment)
    sent = Fragments({"room/0": [slotted, slotted]}).for_version("room/0", version)
    assert sent == fragment.replace(f'"{captured}"', f'"{version}"', 1)
    assert version_of(sent) == version


def test_the_bare_server_sends_the_whole_page_then_alternates_as_pause_and_resume_do() -> None:
    fragments = Fragments({"room/0": ["whole {version}", "resumed {version}", "paused {version}"]})
    assert fragments.whole("room/0", 4) == "whole 4"
    assert [fragments.for_version("room/0", v) for v in range(3)] == [
        "resumed 0",
        "paused 1",
        "resumed 2",
    ]


@given(versions, versions)
def test_the_floor_puts_a_new_version_where_a_message_names_its_own_and_nowhere_else(
    made: int, version: int
) -> None:
    """bench/floor.py resends a message made for another version: the snapshot's number, the
    view's and the HTML marker change; an undo offer's version or a number that happens to be
    equal do not."""
    view = f'{{"version":{made},"undo":{{"version":{made - 1}}},"spoken_s":{made}}}'
    json_message = f'{{"type":"snapshot","protocol":1,"version":{made},"view":{view}}}'
    html = (
        f'<form><input name="version" value="{made}"></form><p>{made} s</p>'
        f'<span id="live-version" data-version="{made}" hidden></span>'
    )
    sent_json, sent_html = (
        slotted(message, made).replace(VERSION_SLOT, str(version))
        for message in (json_message, html)
    )
    assert json.loads(sent_json) == {
        "type": "snapshot",
        "protocol": 1,
        "version": version,
        "view": {"version": version, "undo": {"version": made - 1}, "spoken_s": made},
    }
    assert sent_html == html.replace(f'data-version="{made}"', f'data-version="{version}"')
    assert version_of(sent_json) == version_of(sent_html) == version


def result(p99_ms: float, format: str, **failures: int) -> dict[str, Any]:
    counts = {"incomplete": 0, "unacked": 0, "dropped": 0, "connect_failures": 0}
    return {"latency_p99_ms": p99_ms, "format": format, "unattributed": 0, **counts, **failures}


@given(
    st.floats(min_value=0.1, max_value=1e4),
    st.floats(min_value=0.1, max_value=1e4),
    st.sampled_from(["json", "html"]),
    st.sampled_from(["incomplete", "unacked", "dropped", "connect_failures", "unattributed"]),
    st.integers(min_value=0, max_value=3),
)
def test_a_run_is_held_when_everything_arrived_within_its_formats_latency_target(
    bare_p99: float, mine_p99: float, format: str, failure: str, count: int
) -> None:
    results = {
        "baseline": result(bare_p99, format),
        "peer-rounds": result(mine_p99, format, **{failure: count}),
    }
    expected = count == 0 and mine_p99 <= {"json": 1.5, "html": 3.0}[format] * bare_p99
    assert held(results) is expected


def test_a_bare_server_that_used_no_tick_of_cpu_gives_no_ratio_and_no_verdict() -> None:
    """/proc counts CPU in 10 ms ticks: the smallest runs' bare server can show none."""
    measured = {"cpu_us_per_frame": 0.0, "rss_per_connection_kib": 40.0, "drop_reasons": []}
    measured |= {"generator_cpu_pct": [5.0], "server": "baseline"}
    results = {
        "baseline": result(1.0, "html") | measured,
        "peer-rounds": result(2.0, "html") | measured | {"cpu_us_per_frame": 90.0},
    }
    said = verdict(results)
    assert "CPU per delivered frame <= 2.5x baseline: - (the bare server used < 1 tick)" in said
    assert "(90.0 vs 0.0 us)  MISSED" in said


def test_the_summary_says_what_the_floor_costs_against_bare_and_what_views_cost_on_top() -> None:
    def measured(cpu_us: float, p99_ms: float) -> dict[str, Any]:
        probed = {"loop_lag_p99_ms": 1.0, "gc_worst_ms": 1.0, "sessions": 100}
        timed = {"latency_p50_ms": 1.0, "latency_p999_ms": 1.0, "cpu_us_per_frame": cpu_us}
        return result(p99_ms, "html") | probed | timed

    results = {
        "baseline": measured(40.0, 1.0),
        "peer-rounds": measured(200.0, 5.0),
        "floor": measured(80.0, 2.0),
    }
    last = summary([results]).splitlines()[-1].split()
    assert last == ["100", "html", "2.00x", "/", "2.50x", "2.00x", "/", "2.50x"]


def busy_work() -> int:
    return sum(len(str(n)) for n in range(20000))


def test_the_stack_profiles_parts_add_up_to_the_profiled_time() -> None:
    profiler = cProfile.Profile(time.thread_time_ns, 1e-9)
    profiler.enable()
    busy_work()
    profiler.disable()
    parts, calls = where_time_goes(profiler)
    profiler.create_stats()
    own_total = sum(entry[2] for entry in profiler.stats.values())
    assert calls > 0
    assert abs(sum(parts.values()) - own_total) <= 1e-12 * len(profiler.stats)


def test_each_file_falls_in_one_part_of_the_stack() -> None:
    assert part_of("/repo/.venv/lib/python3.11/site-packages/jinja2/runtime.py").startswith(
        "rendering"
    )
    assert part_of("/repo/templates/live/console.html").startswith("rendering")
    assert part_of("/repo/app/session/views.py").startswith("views")
    assert part_of("/repo/app/realtime/hub.py").startswith("hub")
    assert part_of("<method 'compress' of 'zlib.Compress' objects>").startswith("deflate")
    assert part_of("/usr/lib/python3.11/heapq.py") == OTHER
