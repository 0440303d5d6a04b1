"""Marks English words for the translators' catalog where they are written, to be translated
where they are shown (app/web/languages.py): the domain never needs to know who reads them.

`pybabel extract` finds every `translatable("…")` (babel.cfg); the function itself changes
nothing, so a message stays the same English text wherever it travels (logs, the JSON API).
"""


def translatable(message: str) -> str:
    return message
