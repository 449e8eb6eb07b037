"""The dashboard's tables, derived from a report (pure): one definition serves the page and CSV.

Each table is ``{"title", "columns", "rows"}``; cells are numbers, strings or None. Rates are
fractions (0–1) in the data and percentages on the page; CSV keeps the fractions.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Dict, List

Table = Dict[str, Any]
OUTCOME_COLUMNS = ["conversations", "ended", "contained_resolved", "contained_left", "escalated", "abandoned",
                   "containment_rate", "escalation_rate", "abandonment_rate"]


def _outcome_row(key: str, block: Dict[str, Any]) -> List[Any]:
    o, r = block["outcomes"], block["rates"]
    return [key, block["conversations"], block["ended"], o["contained_resolved"], o["contained_left"], o["escalated"],
            o["abandoned"], r["containment"], r["escalation"], r["abandonment"]]


def build_tables(report: Dict[str, Any]) -> Dict[str, Table]:
    """Every table of the dashboard, by name (the name is the CSV's file name)."""
    s = report["summary"]
    tables: Dict[str, Table] = {}
    tables["headline"] = {
        "title": "Headline figures and change from the previous period",
        "columns": ["figure", "value", "previous", "change"],
        "rows": [[name, v["value"], v["previous"], v["change"]] for name, v in report["headline"].items()],
    }
    tables["outcomes"] = {
        "title": "Outcomes of ended conversations",
        "columns": ["outcome", "conversations", "rate"],
        "rows": [[name, n, (n / s["ended"]) if s["ended"] else None] for name, n in s["outcomes"].items()],
    }
    tables["escalation_reasons"] = {
        "title": "Escalations by reason",
        "columns": ["reason", "conversations", "rate"],
        "rows": [[name, v["count"], v["rate"]] for name, v in s["escalation_reasons"].items()],
    }
    tables["after_clarification"] = {
        "title": "What people did after a clarifying question",
        "columns": ["next", "times"],
        "rows": [[name, n] for name, n in s["after_clarification"].items()],
    }
    tables["channels"] = {
        "title": "By channel",
        "columns": ["channel", *OUTCOME_COLUMNS],
        "rows": [_outcome_row(name, block) for name, block in report["by_channel"].items()],
    }
    for period in ("day", "week"):
        rows = []
        previous = None
        for key, block in report["trends"][period].items():
            row = _outcome_row(key, block)
            change = None
            if previous is not None and block["rates"]["containment"] is not None and previous is not None:
                change = block["rates"]["containment"] - previous
            rows.append(row + [change])
            previous = block["rates"]["containment"]
        tables[f"trend_{period}"] = {
            "title": f"Per {period}",
            "columns": [period, *OUTCOME_COLUMNS, "containment_change"],
            "rows": rows,
        }
    tables["funnels"] = {
        "title": "Drop-off by flow step",
        "columns": ["flow", "step", "reached", "reached_rate", "left", "escalated", "cancelled", "resolved", "drop_off_rate"],
        "rows": [[f["flow"], st["step"], st["reached"], st["reached_rate"], st["left"], st["escalated"], st["cancelled"],
                  st["resolved"], st["drop_off_rate"]] for f in report["funnels"] for st in f["steps"]],
    }
    tables["kb_gaps"] = {
        "title": "Knowledge-base gaps (questions without a confident answer)",
        "columns": ["group", "times_asked", "examples"],
        "rows": [[g["label"], g["count"], " | ".join(g["examples"])] for g in report["kb"]["gaps"]],
    }
    c = report["csat"]
    tables["csat"] = {
        "title": "Satisfaction ratings (1–5)",
        "columns": ["rating", "count"],
        "rows": [[int(k), v] for k, v in c["distribution"].items()],
    }
    h = report["handoffs"]
    tables["handoffs"] = {
        "title": "Handoffs: time to first engineer reply and to resolution (seconds)",
        "columns": ["team", "handoffs", "claimed", "first_reply_p50", "first_reply_p90", "first_reply_p95",
                    "resolved", "resolution_p50", "resolution_p90", "resolution_p95"],
        "rows": [[team, b["handoffs"], b["claimed"], *b["first_reply_seconds"].values(), b["resolved"],
                  *b["resolution_seconds"].values()] for team, b in [("all", h["all"]), *h["by_team"].items()]],
    }
    t = report["tickets"]
    tables["tickets"] = {
        "title": "Tickets by team, priority, flow and channel",
        "columns": ["dimension", "value", "tickets"],
        "rows": [[dim, key, n] for dim in ("team", "priority", "flow", "channel") for key, n in t[f"by_{dim}"].items()],
    }
    tables["rising"] = {
        "title": "Rising problems (flows up at least 1.5× on the previous period)",
        "columns": ["flow", "measure", "previous", "current", "change"],
        "rows": [[r["flow"], r["measure"], r["previous"], r["current"], r["change"]] for r in report["rising"]],
    }
    return tables


def to_csv(table: Table) -> str:
    """A table as CSV (header row first; empty cells for unknown values)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table["columns"])
    for row in table["rows"]:
        writer.writerow(["" if cell is None else _safe(cell) for cell in row])
    return out.getvalue()


def _safe(cell: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (questions people typed end up here)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell
