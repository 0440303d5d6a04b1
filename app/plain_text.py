"""Text people type must be plain text: nothing in it that is invisible and changes the text.

Refused, with a message that says what to change, wherever the text arrives (API, websocket,
forms), while parsing:
- control characters, C0 (U+0000 to U+001F, U+007F) and C1 (U+0080 to U+009F): they cannot be
  shown, garble logs and terminals, and PostgreSQL's JSONB refuses U+0000 outright, which would
  fail a commit long after the person pressed the button;
- bidirectional controls (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C) and
  zero-width characters (U+200B to U+200D, U+2060, U+FEFF): invisible, and a name holding them
  can reverse the sentence it is shown in, or look like someone else's name;
(Lone surrogates, half a character, are refused by pydantic's `str` itself, and by the strict
JSON reader of the web layer before that.)
Letters, marks, digits, punctuation and spaces of every script are plain text. The one cost:
U+200C and U+200D (zero-width non-joiner and joiner) also shape some Persian and Indic words and
join emoji; typed without them, those still read, and nothing hidden can turn a name around.
Leading and trailing whitespace (a pasted name ending in a line break) is stripped before the
check, so only what is kept is judged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from app.translatable import Words, translatable

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\r\n]")
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# Each is the end of a sentence ("Please check your name: it has …"), and a sentence of its own
# where a refusal says nothing before it.
CONTROL_CHARACTER_MESSAGE = translatable(
    "it has a hidden control character in it (such as a tab). Please type it again with "
    "ordinary letters, numbers and punctuation."
)
INVISIBLE_CHARACTER_MESSAGE = translatable(
    "it has an invisible formatting character in it (such as a direction mark or a zero-width "
    "space), which can make words show in the wrong order. Please type it again with ordinary "
    "letters, numbers and punctuation."
)
LINE_BREAK_MESSAGE = translatable("please write it on one line, without line breaks.")
_ON_ITS_OWN = {
    CONTROL_CHARACTER_MESSAGE: translatable(
        "It has a hidden control character in it (such as a tab). Please type it again with "
        "ordinary letters, numbers and punctuation."
    ),
    INVISIBLE_CHARACTER_MESSAGE: translatable(
        "It has an invisible formatting character in it (such as a direction mark or a "
        "zero-width space), which can make words show in the wrong order. Please type it "
        "again with ordinary letters, numbers and punctuation."
    ),
    LINE_BREAK_MESSAGE: translatable("Please write it on one line, without line breaks."),
}
ERROR_TYPE = "control_characters"


# Inside a quotation, double quotes become single ones (U+2018, U+2019), so a title that quotes
# something itself is never shown as “Round of “Something I am taking away””.
_INNER_QUOTES = str.maketrans({"“": "\u2018", "”": "\u2019", '"': "'"})


def quoted(text: str) -> str:
    """``text`` in double quotes, as people's words and agenda titles are quoted on screen."""
    return f"“{text.translate(_INNER_QUOTES)}”"


def control_character_problem(text: str) -> str | None:
    """What is wrong with `text`, as the end of a sentence (Words, to be translated where it is
    put in one); None when it is plain text."""
    if _INVISIBLE.search(text):
        return Words(INVISIBLE_CHARACTER_MESSAGE)
    if not _CONTROL.search(text):
        return None
    if not _CONTROL.search(_LINE_BREAKS.sub("", text)):
        return Words(LINE_BREAK_MESSAGE)
    return Words(CONTROL_CHARACTER_MESSAGE)


def _refuse_control_characters(text: str) -> str:
    problem = control_character_problem(text)
    if problem is not None:
        raise PydanticCustomError(ERROR_TYPE, _ON_ITS_OWN[problem])
    return text


# Last in an Annotated type, after any stripping: makes that text type plain text.
PLAIN = AfterValidator(_refuse_control_characters)

PlainName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), PLAIN
]
PlainTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), PLAIN
]
# A sentence or two, such as the agreed question.
PlainWords = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), PLAIN
]


def plain_text_error(errors: Sequence[Mapping[str, Any]]) -> str | None:
    """The message of the first control-character refusal among `errors`, if there is one."""
    return next((str(e["msg"]) for e in errors if e["type"] == ERROR_TYPE), None)


def plain_text_problem(errors: Sequence[Mapping[str, Any]]) -> str | None:
    """A calm sentence naming the field, when text that is not plain is all that is wrong."""
    if not errors or any(e["type"] != ERROR_TYPE for e in errors):
        return None
    first = errors[0]
    field = next((part for part in reversed(first["loc"]) if isinstance(part, str)), "")
    return f"Please check “{field}”: {control_character_problem(str(first['input']))}"
