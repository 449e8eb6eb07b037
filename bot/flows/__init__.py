"""Scripted troubleshooting flows: file format, loader, engine, linter and diagram."""
