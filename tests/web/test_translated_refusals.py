"""Words that carry a name or a title (a refusal, a stale click) reach each person's screen in
their own language with the name as it was typed, while logs and the JSON API keep the English
sentence (app/translatable.py `Words`, app/web/languages.py `translated`)."""

from __future__ import annotations

import pytest

from app.translatable import Words
from app.web.languages import Languages, translated
from tests.support.translations import PSEUDO, pseudo, write_pseudo_catalog


@pytest.fixture(scope="module")
def pseudo_languages(tmp_path_factory: pytest.TempPathFactory) -> Languages:
    locales = tmp_path_factory.mktemp("locales")
    write_pseudo_catalog(locales)
    return Languages.from_directory(locales)


def test_words_are_the_english_sentence_and_keep_their_message_and_values() -> None:
    words = Words("%(minutes)s min", minutes="5")
    assert words == "5 min"
    assert isinstance(words, str)
    assert (words.message, dict(words.values)) == ("%(minutes)s min", {"minutes": "5"})
    assert Words("%(percent)s%%", percent="45") == "45%"


def test_words_are_translated_by_their_message_with_their_values_put_in(
    pseudo_languages: Languages,
) -> None:
    with pseudo_languages.speaking(PSEUDO):
        assert translated(Words("%(minutes)s min", minutes="5%")) == "⟦5% míñ⟧"
        assert translated("under a minute") == pseudo("under a minute")
        nested = Words("%(minutes)s min", minutes=Words("under a minute"))
        assert translated(nested) == f"⟦{pseudo('under a minute')} míñ⟧"
    assert translated(Words("%(minutes)s min", minutes="5")) == "5 min"
