"""Websocket frames encoded once and written to every socket that can take the same bytes.

Every screen of a session is sent the same message when a version is published (the room view,
the consoles, most phones). Framed and compressed by each socket's own protocol, one message
cost one encode per socket; here it costs one per *encoding*: uncompressed, or permessage-deflate
with given settings and no context takeover on the server's side (each message compressed on
its own, so its bytes do not depend on what the socket was sent before; docs/architecture.md,
"Frames encoded once").

The server's websocket protocol (app/web/connections.py) offers a writer to the application
under an ASGI scope extension, `DIRECT_FRAMES`; a server without it (TestClient, httpx-ws,
another server) leaves the application on the plain `send_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, Literal

from starlette.websockets import WebSocket
from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode

# The key of the ASGI scope extension; its value is {"write": DirectWrite}.
DIRECT_FRAMES: Final = "peer_rounds.direct_frames"

# Writes one text message as a frame now; False (nothing written) when the socket cannot take
# it at once: not open, closing, or its buffer above the high-water mark. `shared` says the same
# message goes to other sockets too, so its frame is worth keeping for them.
DirectWrite = Callable[[str, bool], bool]

# How a socket's outgoing frames are encoded: "plain", or deflate as (window bits, zlib
# settings). A socket whose frames depend on its history (context takeover) has none to share.
Deflate = tuple[int, tuple[tuple[str, int], ...]]
Encoding = Deflate | Literal["plain"]
PLAIN: Final = "plain"

# Frames kept: enough for every distinct message of a few sessions' publications in a row (a
# publication writes all of its sockets before anything else runs).
KEEP_FRAMES = 64


def encoding_of(extensions: Sequence[Extension]) -> Encoding | None:
    """The encoding of frames for a socket with these extensions; None if its frames cannot
    be shared."""
    if not extensions:
        return PLAIN
    match extensions:
        case [PerMessageDeflate() as deflate] if deflate.local_no_context_takeover:
            settings = tuple(sorted(deflate.compress_settings.items()))
            return (deflate.local_max_window_bits, settings)
        case _:
            return None


class SharedFrames:
    """The frames of the messages written most recently, by message and encoding."""

    def __init__(self, keep: int = KEEP_FRAMES) -> None:
        self._keep = keep
        self._frames: dict[tuple[str, Encoding], bytes] = {}
        self._extensions: dict[Deflate, list[Extension]] = {}
        # Messages framed (and compressed) so far: what the cache saves is counted by it.
        self.encoded = 0

    def text(self, message: str, encoding: Encoding, *, keep: bool = True) -> bytes:
        """`message` as one text frame; kept for the next socket unless `keep` is False (a
        reply for one socket only)."""
        key = (message, encoding)
        frame = self._frames.get(key) if keep else None
        if frame is None:
            frame = Frame(Opcode.TEXT, message.encode()).serialize(
                mask=False, extensions=self._extensions_for(encoding)
            )
            self.encoded += 1
            if keep:
                if len(self._frames) >= self._keep:
                    del self._frames[next(iter(self._frames))]
                self._frames[key] = frame
        return frame

    def _extensions_for(self, encoding: Encoding) -> list[Extension]:
        if isinstance(encoding, str):
            return []
        found = self._extensions.get(encoding)
        if found is None:
            bits, settings = encoding
            # Without context takeover each message gets a fresh compressor: one instance
            # serves every socket of these settings. The remote side's parameters are unused
            # (it only encodes).
            found = [PerMessageDeflate(True, True, bits, bits, dict(settings))]
            self._extensions[encoding] = found
        return found


def direct_writer(websocket: WebSocket) -> DirectWrite | None:
    """The server's writer for this socket, if the server offers one (ours does)."""
    offered = websocket.scope.get("extensions", {}).get(DIRECT_FRAMES)
    if offered is None:
        return None
    write: DirectWrite = offered["write"]
    return write
