"""Hardening: who someone is (identity), what they may send (limits), and how user text is made
safe for other surfaces (escape). See docs/security.md for the threat model."""
