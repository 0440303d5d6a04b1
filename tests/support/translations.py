"""The words to translate as the code has them today, and a pseudo-language that shows at a
glance which words on a screen escaped translation (docs/translating.md)."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo

from app.agenda.templates import SEED_TEMPLATES
from app.web.languages import LOCALES_DIR, Languages, gettext
from app.web.pages import GUIDELINES

ROOT = Path(__file__).resolve().parent.parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "translatable": None,
    "Words": None,
}
PSEUDO = "qps"
OPEN, CLOSE = "⟦", "⟧"
# Placeholders stay as they are; every other letter gets an accent, so a word left in English
# stands out on a screenshot as well as in the check below.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%")
ACCENTED = str.maketrans("aceinousyACEINOUSY", "áçéíñöúšýÁÇÉÍÑÖÚŠÝ")

# The built-in agendas and guidelines are content, written in English like a group's own; they
# are not yet translated (docs/translating.md).
AGENDA_WORDS = (
    *(stage.title for template in SEED_TEMPLATES for stage in template.stages),
    *(stage.prompt for template in SEED_TEMPLATES for stage in template.stages if stage.prompt),
    *(line for template in SEED_TEMPLATES for line in template.guidelines),
    *GUIDELINES,
)


@cache
def shipped() -> Languages:
    return Languages.from_directory(LOCALES_DIR)


def said(language: str, message: str, **values: object) -> str:
    """`message` as a screen in `language` says it, from the shipped catalog ("es": "Tu turno"
    for "Your turn"); English says it as written."""
    with shipped().speaking(language):
        words = gettext(message)
    return words % values if values else words


def extracted() -> Catalog:
    """Every word marked for translation in app/ and templates/, as `make messages` finds it."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    catalog = Catalog()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, context=context)
    return catalog


def pseudo(message: str) -> str:
    parts = PLACEHOLDER.split(message)
    kept = PLACEHOLDER.findall(message)
    text = parts[0].translate(ACCENTED)
    for placeholder, part in zip(kept, parts[1:], strict=True):
        text += placeholder + part.translate(ACCENTED)
    return f"{OPEN}{text}{CLOSE}"


def write_pseudo_catalog(locales_dir: Path) -> None:
    """A compiled catalog for the pseudo-language, translating every extracted word."""
    catalog = Catalog(locale="en", domain="messages")
    for message in extracted():
        if not message.id:
            continue
        if isinstance(message.id, str):
            catalog.add(message.id, pseudo(message.id))
        else:
            catalog.add(message.id, tuple(pseudo(str(form)) for form in message.id))
    compiled = locales_dir / PSEUDO / "LC_MESSAGES" / "messages.mo"
    compiled.parent.mkdir(parents=True)
    with compiled.open("wb") as out:
        write_mo(out, catalog)


class _VisibleText(HTMLParser):
    """The words a person sees or hears: text, and the attributes screen readers say."""

    SPOKEN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
    UNSEEN = frozenset({"script", "style"})
    VOID = frozenset({"input", "meta", "link", "br", "img", "hr", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        # One entry per open element: whether its words are left alone (a script, or an
        # element in a language of its own, such as a language's name in the picker).
        self._left_alone: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        own_language = "lang" in values and tag != "html"
        if tag not in self.VOID:
            self._left_alone.append(tag in self.UNSEEN or own_language or self._inside_left_alone)
        if not own_language:
            self.texts.extend(v for k, v in attrs if k in self.SPOKEN_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self._left_alone:
            self._left_alone.pop()

    def handle_data(self, data: str) -> None:
        if not self._inside_left_alone and data.strip():
            self.texts.append(data)

    @property
    def _inside_left_alone(self) -> bool:
        return bool(self._left_alone) and self._left_alone[-1]


def untranslated(html: str, data: tuple[str, ...]) -> list[str]:
    """The words left on a pseudo-language page once its translated words and the `data`
    people typed (names, titles, codes) are taken out: words that escaped translation.

    The page's visible texts are read as one stream, since a translated sentence may hold an
    element (a name in `<bdi>`); brackets may nest (a translated place inside a sentence)."""
    parser = _VisibleText()
    parser.feed(html)
    rest = " \n ".join(parser.texts)
    for item in sorted(data, key=len, reverse=True):
        rest = rest.replace(item, " ")
    innermost = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
    while innermost.search(rest):
        rest = innermost.sub(" ", rest)
    # A letter: numbers and clocks are no language's.
    return [word for word in rest.split() if re.search(r"[^\W\d_]", word)]
