"""The language each person reads (docs/translating.md): their own choice on this device, else
what their device asks for (any language we ship, English included), else, on a page of a group
or of a group's session, the group's default, else English. The device's language is the
person's; the group's default speaks for a device whose languages we do not ship (a Portuguese
phone in a Spanish group reads Spanish) and for one that asks for none.

Catalogs are gettext's, compiled from app/locales/<code>/LC_MESSAGES/messages.po by the set-up
(scripts/bootstrap). English is the source language: its words are the message ids, so it needs
no catalog. A catalog that was not compiled is not offered.

Which catalog applies is held in a context variable for the request (or the render) at hand:
templates and the kind messages of refusals call `gettext` without being handed a language.
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection, cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from app.translatable import Words

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SOURCE_LANGUAGE = "en"
# The device's own choice, kept for a year: people keep their phones longer than their links.
LANGUAGE_COOKIE = "peer_rounds_language"
LANGUAGE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60
DOMAIN = "messages"

# None outside any request or render: the source language.
_current: ContextVar[gettext_module.NullTranslations | None] = ContextVar(
    "peer_rounds_translations", default=None
)
_SOURCE = NullTranslations()
_current_language: ContextVar[str] = ContextVar("peer_rounds_language", default=SOURCE_LANGUAGE)


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    # The language's name in itself, as a person looking for it would recognise it.
    name: str


@dataclass(frozen=True)
class Languages:
    """The languages this server can show, each with its catalog."""

    catalogs: Mapping[str, gettext_module.NullTranslations]
    names: Mapping[str, str]

    @classmethod
    def from_directory(cls, directory: Path) -> Languages:
        catalogs: dict[str, gettext_module.NullTranslations] = {SOURCE_LANGUAGE: NullTranslations()}
        names = {SOURCE_LANGUAGE: "English"}
        for compiled in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
            code = compiled.parent.parent.name
            catalog = Translations.load(str(directory), [code], DOMAIN)
            tag = code.replace("_", "-").lower()
            catalogs[tag] = catalog
            names[tag] = name_in_itself(code)
        return cls(catalogs, names)

    @property
    def offered(self) -> list[Language]:
        return [Language(code, self.names[code]) for code in self.catalogs]

    def chosen(
        self, cookie: str | None, accept_language: str | None, group_default: str | None = None
    ) -> str:
        """The person's own choice when it is one we have, else the first of their device's
        that we have (by its whole tag, then by its language: "es-MX" reads "es"), else the
        group's default when we have it, else English."""
        if cookie is not None and cookie in self.catalogs:
            return cookie
        for wanted in preferred_languages(accept_language or ""):
            for candidate in (wanted, wanted.split("-")[0]):
                if candidate in self.catalogs:
                    return candidate
        if group_default is not None and group_default in self.catalogs:
            return group_default
        return SOURCE_LANGUAGE

    def chosen_for(self, headers: Headers, group_default: str | None = None) -> str:
        """chosen() for a request's or a websocket's headers (its cookie, its Accept-Language)."""
        cookie = cookie_parser(headers.get("cookie", "")).get(LANGUAGE_COOKIE)
        return self.chosen(cookie, headers.get("accept-language"), group_default)

    @contextmanager
    def speaking(self, code: str) -> Iterator[None]:
        """Within the block, `gettext` answers in `code`'s catalog."""
        catalog_token, language_token = self._speak(code)
        try:
            yield
        finally:
            _current.reset(catalog_token)
            _current_language.reset(language_token)

    def speak_for_group(self, connection: HTTPConnection, group_default: str) -> None:
        """For the rest of this request or websocket, the language its person reads on a page of
        a group whose default is `group_default`. The middleware chose before anyone knew the
        group; this chooses again once it is known, and the middleware's block undoes it. Call
        it from async code in the request's own task (a thread or a new task would keep the
        choice to itself)."""
        self._speak(self.chosen_for(connection.headers, group_default))

    def _speak(self, code: str) -> tuple[Token[gettext_module.NullTranslations | None], Token[str]]:
        catalog_token = _current.set(self.catalogs.get(code, self.catalogs[SOURCE_LANGUAGE]))
        language_token = _current_language.set(code if code in self.catalogs else SOURCE_LANGUAGE)
        return catalog_token, language_token


def name_in_itself(code: str) -> str:
    """ "Español" for es: how a person looking for their language would recognise it (the
    Unicode CLDR's name, through Babel); the code itself for one CLDR does not know."""
    try:
        name = Locale.parse(code).get_display_name(code)
    except (ValueError, UnknownLocaleError):
        return code
    return code if name is None else name[:1].upper() + name[1:]


def preferred_languages(header: str) -> list[str]:
    """An Accept-Language header's tags, most wanted first, lower case; "*" and q=0 dropped."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, parameters = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def gettext(message: str) -> str:
    return (_current.get() or _SOURCE).gettext(message)


def translated(message: str) -> str:
    """Words made elsewhere (a refusal, a page's title) in the language at hand: `Words` by
    their message id, with their values put in (those that are `Words` translated too); other
    text marked with `translatable` looked up as it is, never used as a format string."""
    if isinstance(message, Words):
        # Only our own words among the values ("Someone", a field's name): a name as typed
        # stays as typed, even one that happens to be words of the catalog.
        values = {
            name: translated(value) if isinstance(value, Words) else value
            for name, value in message.values.items()
        }
        return gettext(message.message) % values
    return gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return (_current.get() or _SOURCE).ngettext(singular, plural, count)


def current_language() -> str:
    return _current_language.get()


class LanguageMiddleware:
    """Every request and websocket is answered in the language its person reads."""

    def __init__(self, app: ASGIApp, languages: Languages) -> None:
        self._app = app
        self._languages = languages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        with self._languages.speaking(self._languages.chosen_for(Headers(scope=scope))):
            await self._app(scope, receive, send)
