"""Plug-ins loaded by the Rasa server: the flow policy, stores and input channels.

Everything here is referenced by module path from config.yml, endpoints.yml and
credentials.yml, so it must import without side effects.
"""
