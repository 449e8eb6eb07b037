"""``kb``: search the knowledge base and show the best articles."""

from __future__ import annotations

import logging
from typing import Any, Dict, Mapping, Optional

from bot.flows.kinds.base import StepKind, StepParser, StepRun, Style
from bot.flows.model import Body, Step, Text

logger = logging.getLogger(__name__)

MAX_TOP = 10
MSG_NO_ARTICLES = "I couldn't find an article for that."
MSG_ARTICLES = "Here's what I found in the knowledge base:"


class KbKind(StepKind):
    """A knowledge-base search; shows up to ``top`` articles and continues with ``next``."""

    name = "kb"
    advises = True
    doc = "Knowledge-base search query (template); shows the best articles."
    own_keys = ("top",)
    style = Style("kb (articles)", "#e8f5e9", "#2e7d32", mermaid='[("{}")]', svg_shape="cylinder")

    def option_schemas(self) -> Dict[str, Dict[str, Any]]:
        return {"top": {"description": "How many KB articles to show (default 3).",
                        "type": "integer", "minimum": 1, "maximum": MAX_TOP}}

    def parse(self, parser: StepParser, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        top = item.get("top", 3)
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
            parser.malformed()
        else:
            fields["top"] = int(top)
        text = parser.text(where, item, self.name, at, "the search query (may use {placeholders})")
        return Text(text) if text is not None else None

    def run(self, run: StepRun, step: Step) -> Optional[str]:
        query = run.render(self.question(step))
        try:
            articles = list(run.search_kb(query, step.top))[: step.top]
        except Exception:  # the KB being down is not the user's problem: say we found nothing
            logger.exception("knowledge base search failed for %r", query)
            articles = []
        if articles:
            lines = [MSG_ARTICLES]
            for article in articles:
                line = f"• [{article.title}]({article.url})" if article.url else f"• {article.title}"
                lines.append(f"{line} — {article.snippet}" if article.snippet else line)
            cards = [{"title": a.title, "url": a.url, "snippet": a.snippet} for a in articles]
            run.say("\n".join(lines), articles=cards)
        else:
            run.say(MSG_NO_ARTICLES)
        run.record(self.name, query, [a.title for a in articles], step=step.id)
        return run.next_of(step)

    def summary(self, step: Step) -> str:
        return f"KB search: {step.body} (top {step.top})"


KB = KbKind()
