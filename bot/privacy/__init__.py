"""Privacy: personal data redacted before storage, export and erasure on request, retention.

See docs/privacy.md. Modules: :mod:`detect` (finding personal data in text), :mod:`policy`
(what to do with each kind, from config/privacy.yml), :mod:`redact` (applying it to text and
JSON-like values), :mod:`storage` (hooks on our tables and Rasa's tracker store), :mod:`export`,
:mod:`erase`, :mod:`retention` and :mod:`cli`.
"""
