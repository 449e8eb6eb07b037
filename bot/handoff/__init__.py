"""Live handoff of a conversation to an engineer: state machine, support hours, and the ports
to the engineers' desk (Slack) and back to the user (Rasa's HTTP API)."""
