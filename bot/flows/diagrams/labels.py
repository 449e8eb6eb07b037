"""Short human-readable texts for diagram nodes, shared by the Mermaid and SVG renderers."""

from __future__ import annotations

import re
from typing import Dict

from bot.flows.kinds import registry
from bot.flows.model import Step

#: Display name, fill colour and border colour of the pseudo nodes (the kinds bring their own).
PSEUDO_STYLE: Dict[str, Dict[str, str]] = {
    "start": {"title": "start", "fill": "#424242", "stroke": "#212121"},
    "end": {"title": "END (flow finished)", "fill": "#ffffff", "stroke": "#212121"},
    "human": {"title": "default give-up: hand over to a human", "fill": "#ffcdd2",
              "stroke": "#b71c1c"},
    "missing": {"title": "unknown step (lint error)", "fill": "#ffffff", "stroke": "#d50000"},
}


def kind_styles() -> Dict[str, Dict[str, str]]:
    """Title, fill and stroke per step kind (from the registered kinds) and per pseudo node."""
    styles = {kind.name: {"title": kind.style.title, "fill": kind.style.fill, "stroke": kind.style.stroke}
              for kind in registry.all_kinds()}
    styles.update(PSEUDO_STYLE)
    return styles


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


def step_summary(step: Step) -> str:
    """One-line description of what ``step`` does, e.g. ``check: check_service_status(...)``.

    Args:
        step: the step to describe.

    Returns:
        A short text (at most MAX_SUMMARY characters) for a diagram node.
    """
    return shorten(registry.kind_of(step.kind).summary(step))
