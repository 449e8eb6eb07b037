"""Conversation tests (`frontline flows test`): scripted chats against a running bot, outside the flow runtime."""
