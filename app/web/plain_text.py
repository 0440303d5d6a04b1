"""Text people type must be plain text: no control characters (U+0000 to U+001F, U+007F).

They cannot be shown, garble logs and terminals, and PostgreSQL's JSONB refuses U+0000 outright,
which would fail a commit long after the person pressed the button. They are refused here, at the
web boundary, with a message that says what to change. Leading and trailing whitespace (a
pasted name ending in a line break) is stripped by the field types before this check runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from app.session.commands import PreferredName

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n]")
CONTROL_CHARACTER_MESSAGE = (
    "it has a hidden control character in it (such as a tab). "
    "Please type it again with ordinary letters, numbers and punctuation."
)
LINE_BREAK_MESSAGE = "please write it on one line, without line breaks."


def control_character_problem(text: str) -> str | None:
    """What is wrong with `text`, as the end of a sentence; None when it is plain text."""
    if not _CONTROL.search(text):
        return None
    if not _CONTROL.search(_LINE_BREAKS.sub("", text)):
        return LINE_BREAK_MESSAGE
    return CONTROL_CHARACTER_MESSAGE


ERROR_TYPE = "control_characters"


def refuse_control_characters(text: str) -> str:
    problem = control_character_problem(text)
    if problem is not None:
        raise PydanticCustomError(ERROR_TYPE, problem[0].upper() + problem[1:])
    return text


PlainName = Annotated[PreferredName, AfterValidator(refuse_control_characters)]
PlainTitle = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(refuse_control_characters),
]


def command_text_problem(command: BaseModel) -> str | None:
    """A calm sentence about the first text field of a command that is not plain text."""
    for field, text in _strings(command.model_dump()):
        problem = control_character_problem(text)
        if problem is not None:
            return f"Please check “{field}”: {problem}"
    return None


def _strings(value: Any, field: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield field, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, str(key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, field)


def plain_text_error(error: ValidationError) -> str | None:
    """The message of a control-character refusal inside `error`, if that is what it is."""
    return next((e["msg"] for e in error.errors() if e["type"] == ERROR_TYPE), None)
