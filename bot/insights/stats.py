"""Small statistics helpers shared by the metrics (pure)."""

from __future__ import annotations

import math
from typing import Optional, Sequence


def rate(part: float, whole: float) -> Optional[float]:
    """``part / whole``, or None when there is nothing to divide (shown as "–", never 0%)."""
    return part / whole if whole else None


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The nearest-rank percentile ``q`` (0–100) of ``values``; None when empty.

    Nearest rank (the smallest value with at least q% of values at or below it) is what
    service-desk tools report, and it is always a value that actually occurred.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def change(current: Optional[float], previous: Optional[float]) -> Optional[float]:
    """The change from ``previous`` to ``current`` (absolute; None if either is unknown)."""
    if current is None or previous is None:
        return None
    return current - previous
