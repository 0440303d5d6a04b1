"""Which elements a page showing one version is sent to show the next (app/realtime/panels.py),
on panels made by hand: a list with rows, and plain elements."""

from __future__ import annotations

from app.realtime.panels import Panel, changed_elements, outline


def page(rows: dict[str, str], *, title: str = "People", clock: str = "10:00") -> list[Panel]:
    return [
        Panel("version", "en", "", {"version": 1}),
        Panel("head", "en", "\n", {"title": title}),
        *(
            Panel("row", "en", "", {"text": text}, inside=True, row=rid)
            for rid, text in rows.items()
        ),
        Panel("clock", "en", "", {"clock": clock}, inside=True, row="clock", reads_time=True),
        Panel("foot", "en", "", {}, inside=True),
        Panel("agenda", "en", "\n", {"items": 3}),
    ]


def sent(before: list[Panel], after: list[Panel]) -> list[list[str]]:
    return [
        [f"{p.template}:{p.row}" if p.row else p.template for p in element]
        for element in changed_elements(outline(before), after)
    ]


def test_the_version_marker_always_goes_first_and_rows_reading_the_time_go_too() -> None:
    rows = {"a": "Ann", "b": "Bo"}
    assert sent(page(rows), page(rows)) == [["version"], ["clock:clock"]]


def test_a_row_that_changed_goes_alone() -> None:
    before = page({"a": "Ann", "b": "Bo"})
    assert sent(before, page({"a": "Ann", "b": "Bo (away)"})) == [
        ["version"],
        ["row:b"],
        ["clock:clock"],
    ]


def test_the_element_goes_whole_when_its_own_panels_changed() -> None:
    before = page({"a": "Ann"})
    whole = [["version"], ["head", "row:a", "clock:clock", "foot"]]
    assert sent(before, page({"a": "Ann"}, title="Everyone")) == whole


def test_the_element_goes_whole_when_its_rows_are_not_the_same_rows() -> None:
    """Its own panels unchanged, but a row gone and another come (or moved): swapping rows
    alone would find no place for the new one and leave the old one."""
    before = page({"a": "Ann", "b": "Bo"})
    whole = ["head", "row:a", "row:c", "clock:clock", "foot"]
    assert sent(before, page({"a": "Ann", "c": "Cy"}))[1] == whole
    assert sent(before, page({"b": "Bo", "a": "Ann"}))[1][0] == "head"


def test_an_element_the_page_did_not_have_goes_whole() -> None:
    before = page({})[:2]
    assert ["agenda"] in sent(before, page({}))
