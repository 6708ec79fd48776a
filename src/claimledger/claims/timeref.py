"""Time in text: the period a sentence ties a figure to ("in 2024", "since October 2023", "last month"), and the
article's own date when front matter gives none."""

from __future__ import annotations

import re
from datetime import date

from claimledger.claims.text import nearest, normalise

MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_FULL_MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"

_PERIOD = re.compile(
    rf"""\b(?P<lead>in|during|for|throughout|since|by|as\s+of|until|through|over)\s+(?:the\s+)?
         (?:(?P<month>{MONTHS})\.?\s+)?(?P<year>(?:19|20)\d\d)\b
       | \b(?P<lead2>in|during|since|by|until|through)\s+(?:the\s+|early\s+|late\s+|mid-?)?(?P<month_only>{_FULL_MONTHS})\b
         (?!\s+\d)
       | \b(?P<relative>last|this|past|previous)\s+(?P<span>year|month)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)


# Cheap first look: no year, month or relative word, no period (most figures' sentences).
_MAYBE_PERIOD = re.compile(rf"(?:19|20)\d\d|\b(?:last|this|past|previous|{_FULL_MONTHS})\b")  # on lower case


def month_number(name: str) -> int:
    """1-12 from a month name or its abbreviation."""
    return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(
        name[:3].lower()
    ) + 1


def period_near(sentence: str, position: int, as_of: date | None) -> str | None:
    """The period nearest to a figure: "2024", "2024-10", "since 2023-10"; months without a year and relative
    words ("last month") are resolved against the article date."""
    return nearest(periods_in(sentence, as_of), position)


def periods_in(sentence: str, as_of: date | None) -> list[tuple[int, str]]:
    """(start, label) of every period a sentence names, in order: found once per sentence, not once per figure."""
    if not _MAYBE_PERIOD.search(sentence.lower()):
        return []
    return [(m.start(), label) for m in _PERIOD.finditer(sentence) if (label := _label(m, as_of)) is not None]


_PERIOD_LOWER = re.compile(_PERIOD.pattern, re.VERBOSE)  # the same over lower-cased text: twice as fast


def periods_in_lower(lower: str, as_of: date | None) -> list[tuple[int, str]]:
    """periods_in for a text already lower-cased whose caller has looked for time words itself (claims/frames.py)."""
    return [(start, label) for start, _, label in period_spans_in_lower(lower, as_of)]


def period_spans_in_lower(lower: str, as_of: date | None) -> list[tuple[int, int, str]]:
    """(start, end, label) of every period a lower-cased text names, in order."""
    return [
        (m.start(), m.end(), label) for m in _PERIOD_LOWER.finditer(lower) if (label := _label(m, as_of)) is not None
    ]


def _label(m: re.Match[str], as_of: date | None) -> str | None:
    if m.group("year"):
        label = m.group("year")
        if m.group("month"):
            label += f"-{month_number(m.group('month')):02d}"
        return f"since {label}" if m.group("lead").lower() == "since" else label
    if as_of is None:
        return None
    if m.group("month_only"):
        month = month_number(m.group("month_only"))
        year = as_of.year if month <= as_of.month else as_of.year - 1  # the latest such month before the article
        label = f"{year}-{month:02d}"
        return f"since {label}" if m.group("lead2").lower() == "since" else label
    relative, span = m.group("relative").lower(), m.group("span").lower()
    if span == "year":
        return str(as_of.year if relative == "this" else as_of.year - 1)
    if relative == "this":
        return f"{as_of.year}-{as_of.month:02d}"
    year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    return f"{year}-{month:02d}"


def detect_date(text: str, limit: int = 1500) -> date | None:
    """The article's date when front matter gives none: the first full date near the top of the text."""
    head = normalise(text[:limit])
    patterns = [
        (rf"\b(?P<m>{MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", True),
        (rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{MONTHS})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", True),
        (r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)", False),
    ]
    found: list[tuple[int, date]] = []
    for pattern, named_month in patterns:
        for m in re.finditer(pattern, head, re.I):
            month = month_number(m.group("m")) if named_month else int(m.group("m"))
            try:
                found.append((m.start(), date(int(m.group("y")), month, int(m.group("d")))))
            except ValueError:
                continue
            break
    return min(found)[1] if found else None
