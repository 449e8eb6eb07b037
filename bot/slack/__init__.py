"""Frontline's Slack app: a Rasa input/output channel built on slack-bolt.

Modules, one concept each:

- ``config``: the channel's options (from the credentials block ``frontline run`` writes).
- ``credentials``: that runtime credentials block and the environment it references.
- ``mrkdwn``: Markdown → Slack mrkdwn.
- ``blocks``: Rasa bot messages → Block Kit (buttons, KB article sections, chosen answers).
- ``events``: Slack events and button clicks → who said what in which conversation.
- ``dedupe``: "have we handled this already?" (event ids, clicks, threads) in our database.
- ``client``: Web API calls that retry on rate limits and outages and never raise.
- ``users``: Slack user id → display name, cached.
- ``app``: the slack-bolt ``AsyncApp`` with Frontline's listeners (one code path for both modes).
- ``channel``: the thin Rasa ``InputChannel``/``OutputChannel`` adapter mounted in Rasa's server.
"""
