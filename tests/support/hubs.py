"""Hubs on a real database without a web layer: a stand-in renderer and a new session's hub."""

from __future__ import annotations

from app.realtime.hub import SessionHub
from app.realtime.registry import HubRegistry
from tests.support.frames import render

__all__ = ["new_hub", "render"]


async def new_hub(registry: HubRegistry) -> SessionHub:
    """A new session (the weekly template, facilitators Sam and Ana) and its hub."""
    return await registry.create(
        title="Tuesday",
        group_name="Riverside",
        template_key="peer-support-plus-weekly",
        facilitator_names=["Sam", "Ana"],
    )
