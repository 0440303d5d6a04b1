"""Templates with their words translated once, when a language's copy is compiled.

`{{ _("Speaking now") }}` in a template otherwise costs, on every render, Jinja's call through
the context to the i18n extension's gettext, a catalog lookup, a Markup and a `%`: some 30% of
rendering a live screen's panel (a profile of a server under browser-real load). A live screen
re-renders its changed panels every version, in one language each, so the fragments are
rendered from one copy of the templates per language (`Environment.overlay`) whose token stream
has each call of gettext on a written message replaced by what that call returns: the
translated words marked safe, `%` the values it was given, if any. Jinja writes fixed words as
constant text.

`ngettext`, a message held in a variable and any other use of `_` stay the runtime call, so a
render still needs its language set (`Languages.speaking`). tests/web/test_compiled_words.py
holds every live screen, in every language, to the same bytes either way.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import Environment
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

OPENING = frozenset({"lparen", "lbracket", "lbrace"})
CLOSING = frozenset({"rparen", "rbracket", "rbrace"})


@dataclass(frozen=True, slots=True)
class Call:
    """`_("message", name=value, ...)` at some place in a token stream."""

    message: str
    values: list[tuple[str, list[Token]]]
    # Just past its closing parenthesis.
    end: int


class CompiledWords(Extension):
    """Translates `_("…")` with its catalog as templates compile (none: leaves them be)."""

    catalog: gettext.NullTranslations | None = None

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        if self.catalog is None or not self._escapes(stream.name):
            return iter(tokens)
        return iter(self._rewritten(tokens, self.catalog))

    def _escapes(self, name: str | None) -> bool:
        """Whether the template autoescapes: only there is gettext's answer Markup, which the
        rewritten call's is always. (`{% autoescape %}` blocks are not looked for; no template
        has one.)"""
        autoescape = self.environment.autoescape
        return bool(autoescape(name) if callable(autoescape) else autoescape)

    def _rewritten(self, tokens: list[Token], catalog: gettext.NullTranslations) -> list[Token]:
        """`_("words")` as `("translated words"|safe)`; `_("words", name=value)` as
        `(("translated words"|safe) % {"name": value})`: what the newstyle gettext returns."""
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            call = _call_at(tokens, index)
            words = None if call is None else _translated(call, catalog)
            if call is None or words is None:
                out.append(tokens[index])
                index += 1
                continue
            line = tokens[index].lineno
            out += [
                Token(line, "lparen", "("),
                Token(line, "string", words),
                Token(line, "pipe", "|"),
                Token(line, "name", "safe"),
            ]
            if call.values:
                out += [Token(line, "mod", "%"), Token(line, "lbrace", "{")]
                for name, value in call.values:
                    out += [Token(line, "string", name), Token(line, "colon", ":")]
                    out += [*self._rewritten(value, catalog), Token(line, "comma", ",")]
                out.append(Token(line, "rbrace", "}"))
            out.append(Token(line, "rparen", ")"))
            index = call.end
        return out


def _translated(call: Call, catalog: gettext.NullTranslations) -> str | None:
    words = catalog.gettext(call.message)
    if call.values:
        return words
    try:
        # What the newstyle gettext does with no values: "100%%" reads "100%".
        return words % {}
    except (KeyError, TypeError, ValueError):
        # Words that want values they were not given fail as they would at render time.
        return None


def _call_at(tokens: list[Token], index: int) -> Call | None:
    """The call of gettext itself that starts at `index`, given a message and only named
    values; None for anything else (a method named `_`, a message in a variable, ...)."""
    head = tokens[index : index + 3]
    if (
        [token.type for token in head] != ["name", "lparen", "string"]
        or head[0].value != "_"
        or (index > 0 and tokens[index - 1].type == "dot")
    ):
        return None
    close = _closing(tokens, index + 1)
    if close is None:
        return None
    inner = tokens[index + 3 : close]
    values: list[tuple[str, list[Token]]] = []
    if inner:
        if inner[0].type != "comma":
            return None
        for argument in _split_at_commas(inner[1:]):
            if len(argument) < 3 or argument[0].type != "name" or argument[1].type != "assign":
                return None
            values.append((argument[0].value, argument[2:]))
    return Call(head[2].value, values, close + 1)


def _closing(tokens: list[Token], opening: int) -> int | None:
    depth = 0
    for index in range(opening, len(tokens)):
        kind = tokens[index].type
        if kind in OPENING:
            depth += 1
        elif kind in CLOSING:
            depth -= 1
            if depth == 0:
                return index
    return None


def _split_at_commas(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.type == "comma" and depth == 0:
            parts.append([])
            continue
        depth += (token.type in OPENING) - (token.type in CLOSING)
        parts[-1].append(token)
    return parts


def compiled_for(env: Environment, catalog: gettext.NullTranslations) -> Environment:
    """A copy of `env` whose templates have their fixed words in `catalog`'s language, the
    shared macros (`ui`) included. Its cache holds every template it compiles: they are the
    app's own, a fixed set."""
    overlay = env.overlay(extensions=[CompiledWords], cache_size=-1)
    words = overlay.extensions[CompiledWords.identifier]
    assert isinstance(words, CompiledWords)
    words.catalog = catalog
    overlay.globals = dict(env.globals)
    overlay.globals["ui"] = overlay.get_template("partials/macros.html").module
    return overlay
