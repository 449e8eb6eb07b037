"""KB steps leave out articles written only for another platform than the person's."""

from __future__ import annotations

from bot.flows.runtime.fit import fits, platform_of
from bot.flows.runtime.ports import Article

FLOW = """\
flows:
  email_sync:
    description: Email problems
    triggers:
      - intent: email_sync
    steps:
      - id: ask_client
        ask: Where do you read your email?
        fill_from: [os, device_type, messages]
        save_as: email_client
        answer:
          type: choice
          options:
            - {label: "Outlook on Windows", value: outlook_windows, synonyms: [windows, pc]}
            - {label: "Outlook on Mac", value: outlook_mac, synonyms: [mac, macbook]}
            - {label: "Phone or tablet", value: mobile, synonyms: [iphone, android, phone]}
      - id: articles
        kb: "outlook not syncing"
        top: 2
      - id: fixed
        resolve: Syncing now?
"""

ARTICLES = [
    Article("Outlook desktop: repair the profile", "https://kb/desktop", products=("outlook", "windows")),
    Article("Outlook for Mac: rebuild the cache", "https://kb/mac", products=("outlook", "macos")),
    Article("Outlook app on your phone", "https://kb/mobile", products=("outlook", "ios", "android")),
    Article("How email sync works", "https://kb/general", products=("exchange-online",)),
]


def test_iphone_user_gets_no_desktop_outlook_articles(write_flow, make_chat, static_kb) -> None:
    write_flow("email_sync.yml", FLOW)
    chat = make_chat(kb=static_kb(ARTICLES))
    result = chat.send("outlook on my iphone won't sync", intent="email_sync", entities={"device_type": "phone"})
    text = "\n".join(m.text for m in result.messages)
    assert "https://kb/mobile" in text and "https://kb/general" in text
    assert "https://kb/desktop" not in text and "https://kb/mac" not in text


def test_without_a_platform_every_article_is_shown(write_flow, make_chat, static_kb) -> None:
    write_flow("email_sync.yml", FLOW)
    chat = make_chat(kb=static_kb(ARTICLES))
    chat.send("outlook won't sync", intent="email_sync")
    text = chat.click("outlook_windows").messages[0].text
    assert "https://kb/desktop" in text and "https://kb/mac" not in text


def test_platform_comes_from_answers_then_the_os_entity() -> None:
    assert platform_of({"email_client": "outlook_mac"}, {"os": "windows 11"}) == "macos"
    assert platform_of({"x": "office"}, {"os": "windows 11"}) == "windows"
    assert platform_of({}, {}) is None
    assert fits(("outlook",), "mobile") and not fits(("windows",), "mobile") and fits(("windows", "ios"), "mobile")


ANYCONNECT = Article("AnyConnect certificate error", "https://kb/anyconnect", products=("anyconnect", "windows"))
GLOBALPROTECT = Article("GlobalProtect keeps disconnecting", "https://kb/gp", products=("globalprotect", "teams"))
GENERAL = Article("VPN basics", "https://kb/vpn", products=("windows", "macos"))


def test_a_flow_kb_step_shows_the_anyconnect_article_first_for_an_anyconnect_user(write_flow, make_chat, static_kb) -> None:
    write_flow("vpn_connection.yml", VPN_FLOW)
    chat = make_chat(kb=static_kb([GLOBALPROTECT, GENERAL, ANYCONNECT]))
    chat.send("my vpn is broken", intent="vpn_connection")
    text = chat.click("anyconnect").messages[0].text
    assert "https://kb/anyconnect" in text and "https://kb/gp" not in text
    assert text.index("https://kb/anyconnect") < text.index("https://kb/vpn")


VPN_FLOW = """\
flows:
  vpn_connection:
    description: VPN problems
    triggers:
      - intent: vpn_connection
    steps:
      - id: ask_client
        ask: Which VPN client?
        save_as: vpn_client
        answer:
          type: choice
          options:
            - {label: GlobalProtect, value: globalprotect}
            - {label: Cisco AnyConnect, value: anyconnect}
      - id: articles
        kb: "vpn {vpn_client}"
        top: 2
      - id: fixed
        resolve: Working now?
"""
