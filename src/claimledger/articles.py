"""Reading articles from disk: Markdown or text files, with optional YAML front matter."""

from __future__ import annotations

import re
import stat
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
            # Not only regular files: a dangling link or a FIFO named .md is an article that cannot be read, and
            # read_article says so, rather than the article silently missing from the run.
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES and not p.is_dir()))
        elif path.is_file() or path.is_symlink():
            found.append(path)
        else:
            raise ArticleError(f"{path}: no such file or folder")
    if not found:
        raise ArticleError(f"no article files (.md, .txt) in {', '.join(map(str, paths))}")
    return found


MAX_ARTICLE_BYTES = 2 * 1024 * 1024  # a long feature is 100 KB; 2 MB of "article" is a wrong file or a dump
MAX_FRONT_MATTER_BYTES = 16 * 1024  # a title, a date, a URL and a few more keys take well under 1 KB


def read_article(path: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """One article; its date from front matter `published`, else the first date in its text."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(f"{path}: not a regular file (a folder, device or pipe), not read")
        if info.st_size > max_bytes:
            raise ArticleError(
                f"{path}: {info.st_size / 1e6:.1f} MB, above the {max_bytes / 1e6:.1f} MB limit for "
                f"one article (split it, or check it is the file you meant)"
            )
        raw = path.read_bytes()
    except OSError as exc:  # a dangling link, a file gone or locked between listing and reading
        raise ArticleError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if b"\x00" in raw[:8192]:
        raise ArticleError(f"{path}: binary file, not an article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{path}: not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r})") from exc
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


class _AliasRefused(yaml.YAMLError):
    def __init__(self, anchor: str, mark: yaml.Mark):
        super().__init__(anchor)
        self.anchor, self.problem_mark = anchor, mark


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML was built with it


class _FrontMatterLoader(_SAFE_LOADER):  # type: ignore[misc,valid-type]
    """Safe YAML (libyaml's parser when there is one: the pure-Python one took most of reading an article). An
    impossible date ("2025-02-30") stays a string, for _as_date to name. Aliases are refused before loading (see
    _refuse_aliases)."""

    def construct_lenient_timestamp(self, node):
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


def _refuse_aliases(block: str) -> None:
    """Front matter without aliases: a 450-byte "billion laughs" of nested aliases expands to gigabytes, and front
    matter (a title, a date) never needs one. The events are read (cheap, nothing is built) before any loading."""
    for event in yaml.parse(block, Loader=_SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise _AliasRefused(event.anchor, event.start_mark)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_lenient_timestamp)


def _split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    m = _FRONT_MATTER.match(text)
    if m is None:
        raise ArticleError(f"{path}:1: front matter opened with '---' is never closed")
    block = m.group("yaml")
    if len(block.encode()) > MAX_FRONT_MATTER_BYTES:
        raise ArticleError(
            f"{path}:1: front matter is {len(block.encode()) / 1024:.0f} KB, above the "
            f"{MAX_FRONT_MATTER_BYTES // 1024} KB limit (it holds a title, a date, a URL), refused"
        )
    loader = None
    try:
        _refuse_aliases(block)
        loader = _FrontMatterLoader(block)  # a SafeLoader: what yaml.safe_load does, with the limits above
        meta = loader.get_single_data() or {}
    except _AliasRefused as exc:
        raise ArticleError(
            f"{path}:{exc.problem_mark.line + 2}: front matter uses YAML aliases (*{exc.anchor}), "
            f"refused: write the value out"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise ArticleError(f"{path}:{line}: malformed front matter: {getattr(exc, 'problem', exc)}") from exc
    except (ValueError, RecursionError) as exc:  # an integer of 5,000 digits; brackets nested thousands deep
        raise ArticleError(f"{path}:1: malformed front matter: {str(exc).splitlines()[0][:120]}") from exc
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(meta, dict):
        raise ArticleError(f"{path}:2: front matter must be a mapping of keys to values")
    return meta, text[m.end() :]


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
    for candidate in (path,) if path.is_absolute() else (home / path, path):
        if candidate.is_file():
            return candidate
    return None
