"""Frontline: a first-line technical-support assistant built on Rasa."""

__version__ = "0.1.0"
