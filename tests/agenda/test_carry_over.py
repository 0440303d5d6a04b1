"""What a session brings from the group is plain text, like everything people type."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from app.agenda.carry_over import ActionDetail, GuidelineText, PeerName


@pytest.mark.parametrize(
    "adapter",
    [TypeAdapter(GuidelineText), TypeAdapter(ActionDetail), TypeAdapter(PeerName)],
    ids=["guideline", "action", "peer"],
)
def test_carried_texts_refuse_control_characters(adapter: TypeAdapter[str]) -> None:
    assert adapter.validate_python("  Priya  ") == "Priya"
    with pytest.raises(ValidationError, match="control character"):
        adapter.validate_python("Pri\x00ya")
