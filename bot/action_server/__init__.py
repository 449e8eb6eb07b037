"""The action server: rasa-sdk's executor with Frontline's actions and services wired in."""
