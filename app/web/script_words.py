"""The words the page scripts say (static/js, each wrapped in `gettext("…")` of words.js), in the
language of the page at hand: put in every page for the scripts to read (templates/base.html)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.extract import extract_javascript

from app.web.languages import SOURCE_LANGUAGE, current_language, gettext

SCRIPTS_DIR = Path(__file__).resolve().parent.parent.parent / "static" / "js"


@cache
def script_messages() -> tuple[str, ...]:
    """Every message the scripts look up, read from the scripts themselves (as `make messages`
    reads them for the catalogs), once per process."""
    found: list[str] = []
    for script in sorted(SCRIPTS_DIR.glob("*.js")):
        with script.open("rb") as source:
            for _line, _function, message, _comments in extract_javascript(
                source, {"gettext": None}, [], {}
            ):
                if isinstance(message, str):
                    found.append(message)
    return tuple(dict.fromkeys(found))


def script_words() -> dict[str, str]:
    """Each script message and its translation; nothing on an English page (the scripts keep
    their own words)."""
    if current_language() == SOURCE_LANGUAGE:
        return {}
    return {message: gettext(message) for message in script_messages()}
