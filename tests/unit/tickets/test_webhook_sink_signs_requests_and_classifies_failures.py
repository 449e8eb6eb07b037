"""The webhook sink signs every request and tells retryable failures from rejections."""

import asyncio
import socket
from typing import Iterator

import pytest

from bot.tickets.sinks import Delivery, DeliveryError, WebhookSink, build_sinks, sign, verify
from tests.fake_webhook import SECRET, WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver().start()
    yield r
    r.stop()


def delivery(key: str = "webhook:1") -> Delivery:
    payload = {"version": 1, "idempotency_key": key, "event": {"id": 1, "kind": "created"},
               "ticket": {"reference": "SUP-1001"}}
    return Delivery(key, "webhook", "SUP-1001", "created", 1, payload)


def test_signature_covers_timestamp_and_body_and_expires() -> None:
    signature = sign("s3cret", "1700000000", b'{"a":1}')
    assert signature.startswith("v1=") and len(signature) == 3 + 64
    assert verify("s3cret", "1700000000", b'{"a":1}', signature, now=1700000100)
    assert not verify("s3cret", "1700000000", b'{"a":2}', signature, now=1700000100)
    assert not verify("other", "1700000000", b'{"a":1}', signature, now=1700000100)
    assert not verify("s3cret", "1700000000", b'{"a":1}', signature, now=1700000000 + 301)


def test_accepted_delivery_is_signed_json_with_idempotency_headers(receiver: WebhookReceiver) -> None:
    asyncio.run(WebhookSink(receiver.url, SECRET).deliver(delivery()))
    [got] = receiver.accepted()
    assert got.signed and got.key == "webhook:1"
    assert got.body["ticket"]["reference"] == "SUP-1001"
    assert got.headers["X-Frontline-Event"] == "created" and got.headers["X-Frontline-Attempt"] == "1"


def test_server_errors_are_retryable_and_rejections_are_not(receiver: WebhookReceiver) -> None:
    sink = WebhookSink(receiver.url, SECRET)
    receiver.fail(503)
    with pytest.raises(DeliveryError) as info:
        asyncio.run(sink.deliver(delivery()))
    assert info.value.retryable and "HTTP 503" in str(info.value)
    receiver.fail(422)
    with pytest.raises(DeliveryError) as info:
        asyncio.run(sink.deliver(delivery()))
    assert not info.value.retryable
    receiver.recover()
    wrong = WebhookSink(receiver.url, "not-the-secret")
    with pytest.raises(DeliveryError) as info:
        asyncio.run(wrong.deliver(delivery()))  # the receiver refuses a bad signature (401)
    assert not info.value.retryable


def test_unreachable_or_slow_receivers_are_retryable(receiver: WebhookReceiver) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DeliveryError) as info:
        asyncio.run(WebhookSink(f"http://127.0.0.1:{port}/x", SECRET, timeout=2).deliver(delivery()))
    assert info.value.retryable
    receiver.fail(200, delay=1.5)
    with pytest.raises(DeliveryError) as info:
        asyncio.run(WebhookSink(receiver.url, SECRET, timeout=0.5).deliver(delivery()))
    assert info.value.retryable and "Timeout" in str(info.value)


def test_a_webhook_without_a_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="FRONTLINE_TICKET_WEBHOOK_SECRET"):
        build_sinks("http://example.invalid/hook", None, (), {})


class ExampleSink:
    """What adding Jira/Zendesk/ServiceNow looks like: one class."""

    name = "example"

    def __init__(self, project: str) -> None:
        self.project = project

    @classmethod
    def from_env(cls, env):
        return cls(env["EXAMPLE_PROJECT"])

    async def deliver(self, delivery: Delivery) -> None:
        return None


def test_extra_sinks_are_one_class_named_by_dotted_path() -> None:
    sinks = build_sinks("http://example.invalid/hook", "s", [f"{__name__}.ExampleSink"], {"EXAMPLE_PROJECT": "IT"})
    assert [s.name for s in sinks] == ["webhook", "example"]
    assert sinks[1].project == "IT"
    with pytest.raises(ValueError, match="cannot be loaded"):
        build_sinks(None, None, ["nowhere.Missing"], {})
    with pytest.raises(ValueError, match="unique"):
        build_sinks(None, None, [f"{__name__}.ExampleSink"] * 2, {"EXAMPLE_PROJECT": "IT"})
