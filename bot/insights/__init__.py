"""Support insights: what the bot solves, where people give up, what the knowledge base lacks.

Modules, by concept:

- :mod:`.tracker_events`: Rasa's tracker-store ``events`` table, read-only.
- :mod:`.conversations`: pure — splits one sender's events into conversations and classifies each.
- :mod:`.rollup`: incremental rollup of ``events`` into ``insights_conversations``/``insights_steps``.
- :mod:`.queries`: the dashboard's SQL (2.0-style SQLAlchemy), one function per figure.
- :mod:`.report`: assembles every figure for a period and filters, with the previous period.
- :mod:`.gaps`: groups unanswered knowledge-base questions by similarity (TF-IDF).
- :mod:`.digest`: the weekly Block Kit digest for the engineers' Slack channel.
- :mod:`.auth`, :mod:`.web`: the dashboard at ``/insights/`` and its login.

docs/insights.md defines every metric.
"""
