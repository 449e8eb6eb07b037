"""Questions shared by the answer-interpretation tests (shaped like the shipped flows' questions)."""

from __future__ import annotations

from bot.flows.understanding import Choice, Question

QUESTIONS = {
    "device": Question(
        "choice",
        (
            Choice("Laptop", "laptop", ("notebook", "macbook", "thinkpad")),
            Choice("Desktop", "desktop", ("tower", "workstation")),
            Choice("Monitor", "monitor", ("screen", "display")),
            Choice("Docking station", "docking_station", ("dock",)),
            Choice("Keyboard, mouse or headset", "peripheral", ("headphones", "webcam")),
        ),
    ),
    "location": Question(
        "choice",
        (
            Choice("In the office", "office", ("at work", "at the office", "on site", "hq")),
            Choice("At home", "home", ("home wifi", "working from home", "wfh", "my house", "home")),
            Choice("Somewhere else (hotel, café…)", "public", ("hotel", "cafe", "coffee shop", "airport", "train", "hotspot")),
        ),
    ),
    "platform": Question(
        "choice",
        (
            Choice("Windows PC", "windows", ("windows 10", "windows 11", "pc", "dell", "lenovo")),
            Choice("Mac", "mac", ("macbook", "macos", "imac", "os x")),
            Choice("Phone or tablet", "mobile", ("iphone", "ipad", "android", "mobile", "samsung", "pixel")),
        ),
    ),
    "hw_symptom": Question(
        "choice",
        (
            Choice("It won't power on", "no_power", ("dead", "won't turn on", "won't start", "no power", "won't boot")),
            Choice("It's damaged (cracked, dropped, liquid)", "damaged", ("cracked", "smashed", "spilled", "spilt", "broken screen", "dropped it")),
            Choice("A part or port has stopped working", "part_failed", ("usb", "port", "key", "keys", "hinge")),
            Choice("Overheating or noisy", "overheating", ("hot", "fan", "loud", "noise")),
        ),
    ),
    "client": Question(
        "choice",
        (
            Choice("GlobalProtect", "globalprotect", ("grey globe", "gray globe", "globe", "palo alto")),
            Choice("Cisco AnyConnect", "anyconnect", ("cisco", "secure client", "any connect")),
            Choice("Not sure", "unknown"),
        ),
        unsure="unknown",
    ),
    "wifi_symptom": Question(
        "choice",
        (
            Choice("Can't see or join the network", "cant_join"),
            Choice("Connected, but no internet", "no_internet"),
            Choice("It keeps dropping", "drops", ("disconnects", "cutting out", "drops out", "keeps disconnecting")),
        ),
    ),
    "others": Question("yes_no", unsure="no"),
    "restarted": Question("yes_no"),
    "fixed": Question("resolve"),
    "count": Question("number", minimum=1, maximum=2000),
    "asset": Question("regex", pattern=r"^[A-Za-z]{2,4}-?\d{4,6}$"),
    "path": Question("text"),
    "when": Question("text"),
    "printer": Question("text"),
    "software": Question("text", unsure="not sure"),
}

TOPICS = frozenset({
    "password_reset", "account_locked", "mfa_problem", "vpn_connection", "wifi_connectivity",
    "email_sync", "printer_problem", "slow_computer", "software_install", "app_error",
    "access_request", "hardware_failure",
})
