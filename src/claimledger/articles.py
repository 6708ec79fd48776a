"""Reading articles from disk: Markdown or text files, with optional YAML front matter."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import yaml

from claimledger.claims.extract import detect_date
from claimledger.claims.model import Article

ARTICLE_SUFFIXES = (".md", ".txt", ".markdown")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ArticleError(ValueError):
    """An article file that cannot be read: the message names the file (and line) and what is wrong."""


def article_paths(paths: list[Path]) -> list[Path]:
    """The article files named by the arguments: files as given, folders searched (sorted) for .md/.txt."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise ArticleError(f"{path}: no such file or folder")
    if not found:
        raise ArticleError(f"no article files (.md, .txt) in {', '.join(map(str, paths))}")
    return found


MAX_ARTICLE_BYTES = 2 * 1024 * 1024  # a long feature is 100 KB; 2 MB of "article" is a wrong file or a dump


def read_article(path: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """One article; its date from front matter `published`, else the first date in its text."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ArticleError(f"{path}: {size / 1e6:.1f} MB, above the {max_bytes / 1e6:.1f} MB limit for one article "
                           f"(split it, or check it is the file you meant)")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise ArticleError(f"{path}: binary file, not an article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{path}: not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start + 1]!r})") from exc
    meta, body = _split_front_matter(path, text)
    if not body.strip():
        raise ArticleError(f"{path}: the article has no text")
    article_id = str(meta.get("id") or path.stem)
    if not _SAFE_ID.match(article_id):
        raise ArticleError(f"{path}: article id {article_id!r} may hold only letters, digits, '.', '_' and '-'")
    published = _as_date(path, meta.get("published")) if "published" in meta else detect_date(body)
    return Article(
        id=article_id,
        text=body,
        title=str(meta.get("title", "")),
        publisher=str(meta.get("publisher", "")),
        url=str(meta.get("url", "")),
        published=published,
        path=str(path),
    )


def _split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    m = _FRONT_MATTER.match(text)
    if m is None:
        raise ArticleError(f"{path}:1: front matter opened with '---' is never closed")
    try:
        meta = yaml.safe_load(m.group("yaml")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise ArticleError(f"{path}:{line}: malformed front matter: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(meta, dict):
        raise ArticleError(f"{path}:2: front matter must be a mapping of keys to values")
    return meta, text[m.end():]


def _as_date(path: Path, value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ArticleError(f"{path}: front matter 'published' is {value!r}, expected a date like 2025-05-16") from exc


def recorded_article_file(home: Path, recorded_path: str | None) -> Path | None:
    """The article file the ledger recorded: a relative path is read from the project folder first, then as given;
    None when it is gone."""
    if not recorded_path:
        return None
    path = Path(recorded_path)
    for candidate in ((path,) if path.is_absolute() else (home / path, path)):
        if candidate.is_file():
            return candidate
    return None
