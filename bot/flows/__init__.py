"""Troubleshooting flows, split by role.

- :mod:`bot.flows.model` — the flow model, turns, answers, the expression language, trail entries;
- :mod:`bot.flows.kinds` — one module per step kind and the registry every per-kind table comes from;
- :mod:`bot.flows.loading` — YAML files to the model, the generated JSON Schema, hot reload;
- :mod:`bot.flows.runtime` — the engine that runs flows turn by turn;
- :mod:`bot.flows.lint` — ``frontline flows lint``;
- :mod:`bot.flows.diagrams` — ``frontline flows graph`` (Mermaid and SVG).

Dependencies point one way: ``model`` ← ``kinds`` ← ``loading``, ``runtime`` ← ``lint`` ←
``diagrams``. Conversation tests live outside, in :mod:`bot.flowtests`.
"""
