"""An article's text as the ledger recorded it, cut into plain runs and claim spans for highlighting."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from claimledger.articles import ArticleError, read_article, recorded_article_file
from claimledger.ledger.rows import RecordedArticle
from claimledger.settings import Settings


@dataclass(frozen=True)
class RecordedText:
    """The article body when the file still matches the ledger's sha256; otherwise why it cannot be shown."""

    text: str | None
    problem: str | None = None


@dataclass(frozen=True)
class Segment:
    """A run of article text; `claim` is set when the run is a claim's exact span."""

    text: str
    claim: dict | None = None


def article_file(settings: Settings, recorded_path: str | None) -> Path | None:
    """The article file the ledger recorded, in this project."""
    return recorded_article_file(settings.home, recorded_path)


def recorded_text(settings: Settings, article: RecordedArticle) -> RecordedText:
    """Re-read the article; claim offsets index its body, so a changed file is shown as a list, not highlighted."""
    path = article_file(settings, article.path)
    if path is None or not path.is_file():
        return RecordedText(None, f"The article file {article.path or '(no path recorded)'} is gone.")
    try:
        text = read_article(path).text
    except (ArticleError, OSError) as exc:
        return RecordedText(None, f"The article file can no longer be read: {exc}")
    if hashlib.sha256(text.encode()).hexdigest() != article.text_sha256:
        return RecordedText(
            None,
            f"The article file {path} has changed since it was checked "
            f"(its text no longer matches sha256 {article.text_sha256[:12]}).",
        )
    return RecordedText(text)


def segments(text: str, claims: list[dict]) -> list[Segment]:
    """Cut the text at claim spans (start/end offsets); a span overlapping an earlier one stays plain text."""
    out: list[Segment] = []
    position = 0
    for claim in sorted(claims, key=lambda c: (c["start"], c["end"])):
        start, end = claim["start"], claim["end"]
        if start < position or end > len(text) or start >= end:
            continue
        if start > position:
            out.append(Segment(text[position:start]))
        out.append(Segment(text[start:end], claim))
        position = end
    if position < len(text):
        out.append(Segment(text[position:]))
    return out
