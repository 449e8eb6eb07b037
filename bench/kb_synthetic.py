"""Deterministic synthetic knowledge-base articles, to benchmark search at 10,000 articles.

The generated articles are plausible IT-support distractors: products, symptoms, error codes and
fixes drawn from the same vocabulary as real support articles ("Jira: sign-in loops back to the
start page", "Citrix Workspace: error 1030 after the update"), so they compete with the real
articles on the same words rather than being random noise. Each has an introduction and one
section (two passages). The same seed always produces byte-identical files, so re-ingesting them
hits the embedding cache.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import List

PRODUCTS = [
    "Jira", "Confluence", "Tableau", "Workday", "Concur", "DocuSign", "Webex", "Slack", "Visio",
    "Power BI", "AutoCAD", "Citrix Workspace", "ServiceNow", "Okta Verify", "Adobe Acrobat",
    "Adobe Photoshop", "Zoom Rooms", "Miro", "Figma", "Dropbox", "Box Drive", "Google Chrome",
    "Firefox", "Safari", "Microsoft Edge", "OneNote", "PowerPoint", "Word", "Access", "Project",
    "SharePoint Designer", "Dynamics 365", "Oracle EBS", "Sage", "Xero", "QuickBooks",
    "MATLAB", "RStudio", "Python", "Visual Studio Code", "Git", "Docker Desktop", "Postman",
    "Notepad++", "7-Zip", "VLC", "Snagit", "Camtasia", "Lucidchart", "Smartsheet", "Asana",
    "Trello", "Monday.com", "Zendesk", "Freshdesk", "HubSpot", "Marketo", "Mailchimp",
    "Bloomberg Terminal", "Reuters Eikon", "FactSet", "SPSS", "Stata", "ArcGIS", "SolidWorks",
    "Revit", "SketchUp", "Jabra Direct", "Poly Lens", "Logitech Options", "Dell Command Update",
    "Lenovo Vantage", "HP Support Assistant", "Cisco Jabber", "RingCentral", "8x8 Work",
    "Genesys Cloud", "Five9", "Epic", "Cerner", "Veeva", "Coupa", "Ariba", "Kronos", "BambooHR",
    "Greenhouse", "LinkedIn Learning", "Cornerstone", "Moodle", "Blackboard", "Canvas",
    "Teams Rooms", "Surface Hub", "Apple TV", "Chromecast", "Yealink phone", "Zebra scanner",
    "Brother label printer", "Canon plotter", "Epson projector", "Wacom tablet",
]

SYMPTOMS = [
    ("crashes on start", "closes immediately after the splash screen"),
    ("sign-in loops back to the start page", "returns to the sign-in page after every attempt"),
    ("licence expired message", "shows a licence expired banner and opens read-only"),
    ("is very slow to open files", "takes minutes to open even small files"),
    ("won't sync", "stops syncing changes between devices"),
    ("update fails", "fails to install the latest update"),
    ("shows a blank window", "opens a blank or white window"),
    ("can't connect to the server", "reports that the server cannot be reached"),
    ("freezes during calls", "freezes while a call or meeting is running"),
    ("printing produces garbled pages", "prints pages full of random characters"),
    ("export to PDF fails", "fails when exporting or saving as PDF"),
    ("add-in missing", "no longer shows its add-in or plug-in"),
    ("notifications not showing", "stops showing notifications"),
    ("asks for a password repeatedly", "keeps prompting for credentials"),
    ("certificate error", "warns about an untrusted or expired certificate"),
    ("high CPU usage", "keeps the processor busy and the fan loud"),
    ("data not refreshing", "shows stale data that never refreshes"),
    ("permission denied when saving", "refuses to save with a permission error"),
    ("missing after migration", "disappeared from the Start menu after the laptop migration"),
    ("keyboard shortcuts stopped working", "ignores its usual keyboard shortcuts"),
    ("audio is choppy", "plays choppy or robotic audio"),
    ("camera not detected", "does not detect the camera"),
    ("fonts look blurry", "shows blurry text on external monitors"),
    ("cannot open attachments", "refuses to open attachments"),
    ("calendar integration broken", "no longer shows calendar events"),
    ("search returns nothing", "returns no results for searches that used to work"),
    ("timeout during upload", "times out while uploading files"),
    ("language changed unexpectedly", "switched its interface to another language"),
    ("dark mode display glitches", "draws unreadable text in dark mode"),
    ("proxy error", "reports a proxy authentication error"),
]

FIXES = [
    "Close the app completely and start it again.",
    "Sign out, clear the app's cached data, and sign back in with your company account.",
    "Check that you are on the office network or connected to the VPN.",
    "Install the latest version from Software Center or Self Service.",
    "Restart your computer so pending updates can finish.",
    "Remove the saved credentials from Credential Manager and sign in again.",
    "Reset the app's settings from its Help menu.",
    "Try the web version to see whether the problem is on your computer.",
    "Disable recently added add-ins or plug-ins and re-enable them one by one.",
    "Make sure your computer's date and time are set automatically.",
    "Move the files to a local folder, work on them, and copy them back.",
    "Ask your team's licence owner to reassign your licence.",
    "Check the service status page for a known incident.",
    "Update the device driver through Windows Update.",
    "Switch the display scaling back to 100% and sign out and in.",
]

AUDIENCES = ["everyone", "staff", "managers", "contractors", "it-staff"]
SECTIONS = ["How to fix it", "Workaround", "Before you call us", "Steps", "If that doesn't help"]


def _slug(text: str) -> str:
    """File-name form of ``text``."""
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def article_text(index: int, rng: random.Random) -> str:
    """One synthetic article (front matter and Markdown body)."""
    product = rng.choice(PRODUCTS)
    symptom, description = rng.choice(SYMPTOMS)
    code = rng.choice([f"error {rng.randint(1000, 9999)}", f"0x8{rng.randint(0, 0xFFFFFFF):07X}", f"E{rng.randint(100, 9999)}", ""])
    fixes = rng.sample(FIXES, 3)
    title = f"{product}: {symptom}" + (f" ({code})" if code else "") + f" [KB{index:05d}]"
    tag = _slug(product)
    body = (
        f"Some users report that {product} {description}"
        + (f", sometimes with {code}" if code else "")
        + f". It was first seen after the {rng.choice(['spring', 'summer', 'autumn', 'winter'])} "
        f"release and affects {rng.choice(['Windows', 'macOS', 'both Windows and macOS'])} devices.\n\n"
        f"## {rng.choice(SECTIONS)}\n\n"
        f"1. {fixes[0]}\n2. {fixes[1]}\n3. {fixes[2]}\n\n"
        f"If {product} still {description.split(' ', 1)[1] if ' ' in description else description}, "
        f"contact the service desk with the version number.\n"
    )
    return (
        "---\n"
        f"title: \"{title}\"\n"
        f"tags: [synthetic, {tag}]\n"
        f"products: [{tag}]\n"
        f"audience: {rng.choice(AUDIENCES)}\n"
        f"updated: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
        "---\n"
        f"{body}"
    )


def write_synthetic(folder: Path, count: int, seed: int = 8) -> List[Path]:
    """Write ``count`` synthetic articles to ``folder`` (files that already match are left alone).

    Args:
        folder: destination folder (created if needed).
        count: how many articles.
        seed: random seed; the same seed gives the same files.

    Returns:
        The written paths.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        text = article_text(index, rng)
        path = folder / f"syn-{index:05d}.md"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        paths.append(path)
    keep = set(paths)
    for stale in folder.glob("syn-*.md"):
        if stale not in keep:
            stale.unlink()
    return paths
