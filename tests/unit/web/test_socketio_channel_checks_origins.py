"""The socket.io channel lets in only the origins in FRONTLINE_CORS_ORIGINS (browsers do not apply
CORS to WebSockets, so the server has to)."""

from __future__ import annotations

import asyncio

import pytest
from socketio.exceptions import ConnectionRefusedError

from bot.rasa_ext.channels import SocketIOChannel, origin_allowed, parse_origins


def test_parse_origins_splits_normalises_and_defaults_to_any() -> None:
    assert parse_origins("https://www.example.com  https://Intranet.example.com/") == (
        "https://www.example.com",
        "https://intranet.example.com",
    )
    assert parse_origins(["https://a.example"]) == ("https://a.example",)
    assert parse_origins("") == ("*",)
    assert parse_origins(None) == ("*",)


@pytest.mark.parametrize(
    ("origin", "allowed", "expected"),
    [
        ("https://evil.example", ("*",), True),
        ("https://www.example.com", ("https://www.example.com",), True),
        ("https://WWW.example.com/", ("https://www.example.com",), True),
        ("https://evil.example", ("https://www.example.com",), False),
        ("http://bot.example:5005", ("https://www.example.com",), True),  # the server's own pages
        (None, ("https://www.example.com",), True),  # not a browser
    ],
)
def test_origin_allowed(origin: str, allowed: tuple, expected: bool) -> None:
    assert origin_allowed(origin, "http://bot.example:5005", allowed) is expected


async def _noop(_message: object) -> None:
    return None


def _connect(channel: SocketIOChannel, origin: str) -> object:
    channel.blueprint(_noop)
    assert channel.sio is not None
    handler = channel.sio.handlers["/"]["connect"]
    environ = {"HTTP_ORIGIN": origin, "HTTP_HOST": "bot.example:5005", "wsgi.url_scheme": "http"}
    return asyncio.run(handler("sid-1", environ, None))


def test_channel_refuses_a_socket_from_an_origin_not_configured() -> None:
    channel = SocketIOChannel.from_credentials(
        {"session_persistence": True, "cors_origins": "https://www.example.com"}
    )
    assert _connect(channel, "https://www.example.com") is True
    channel = SocketIOChannel.from_credentials(
        {"session_persistence": True, "cors_origins": "https://www.example.com"}
    )
    with pytest.raises(ConnectionRefusedError):
        _connect(channel, "https://evil.example")
