"""The event broker plug-in: an empty URL means no broker; a URL's credentials go to the
broker's username/password, never into the host Rasa logs."""

from __future__ import annotations

import asyncio

from rasa.utils.endpoints import EndpointConfig

from bot.rasa_ext.broker import UrlPikaEventBroker, broker_kwargs


def test_empty_url_means_no_event_broker() -> None:
    for url in ("", "  ", None):
        assert asyncio.run(UrlPikaEventBroker.from_endpoint_config(EndpointConfig(url=url, queue="q"))) is None
    assert asyncio.run(UrlPikaEventBroker.from_endpoint_config(None)) is None


def test_url_credentials_and_vhost_are_split_out_of_the_logged_host() -> None:
    kwargs = broker_kwargs("amqp://frontline:p%40ss@mq.internal:5673/support", "events")
    assert kwargs["host"] == "amqp://mq.internal:5673/support"
    assert (kwargs["username"], kwargs["password"], kwargs["port"], kwargs["queues"]) == ("frontline", "p@ss", 5673, ["events"])
    assert broker_kwargs("amqps://u:p@mq", None)["port"] == 5671
    assert broker_kwargs("amqp://u:p@mq", "")["queues"] == ["frontline_events"]
