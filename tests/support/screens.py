"""A live page's screen as the browser keeps it: its top-level elements by id, each message's
top-level elements swapped in by their id (htmx-ext-ws's out-of-band swap)."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements with no end tag (the HTML spec's void elements the templates use).
VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"})


class _TopLevel(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self._html = html
        self._line_starts = [0]
        for line in html.splitlines(keepends=True):
            self._line_starts.append(self._line_starts[-1] + len(line))
        self._depth = 0
        self._start = 0
        self._id = ""
        self.elements: dict[str, str] = {}

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth == 0:
            self._start = self._offset()
            self._id = dict(attrs).get("id") or ""
            assert self._id, f"a top-level <{tag}> without an id"
        if tag in VOID:
            if self._depth == 0:
                self._close_at(self._offset() + len(self.get_starttag_text() or ""))
            return
        self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        self._depth -= 1
        if self._depth == 0:
            end = self._html.index(">", self._offset()) + 1
            self._close_at(end)

    def _close_at(self, end: int) -> None:
        self.elements[self._id] = self._html[self._start : end]


def top_level(html: str) -> dict[str, str]:
    parser = _TopLevel(html)
    parser.feed(html)
    parser.close()
    return parser.elements


class Screen:
    def __init__(self, first: str) -> None:
        self.elements = top_level(first)

    def swap_in(self, message: str) -> None:
        for element_id, element in top_level(message).items():
            assert element_id in self.elements, f"#{element_id} is not on the page"
            self.elements[element_id] = element
