"""What the socket.io channel emits: the shapes docs/widget.md promises the handoff work."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Tuple

from bot.rasa_ext.channels import SocketIOChannel, WidgetSocketIOOutput


class FakeSio:
    """Records emits and room joins like python-socketio's AsyncServer would perform them."""

    def __init__(self) -> None:
        self.emitted: List[Tuple[str, Any, Dict[str, Any]]] = []
        self.rooms: List[Tuple[str, str]] = []

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        self.emitted.append((event, data, kwargs))

    async def enter_room(self, sid: str, room: str, namespace: Any = None) -> None:
        self.rooms.append((sid, room))


def _send(message: Dict[str, Any]) -> List[Any]:
    sio = FakeSio()
    output = WidgetSocketIOOutput(sio, "bot_uttered")  # type: ignore[arg-type]
    asyncio.run(output.send_response("session-1", message))
    assert all(event == "bot_uttered" and kw.get("room") == "session-1" for event, _, kw in sio.emitted)
    return [data for _, data, _ in sio.emitted]


def test_custom_payload_is_emitted_under_custom() -> None:
    # Rasa 3.6 would call sio.emit(..., handoff=...) and fail.
    assert _send({"custom": {"handoff": {"state": "joined", "engineer": "Dana"}}}) == [
        {"custom": {"handoff": {"state": "joined", "engineer": "Dana"}}}
    ]


def test_engineer_name_travels_with_the_text_and_paragraphs_stay_one_bubble() -> None:
    sent = _send({"text": "Hi, I'm Dana.\n\nLooking now.", "metadata": {"engineer": "Dana"}})
    assert sent == [{"text": "Hi, I'm Dana.\n\nLooking now.", "metadata": {"engineer": "Dana"}}]
    # BotUttered.message() merges event metadata into the message itself.
    assert _send({"text": "Done.", "engineer": "Dana"}) == [{"text": "Done.", "metadata": {"engineer": "Dana"}}]


def test_plain_bot_text_and_buttons_are_unchanged() -> None:
    assert _send({"text": "Hello"}) == [{"text": "Hello"}]
    sent = _send({"text": "Pick", "buttons": [{"title": "Yes", "payload": "/affirm"}]})
    assert sent == [{"text": "Pick", "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"}]}]


async def _noop(_message: object) -> None:
    return None


def test_session_request_joins_the_session_room_and_confirms() -> None:
    channel = SocketIOChannel.from_credentials({"session_persistence": True})
    channel.blueprint(_noop)
    sio = FakeSio()
    sessions: Dict[str, Any] = {}
    assert channel.sio is not None
    handler = channel.sio.handlers["/"]["session_request"]
    channel.sio.enter_room = sio.enter_room  # type: ignore[method-assign]
    channel.sio.emit = sio.emit  # type: ignore[method-assign]
    channel.sio.get_environ = lambda sid, namespace=None: {}  # type: ignore[method-assign]

    async def save_session(sid: str, session: Dict[str, Any], namespace: Any = None) -> None:
        sessions[sid] = session

    async def get_session(sid: str, namespace: Any = None) -> Dict[str, Any]:
        return sessions.get(sid, {})

    channel.sio.save_session = save_session  # type: ignore[method-assign]
    channel.sio.get_session = get_session  # type: ignore[method-assign]

    asyncio.run(handler("sid-0", {}))  # the server issues the session id
    issued = sio.emitted[-1][1]
    asyncio.run(handler("sid-1", {"session_id": issued}))  # a reload resumes it
    assert sio.rooms[-1] == ("sid-1", f"web:{issued}")  # Rasa 3.6 forgets to await this
    assert sio.emitted[-1][:2] == ("session_confirm", issued)

    asyncio.run(handler("sid-2", {"session_id": "<script>"}))  # not an id: a fresh one instead
    fresh = sio.emitted[-1][1]
    assert fresh not in ("<script>", issued) and len(fresh) == 64 and sio.rooms[-1] == ("sid-2", f"web:{fresh}")
