"""A live page's screen as the browser keeps it: each message's top-level elements swapped in
for the element with the same id, wherever it sits in the page (htmx-ext-ws's out-of-band
swap)."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements with no end tag (the HTML spec's void elements the templates use).
VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"})


class _Elements(HTMLParser):
    """Where each element with an id starts and ends in the HTML, at any depth (`top` only)."""

    def __init__(self, html: str, *, top: bool) -> None:
        super().__init__(convert_charrefs=False)
        self._html = html
        self._line_starts = [0]
        for line in html.splitlines(keepends=True):
            self._line_starts.append(self._line_starts[-1] + len(line))
        self._top = top
        # The open elements: each one's id (or "") and where it starts.
        self._open: list[tuple[str, int]] = []
        self.spans: dict[str, tuple[int, int]] = {}

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        element_id = dict(attrs).get("id") or ""
        if not self._open:
            assert not self._top or element_id, f"a top-level <{tag}> without an id"
        if tag in VOID:
            if element_id and (not self._top or not self._open):
                self.spans[element_id] = (start, start + len(self.get_starttag_text() or ""))
            return
        self._open.append((element_id, start))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        element_id, start = self._open.pop()
        if element_id and (not self._top or not self._open):
            self.spans[element_id] = (start, self._html.index(">", self._offset()) + 1)


def _spans(html: str, *, top: bool) -> dict[str, tuple[int, int]]:
    parser = _Elements(html, top=top)
    parser.feed(html)
    parser.close()
    return parser.spans


def top_level(html: str) -> dict[str, str]:
    return {
        element_id: html[start:end] for element_id, (start, end) in _spans(html, top=True).items()
    }


class Screen:
    def __init__(self, first: str) -> None:
        self.html = first

    @property
    def elements(self) -> dict[str, str]:
        return top_level(self.html)

    def swap_in(self, message: str) -> None:
        for element_id, element in top_level(message).items():
            spans = _spans(self.html, top=False)
            assert element_id in spans, f"#{element_id} is not on the page"
            start, end = spans[element_id]
            self.html = self.html[:start] + element + self.html[end:]
