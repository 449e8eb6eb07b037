"""How many new tickets one person (and one network address) may open per hour.

Test traffic alone once pushed a flow's tickets to "urgent (many people, same problem)"; a
script could fill the engineers' queue. Updates to a person's open ticket for the same problem
are never limited (the duplicate guard turns them into notes); only new tickets count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.security.limits import RateLimiter, make_limiter

HOUR = 3600.0
# An office behind one NAT address shares it: allow several people's tickets per address.
PER_ADDRESS_FACTOR = 4


@dataclass
class TicketLimits:
    """Per-requester and per-address limits on new tickets.

    Args:
        per_requester: limiter keyed by requester id.
        per_address: limiter keyed by the channel's opaque client-address hash.
    """

    per_requester: RateLimiter
    per_address: RateLimiter

    def allow_new(self, requester_id: str, client_key: Optional[str]) -> bool:
        """Count one new ticket; False if the requester or their address is over the limit."""
        ok = self.per_requester.hit(requester_id)
        if client_key:
            ok = self.per_address.hit(client_key) and ok
        return ok


def build_ticket_limits(store_url: Optional[str], per_hour: int, prefix: str = "frontline:tickets") -> TicketLimits:
    """Limits from the settings (Redis-backed when ``store_url`` is a redis:// URL)."""
    return TicketLimits(
        make_limiter(store_url, f"{prefix}:requester", per_hour, HOUR),
        make_limiter(store_url, f"{prefix}:address", per_hour * PER_ADDRESS_FACTOR, HOUR),
    )


def too_many_tickets(support_contact: str) -> str:
    """The reply when no new ticket may be opened now."""
    return (
        "You've opened several tickets in the last hour, so I can't open another one right now — "
        "the engineers already have your earlier ones. Ask me \"what's the status of my tickets?\" "
        f"to see them, or if this is urgent, contact {support_contact} directly."
    )
