"""Troubleshooting flows an article belongs to, as buttons under a "No, that didn't help"."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping

from bot.contract import intent_payload

MAX_TOPICS = 2


def flow_buttons(flows: Mapping[str, Any], tags: Iterable[str]) -> List[Dict[str, str]]:
    """A button per tag that names a flow started by its intent alone (at most two).

    Args:
        flows: the current flows by id (``description`` and ``triggers``, each with ``intent``
            and ``entities``).
        tags: the article's tags.
    """
    buttons = []
    for tag in tags:
        flow = flows.get(tag)
        if flow is None or not any(t.intent == tag and not t.entities for t in flow.triggers):
            continue
        buttons.append({"title": f"Troubleshoot step by step: {flow.description}", "payload": intent_payload(tag)})
    return buttons[:MAX_TOPICS]
