"""JSON as the server reads it, and the 422 that never echoes what was sent (issue 16, item 5)."""

from __future__ import annotations

import json

import pytest
from fastapi.exceptions import RequestValidationError
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from app.web import strict_json
from app.web.problems import invalid_request

# --- strict JSON, the rule ---------------------------------------------------------------------
# Rule: a value is read only when it can be written back as JSON in UTF-8; anything else is a
# json.JSONDecodeError, never another exception.


# Any text, lone surrogates included (hypothesis leaves them out unless asked).
any_text = st.text(st.characters(exclude_categories=()))
json_like = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
)


@given(json_like)
def test_strict_json_reads_what_it_can_write_back(value: object) -> None:
    text = json.dumps(value)  # writes NaN, Infinity and "\ud800" escapes, as a script could
    try:
        read = strict_json.loads(text)
    except json.JSONDecodeError:
        with pytest.raises((ValueError, UnicodeEncodeError), match=r"JSON compliant|surrogates"):
            json.dumps(value, allow_nan=False, ensure_ascii=False).encode()
        return
    assert json.dumps(read, allow_nan=False, ensure_ascii=False).encode()


@pytest.mark.anyio
async def test_the_validation_answer_never_echoes_the_input() -> None:
    """Whatever reaches the handler: an input it cannot write, a key that is half a character."""
    error = {"type": "float_type", "loc": ("body", "\ud800"), "msg": "Bad", "input": float("nan")}
    request = Request({"type": "http", "method": "POST", "path": "/api/x", "headers": []})
    response = await invalid_request(request, RequestValidationError([error]))
    assert response.status_code == 422
    assert json.loads(bytes(response.body)) == {
        "detail": [{"type": "float_type", "loc": ["body", "\\ud800"], "msg": "Bad"}]
    }
