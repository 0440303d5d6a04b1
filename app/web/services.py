"""Everything a request handler may use, built once in create_app()."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, WebSocket
from fastapi.templating import Jinja2Templates

from app.config import Settings
from app.realtime.hub import Clock
from app.realtime.registry import HubRegistry
from app.web.languages import Languages
from app.web.tokens import Tokens


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    registry: HubRegistry
    tokens: Tokens
    templates: Jinja2Templates
    clock: Clock
    languages: Languages


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def websocket_services(websocket: WebSocket) -> Services:
    found: Services = websocket.app.state.services
    return found
