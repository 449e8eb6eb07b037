"""Rasa's SQL tracker store, storing every event redacted.

The tracker held in memory during the turn is untouched, so NLU, policies and actions see the
message as typed; only what reaches the database is redacted (docs/privacy.md).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.privacy.redact import Redactor
from bot.rasa_ext.stores import UrlSQLTrackerStore, fenced

ERASE_ACTION = "action_privacy_erase"


def last_erasure(tracker: DialogueStateTracker) -> Optional[int]:
    """Index of the last run of the chat's erasure action in the tracker, if any."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], ActionExecuted) and events[index].action_name == ERASE_ACTION:
            return index
    return None


def redact_event(data: Dict[str, Any], redactor: Redactor) -> Dict[str, Any]:
    """A tracker event (``Event.as_dict()``) with personal data redacted in every string value."""
    return redactor.redact_value(data)


class RedactingSQLTrackerStore(UrlSQLTrackerStore):
    """Rasa's SQL tracker store that never receives raw text: each event is stored redacted.

    Configured in endpoints.yml. The policy comes from FRONTLINE_PRIVACY_POLICY (Rasa constructs
    this class itself, so it reads the settings once, here).
    """

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        redactor: Optional[Redactor] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain=domain, host=host, event_broker=event_broker, **kwargs)
        if redactor is None:
            from bot.privacy.logs import install_log_redaction
            from bot.privacy.wiring import redactor_from_env

            redactor = redactor_from_env()
            install_log_redaction(redactor)  # the Rasa server's logs: this is its composition point
        self.redactor = redactor

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, redacted (same bookkeeping as Rasa's store).

        Like the parent store, the write runs in a worker thread and a failure marks the turn
        (the user is told), so a locked database never stalls the server or loses a turn silently.
        """
        fenced()
        await self.stream_events(tracker)

        async def write() -> None:
            self._write_redacted(tracker)

        await self._in_thread(write)

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event], sender_id: Text) -> None:
        """Publish the new events to the event broker redacted, as they are stored (docs/privacy.md)."""
        for event in new_events:
            event_broker.publish({"sender_id": sender_id, **redact_event(event.as_dict(), self.redactor)})

    def _write_redacted(self, tracker: DialogueStateTracker) -> None:
        """Write the tracker's events that are not stored yet, each redacted."""
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            erased_at = last_erasure(tracker)
            if erased_at is not None:
                # The person's conversation was erased during this turn: what the tracker still
                # holds in memory from before must not be written back.
                first_new = len(tracker.events) - len(new_events)
                new_events = list(tracker.events)[max(first_new, erased_at):]
            for tracked in new_events:
                data = redact_event(tracked.as_dict(), self.redactor)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=tracked.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
