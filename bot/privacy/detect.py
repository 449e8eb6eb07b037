"""Find personal data and secrets in free text with checked patterns (no model, no network).

Each detector returns :class:`Finding` spans. Patterns are anchored on what makes a value what it
is (a Luhn checksum for cards, ISO 13616 mod-97 for IBANs, octet ranges for IPv4, a known prefix for
API tokens) and refuse the look-alikes support chats are full of: error codes (``0x800CCC0E``),
version strings (``10.0.19045.3693``), dates, ticket references, asset tags and order numbers.
Why hand-written rather than Presidio: see docs/privacy.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Pattern, Sequence, Tuple

KINDS: Tuple[str, ...] = ("email", "phone", "card", "iban", "ip", "national_id", "password", "api_key")
SECRET_KINDS: Tuple[str, ...] = ("password", "api_key")
# When two findings overlap, the more specific kind wins (a card number is also a digit run).
# An IBAN holds Luhn-valid digit runs that look like Maestro cards, so it outranks cards.
PRIORITY = {kind: rank for rank, kind in enumerate(("api_key", "password", "iban", "card", "national_id", "email", "ip", "phone"))}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text: ``text[start:end]`` is of ``kind``."""

    kind: str
    start: int
    end: int
    value: str


# --- email -----------------------------------------------------------------------------------
_EMAIL = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-]|\.[A-Za-z0-9])"
)

# --- payment cards ---------------------------------------------------------------------------
_CARD = re.compile(r"(?<![\w.-])\d(?:[ -]?\d){12,60}(?![\w]|[.-]\d)")
# Issuer prefixes (IIN ranges) of the networks people actually paste: Visa, Mastercard, Amex,
# Discover, JCB, Diners, UnionPay, Maestro. A Luhn-valid number outside them is not a card.
_CARD_PREFIX = re.compile(r"^(4|5[1-5]|2[2-7]|3[47]|3[05689]|6011|64[4-9]|65|62|50|5[6-9]|6[37])")


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` passes the Luhn checksum (every payment card number does)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _cards(text: str) -> Iterable[Finding]:
    for match in _CARD.finditer(text):
        # Numbers typed one after another ("+44 20 7946 0958 4111 1111 1111 1111") form one run:
        # try every window of whole digit groups, longest first.
        groups = [(m.start(), m.end()) for m in re.finditer(r"\d+", match.group())]
        taken: List[Tuple[int, int]] = []
        for size in range(len(groups), 0, -1):
            for first in range(0, len(groups) - size + 1):
                start, end = groups[first][0], groups[first + size - 1][1]
                if any(start < t_end and end > t_start for t_start, t_end in taken):
                    continue
                value = match.group()[start:end]
                digits = re.sub(r"\D", "", value)
                if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn_ok(digits):
                    taken.append((start, end))
                    yield Finding("card", match.start() + start, match.start() + end, value)


# --- IBAN ------------------------------------------------------------------------------------
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")


def iban_ok(candidate: str) -> bool:
    """True when ``candidate`` (spaces allowed) passes the ISO 13616 mod-97 check."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def _ibans(text: str) -> Iterable[Finding]:
    for match in _IBAN.finditer(text):
        value = match.group()
        # The regex is greedy over spaces; trim trailing groups until the checksum holds.
        while value and not iban_ok(value):
            cut = value.rfind(" ")
            if cut < 15:
                value = ""
                break
            value = value[:cut]
        if value:
            yield Finding("iban", match.start(), match.start() + len(value), value)


# --- IP addresses ----------------------------------------------------------------------------
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?:/\d{{1,2}})?(?![\w]|\.\d)")
_IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}"
    r"|(?:[0-9A-Fa-f]{1,4}:){1,7}:|::(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})(?![\w:])"
)
# "version 1.2.3.4", "build 10.0.0.1", "v2.1.0.4": a dotted quad after these words is a version.
_VERSION_CONTEXT = re.compile(
    r"(?:\b(?:version|versions|ver|v|build|release|firmware|driver|update|patch|kb|edition|client|agent|"
    r"app|bios|release)\s*[:#=]?\s*|\bv)$",
    re.IGNORECASE,
)


def _ips(text: str) -> Iterable[Finding]:
    for match in _IPV4.finditer(text):
        if _VERSION_CONTEXT.search(text[max(0, match.start() - 20) : match.start()]):
            continue
        yield Finding("ip", match.start(), match.end(), match.group())
    for match in _IPV6.finditer(text):
        value = match.group()
        # Times (10:30), MACs and C++ scopes lack the shape; require at least one letter or 3 groups.
        if value.count(":") >= 2 and sum(1 for part in value.split(":") if part) >= 2:
            yield Finding("ip", match.start(), match.end(), value)


# --- phone numbers ---------------------------------------------------------------------------
_PHONE = re.compile(r"(?<![\w+/.#-])(?:\+|00)?\(?\d[\d ().-]{5,20}\d(?![\w/]|[.-]\d)")
# A date, possibly followed by a time ("2024-03-01 09:00"), is never a phone number.
_DATE_LIKE = re.compile(r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?!\d)")
# Groups of four digits only ("1111 2222 3333") are codes or card fragments, not phone numbers.
_FOUR_GROUPS = re.compile(r"^\d{4}(?:[ -]\d{4}){2,}$")
_PHONE_CONTEXT = re.compile(
    r"\b(?:call(?:ed)?|phone|tel|telephone|mobile|cell|number|no|nr|reach|ring|text|sms|whatsapp|fax|contact|"
    r"extension|ext|landline|desk|on)\b\W*(?:me|us|him|her|at|on|is|number|no|:)?\W*(?:is|at|on|:)?\W*$",
    re.IGNORECASE,
)
_NOT_PHONE_CONTEXT = re.compile(
    r"\b(?:order|invoice|ticket|ref|reference|case|serial|s/n|sn|asset|tag|po|build|version|ver|kb|id|"
    r"account|acct|tracking|incident|request|sku|part|model|error|code|pin|otp|port|room|employee|badge)\b"
    r"\W*(?:number|no|nr|id|#)?\W*(?:is|was|:)?\W*$",
    re.IGNORECASE,
)


def _phones(text: str) -> Iterable[Finding]:
    for match in _PHONE.finditer(text):
        value = match.group().rstrip(" .-(")
        if value.count("(") != value.count(")"):
            value = value.lstrip("(") if value.startswith("(") and ")" not in value else value
        digits = re.sub(r"\D", "", value)
        while len(digits) > 15 and re.search(r"[ -]\d+$", value):
            value = re.sub(r"[ -]+\d+$", "", value)  # a number typed right after the phone number
            digits = re.sub(r"\D", "", value)
        before = text[max(0, match.start() - 30) : match.start()]
        if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(value) or _FOUR_GROUPS.match(value):
            continue
        if _NOT_PHONE_CONTEXT.search(before):
            continue
        international = value.startswith("+") or value.startswith("00")
        separated = bool(re.search(r"[ ().-]", value))
        if "." in value and not international and not re.fullmatch(r"\(?\d{3}\)?\.\d{3}\.\d{4}", value):
            continue  # dotted runs are versions or amounts, except the US 555.123.4567 style
        if re.search(r"\d{1,3}:\d{2}", value):
            continue
        if international and len(digits) >= 8:
            pass
        elif separated and len(digits) >= 9:
            pass
        elif len(digits) >= 7 and _PHONE_CONTEXT.search(before):
            pass
        elif not separated and value.startswith("0") and len(digits) in (10, 11):
            pass
        else:
            continue
        start = match.start() + match.group().find(value)
        yield Finding("phone", start, start + len(value), value)


# --- secrets: API keys and tokens ------------------------------------------------------------
_TOKENS: Sequence[Pattern[str]] = (
    re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Za-z0-9])"),
    re.compile(r"(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,}"),
    re.compile(r"(?<![\w-])xapp-\d-[A-Za-z0-9-]{10,}"),
    re.compile(r"(?<![\w])gh[pousr]_[A-Za-z0-9]{30,}"),
    re.compile(r"(?<![\w])github_pat_[A-Za-z0-9_]{22,}"),
    re.compile(r"(?<![\w])glpat-[A-Za-z0-9_-]{20,}"),
    re.compile(r"(?<![\w])sk-(?:proj-)?[A-Za-z0-9_-]{20,}"),
    re.compile(r"(?<![\w])AIza[0-9A-Za-z_-]{35}"),
    re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"),
    re.compile(r"(?i)(?<=bearer )[A-Za-z0-9._~+/-]{16,}=*"),
)
# "api key: abc…", "token=…", "aws_secret_access_key = …": a long opaque value after a key word.
_KEYWORD_SECRET = re.compile(
    r"(?i)\b(?:api[ _-]?key|api[ _-]?token|access[ _-]?token|auth[ _-]?token|secret(?:[ _-]?key)?|"
    r"client[ _-]?secret|aws_secret_access_key|private[ _-]?key|token)\b\s*(?:is|was|=|:)?\s*[\"'`]?"
    r"(?P<value>[A-Za-z0-9/+_.=-]{16,})"
)


def _api_keys(text: str) -> Iterable[Finding]:
    for pattern in _TOKENS:
        for match in pattern.finditer(text):
            yield Finding("api_key", match.start(), match.end(), match.group())
    for match in _KEYWORD_SECRET.finditer(text):
        value = match.group("value")
        # An opaque token mixes letters and digits; "token expired" or a file path does not.
        if re.search(r"\d", value) and re.search(r"[A-Za-z]", value) and "/" not in value.strip("/")[:1]:
            yield Finding("api_key", match.start("value"), match.end("value"), value)


# --- secrets: passwords typed into the chat --------------------------------------------------
_PASSWORD = re.compile(
    r"(?i)\b(?:(?:my|the|new|old|current|temporary|temp|wifi|wi-fi|admin|account|vpn|email|windows|laptop)\s+)*"
    r"(?:password|passwort|passwd|pass ?word|pass ?phrase|passcode|pwd|pw|pass|pin)"
    r"(?:\s+(?:is|was|=|:|would be|should be|used to be|is now|now is|i (?:use|used|typed|tried|set) (?:is|was)?))?"
    r"\s*(?:[:=]|\bis\b|\bwas\b)?\s*(?P<q>[\"'`“‘]?)(?P<value>[^\s\"'`”’]{3,128})(?P=q)?"
)
# "I set my password to …", "password changed to …".
_PASSWORD_SET = re.compile(
    r"(?i)(?:\b(?:set|changed?|reset|updated?)\s+(?:my\s+|the\s+)?(?:\w+\s+)?(?:password|passwd|pw|pin)"
    r"|\b(?:password|passwd|pw|pin)\s+(?:was\s+|is\s+|has\s+been\s+)?(?:set|changed|reset|updated))"
    r"\s+(?:to|as)\s+[\"'`“‘]?(?P<value>[^\s\"'`”’]{3,128})"
)
# Words that follow "my password is" in complaints, not passwords.
_NOT_A_PASSWORD = frozenset(
    """
    expired expiring expire wrong incorrect invalid locked lock not no correct right too being still the a an
    case required changed change reset rejected working broken missing forgotten forgot fine ok okay
    definitely probably correct accepted denied blocked disabled same different new old saved stored
    there here it this that what which my your their our please and or but so if when for with about
    in on at to of from by as into after before up down out again also just only really very
    compromised leaked stolen known weak strong long short complex simple valid unknown required
    managed synced synchronised synchronized set sent emailed shared updated used useless
    see check ask below above attached usual unchanged vault policy field box prompt
    something default blank empty whatever
    """.split()
)


def _passwords(text: str) -> Iterable[Finding]:
    matches = list(_PASSWORD.finditer(text)) + list(_PASSWORD_SET.finditer(text))
    for match in matches:
        value = match.group("value").rstrip(".,;?)")
        intro = text[match.start() : match.start("value")]
        # "password: x", "password is x", "pw=x": a value must be introduced, not just follow the word.
        if match.re is _PASSWORD and not re.search(r"(?i)(?:\bis\b|\bwas\b|[:=]|\bnow\b|\bbe\b)\s*[\"'`“‘]?$", intro):
            continue
        word = value.lower()
        if len(value) < 3 or word in _NOT_A_PASSWORD:
            continue
        if value.isalpha() and value.islower() and word.endswith(("ed", "ing", "ly")):
            continue
        if re.fullmatch(r"(?i)sup-\d+|0x[0-9a-f]{8}", value):
            continue
        yield Finding("password", match.start("value"), match.start("value") + len(value), value)


# --- national identifiers (patterns from config/privacy.yml) ---------------------------------
def national_id_detector(patterns: Sequence[Pattern[str]]) -> Callable[[str], Iterable[Finding]]:
    """A detector for the configured national-ID patterns (the whole match is the value)."""

    def detect(text: str) -> Iterable[Finding]:
        for pattern in patterns:
            for match in pattern.finditer(text):
                group = "value" if "value" in pattern.groupindex else 0
                if match.group(group):
                    yield Finding("national_id", match.start(group), match.end(group), match.group(group))

    return detect


Detector = Callable[[str], Iterable[Finding]]
BUILTIN: Tuple[Tuple[str, Detector], ...] = (
    ("api_key", _api_keys),
    ("password", _passwords),
    ("card", _cards),
    ("iban", _ibans),
    ("email", lambda text: (Finding("email", m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text))),
    ("ip", _ips),
    ("phone", _phones),
)


def resolve_overlaps(findings: Iterable[Finding]) -> List[Finding]:
    """Keep the most specific finding where spans overlap; result sorted by position."""
    ordered = sorted(findings, key=lambda f: (PRIORITY.get(f.kind, 99), f.start, -(f.end - f.start)))
    kept: List[Finding] = []
    for finding in ordered:
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def detect(text: str, national_ids: Sequence[Pattern[str]] = (), kinds: Optional[Sequence[str]] = None) -> List[Finding]:
    """Every piece of personal data in ``text``, without overlaps, in reading order.

    Args:
        text: a message or any other free text.
        national_ids: compiled national-ID patterns (from the privacy policy).
        kinds: only these kinds (default: all).

    Returns:
        The findings, sorted by start offset.
    """
    if not text:
        return []
    wanted = set(kinds or KINDS)
    found: List[Finding] = []
    for kind, detector in BUILTIN:
        if kind in wanted:
            found.extend(detector(text))
    if "national_id" in wanted and national_ids:
        found.extend(national_id_detector(national_ids)(text))
    return resolve_overlaps(found)
