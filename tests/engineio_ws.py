"""A minimal raw engine.io v4 / socket.io v5 client over a websocket, for tests.

python-socketio's own client speaks websocket only with a newer aiohttp than Rasa pins, so the
widget tests (tests/socket_client.py) use long-polling. The websocket transport has its own size
limit (Sanic's ``WEBSOCKET_MAX_SIZE``, engine.io's ``max_http_buffer_size``), and this client
lets tests reach it: it opens ``/socket.io/?EIO=4&transport=websocket`` with the ``websockets``
package (installed with Rasa) and speaks the text protocol directly:

- server ``0{"sid": …}`` (engine.io open) → client ``40`` (connect the default namespace) →
  server ``40{"sid": …}``;
- events are ``42["name", data]`` both ways;
- server ping ``2`` → client pong ``3``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional

import websockets
from websockets.exceptions import ConnectionClosed

CONNECT_TIMEOUT = 30.0


def ws_url(http_url: str) -> str:
    """The engine.io websocket URL of a server at ``http_url``."""
    return http_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/socket.io/?EIO=4&transport=websocket"


class RawWidgetSocket:
    """One widget socket over a raw websocket: session_request, user_uttered, bot_uttered.

    Attributes:
        received: ``bot_uttered`` payloads, in order.
        close_code: the websocket close code once the connection ended (None while open).
    """

    def __init__(self, url: str) -> None:
        self.url = ws_url(url)
        self.received: List[Dict[str, Any]] = []
        self.confirmed: "asyncio.Queue[str]" = asyncio.Queue()
        self.close_code: Optional[int] = None
        self.closed = asyncio.Event()
        self._ws: Any = None
        self._reader: Optional["asyncio.Task[None]"] = None

    async def connect(self) -> "RawWidgetSocket":
        """Open the websocket and connect the default namespace."""
        # Our own frames may exceed the server's limit (that is what tests send); replies never do.
        self._ws = await websockets.connect(self.url, max_size=None, open_timeout=CONNECT_TIMEOUT)
        opened = await asyncio.wait_for(self._ws.recv(), CONNECT_TIMEOUT)
        if not str(opened).startswith("0"):
            raise AssertionError(f"expected engine.io open packet, got {opened!r}")
        await self._ws.send("40")
        while True:
            packet = str(await asyncio.wait_for(self._ws.recv(), CONNECT_TIMEOUT))
            if packet == "2":
                await self._ws.send("3")
            elif packet.startswith("40"):
                break
            else:
                raise AssertionError(f"expected namespace connect, got {packet[:80]!r}")
        self._reader = asyncio.ensure_future(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for packet in self._ws:
                packet = str(packet)
                if packet == "2":
                    await self._ws.send("3")
                elif packet.startswith("42"):
                    name, *args = json.loads(packet[2:])
                    data = args[0] if args else None
                    if name == "bot_uttered":
                        self.received.append(data if isinstance(data, dict) else {"raw": data})
                    elif name == "session_confirm":
                        await self.confirmed.put(data)
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self._ws.close_code
            self.closed.set()

    async def emit(self, event: str, data: Any) -> None:
        """Send ``42["event", data]``."""
        await self._ws.send("42" + json.dumps([event, data]))

    async def session(self, **data: Any) -> str:
        """``session_request`` (optionally resuming ``session_id``); the id the server confirmed."""
        await self.emit("session_request", data)
        return await asyncio.wait_for(self.confirmed.get(), CONNECT_TIMEOUT)

    async def say(self, payload: Any, wait_for: int = 1, timeout: float = 60) -> List[Dict[str, Any]]:
        """Emit ``user_uttered`` and wait for ``wait_for`` new bot messages."""
        start = len(self.received)
        await self.emit("user_uttered", payload)
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.received) - start < wait_for:
            if self.closed.is_set():
                raise AssertionError(f"socket closed ({self.close_code}) before a reply to {str(payload)[:80]!r}")
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no reply within {timeout}s to {str(payload)[:80]!r}; got {self.received[start:]}")
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # the rest of the turn's messages
        return self.received[start:]

    async def close(self) -> None:
        """Close the websocket (if still open) and stop reading."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 5)


async def open_raw_widget(url: str, **session: Any) -> "tuple[RawWidgetSocket, str]":
    """A connected raw websocket widget with a confirmed session."""
    sock = await RawWidgetSocket(url).connect()
    return sock, await sock.session(**session)
