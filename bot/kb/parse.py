"""Read and validate article files: Markdown with a YAML front matter block.

An article looks like this (``kb/vpn-keeps-disconnecting.md``)::

    ---
    title: VPN keeps disconnecting
    tags: [vpn_connection, vpn, remote-work]
    products: [globalprotect, anyconnect]
    audience: everyone
    updated: 2024-10-02
    ---
    Short introduction ...

    ## Check your home connection
    ...

Every problem is reported with the file and line it concerns, and all problems of a folder are
collected before anything is written, so a content designer sees the whole list at once.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.kb.model import AUDIENCES, ArticleDoc, KbProblem

FRONT_MATTER_KEYS = ("title", "tags", "products", "audience", "updated")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9_.+-]*$")
HEADING_RE = re.compile(r"^(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
MAX_TITLE = 200
SKIPPED_NAMES = ("readme.md",)


def discover(folder: Path) -> List[Path]:
    """List the article files of ``folder``: every ``*.md`` below it, sorted.

    ``README.md`` files and files or folders whose name starts with ``_`` or ``.`` (templates,
    drafts) are skipped.

    Args:
        folder: the knowledge-base folder.

    Returns:
        Paths of the article files.
    """
    found = []
    for path in sorted(folder.rglob("*.md")):
        parts = path.relative_to(folder).parts
        if any(part.startswith(("_", ".")) for part in parts):
            continue
        if path.name.lower() in SKIPPED_NAMES:
            continue
        found.append(path)
    return found


def _split_front_matter(
    text: str, shown: str
) -> Tuple[Optional[str], int, Optional[KbProblem]]:
    """Split a file into front-matter text and the line where the body starts.

    Returns:
        ``(front_matter, body_line, problem)``; ``front_matter`` is None when there is a problem.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None, 1, KbProblem(
            shown,
            1,
            "missing front matter: the file must start with a '---' line, then "
            "title, tags, products, audience and updated, then another '---' line",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), index + 2, None
    return None, 1, KbProblem(shown, 1, "front matter is not closed: add a '---' line after it")


def _string_list(
    value: Any, key: str, shown: str, line: int, *, required: bool
) -> Tuple[Tuple[str, ...], List[KbProblem]]:
    """Validate a front-matter list of lower-case words (tags, products)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return (), [KbProblem(shown, line, f"'{key}' must be a list, e.g. {key}: [vpn, remote-work]")]
    items: List[str] = []
    problems: List[KbProblem] = []
    for item in value:
        if not isinstance(item, str) or not TAG_RE.match(item):
            problems.append(
                KbProblem(
                    shown,
                    line,
                    f"'{key}' item {item!r} must be a lower-case word "
                    "(letters, digits, - or _), e.g. globalprotect",
                )
            )
        else:
            items.append(item)
    if required and not value:
        problems.append(KbProblem(shown, line, f"'{key}' must list at least one {key[:-1]}"))
    if len(set(items)) != len(items):
        problems.append(KbProblem(shown, line, f"'{key}' lists the same value twice"))
    return tuple(items), problems


def _key_line(data: Any, key: str, offset: int) -> int:
    """File line of ``key`` in the front matter (ruamel keeps 0-based positions)."""
    try:
        return int(data.lc.key(key)[0]) + offset
    except (AttributeError, KeyError, TypeError):
        return offset


def _validate_front_matter(
    data: Any, shown: str, offset: int
) -> Tuple[Dict[str, Any], List[KbProblem]]:
    """Check keys, types and values of the parsed front matter."""
    if not isinstance(data, dict):
        return {}, [KbProblem(shown, offset, "front matter must be 'key: value' lines")]
    problems: List[KbProblem] = []
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            close = difflib.get_close_matches(str(key), FRONT_MATTER_KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                KbProblem(
                    shown,
                    _key_line(data, key, offset),
                    f"unknown front-matter key '{key}' (allowed: {', '.join(FRONT_MATTER_KEYS)}){hint}",
                )
            )
    for key in FRONT_MATTER_KEYS:
        if key not in data or data[key] is None:
            where = _key_line(data, key, offset) if key in data else offset - 1
            problems.append(KbProblem(shown, where, f"missing '{key}' in front matter"))
    values: Dict[str, Any] = {}

    title = data.get("title")
    if title is not None:
        line = _key_line(data, "title", offset)
        if not isinstance(title, str) or not title.strip():
            problems.append(KbProblem(shown, line, "'title' must be a non-empty text"))
        elif len(title) > MAX_TITLE:
            problems.append(KbProblem(shown, line, f"'title' is longer than {MAX_TITLE} characters"))
        else:
            values["title"] = " ".join(title.split())
    for key, required in (("tags", True), ("products", False)):
        if data.get(key) is not None:
            items, found = _string_list(
                data[key], key, shown, _key_line(data, key, offset), required=required
            )
            values[key] = items
            problems.extend(found)
    audience = data.get("audience")
    if audience is not None:
        if audience not in AUDIENCES:
            problems.append(
                KbProblem(
                    shown,
                    _key_line(data, "audience", offset),
                    f"'audience' must be one of {', '.join(AUDIENCES)} (got {audience!r})",
                )
            )
        else:
            values["audience"] = audience
    updated = data.get("updated")
    if updated is not None:
        parsed = _as_date(updated)
        if parsed is None:
            problems.append(
                KbProblem(
                    shown,
                    _key_line(data, "updated", offset),
                    f"'updated' must be a date like 2024-10-31 (got {updated!r})",
                )
            )
        else:
            values["updated"] = parsed
    return values, problems


def _as_date(value: Any) -> Optional[date]:
    """Accept a YAML date or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _check_body(body: str, body_line: int, shown: str) -> List[KbProblem]:
    """Check the Markdown body: some text, no empty headings, closed code fences."""
    problems: List[KbProblem] = []
    if not body.strip():
        return [KbProblem(shown, body_line, "the article has no text after the front matter")]
    in_fence = False
    fence_line = 0
    for number, line in enumerate(body.splitlines(), start=body_line):
        if FENCE_RE.match(line):
            in_fence = not in_fence
            fence_line = number
            continue
        if in_fence:
            continue
        match = HEADING_RE.match(line)
        if match and not (match.group(2) or "").strip():
            problems.append(KbProblem(shown, number, "empty heading: write the heading's text after the #"))
    if in_fence:
        problems.append(KbProblem(shown, fence_line, "code block is not closed (missing ```)"))
    return problems


def parse_article(raw: bytes, shown: str, slug: str) -> Tuple[Optional[ArticleDoc], List[KbProblem]]:
    """Parse and validate one article.

    Args:
        raw: the file's bytes.
        shown: the path to use in messages.
        slug: the file name without ``.md``.

    Returns:
        ``(article, problems)``; the article is None when there are problems.
    """
    problems: List[KbProblem] = []
    if not SLUG_RE.match(slug):
        problems.append(
            KbProblem(
                shown,
                1,
                "file name must be lower-case words joined by hyphens, e.g. "
                "vpn-keeps-disconnecting.md (it becomes the article's URL)",
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, problems + [KbProblem(shown, line, "the file is not valid UTF-8 text")]
    text = text.lstrip("\ufeff")
    front, body_line, problem = _split_front_matter(text, shown)
    if problem is not None:
        return None, problems + [problem]
    if front is None:  # pragma: no cover - _split_front_matter returns a problem then
        return None, problems
    try:
        data = YAML(typ="rt").load(front) if front.strip() else None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 2) if mark is not None else 2
        reason = exc.problem or exc.context or "invalid YAML"
        return None, problems + [KbProblem(shown, line, f"front matter is not valid YAML: {reason}")]
    except YAMLError as exc:
        return None, problems + [KbProblem(shown, 2, f"front matter is not valid YAML: {exc}")]
    if data is None:
        return None, problems + [KbProblem(shown, 1, "front matter is empty")]
    values, found = _validate_front_matter(data, shown, offset=2)
    problems.extend(found)
    body = "\n".join(text.splitlines()[body_line - 1 :])
    problems.extend(_check_body(body, body_line, shown))
    if problems:
        return None, problems
    return (
        ArticleDoc(
            slug=slug,
            path=shown,
            title=values["title"],
            tags=values["tags"],
            products=values["products"],
            audience=values["audience"],
            updated=values["updated"],
            body=body,
            body_line=body_line,
            raw=raw,
        ),
        [],
    )


def load_folder(folder: Path, shown_root: Optional[Path] = None) -> Tuple[List[ArticleDoc], List[KbProblem]]:
    """Parse and validate every article of ``folder``, including cross-file checks.

    Args:
        folder: the knowledge-base folder.
        shown_root: paths in messages are relative to this folder (default: the current
            directory when ``folder`` is inside it, else ``folder`` itself).

    Returns:
        ``(articles, problems)``; callers must not write anything when ``problems`` is non-empty.
    """
    if not folder.is_dir():
        return [], [KbProblem(str(folder), 0, "knowledge-base folder not found")]
    root = shown_root or _display_root(folder)
    articles: List[ArticleDoc] = []
    problems: List[KbProblem] = []
    for path in discover(folder):
        shown = _shown(path, root)
        doc, found = parse_article(path.read_bytes(), shown, path.stem)
        problems.extend(found)
        if doc is not None:
            articles.append(doc)
    problems.extend(_cross_checks(articles))
    if not articles and not problems:
        problems.append(KbProblem(str(folder), 0, "no articles found (expected *.md files)"))
    return articles, problems


def _cross_checks(articles: Sequence[ArticleDoc]) -> List[KbProblem]:
    """Slugs and titles must be unique across the folder."""
    problems: List[KbProblem] = []
    slugs: Dict[str, ArticleDoc] = {}
    titles: Dict[str, ArticleDoc] = {}
    for doc in articles:
        if doc.slug in slugs:
            problems.append(
                KbProblem(doc.path, 1, f"another article has the same file name: {slugs[doc.slug].path}")
            )
        slugs.setdefault(doc.slug, doc)
        key = doc.title.casefold()
        if key in titles:
            problems.append(
                KbProblem(doc.path, 2, f"title {doc.title!r} is already used by {titles[key].path}")
            )
        titles.setdefault(key, doc)
    return problems


def _display_root(folder: Path) -> Path:
    """Show paths relative to the working directory when possible (``kb/x.md``)."""
    cwd = Path.cwd().resolve()
    resolved = folder.resolve()
    return cwd if resolved == cwd or cwd in resolved.parents else resolved.parent


def _shown(path: Path, root: Path) -> str:
    """A path for messages, relative to ``root`` if possible."""
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def tags_as_text(values: Iterable[str]) -> str:
    """Turn tags/products into words for the search index (``vpn_connection`` → ``vpn connection``)."""
    return " ".join(re.sub(r"[_.+-]+", " ", value) for value in values)
