"""Short human-readable texts for diagram nodes, shared by the Mermaid and SVG renderers."""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping

from bot.flows.model import Step

#: Display name, fill colour and border colour per step kind (plus pseudo nodes).
KIND_STYLE: Dict[str, Dict[str, str]] = {
    "say": {"title": "say (message)", "fill": "#e3f2fd", "stroke": "#1565c0"},
    "ask": {"title": "ask (question)", "fill": "#fff3e0", "stroke": "#e65100"},
    "kb": {"title": "kb (articles)", "fill": "#e8f5e9", "stroke": "#2e7d32"},
    "action": {"title": "action (check)", "fill": "#f3e5f5", "stroke": "#6a1b9a"},
    "escalate": {"title": "escalate (to a human)", "fill": "#ffebee", "stroke": "#c62828"},
    "resolve": {"title": "resolve (did it help?)", "fill": "#e0f2f1", "stroke": "#00695c"},
    "link": {"title": "link (go to flow)", "fill": "#fffde7", "stroke": "#f9a825"},
    "call": {"title": "call (sub-flow)", "fill": "#eceff1", "stroke": "#455a64"},
    "start": {"title": "start", "fill": "#424242", "stroke": "#212121"},
    "end": {"title": "END (flow finished)", "fill": "#ffffff", "stroke": "#212121"},
    "human": {"title": "default give-up: hand over to a human", "fill": "#ffcdd2",
              "stroke": "#b71c1c"},
    "missing": {"title": "unknown step (lint error)", "fill": "#ffffff", "stroke": "#d50000"},
}

MAX_SUMMARY = 90


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")


def plain(text: str) -> str:
    """Drop the commonest markdown (links, bold, code ticks) so diagram labels read cleanly."""
    return _MD_EMPHASIS.sub("", _MD_LINK.sub(r"\1", str(text)))


def shorten(text: str, limit: int = MAX_SUMMARY) -> str:
    """Strip markdown, collapse whitespace and cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(plain(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _format_args(args: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in args.items())


def step_summary(step: Step) -> str:
    """One-line description of what ``step`` does, e.g. ``check: check_service_status(...)``.

    Args:
        step: the step to describe.

    Returns:
        A short text (at most MAX_SUMMARY characters) for a diagram node.
    """
    kind, body = step.kind, step.body
    if kind == "ask":
        text = str(body)
        answer = step.answer
        if answer is not None and answer.type == "choice" and answer.options:
            text += " [" + " | ".join(option.label for option in answer.options) + "]"
        elif answer is not None and answer.type != "text":
            text += " [yes/no]" if answer.type == "yes_no" else f" [{answer.type}]"
        return shorten(text)
    if kind == "kb":
        return shorten(f"KB search: {body} (top {step.top})")
    if kind == "action":
        call = f"{body} ({_format_args(step.args)})" if step.args else str(body)
        saved = f" → {step.save_as}" if step.save_as else ""
        return shorten(f"check: {call}{saved}")
    if kind == "escalate":
        data = body if isinstance(body, Mapping) else {}
        team = data.get("team", "?")
        priority = data.get("priority", "normal")
        return shorten(f"to {team} ({priority}): {data.get('summary', '')}")
    if kind == "link":
        return shorten(f"continue in flow {body}")
    if kind == "call":
        return shorten(f"run flow {body}, then continue")
    return shorten(str(body))
