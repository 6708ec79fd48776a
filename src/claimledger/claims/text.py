"""Text plumbing for extraction: offset-preserving normalisation, paragraphs and sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

# One character in, one character out, so every offset in the normalised text is an offset in the original.
_SAME_LENGTH = str.maketrans(
    {
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ad": " ", "\u200b": " ", "\ufeff": " ",
    }
)


def normalise(text: str) -> str:
    """Fold the Unicode spaces, dashes and quotes news text uses into ASCII, keeping every offset."""
    return text.translate(_SAME_LENGTH)


@dataclass(frozen=True)
class Sentence:
    """A sentence with its offsets in the article text and the paragraph it belongs to."""

    start: int
    end: int
    text: str
    paragraph: str


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
# An end mark, then space, then something that can open a sentence; or a line break before a capital
# (headlines, captions and datelines carry no full stop; a wrapped line goes on in lower case).
_SENTENCE_END = re.compile(r"""(?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9])|[ \t]*\n\s*(?=["'(\[]?[A-Z])""")
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
            head = paragraph[cursor:end_match.start()]
            if "\n" not in end_match.group() and _ABBREVIATIONS.search(head.rstrip("\"')]")):
                continue
            found.extend(_trimmed(paragraph, cursor, end_match.start(), p_start))
            cursor = end_match.end()
        found.extend(_trimmed(paragraph, cursor, len(paragraph), p_start))
    return found


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each paragraph: the runs between blank lines."""
    spans, start = [], 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, text[start:gap.start()]))
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
