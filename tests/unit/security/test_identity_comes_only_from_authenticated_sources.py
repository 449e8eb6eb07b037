"""Who someone is comes from what a channel verified, never from what the client said."""

from __future__ import annotations

from bot.security.identity import (
    SessionIssuer,
    requester,
    rest_conversation,
    trusted_metadata,
    user_hash,
    valid_raw_sender,
    verify_user,
    web_conversation,
)
from bot.tickets.priority import requester_keys

SLACK_META = {"slack": {"team": "T1", "user": "U0ALICE", "display_name": "Alice"}}


def test_channels_have_separate_namespaces_so_rest_cannot_name_a_slack_conversation() -> None:
    assert rest_conversation("slack:T1:U0ALICE") == "rest:slack:T1:U0ALICE"
    assert web_conversation("abc") == "web:abc"
    assert not rest_conversation("slack:T1:U0ALICE").startswith("slack:")


def test_slack_identity_in_metadata_counts_only_in_a_slack_conversation() -> None:
    assert requester("slack:T1:U0ALICE", SLACK_META).id == "slack:T1:U0ALICE"
    assert requester("slack:T1:U0ALICE", SLACK_META).name == "Alice"
    forged = requester("rest:mallory", SLACK_META)
    assert (forged.id, forged.name, forged.verified) == ("rest:mallory", None, False)
    assert requester("web:s1", SLACK_META).id == "web:s1"


def test_display_name_from_client_metadata_is_ignored() -> None:
    who = requester("rest:x", {"display_name": "ceo@example.com", "frontline": {"channel": "rest"}})
    assert who.name is None and who.id == "rest:x"


def test_rest_sender_that_looks_like_a_vip_address_does_not_match_the_vip_list() -> None:
    assert "ceo@example.com" not in requester_keys("rest:ceo@example.com")
    assert "ceo@example.com" in requester_keys("user:ceo@example.com")
    assert "U0BOSS" in requester_keys("slack:T1:U0BOSS")


def test_widget_identity_is_verified_only_with_the_right_hmac() -> None:
    secret = "s3cret"
    good = user_hash(secret, "alice@example.com")
    assert verify_user(secret, "alice@example.com", good) == "alice@example.com"
    assert verify_user(secret, "alice@example.com", good.upper()) == "alice@example.com"
    assert verify_user(secret, "bob@example.com", good) is None
    assert verify_user(None, "alice@example.com", good) is None  # no secret: nobody is verified
    assert verify_user(secret, "alice@example.com", None) is None
    assert verify_user(secret, ["alice"], good) is None


def test_verified_widget_user_becomes_a_user_requester_only_through_trusted_metadata() -> None:
    meta = trusted_metadata("socketio", verified_user="alice@example.com")
    who = requester("web:s1", meta)
    assert (who.id, who.verified) == ("user:alice@example.com", True)
    assert requester("web:s1", {"verified_user": "alice@example.com"}).id == "web:s1"


def test_widget_sessions_are_issued_by_the_server_and_cannot_be_made_up() -> None:
    issuer = SessionIssuer("key-1")
    issued = issuer.issue()
    assert issuer.valid(issued) and issued != issuer.issue()
    assert SessionIssuer("key-1").valid(issued)  # a restart with the same key resumes it
    assert not SessionIssuer("key-2").valid(issued)
    assert not issuer.valid("0123456789abcdef")
    assert not issuer.valid(issued[:-1] + ("0" if issued[-1] != "0" else "1"))
    assert not issuer.valid(None)


def test_rest_senders_must_be_short_printable_strings() -> None:
    assert valid_raw_sender("alice")
    for bad in (None, "", "   ", 42, "a" * 129, "a/b", "tab\there", ["x"]):
        assert not valid_raw_sender(bad), bad


def test_a_verified_email_comes_only_from_slack_metadata_in_slack_or_a_verified_widget_id() -> None:
    slack = {"slack": {"team": "T1", "user": "U0GRACE", "email": "Grace@Example.com"}}
    assert requester("slack:T1:U0GRACE", slack).email == "grace@example.com"
    assert requester("rest:x", slack).email is None  # Slack metadata elsewhere is the client's
    assert requester("web:s1", trusted_metadata("socketio", verified_user="Grace@example.com")).email == "grace@example.com"
    assert requester("web:s1", trusted_metadata("socketio", verified_user="emp-1042")).email is None  # not an address
    assert requester("web:s1", {"frontline": {"channel": "socketio"}, "email": "grace@example.com"}).email is None
    assert requester("slack:T1:U0GRACE", {"slack": {"team": "T1", "user": "U0GRACE", "email": "not an address"}}).email is None
