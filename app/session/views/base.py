"""What every view is made of: frozen models, and the people and stages they name."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.session.state import SessionState


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class PersonRef(View):
    id: str
    name: str


class StageRef(View):
    id: str
    title: str


def person(state: SessionState, person_id: str) -> PersonRef:
    return PersonRef(id=person_id, name=state.name_of(person_id))
