"""A real socket.io client for tests: the widget's protocol (session_request, user_uttered,
bot_uttered) spoken from Python."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import socketio


class WidgetSocket:
    """One browser tab's socket, minus the browser."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: List[Dict[str, Any]] = []
        self.confirmed: "asyncio.Queue[str]" = asyncio.Queue()
        self.client.on("bot_uttered", self._on_bot)
        self.client.on("session_confirm", self._on_confirm)

    async def _on_bot(self, data: Any) -> None:
        self.received.append(data if isinstance(data, dict) else {"raw": data})

    async def _on_confirm(self, session_id: Any) -> None:
        await self.confirmed.put(session_id)

    async def connect(self) -> "WidgetSocket":
        # Long-polling: engine.io's websocket client needs a newer aiohttp than Rasa pins
        # (tests/engineio_ws.py speaks the websocket transport raw, for its size limit).
        await self.client.connect(self.url, transports=["polling"], socketio_path="/socket.io")
        return self

    async def session(self, **data: Any) -> str:
        """Ask for a session (optionally resuming ``session_id``); the id the server confirmed."""
        return await self.session_with(data)

    async def session_with(self, data: Any) -> str:
        """``session_request`` with any payload (fuzzing); the id the server confirmed."""
        await self.client.emit("session_request", data)
        return await asyncio.wait_for(self.confirmed.get(), 30)

    async def say(self, payload: Any, wait_for: int = 1, timeout: float = 60) -> List[Dict[str, Any]]:
        """Emit ``user_uttered`` and wait for ``wait_for`` new bot messages."""
        start = len(self.received)
        await self.client.emit("user_uttered", payload)
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.received) - start < wait_for:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no reply within {timeout}s to {str(payload)[:80]!r}; got {self.received[start:]}")
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # the rest of the turn's messages
        return self.received[start:]

    async def emit_raw(self, event: str, payload: Any) -> None:
        await self.client.emit(event, payload)

    async def close(self) -> None:
        # A long-polling disconnect can wait for the server's next poll; the test is done anyway.
        try:
            await asyncio.wait_for(self.client.disconnect(), 3)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001
            pass


def texts_of(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


async def open_widget(url: str, **session: Any) -> "tuple[WidgetSocket, str]":
    sock = await WidgetSocket(url).connect()
    return sock, await sock.session(**session)


def maybe(value: Optional[str]) -> str:
    return value or ""
