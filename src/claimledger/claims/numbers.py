"""Find the figures in a sentence, in digits or in words, and read their values."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_SHORT_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}
_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
    "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8,
    "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
}

_CARDINAL = "|".join(sorted([*_UNITS_WORDS, *_TENS_WORDS], key=len, reverse=True))
_SCALE = "|".join(_SCALES)
_WORD_NUMBER = (
    rf"(?:(?:{_CARDINAL})(?:-(?:{_CARDINAL}))?|a|an)(?:[ -](?:and[ -])?(?:{_SCALE}|{_CARDINAL})(?:-(?:{_CARDINAL}))?)*"
)
_DENOMINATOR = "|".join(sorted(_DENOMINATORS, key=len, reverse=True))
_PERCENT = r"(?:\s?%|\s(?:percent|per\s?cent|percentage\s+points?)\b)"

FIGURE = re.compile(
    rf"""
    (?P<dozen>\b(?:a|one|two|three|half\sa)\s+dozen\b)
  | (?P<fraction>\b(?:(?P<num_word>a|an|one|two|three|four|five|six|seven|eight|nine)[ -](?P<den>{_DENOMINATOR})|(?P<lone_half>half))\b)
  | (?P<one_in>\b(?P<in_a>one|two|three|four|five|six|seven|eight|nine|\d{{1,2}})\s+(?:in|out\s+of)\s+(?P<in_b>two|three|four|five|six|seven|eight|nine|ten|\d{{1,3}})\b)
  | (?P<digits>(?<![\w.,/:#+-])(?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<dec>\.\d+)?
        (?:(?P<scale_word>\s(?:{_SCALE}))\b|(?P<short_scale>k|m|mn|bn)\b)?(?P<pct_d>{_PERCENT})?)(?![\w/]|\.\d|,\d{{3}})
  | (?P<words>\b(?P<word_number>{_WORD_NUMBER})\b(?P<pct_w>{_PERCENT})?)
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Figure:
    """A number as written in the text: where it is, its value, and the form it was written in."""

    start: int
    end: int
    value: float
    form: str  # digits | round | words | fraction | percent
    percent: bool
    significant_unit: float  # one unit of the last significant digit (52,000 -> 1,000; 1.9 million -> 100,000)


def read_word_number(phrase: str) -> float | None:
    """Value of a number written in words ("twenty-two thousand", "a hundred"); None when it is not one."""
    tokens = [t for t in re.split(r"[ -]+", phrase.lower()) if t and t != "and"]
    if not tokens or tokens in (["a"], ["an"]):
        return None
    total, current = 0, 0
    for i, token in enumerate(tokens):
        if token in ("a", "an"):
            if i != 0 or len(tokens) == 1 or tokens[1] not in _SCALES:
                return None
            current = 1
        elif token in _UNITS_WORDS:
            current += _UNITS_WORDS[token]
        elif token in _TENS_WORDS:
            current += _TENS_WORDS[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token in _SCALES:
            total += max(current, 1) * _SCALES[token]
            current = 0
        else:
            return None
    return float(total + current)


def _significant_unit(integer_digits: str, decimals: str, scale: float) -> float:
    if decimals:
        return scale * 10 ** -len(decimals)
    stripped = integer_digits.rstrip("0") or "0"
    return scale * 10 ** (len(integer_digits) - len(stripped))


def find_figures(text: str) -> list[Figure]:
    """Every figure in a sentence, left to right; what they mean is decided by the caller."""
    figures: list[Figure] = []
    for m in FIGURE.finditer(text):
        figure = _figure(m)
        if figure is not None:
            figures.append(figure)
    return figures


def _figure(m: re.Match) -> Figure | None:
    if m.group("fraction"):
        if m.group("lone_half"):
            value = 50.0
        else:
            numerator = 1 if m.group("num_word").lower() in ("a", "an") else _UNITS_WORDS[m.group("num_word").lower()]
            denominator = _DENOMINATORS[m.group("den").lower()]
            if numerator >= denominator:
                return None
            value = round(100 * numerator / denominator, 2)
        return Figure(m.start(), m.end(), value, "fraction", True, 1.0)
    if m.group("one_in"):
        a, b = (_as_number(m.group(g)) for g in ("in_a", "in_b"))
        if not a or not b or a >= b:
            return None
        return Figure(m.start(), m.end(), round(100 * a / b, 2), "fraction", True, 1.0)
    if m.group("digits"):
        integer_digits = m.group("int").replace(",", "")
        decimals = (m.group("dec") or "")[1:]
        scale = 1.0
        if m.group("scale_word"):
            scale = _SCALES[m.group("scale_word").strip().lower()]
        elif m.group("short_scale"):
            scale = _SHORT_SCALES[m.group("short_scale").lower()]
        value = float(f"{integer_digits}.{decimals}" if decimals else integer_digits) * scale
        percent = bool(m.group("pct_d"))
        unit = _significant_unit(integer_digits, decimals, scale)
        if percent:
            form = "percent"
        elif scale > 1 or unit >= 100:
            form = "round"
        else:
            form = "digits"
        return Figure(m.start(), m.end(), value, form, percent, unit)
    if m.group("words"):
        value = read_word_number(m.group("word_number"))
        if value is None:
            return None
        digits = str(int(value))
        return Figure(m.start(), m.end(), value, "percent" if m.group("pct_w") else "words",
                      bool(m.group("pct_w")), _significant_unit(digits, "", 1.0))
    if m.group("dozen"):
        head = m.group("dozen").lower().split()[0]
        value = 6.0 if head == "half" else 12.0 * (1 if head in ("a", "one") else _UNITS_WORDS[head])
        return Figure(m.start(), m.end(), value, "words", False, value)
    return None


def _as_number(token: str) -> float | None:
    token = token.lower()
    if token.isdigit():
        return float(token)
    return float(_UNITS_WORDS[token]) if token in _UNITS_WORDS else None
