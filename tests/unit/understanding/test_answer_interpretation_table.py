"""A table of (question, message) → interpretation cases, as people really reply.

Each row: question key (see understanding_questions.QUESTIONS), the message, NLU's intent and
confidence (None when it does not matter), and the expected reading:

- ``("answer", value)`` or ``("answer", value, source)``
- ``("interrupt", kind)`` / ``("interrupt", kind, intent)`` for a different problem
- ``("hedge", kind)``
- ``("unclear", reason)``

The first block holds the failures quoted in issue #15; the rest are general cases written
apart from them.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import pytest
from understanding_questions import QUESTIONS, TOPICS

from bot.flows.understanding import Answer, Context, Hedge, Interruption, Message, Unclear, interpret

Row = Tuple[str, str, Optional[str], float, Tuple[Any, ...]]

QUOTED_FAILURES = [
    ("fixed", "sort of? one screen came back but the other is still black", None, 0.0, ("hedge", "partly")),
    ("fixed", "partly", "affirm", 0.7, ("hedge", "partly")),
    ("fixed", "ok give me a sec", "affirm", 0.8, ("hedge", "wait")),
    ("fixed", "it's NOT sorted", "affirm", 0.6, ("answer", False)),
    ("path", "I don't know the path. this is useless, get me a human", "request_human", 0.55, ("interrupt", "request_human")),
    ("when", "oh actually, I need Adobe Acrobat installed", "software_install", 0.93, ("interrupt", "other_problem", "software_install")),
    ("printer", "I already opened a ticket for this?? SUP-1004", "ticket_status", 0.6, ("interrupt", "ticket_status")),
    ("platform", "iphone", None, 0.0, ("answer", "mobile", "synonym")),
    ("platform", "the first one", None, 0.0, ("answer", "windows", "ordinal")),
    ("client", "the grey globe one i think", None, 0.0, ("answer", "globalprotect", "synonym")),
    ("hw_symptom", "the screen is cracked, I told you", None, 0.0, ("answer", "damaged", "synonym")),
    ("fixed", "that worked, thanks!", "thanks", 0.9, ("answer", True)),
    ("location", "home, as I said in my first message", None, 0.0, ("answer", "home")),
]

RESOLVE = [
    ("fixed", "yes", "affirm", 0.99, ("answer", True, "typed")),
    ("fixed", "Yes!", None, 0.0, ("answer", True)),
    ("fixed", "yep", None, 0.0, ("answer", True)),
    ("fixed", "yeah that did it", None, 0.0, ("answer", True)),
    ("fixed", "it works now", None, 0.0, ("answer", True)),
    ("fixed", "working again, cheers", None, 0.0, ("answer", True)),
    ("fixed", "all good now", None, 0.0, ("answer", True)),
    ("fixed", "perfect, I'm back online", None, 0.0, ("answer", True)),
    ("fixed", "thanks", "thanks", 0.95, ("answer", True)),
    ("fixed", "thank you so much", "thanks", 0.95, ("answer", True)),
    ("fixed", "thanks, bye", "goodbye", 0.7, ("answer", True)),
    ("fixed", "bye", "goodbye", 0.9, ("interrupt", "goodbye")),
    ("fixed", "the error is gone", None, 0.0, ("answer", True)),
    ("fixed", "it doesn't crash anymore", None, 0.0, ("answer", True)),
    ("fixed", "no", "deny", 0.99, ("answer", False)),
    ("fixed", "nope", None, 0.0, ("answer", False)),
    ("fixed", "nah still broken", None, 0.0, ("answer", False)),
    ("fixed", "still the same", None, 0.0, ("answer", False)),
    ("fixed", "didn't work", None, 0.0, ("answer", False)),
    ("fixed", "it's still not working", None, 0.0, ("answer", False)),
    ("fixed", "same error as before", None, 0.0, ("answer", False)),
    ("fixed", "no luck unfortunately", None, 0.0, ("answer", False)),
    ("fixed", "nothing changed", None, 0.0, ("answer", False)),
    ("fixed", "it's not fixed", None, 0.0, ("answer", False)),
    ("fixed", "no, I still can't connect", None, 0.0, ("answer", False)),
    ("fixed", "yeah no it still drops", None, 0.0, ("answer", False)),
    ("fixed", "not really", None, 0.0, ("answer", False)),
    ("fixed", "sort of", None, 0.0, ("hedge", "partly")),
    ("fixed", "kinda", None, 0.0, ("hedge", "partly")),
    ("fixed", "partially - email works, teams doesn't", None, 0.0, ("hedge", "partly")),
    ("fixed", "a bit better but still slow", None, 0.0, ("hedge", "partly")),
    ("fixed", "yes but only on wifi, not on the cable", None, 0.0, ("hedge", "partly")),
    ("fixed", "mostly", None, 0.0, ("hedge", "partly")),
    ("fixed", "not completely", None, 0.0, ("hedge", "partly")),
    ("fixed", "it works sometimes", None, 0.0, ("hedge", "partly")),
    ("fixed", "not yet", None, 0.0, ("hedge", "not_yet")),
    ("fixed", "haven't tried yet", None, 0.0, ("hedge", "not_yet")),
    ("fixed", "nope, not yet", None, 0.0, ("hedge", "not_yet")),
    ("fixed", "still restarting", None, 0.0, ("hedge", "not_yet")),
    ("fixed", "give me a minute", None, 0.0, ("hedge", "wait")),
    ("fixed", "hang on", None, 0.0, ("hedge", "wait")),
    ("fixed", "let me try that", "affirm", 0.6, ("hedge", "wait")),
    ("fixed", "ok, trying now", "affirm", 0.7, ("hedge", "wait")),
    ("fixed", "one sec, rebooting", None, 0.0, ("hedge", "wait")),
    ("fixed", "brb", None, 0.0, ("hedge", "wait")),
    ("fixed", "okay I'll try it", "affirm", 0.9, ("hedge", "wait")),
    ("fixed", "not sure", None, 0.0, ("hedge", "unsure")),
    ("fixed", "i don't know how to tell", None, 0.0, ("hedge", "unsure")),
    ("fixed", "maybe?", None, 0.0, ("hedge", "unsure")),
    ("fixed", "talk to a human", "request_human", 0.98, ("interrupt", "request_human")),
    ("fixed", "this is useless", None, 0.0, ("interrupt", "request_human")),
    ("fixed", "can you mark it urgent", "mark_urgent", 0.9, ("interrupt", "mark_urgent")),
    ("fixed", "how long will that take?", "ask_eta", 0.9, ("interrupt", "ask_eta")),
    ("fixed", "start over", "start_over", 0.95, ("interrupt", "start_over")),
    ("fixed", "cancel", "cancel", 0.95, ("interrupt", "cancel")),
    ("fixed", "purple", None, 0.0, ("unclear", "not_yes_no")),
    ("fixed", "it worked for a bit then stopped again", None, 0.0, ("answer", False)),
    ("fixed", "connected now", None, 0.0, ("answer", True)),
    ("fixed", "it's syncing again!", None, 0.0, ("answer", True)),
    ("fixed", "it opens now but it's really slow", None, 0.0, ("hedge", "partly")),
    ("fixed", "seems fine now", None, 0.0, ("answer", True)),
    ("fixed", "too early to tell", None, 0.0, ("hedge", "unsure")),
    ("fixed", "heading over to the printer, will let you know", None, 0.0, ("hedge", "wait")),
]

YES_NO = [
    ("restarted", "yes", None, 0.0, ("answer", True)),
    ("restarted", "yes I did, twice", None, 0.0, ("answer", True)),
    ("restarted", "yup this morning", None, 0.0, ("answer", True)),
    ("restarted", "of course", None, 0.0, ("answer", True)),
    ("restarted", "no", None, 0.0, ("answer", False)),
    ("restarted", "not yet", None, 0.0, ("answer", False)),
    ("restarted", "no I haven't", None, 0.0, ("answer", False)),
    ("restarted", "nah", None, 0.0, ("answer", False)),
    ("restarted", "give me a sec, doing it now", None, 0.0, ("hedge", "wait")),
    ("restarted", "let me try", None, 0.0, ("hedge", "wait")),
    ("restarted", "kind of, it's still updating", None, 0.0, ("answer", False)),
    ("restarted", "sort of", None, 0.0, ("hedge", "partly")),
    ("restarted", "I don't know", None, 0.0, ("hedge", "unsure")),
    ("restarted", "definitely", None, 0.0, ("answer", True)),
    ("restarted", "sure did", None, 0.0, ("answer", True)),
    ("restarted", "yes obviously, I told you", None, 0.0, ("answer", True)),
    ("restarted", "I want to talk to someone", "request_human", 0.9, ("interrupt", "request_human")),
    ("restarted", "never mind, forget it", "cancel", 0.9, ("interrupt", "cancel")),
    ("restarted", "no thanks", None, 0.0, ("answer", False)),
    ("restarted", "hmm", None, 0.0, ("unclear", "not_yes_no")),
    ("restarted", "yeah", "affirm", 0.9, ("answer", True)),
    ("restarted", "ya", None, 0.0, ("answer", True)),
    ("restarted", "yess", None, 0.0, ("answer", True)),
    ("restarted", "correct", None, 0.0, ("answer", True)),
    ("restarted", "uh, i think so?", None, 0.0, ("hedge", "unsure")),
    ("others", "not sure", None, 0.0, ("answer", False, "unsure")),
    ("others", "no idea tbh", None, 0.0, ("answer", False, "unsure")),
    ("others", "yes, the whole floor", None, 0.0, ("answer", True)),
    ("others", "nope just me", None, 0.0, ("answer", False)),
    ("others", "i think it's only me", None, 0.0, ("answer", False)),
    ("others", "I'm working alone today", "deny", 0.6, ("answer", False, "intent")),
    ("others", "yeah a few of us", None, 0.0, ("answer", True)),
    ("others", "my printer is also broken", "printer_problem", 0.97, ("interrupt", "other_problem", "printer_problem")),
    ("others", "what's the status of SUP-1042?", "ticket_status", 0.9, ("interrupt", "ticket_status")),
    ("others", "bye", "goodbye", 0.95, ("interrupt", "goodbye")),
    ("others", "thanks", "thanks", 0.95, ("interrupt", "thanks")),
]

CHOICES = [
    ("device", "laptop", None, 0.0, ("answer", "laptop", "typed")),
    ("device", "Laptop", None, 0.0, ("answer", "laptop", "typed")),
    ("device", "my laptop", None, 0.0, ("answer", "laptop", "synonym")),
    ("device", "it's the laptop", None, 0.0, ("answer", "laptop")),
    ("device", "the lenovo laptop they gave me", None, 0.0, ("answer", "laptop")),
    ("device", "lapotp", None, 0.0, ("answer", "laptop", "fuzzy")),
    ("device", "moniter", None, 0.0, ("answer", "monitor", "fuzzy")),
    ("device", "the external screen", None, 0.0, ("answer", "monitor", "synonym")),
    ("device", "my dock", None, 0.0, ("answer", "docking_station", "synonym")),
    ("device", "docking station", None, 0.0, ("answer", "docking_station", "typed")),
    ("device", "the docking thing", None, 0.0, ("answer", "docking_station", "label_words")),
    ("device", "mouse", None, 0.0, ("answer", "peripheral", "label_words")),
    ("device", "my wireless headset", None, 0.0, ("answer", "peripheral")),
    ("device", "2", None, 0.0, ("answer", "desktop", "ordinal")),
    ("device", "the second one", None, 0.0, ("answer", "desktop", "ordinal")),
    ("device", "last one", None, 0.0, ("answer", "peripheral", "ordinal")),
    ("device", "option 3", None, 0.0, ("answer", "monitor", "ordinal")),
    ("device", "3rd", None, 0.0, ("answer", "monitor", "ordinal")),
    ("device", "first", None, 0.0, ("answer", "laptop", "ordinal")),
    ("device", "9", None, 0.0, ("unclear", "no_match")),
    ("device", "the laptop, not the monitor", None, 0.0, ("answer", "laptop")),
    ("device", "laptop and monitor", None, 0.0, ("unclear", "ambiguous")),
    ("device", "a toaster", None, 0.0, ("unclear", "no_match")),
    ("device", "laptop", "hardware_failure", 0.9, ("answer", "laptop")),
    ("device", "get me a person", "request_human", 0.95, ("interrupt", "request_human")),
    ("device", "cancel", "cancel", 0.9, ("interrupt", "cancel")),
    ("device", "can we start again", "start_over", 0.9, ("interrupt", "start_over")),
    ("device", "it's a thinkpad", None, 0.0, ("answer", "laptop", "synonym")),
    ("device", "work laptop", "hardware_failure", 0.8, ("answer", "laptop")),
    ("device", "desktop pc under my desk", None, 0.0, ("answer", "desktop")),
    ("location", "home", None, 0.0, ("answer", "home")),
    ("location", "at home", None, 0.0, ("answer", "home", "typed")),
    ("location", "wfh today", None, 0.0, ("answer", "home", "synonym")),
    ("location", "working from home", None, 0.0, ("answer", "home", "synonym")),
    ("location", "in the office on floor 3", None, 0.0, ("answer", "office")),
    ("location", "office", None, 0.0, ("answer", "office")),
    ("location", "at work", None, 0.0, ("answer", "office", "synonym")),
    ("location", "in a hotel in berlin", None, 0.0, ("answer", "public")),
    ("location", "airport lounge", None, 0.0, ("answer", "public")),
    ("location", "a coffee shop", None, 0.0, ("answer", "public")),
    ("location", "cafe", None, 0.0, ("answer", "public")),
    ("location", "not at home, in the office", None, 0.0, ("answer", "office")),
    ("location", "3", None, 0.0, ("answer", "public", "ordinal")),
    ("location", "the middle one", None, 0.0, ("answer", "home", "ordinal")),
    ("location", "somewhere else", None, 0.0, ("answer", "public")),
    ("location", "on the moon", None, 0.0, ("unclear", "no_match")),
    ("location", "at home on my own wifi", None, 0.0, ("answer", "home")),
    ("location", "I told you, at home", None, 0.0, ("answer", "home")),
    ("location", "ofice", None, 0.0, ("answer", "office", "fuzzy")),
    ("location", "my house", None, 0.0, ("answer", "home", "synonym")),
    ("location", "this is ridiculous, just get someone to call me", None, 0.0, ("interrupt", "request_human")),
    ("platform", "Windows", None, 0.0, ("answer", "windows")),
    ("platform", "windows 11", "app_error", 0.4, ("answer", "windows")),
    ("platform", "windwos 10", None, 0.0, ("answer", "windows", "fuzzy")),
    ("platform", "a dell pc", None, 0.0, ("answer", "windows", "synonym")),
    ("platform", "mac", None, 0.0, ("answer", "mac", "typed")),
    ("platform", "macbook pro", None, 0.0, ("answer", "mac", "synonym")),
    ("platform", "MacBook Air M2", None, 0.0, ("answer", "mac")),
    ("platform", "my iPhone", None, 0.0, ("answer", "mobile", "synonym")),
    ("platform", "ipad", None, 0.0, ("answer", "mobile")),
    ("platform", "android phone", None, 0.0, ("answer", "mobile")),
    ("platform", "on my phone", None, 0.0, ("answer", "mobile", "label_words")),
    ("platform", "samsung galaxy", None, 0.0, ("answer", "mobile")),
    ("platform", "tablet", None, 0.0, ("answer", "mobile", "label_words")),
    ("platform", "phone", None, 0.0, ("answer", "mobile")),
    ("platform", "the third", None, 0.0, ("answer", "mobile", "ordinal")),
    ("platform", "the last option", None, 0.0, ("answer", "mobile", "ordinal")),
    ("platform", "the apple one", None, 0.0, ("unclear", "no_match")),
    ("platform", "it's on my phone", "email_sync", 0.85, ("answer", "mobile")),
    ("platform", "macos", {"os": "macos"}, 0.0, ("answer", "mac")),
    ("hw_symptom", "it won't turn on", None, 0.0, ("answer", "no_power")),
    ("hw_symptom", "completely dead", None, 0.0, ("answer", "no_power", "synonym")),
    ("hw_symptom", "it won't even turn on", None, 0.0, ("answer", "no_power", "synonym")),
    ("hw_symptom", "won't boot at all", None, 0.0, ("answer", "no_power")),
    ("hw_symptom", "I spilled coffee on it", None, 0.0, ("answer", "damaged", "synonym")),
    ("hw_symptom", "dropped it down the stairs", None, 0.0, ("answer", "damaged")),
    ("hw_symptom", "cracked screen", None, 0.0, ("answer", "damaged")),
    ("hw_symptom", "smashed", None, 0.0, ("answer", "damaged")),
    ("hw_symptom", "the usb ports stopped working", None, 0.0, ("answer", "part_failed")),
    ("hw_symptom", "the hinge broke", None, 0.0, ("answer", "part_failed")),
    ("hw_symptom", "fan is super loud", None, 0.0, ("answer", "overheating", "synonym")),
    ("hw_symptom", "it's dead and the screen is cracked", None, 0.0, ("unclear", "ambiguous")),
    ("hw_symptom", "it gets really hot", None, 0.0, ("answer", "overheating")),
    ("hw_symptom", "overheating", None, 0.0, ("answer", "overheating")),
    ("hw_symptom", "its damaged", None, 0.0, ("answer", "damaged")),
    ("hw_symptom", "2", None, 0.0, ("answer", "damaged", "ordinal")),
    ("hw_symptom", "some keys don't work", None, 0.0, ("answer", "part_failed")),
    ("client", "GlobalProtect", None, 0.0, ("answer", "globalprotect", "typed")),
    ("client", "global protect", None, 0.0, ("answer", "globalprotect")),
    ("client", "globalprotect", {"app_name": "globalprotect"}, 0.0, ("answer", "globalprotect")),
    ("client", "the cisco one", None, 0.0, ("answer", "anyconnect", "synonym")),
    ("client", "anyconnect", None, 0.0, ("answer", "anyconnect")),
    ("client", "any connect", None, 0.0, ("answer", "anyconnect")),
    ("client", "anyconect", None, 0.0, ("answer", "anyconnect", "fuzzy")),
    ("client", "the globe icon", None, 0.0, ("answer", "globalprotect", "synonym")),
    ("client", "not sure", None, 0.0, ("answer", "unknown")),
    ("client", "no idea which one", None, 0.0, ("answer", "unknown", "unsure")),
    ("client", "dunno", None, 0.0, ("answer", "unknown", "unsure")),
    ("client", "I don't know, whatever IT installed", None, 0.0, ("answer", "unknown", "unsure")),
    ("client", "the first one", None, 0.0, ("answer", "globalprotect", "ordinal")),
    ("client", "it's the palo alto thing", None, 0.0, ("answer", "globalprotect")),
    ("client", "cisco secure client", None, 0.0, ("answer", "anyconnect")),
    ("wifi_symptom", "it keeps dropping", None, 0.0, ("answer", "drops", "typed")),
    ("wifi_symptom", "cutting out every 20 minutes", None, 0.0, ("answer", "drops", "synonym")),
    ("wifi_symptom", "connected but there's no internet", None, 0.0, ("answer", "no_internet", "synonym")),
    ("wifi_symptom", "says connected, but pages won't load", None, 0.0, ("answer", "no_internet", "label_words")),
    ("wifi_symptom", "I can't even see the network", None, 0.0, ("answer", "cant_join")),
    ("wifi_symptom", "it disconnects all the time", None, 0.0, ("answer", "drops")),
    ("wifi_symptom", "the second", None, 0.0, ("answer", "no_internet", "ordinal")),
    ("wifi_symptom", "network not showing so can't join", None, 0.0, ("answer", "cant_join")),
    ("wifi_symptom", "no internet", None, 0.0, ("answer", "no_internet")),
    ("wifi_symptom", "it's slow", None, 0.0, ("unclear", "no_match")),
    ("wifi_symptom", "also my vpn is broken", "vpn_connection", 0.9, ("interrupt", "other_problem", "vpn_connection")),
]

VALUES = [
    ("count", "5", None, 0.0, ("answer", 5, "typed")),
    ("count", "about 20", None, 0.0, ("answer", 20, "found_in_text")),
    ("count", "roughly 15 people", None, 0.0, ("answer", 15)),
    ("count", "five", None, 0.0, ("answer", 5)),
    ("count", "a dozen maybe", None, 0.0, ("answer", 12)),
    ("count", "the whole team, like 30", None, 0.0, ("answer", 30)),
    ("count", "0", None, 0.0, ("unclear", "out_of_range")),
    ("count", "5000", None, 0.0, ("unclear", "out_of_range")),
    ("count", "lots", None, 0.0, ("unclear", "not_a_number")),
    ("count", "no idea", None, 0.0, ("unclear", "unsure")),
    ("count", "just me", None, 0.0, ("answer", 1)),
    ("count", "get me a human", "request_human", 0.9, ("interrupt", "request_human")),
    ("count", "cancel", "cancel", 0.95, ("interrupt", "cancel")),
    ("count", "10-15", None, 0.0, ("answer", 10)),
    ("asset", "LT-104233", None, 0.0, ("answer", "LT-104233", "typed")),
    ("asset", "lt104233", None, 0.0, ("answer", "lt104233")),
    ("asset", "it's LT-104233", None, 0.0, ("answer", "LT-104233", "found_in_text")),
    ("asset", "the sticker says MON-55210.", None, 0.0, ("answer", "MON-55210", "found_in_text")),
    ("asset", "LT 104233", None, 0.0, ("unclear", "bad_format")),
    ("asset", "I can't find it", None, 0.0, ("unclear", "bad_format")),
    ("asset", "I already opened a ticket SUP-1004", None, 0.0, ("interrupt", "ticket_status")),
    ("asset", "what's the status of my ticket?", "ticket_status", 0.9, ("interrupt", "ticket_status")),
    ("asset", "don't know", None, 0.0, ("unclear", "unsure")),
    ("asset", "this is taking forever, can i talk to someone", "request_human", 0.7, ("interrupt", "request_human")),
    ("asset", "LT-104233 thanks", None, 0.0, ("answer", "LT-104233")),
    ("path", "\\\\fs01\\finance\\reports", None, 0.0, ("answer", "\\\\fs01\\finance\\reports", "typed")),
    ("path", "S: drive, the finance share", "access_request", 0.6, ("answer", "S: drive, the finance share")),
    ("path", "no clue, it's the one everyone uses", None, 0.0, ("answer", "no clue, it's the one everyone uses")),
    ("path", "get me a human", "request_human", 0.4, ("interrupt", "request_human")),
    ("path", "can I speak to a real person please", "request_human", 0.95, ("interrupt", "request_human")),
    ("path", "forget it", "cancel", 0.7, ("interrupt", "cancel")),
    ("path", "let's start over", "start_over", 0.9, ("interrupt", "start_over")),
    ("path", "can you add this to my ticket SUP-1010", "ticket_add_info", 0.9, ("interrupt", "ticket_add_info")),
    ("path", "finance", "request_human", 0.3, ("answer", "finance")),
    ("path", "thanks", "thanks", 0.95, ("interrupt", "thanks")),
    ("path", "thanks, bye", "goodbye", 0.9, ("interrupt", "goodbye")),
    ("when", "yesterday morning", None, 0.0, ("answer", "yesterday morning")),
    ("when", "I restarted it an hour ago", "slow_computer", 0.6, ("answer", "I restarted it an hour ago")),
    ("when", "never", None, 0.0, ("answer", "never")),
    ("when", "this morning, it's urgent I have a client call", None, 0.0, ("interrupt", "mark_urgent")),
    ("when", "is there a phone number I can call?", "ask_phone", 0.9, ("interrupt", "ask_phone")),
    ("when", "how long will this take?", None, 0.0, ("interrupt", "ask_eta")),
    ("when", "also my printer is offline", "printer_problem", 0.85, ("interrupt", "other_problem", "printer_problem")),
    ("when", "my outlook is not syncing either btw", "email_sync", 0.7, ("interrupt", "other_problem", "email_sync")),
    ("when", "the VPN keeps dropping when I restart", "vpn_connection", 0.7, ("answer", "the VPN keeps dropping when I restart")),
    ("printer", "HP LaserJet on floor 2", "printer_problem", 0.9, ("answer", "HP LaserJet on floor 2")),
    ("printer", "PRN-FL3-01", None, 0.0, ("answer", "PRN-FL3-01")),
    ("printer", "the big one by the kitchen", None, 0.0, ("answer", "the big one by the kitchen")),
    ("printer", "any update on SUP-1042?", None, 0.0, ("interrupt", "ticket_status")),
    ("printer", "I need a human, this bot isn't helping", "request_human", 0.6, ("interrupt", "request_human")),
    ("printer", "oh and I need Visio installed as well", "software_install", 0.8, ("interrupt", "other_problem", "software_install")),
    ("software", "Adobe Acrobat Pro", None, 0.0, ("answer", "Adobe Acrobat Pro")),
    ("software", "not sure what it's called", None, 0.0, ("answer", "not sure", "unsure")),
    ("software", "Visio please", "software_install", 0.9, ("answer", "Visio please")),
    ("software", "never mind", "cancel", 0.9, ("interrupt", "cancel")),
    ("software", "can you make it high priority", "mark_urgent", 0.8, ("interrupt", "mark_urgent")),
    ("software", "", None, 0.0, ("unclear", "empty")),
]

# Failures of the first run of tests/conversations/messy_people.yml (#15 part 5), and their kin:
# questions asked back are not answers, a correction picks the later option, and a negation
# reaches only what it governs.
PEOPLE_IN_GENERAL = [
    ("printer", "where do I find the name?", None, 0.0, ("unclear", "question")),
    ("printer", "sorry, what do you mean by name?", None, 0.0, ("unclear", "question")),
    ("asset", "where's that?", None, 0.0, ("unclear", "question")),
    ("asset", "what's an asset tag", "inform", 0.6, ("unclear", "question")),
    ("asset", "where's that? oh found it, LT-204511", None, 0.0, ("answer", "LT-204511")),
    ("client", "how do i tell which one i have?", None, 0.0, ("unclear", "question")),
    ("client", "which one should i pick", None, 0.0, ("unclear", "question")),
    ("restarted", "what does that mean?", None, 0.0, ("unclear", "question")),
    ("count", "how would I know that?", None, 0.0, ("unclear", "question")),
    ("path", "I don't know where to find it", None, 0.0, ("unclear", "question")),
    ("platform", "windows - no wait, sorry, it's a mac", None, 0.0, ("answer", "mac", "synonym")),
    ("client", "cisco i think? actually no, it's the grey globe one", None, 0.0, ("answer", "globalprotect", "synonym")),
    ("device", "the monitor, I mean the dock", None, 0.0, ("answer", "docking_station", "synonym")),
    ("location", "at home, sorry", None, 0.0, ("answer", "home")),
    ("location", "the wifi isn't working in the office", None, 0.0, ("answer", "office", "synonym")),
    ("location", "I'm not really at home today", None, 0.0, ("unclear", "no_match")),
    ("platform", "not on my iphone, on the pc", None, 0.0, ("answer", "windows", "synonym")),
    ("others", "yse", None, 0.0, ("answer", True, "fuzzy")),
    ("restarted", "yesss", None, 0.0, ("answer", True)),
    ("restarted", "noo", None, 0.0, ("answer", False)),
    ("others", "yeah i think so, the guy next to me cant get on either", None, 0.0, ("answer", True)),
    ("others", "yes - nobody on this floor can connect", None, 0.0, ("answer", True)),
    ("others", "yeah, no, it's just me", None, 0.0, ("answer", False)),
    ("fixed", "yes, it still drops though", None, 0.0, ("answer", False)),
]

ROWS = QUOTED_FAILURES + RESOLVE + YES_NO + CHOICES + VALUES + PEOPLE_IN_GENERAL


def _message(text: str, intent: Any, confidence: float) -> Message:
    """A Message; an intent given as a dict is the message's entities instead."""
    if isinstance(intent, dict):
        return Message(text=text, entities=intent)
    return Message(text=text, intent=intent, confidence=confidence)


def _context(key: str) -> Context:
    active = {"printer": "printer_problem", "path": "access_request", "when": "slow_computer", "asset": "hardware_failure",
              "device": "hardware_failure", "hw_symptom": "hardware_failure", "software": "software_install",
              "client": "vpn_connection", "wifi_symptom": "wifi_connectivity", "location": "wifi_connectivity",
              "others": "wifi_connectivity", "platform": "email_sync"}.get(key, "")
    return Context(topic_intents=TOPICS, active_topics=frozenset({active}) if active else frozenset())


def test_table_has_at_least_200_cases() -> None:
    assert len(ROWS) >= 200


@pytest.mark.parametrize(("key", "text", "intent", "confidence", "expected"), ROWS, ids=[f"{r[0]}:{r[1][:40]}" for r in ROWS])
def test_reply_is_interpreted_as_people_mean_it(key: str, text: str, intent: Any, confidence: float, expected: Tuple[Any, ...]) -> None:
    got = interpret(QUESTIONS[key], _message(text, intent, confidence), _context(key))
    kind = expected[0]
    if kind == "answer":
        assert isinstance(got, Answer), got
        assert got.value == expected[1], got
        if len(expected) > 2:
            assert got.source == expected[2], got
    elif kind == "interrupt":
        assert isinstance(got, Interruption), got
        assert got.kind == expected[1], got
        if len(expected) > 2:
            assert got.intent == expected[2], got
    elif kind == "hedge":
        assert isinstance(got, Hedge), got
        assert got.kind == expected[1], got
    else:
        assert isinstance(got, Unclear), got
        assert got.reason == expected[1], got


def test_hedges_are_never_yes_on_a_resolution_question() -> None:
    for row in RESOLVE + QUOTED_FAILURES:
        if row[0] == "fixed" and row[4][0] == "hedge":
            got = interpret(QUESTIONS["fixed"], Message(row[1], "affirm", 0.99))
            assert not (isinstance(got, Answer) and got.value is True), (row[1], got)


def test_button_click_answers_even_when_the_text_looks_like_an_interruption() -> None:
    got = interpret(QUESTIONS["device"], Message("/flow_answer", "flow_answer", 1.0, button="monitor"))
    assert got == Answer("monitor", "button", "Monitor")


def test_stale_button_from_another_question_is_unclear() -> None:
    got = interpret(QUESTIONS["device"], Message("", button="home"))
    assert isinstance(got, Unclear)


def test_resolve_buttons_partly_and_not_yet_are_hedges() -> None:
    assert interpret(QUESTIONS["fixed"], Message("", button="partly")) == Hedge("partly")
    assert interpret(QUESTIONS["fixed"], Message("", button="not_yet")) == Hedge("not_yet")


def _counts() -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for row in ROWS:
        counts[row[4][0]] = counts.get(row[4][0], 0) + 1
    return counts


def test_table_covers_every_kind_of_reading() -> None:
    assert all(_counts().get(kind, 0) >= 15 for kind in ("answer", "interrupt", "hedge", "unclear"))
