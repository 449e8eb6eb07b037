"""Tickets beyond storage: priority rules, summaries, external sinks and their delivery outbox.

The SQL ticket store (:class:`bot.db.repositories.TicketStore`) is the source of truth; external
ticket systems receive copies of every ticket event through :mod:`bot.tickets.outbox`.
"""
