"""CSV downloads that are safe to open in a spreadsheet."""

from __future__ import annotations

# A cell that begins like a formula is run as one by spreadsheets: written as text instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_cell(value: object) -> object:
    """The value as a spreadsheet should show it: text that looks like a formula stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
