"""Marks English words for the translators' catalog where they are written, to be translated
where they are shown (app/web/languages.py): the domain never needs to know who reads them.

`pybabel extract` finds every `translatable("…")` and `Words("…", …)` (the Makefile's
`messages` keywords); neither changes the English, so a message stays the same English text
wherever it travels (logs, the JSON API).
"""

from __future__ import annotations

from collections.abc import Mapping


def translatable(message: str) -> str:
    return message


class Words(str):
    """A whole sentence with values in it (a name, a title), as finished English text that also
    knows its message id and its values, so it can be said again in the reader's language:
    `Words("%(name)s has left the session.", name=name)`.

    A `str` subclass, so that everything that carries or compares English text (logs, the JSON
    API, a dataclass, every test that reads the sentence) goes on doing so unchanged, and only
    the place that shows it to a person (the `translated` filter) looks further. Rejected: a
    separate message-id field beside each message (every Refusal, Rejected and Problem, and
    their callers, would carry two things that must agree); lazy strings that translate
    themselves when turned into text (the domain would hold words whose English depends on
    whoever happens to read them, and the API would answer in the caller's language).

    The message is `%`-formatted with its values (a literal `%` is `%%`), the same way the
    translation is, so the English text and every translation are built alike. A value that is
    itself `Words` ("Someone") is translated too. Like any `str`, an operation on it (`+`,
    `.strip()`) gives plain text again: build the whole sentence as one `Words`.
    """

    message: str
    values: Mapping[str, str]

    def __new__(cls, message: str, /, **values: str) -> Words:
        words = super().__new__(cls, message % values)
        words.message = message
        words.values = values
        return words
