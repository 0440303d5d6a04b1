"""Which language a person reads (app/web/languages.py): their choice on this device, else the
first their device asks for that we have, else the group's default, else English."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.web.languages import (
    LOCALES_DIR,
    Languages,
    gettext,
    name_in_itself,
    preferred_languages,
)

SHIPPED = Languages.from_directory(LOCALES_DIR)


def test_the_shipped_catalogs_are_english_and_spanish_named_in_themselves() -> None:
    assert [(language.code, language.name) for language in SHIPPED.offered] == [
        ("en", "English"),
        ("es", "Español"),
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", ["es-mx", "es", "en"]),
        ("en;q=0.5, es", ["es", "en"]),
        ("fr;q=0, de;q=0.3, *;q=0.1", ["de"]),
        ("", []),
        ("es;q=nonsense, en", ["en"]),
    ],
)
def test_a_devices_languages_are_read_most_wanted_first(header: str, expected: list[str]) -> None:
    assert preferred_languages(header) == expected


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, "es-MX,en;q=0.5", "es"),  # a regional variant reads its language
        (None, "fr-CA,fr;q=0.9,es;q=0.8", "es"),  # the first one we have
        (None, "de", "en"),
        (None, None, "en"),
        ("en", "es", "en"),  # the person's own choice wins over their device's
        ("es", "en", "es"),
        ("tlh", "es", "es"),  # a choice we cannot honour is as if not made
    ],
)
def test_the_chosen_language(cookie: str | None, header: str | None, expected: str) -> None:
    assert SHIPPED.chosen(cookie, header) == expected


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, "es"),  # a device that asks for nothing reads the group's
        (None, "", "es"),
        (None, "pt-BR,pt;q=0.9", "es"),  # a Portuguese phone in a Spanish group reads Spanish
        (None, "en-US", "en"),  # the device's language is the person's, English included
        (None, "pt-BR,en;q=0.3", "en"),
        ("en", None, "en"),  # the person's own choice beats the group's
        ("tlh", "pt", "es"),
    ],
)
def test_a_spanish_groups_default(cookie: str | None, header: str | None, expected: str) -> None:
    assert SHIPPED.chosen(cookie, header, "es") == expected


LANGUAGE_TAGS = st.sampled_from(["en", "es", "es-MX", "EN-gb", "pt", "pt-BR", "de", "tlh", "*"])
HEADERS = st.none() | st.text(max_size=80) | st.lists(LANGUAGE_TAGS, max_size=4).map(", ".join)
COOKIES = st.none() | st.text(max_size=12) | LANGUAGE_TAGS
GROUP_DEFAULTS = st.none() | LANGUAGE_TAGS


@given(cookie=COOKIES, header=HEADERS, group_default=GROUP_DEFAULTS)
def test_whatever_a_device_sends_the_choice_is_a_language_we_have(
    cookie: str | None, header: str | None, group_default: str | None
) -> None:
    assert SHIPPED.chosen(cookie, header, group_default) in SHIPPED.catalogs


@given(cookie=COOKIES, header=HEADERS, group_default=GROUP_DEFAULTS)
def test_the_group_decides_only_when_neither_the_person_nor_their_device_does(
    cookie: str | None, header: str | None, group_default: str | None
) -> None:
    """The rule as a property: a person's own choice, or a device that asks for a language we
    ship, is never overruled by the group; otherwise the group's default (one we ship) decides,
    and English after it."""
    personal = SHIPPED.chosen(cookie, header)
    decided_by_the_person = (cookie in SHIPPED.catalogs) or any(
        tag in SHIPPED.catalogs or tag.split("-")[0] in SHIPPED.catalogs
        for tag in preferred_languages(header or "")
    )
    chosen = SHIPPED.chosen(cookie, header, group_default)
    if decided_by_the_person:
        assert chosen == personal
    elif group_default in SHIPPED.catalogs:
        assert chosen == group_default
    else:
        assert chosen == "en"


def test_words_are_looked_up_in_the_language_being_spoken() -> None:
    with SHIPPED.speaking("es"):
        assert gettext("Your name") == "Tu nombre"
        with SHIPPED.speaking("en"):
            assert gettext("Your name") == "Your name"
        assert gettext("Your name") == "Tu nombre"
    assert gettext("Your name") == "Your name"


def test_a_catalog_that_was_not_compiled_is_not_offered(tmp_path: Path) -> None:
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fr" / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n')
    assert list(Languages.from_directory(tmp_path).catalogs) == ["en"]


def test_a_language_cldr_does_not_know_is_named_by_its_code() -> None:
    assert name_in_itself("qps") == "qps"
    assert name_in_itself("mi") == "Māori"
