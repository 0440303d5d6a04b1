"""Protections at the edge of every HTTP request (docs/security.md).

- Security headers on every response: a strict Content-Security-Policy, no framing, no sniffing,
  no referrer beyond this site, and `no-store` wherever a page or an answer may carry a link.
- Forms (any unsafe method outside the token-authenticated JSON API) must come from this site:
  a same-origin `Origin`, or, only when a browser sent none, a same-origin `Referer`.
- Request bodies are limited in size, before anything parses them.
- Rate limits (app/web/rate_limits.py) are installed here and used by the routes.
- Refusals are calm: a JSON `{code, message}` for the API, a kind page for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.translatable import translatable
from app.web.problems import Problem, answer
from app.web.rate_limits import RateLimitPolicy, install_rate_limits, policy_for

MAX_BODY_BYTES = 64 * 1024
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/"
STATIC_PREFIX = "/static/"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        # 'self' covers ws:/wss: to this host as well (CSP Level 3; checked in Chromium).
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)
BASE_HEADERS: Mapping[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not no-referrer: with it, Chromium sends `Origin: null` on this site's own form posts,
    # which the form check must refuse. same-origin still never lets a URL (such as an /enter/
    # link) leave the site; this server's own access log is redacted.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"

# Answered before (or instead of) any route; the message alone goes to scripts.
CROSS_SITE = Problem(
    translatable(
        "For everyone's safety, this form only works on the Peer Rounds page it belongs to. "
        "Please go back to that page and try again."
    ),
    status=403,
    code="cross_site",
).on_page(translatable("Please use Peer Rounds itself"))
TOO_LARGE = Problem(
    translatable("That was more than we can take in at once. Please shorten it and try again."),
    status=413,
    code="too_large",
).on_page(translatable("That was more than we can take"))
SERVER_ERROR = Problem(
    translatable(
        "Something went wrong on our side, not yours. Please try again in a moment; if it keeps "
        "happening, a facilitator can help."
    ),
    status=500,
    code="server_error",
).on_page(translatable("Something went wrong on our side"))


def same_origin(url: str, host: str | None, public_url: str) -> bool:
    """Whether `url` (an Origin or Referer) is this site: the Host asked for, or the public URL.

    Total over any header value: one that is not a URL (`http://[::1`, which urlsplit refuses
    with a ValueError, as it does a host that NFKC normalisation changes) is not this site.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # includes the opaque origin "null"
    netloc = parts.netloc.lower()
    if host is not None and netloc == host.lower():
        return True
    public = urlsplit(public_url)
    return (parts.scheme, netloc) == (public.scheme, public.netloc.lower())


def origin_allowed(websocket: WebSocket, public_url: str) -> bool:
    """Browsers always send Origin; it must be this site. Scripts may send none (they have no
    cookies to abuse: a script proves who it is with the token in its hello)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    return same_origin(origin, websocket.headers.get("host"), public_url)


def security_headers(path: str, *, https: bool) -> dict[str, str]:
    headers = dict(BASE_HEADERS)
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    if not path.startswith(STATIC_PREFIX):
        # Pages and API answers can carry access links: no shared cache may keep them.
        headers["Cache-Control"] = "no-store"
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware), so websockets and streaming pass through untouched."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        public_url: str,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.public_url = public_url
        self.max_body_bytes = max_body_bytes
        self.https = public_url.startswith("https://")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        send = self._adding_headers(path, send)
        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if not path.startswith(API_PREFIX) and not self._from_this_site(scope):
            await self._refuse(scope, send, CROSS_SITE)
            return
        try:
            body = await self._read_body(scope, receive)
        except _ClientGone:
            return
        if body is None:
            await self._refuse(scope, send, TOO_LARGE)
            return
        await self.app(scope, _replay(body, receive), send)

    def _adding_headers(self, path: str, send: Send) -> Send:
        extra = security_headers(path, https=self.https)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    # A response that chose its own value (e.g. a cache policy) keeps it.
                    headers.setdefault(name, value)
            await send(message)

        return send_with_headers

    def _from_this_site(self, scope: Scope) -> bool:
        headers = Headers(scope=scope)
        source = headers.get("origin")
        if source is None:
            # Only when the browser sent no Origin at all; "null" is an answer, and a refusal.
            source = headers.get("referer")
        return source is not None and same_origin(source, headers.get("host"), self.public_url)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None when it is over the limit (we stop reading at once)."""
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _refuse(self, scope: Scope, send: Send, problem: Problem) -> None:
        response = answer(Request(scope), problem)
        await response(scope, _nothing_to_receive, send)


class _ClientGone(Exception):
    """The client hung up before it finished sending: nobody is left to answer."""


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the body already read to the app, then pass on whatever the server sends next."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _nothing_to_receive() -> Message:
    return {"type": "http.disconnect"}


def install_security(
    app: FastAPI,
    settings: Settings,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    rate_limits: RateLimitPolicy | None = None,
) -> None:
    """Everything above, for `app`; call once, before it serves."""
    install_rate_limits(app, rate_limits or policy_for(settings))
    app.add_middleware(
        SecurityMiddleware, public_url=settings.base_url(), max_body_bytes=max_body_bytes
    )
    https = settings.base_url().startswith("https://")

    async def server_error(request: Request, exc: Exception) -> Response:
        # Sent by Starlette's outermost middleware, outside ours: it adds its own headers. The
        # exception is raised again afterwards, so the traceback is still logged.
        response = answer(request, SERVER_ERROR)
        response.headers.update(security_headers(request.url.path, https=https))
        return response

    app.add_exception_handler(Exception, server_error)
