"""Composition: builds services from resolved :class:`bot.config.Settings`.

Only the composition roots call this package, once per process:

- the CLI (:mod:`bot.cli`), which reads the settings for every subcommand;
- the action server (:mod:`bot.action_server`), which builds
  :class:`bot.action_server.services.Services` for the actions;
- the Rasa server's plug-ins (:mod:`bot.rasa_ext`; the Slack channel builds the engineers'
  handoff listeners with :func:`bot.wiring.handoff.build_rasa_handoff`).

Domain packages (``bot.tickets``, ``bot.handoff``, ``bot.escalation``, ``bot.kb``, ``bot.slack``,
``bot.flows``, ``bot.db``) never import it (``tests/unit/core/test_package_dependencies.py``).
"""
