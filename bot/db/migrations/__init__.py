"""Alembic migration environment for Frontline (driven programmatically by ``bot.db.migrate``)."""
