"""Translate rasa-sdk trackers and dispatchers to and from the flow engine's types."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Union

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.contract import ENTITY_SLOTS, FLOW_ANSWER_ENTITY, FLOW_LAST_SLOT, intent_payload
from bot.flows.model.turns import BotMessage, UserTurn
from bot.flows.runtime.compose import compact
from bot.security.identity import requester
from bot.tickets.requester import Requester


def latest_entities(tracker: Tracker) -> Dict[str, str]:
    """Entities of the latest user message, first value of each."""
    found: Dict[str, str] = {}
    for entity in tracker.latest_message.get("entities") or []:
        found.setdefault(entity.get("entity"), str(entity.get("value")))
    return found


#: How many earlier user messages a starting flow may read answers from (``fill_from``).
HISTORY_LIMIT = 4


def earlier_messages(tracker: Tracker, limit: int = HISTORY_LIMIT) -> List[str]:
    """The person's typed messages before the latest one, since the last flow ended, oldest first.

    Messages from before the last flow ended belong to another problem, so they are left out;
    button payloads ("/flow_answer{...}") are not what anyone said.
    """
    texts: List[str] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == FLOW_LAST_SLOT:
            texts = []
        elif kind == "user":
            text = (event.get("text") or "").strip()
            texts.append(text)
    texts = texts[:-1]  # the latest message is the turn itself
    return [t for t in texts if t and not t.startswith("/")][-limit:]


def established(tracker: Tracker) -> Dict[str, str]:
    """What the conversation established about the person's set-up: the entity slots
    (``os``, ``app_name``, …, :data:`bot.contract.ENTITY_SLOTS`), the latest message's entities
    over them."""
    found = {name: str(tracker.get_slot(name)) for name in ENTITY_SLOTS if tracker.get_slot(name)}
    found.update({name: value for name, value in latest_entities(tracker).items() if name in ENTITY_SLOTS})
    return found


def user_turn(tracker: Tracker) -> UserTurn:
    """The latest user message as the flow engine sees it."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    entities = latest_entities(tracker)
    last = tracker.get_slot(FLOW_LAST_SLOT)
    return UserTurn(
        text=message.get("text") or "",
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        entities=entities,
        slots={name: tracker.get_slot(name) for name in ENTITY_SLOTS if tracker.get_slot(name)},
        button_value=entities.get(FLOW_ANSWER_ENTITY),
        history=earlier_messages(tracker),
        last_flow=last if isinstance(last, dict) else None,
    )


def dispatch(dispatcher: CollectingDispatcher, messages: Iterable[BotMessage]) -> None:
    """Send engine messages through the dispatcher (text, buttons, image, link, KB articles).

    KB hits also travel structured, as an extra ``articles`` key: Rasa passes unknown keys
    through to the output channel's ``send_response``, where Slack renders them as linked
    sections; REST and socket.io ignore the key (the text lists the articles anyway).
    """
    for message in messages:
        text = message.text
        if message.link:
            text = f"{text}\n[{message.link.get('title') or message.link.get('url')}]({message.link.get('url')})"
        extra = {"articles": list(message.articles)} if message.articles else {}
        dispatcher.utter_message(text=text, buttons=list(message.buttons) or None, image=message.image, **extra)


#: Keys of a dispatcher message that :func:`compose_turn` can merge; a message with anything
#: else set (an image, an attachment, a custom payload, a domain response) stays as it is.
_PLAIN_KEYS = frozenset({"text", "buttons", "articles"})


def compose_turn(messages: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One turn's dispatcher messages shaped for the person (:func:`bot.flows.runtime.compose.compact`).

    Every action's output passes here once (``FrontlineAction.run``), so the messages of all the
    parts of a turn (an aside's answer, the flow's steps, the ticket's handoff message) are
    merged together: plain texts fold into the next message until two are left, buttons stay
    on the message they came with, and a link is shown once per turn.
    """
    items: List[Union[BotMessage, Dict[str, Any]]] = [_plain(m) or m for m in messages]
    shaped = compact(items, counts=lambda m: bool(m.get("text") or m.get("response")))
    out: List[Dict[str, Any]] = []
    for item in shaped:
        if isinstance(item, BotMessage):
            dispatch_one = CollectingDispatcher()
            dispatch(dispatch_one, [item])
            out.extend(dispatch_one.messages)
        else:
            out.append(item)
    return out


def _plain(message: Dict[str, Any]) -> Optional[BotMessage]:
    """``message`` as a :class:`BotMessage` when it is text (with buttons, KB articles) only."""
    if not message.get("text") or any(value for key, value in message.items() if key not in _PLAIN_KEYS):
        return None
    return BotMessage(text=str(message["text"]), buttons=list(message.get("buttons") or []), articles=list(message.get("articles") or []))


def transcript(tracker: Tracker, limit: int = 50) -> List[Dict[str, Any]]:
    """The conversation's user and bot messages, oldest first (for tickets)."""
    lines: List[Dict[str, Any]] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind in ("user", "bot") and event.get("text"):
            lines.append({"from": "user" if kind == "user" else "bot", "text": event["text"], "at": event.get("timestamp")})
    return lines[-limit:]


def channel_of(tracker: Tracker) -> str:
    """The input channel of the latest user message ("rest", "socketio", "slack", ...)."""
    return tracker.get_latest_input_channel() or "unknown"


def button_payload(intent: str, entities: Optional[Dict[str, str]] = None) -> str:
    """A Rasa button payload that sets ``intent`` (and entities) without NLU."""
    return intent_payload(intent, entities)


def requester_of(tracker: Tracker) -> Requester:
    """Who is talking: a stable id for the person, their conversation and display name, if known.

    In Slack the person is ``slack:<team>:<user>`` whichever DM or thread they write from, so
    their tickets follow them; a widget visitor verified by the host site is ``user:<id>``; a
    verified e-mail (Slack's profile, a verified widget id that is an address) links the
    person's tickets across channels; elsewhere the conversation id is the best identity there is. Only metadata the server's
    channels attach counts (:func:`bot.security.identity.requester`), never the client's.
    """
    who = requester(tracker.sender_id, (tracker.latest_message or {}).get("metadata"))
    return Requester(who.id, tracker.sender_id, who.name, who.email if who.verified else None)


def action_before_latest_message(tracker: Tracker) -> Optional[str]:
    """The last action the bot ran before the latest user message (``action_listen`` skipped),
    or None when another user message came first: what the latest message answers."""
    seen_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return None
            seen_user = True
            continue
        if kind == "action" and seen_user and event.get("name") not in ("action_listen", None):
            return str(event.get("name"))
    return None
