"""Text plumbing for extraction: offset-preserving normalisation, paragraphs and sentences."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import NamedTuple

# One character in, one character out, so every offset in the normalised text is an offset in the original.
_SAME_LENGTH = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ad": " ",
        "\u200b": " ",
        "\ufeff": " ",
        "\u066c": ",",  # the Arabic thousands separator
    }
)


# Zero-width characters inside a number ("52\u200b000", "2\u200b024"): not there for a reader, so not for the figure
# reader either. After a separator only before a whole group, so "2024,\u200b52" stays a year and a figure.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_IN_NUMBER = re.compile(
    rf"(?<=\d)[{_ZERO_WIDTH}]+(?=[,.\u066c]?[{_ZERO_WIDTH}]*\d)"
    rf"|(?:(?<=\d[,.\u066c])|(?<=[{_ZERO_WIDTH}][,.\u066c]))[{_ZERO_WIDTH}]+(?=\d{{3}}(?!\d))"
)


@dataclass(frozen=True)
class Compacted:
    """Text with the zero-width characters inside numbers taken out, and the way back to offsets in the original."""

    text: str
    runs: tuple[int, ...] = ()  # where each removed run stood, as an offset in `text`
    removed: tuple[int, ...] = ()  # characters removed up to and including each run

    def original(self, position: int) -> int:
        """The offset in the original text of the character at `position` of `text`."""
        k = bisect_right(self.runs, position)
        return position + (self.removed[k - 1] if k else 0)

    def original_end(self, end: int) -> int:
        """The original offset just past a span that ends (exclusive) at `end`."""
        return self.original(end - 1) + 1 if end > 0 else 0


def without_zero_width_in_numbers(text: str) -> Compacted:
    """The text with zero-width characters inside numbers removed (most texts have none: returned as is)."""
    if text.isascii() or not any(c in text for c in _ZERO_WIDTH):
        return Compacted(text)
    pieces, runs, removed, cursor, total = [], [], [], 0, 0
    for m in _ZERO_WIDTH_IN_NUMBER.finditer(text):
        pieces.append(text[cursor : m.start()])
        runs.append(m.start() - total)
        total += m.end() - m.start()
        removed.append(total)
        cursor = m.end()
    pieces.append(text[cursor:])
    return Compacted("".join(pieces), tuple(runs), tuple(removed))


def normalise(text: str) -> str:
    """Fold the Unicode spaces, dashes and quotes news text uses into ASCII, keeping every offset."""
    if text.isascii():  # nothing to fold, and translate() looks up every character
        return text
    return text.translate(_SAME_LENGTH)


class Sentence(NamedTuple):  # built once per sentence: a NamedTuple costs a third of a frozen dataclass to build
    """A sentence with its offsets in the article text and the paragraph it belongs to."""

    start: int
    end: int
    text: str
    paragraph: str


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
# An end mark, then space, then something that can open a sentence; or a line break before a capital
# (headlines, captions and datelines carry no full stop; a wrapped line goes on in lower case). Either way the end
# starts with a space, a quote or a bracket: that first character is matched first (the search skips every other
# position at once), and the look-behinds after it say which of the two it is:
# (?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9])|[ \t]*\n\s*(?=["'(\[]?[A-Z]), as the same matches.
_SENTENCE_END = re.compile(
    r"""[\s"')\]](?:(?<=[.!?]["')\]])["')\]]*\s+(?=["'(\[]?[A-Z0-9])|(?<=[.!?]\s)\s*(?=["'(\[]?[A-Z0-9])"""
    r"""|(?<=[ \t])[ \t]*\n\s*(?=["'(\[]?[A-Z])|(?<=\n)\s*(?=["'(\[]?[A-Z]))"""
)
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Capt|Sgt|Rep|Sen|Gov|St|Jr|Sr|No|Nos|Vol|Fig|vs|etc|Inc|Ltd|Co|Corp|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|est)\.|\b(?:[A-Z]\.){1,3}|\b[ap]\.m\.)$"
)


def sentences(text: str) -> list[Sentence]:
    """Split normalised text into sentences; blank lines always end one, single line breaks never do."""
    found: list[Sentence] = []
    for p_start, paragraph in _paragraphs(text):
        cursor = 0
        for end_match in _SENTENCE_END.finditer(paragraph):
            # Only the end of the sentence so far can be an abbreviation: searching all of it would make a run of
            # "Dr. Dr. Dr." cost the square of its length.
            end = end_match.start()
            if "\n" not in end_match.group() and _ABBREVIATIONS.search(paragraph, max(cursor, end - 16), end):
                continue
            found.extend(_trimmed(paragraph, cursor, end_match.start(), p_start))
            cursor = end_match.end()
        found.extend(_trimmed(paragraph, cursor, len(paragraph), p_start))
    return found


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each paragraph: the runs between blank lines."""
    spans, start = [], 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, text[start : gap.start()]))
        start = gap.end()
    spans.append((start, text[start:]))
    return [(offset, paragraph) for offset, paragraph in spans if paragraph.strip()]


def _trimmed(paragraph: str, start: int, end: int, offset: int) -> list[Sentence]:
    chunk = paragraph[start:end]
    stripped = chunk.strip()
    if not stripped:
        return []
    lead = len(chunk) - len(chunk.lstrip())
    s = offset + start + lead
    return [Sentence(start=s, end=s + len(stripped), text=stripped, paragraph=paragraph)]


def nearest(spans: list[tuple[int, str]], position: int) -> str | None:
    """The label of the span starting nearest to position (the earlier one on a tie); spans sorted by start."""
    i = bisect_left(spans, position, key=lambda span: span[0])
    candidates = [span for span in spans[max(0, i - 1) : i + 1]]
    if not candidates:
        return None
    return min(candidates, key=lambda span: abs(span[0] - position))[1]
