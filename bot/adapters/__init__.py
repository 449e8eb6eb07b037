"""Thin translations between Rasa's tracker/dispatcher and Frontline's domain objects."""
