"""Search every table of a Frontline database (Rasa's events included) for strings: the privacy
tests' way of proving that something is, or is not, stored anywhere."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Sequence, Tuple

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine


def every_string(engine: Engine) -> List[Tuple[str, Dict[str, Any]]]:
    """Every row of every table, as (table, row) with values rendered to strings."""
    rows: List[Tuple[str, Dict[str, Any]]] = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings():
                rows.append((table, {key: _render(value) for key, value in row.items()}))
    return rows


def _render(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def hits(engine: Engine, needles: Sequence[str]) -> List[Tuple[str, str, str]]:
    """(table, column, needle) for every stored value that contains one of ``needles``."""
    found = []
    for table, row in every_string(engine):
        for column, value in row.items():
            for needle in needles:
                if needle and needle in value:
                    found.append((table, column, needle))
    return found
