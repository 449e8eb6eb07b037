"""Flow step kinds: one module per kind (say, ask, kb, action, escalate, resolve, link, call).

Each module defines the kind's typed body and a :class:`~bot.flows.kinds.base.StepKind` that says
how it is parsed, run, drawn and summarised; :mod:`bot.flows.kinds.registry` holds them and every
per-kind table is derived from there.
"""
