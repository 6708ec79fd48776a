"""Find the figures in a sentence, in digits or in words, and read their values."""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from claimledger.claims.timeref import MONTHS

_UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
_SHORT_SCALES = {
    "k": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "mln": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "bln": 1_000_000_000,
    "tn": 1_000_000_000_000,
    "trn": 1_000_000_000_000,
}
SCALES = {**_SCALES, **_SHORT_SCALES}  # every scale word and its value: "million", "bn"
_DENOMINATORS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fourth": 4,
    "fourths": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "seventh": 7,
    "sevenths": 7,
    "eighth": 8,
    "eighths": 8,
    "ninth": 9,
    "ninths": 9,
    "tenth": 10,
    "tenths": 10,
}

_CARDINAL = "|".join(sorted([*_UNITS_WORDS, *_TENS_WORDS], key=len, reverse=True))
_SCALE = "|".join(_SCALES)
_WORD_NUMBER = (
    rf"(?:(?:{_CARDINAL})(?:-(?:{_CARDINAL}))?|(?:a|an)(?=[ -](?:{_SCALE})))"
    rf"(?:[ -](?:and[ -])?(?:{_SCALE}|{_CARDINAL})(?:-(?:{_CARDINAL}))?)*"
)
_DENOMINATOR = "|".join(sorted(_DENOMINATORS, key=len, reverse=True))
_PERCENT = r"(?:\s?%|\s(?:percent|per[\s-]?cent|percentage\s+points?)\b)"  # "per-cent" too

# Digit groups: "52,000"; "52 000" with a space, or a no-break, narrow no-break, thin or figure space, which
# normalise() folds to a space (U+066C, the Arabic thousands separator, it folds to a comma); or a plain run.
# A space joins only 1-3 digits to groups of exactly three: "in 2024 52 000" is a year and 52,000.
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ ]\d{3})+(?!\d)|\d+"  # [ ]: the patterns are verbose
_UNGROUPED_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
MAX_DIGITS = 15  # a float holds 15 significant digits; a longer run of digits is an identifier or garbage
_SHORT = "|".join(sorted(_SHORT_SCALES, key=len, reverse=True))
# Short scales that may stand after a space too ("5 mln tonnes", "3 bn"): none is also a unit's symbol or a word.
# A scale word may follow a hyphen as it does a space ("a $1.2-billion deal", "a $10-million grant").
_SPACED_SHORT = "mln|bln|trn|mn|bn"
_PLURAL_SCALES = {
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2_000,
    "millions": 2_000_000,
    "billions": 2_000_000_000,
}


def _digit_figure(digits: str) -> str:
    return rf"""(?P<digits>(?:(?<![\w.,/:\#+-])|(?<=\bsub-))(?P<int>{digits}|(?=\.\d))(?P<dec>\.\d+)?
        (?:(?P<scale_word>[\s-](?:hundred\s(?:thousand|million|billion)|{_SCALE}))\b
           |(?:\s(?=(?:{_SPACED_SHORT})\b))?(?P<short_scale>{_SHORT})\b)?
        (?P<pct_d>{_PERCENT})?)(?![\w/]|\.\d|,\d{{3}})"""


DIGIT_FIGURE = re.compile(_digit_figure(_DIGITS), re.IGNORECASE | re.VERBOSE)


def _figure_pattern(digits: str) -> re.Pattern[str]:
    return re.compile(
        rf"""
    (?P<range>(?<![\w.,/:#+-])(?:(?P<range_word>between|from)\s+)?
        (?P<r1>{digits})(?P<r1d>\.\d+)?(?:(?P<r1s>\s(?:{_SCALE}))\b|(?P<r1k>{_SHORT})\b)?(?P<r1p>{_PERCENT})?
        \s*(?P<range_sep>-|to|and)\s*
        (?P<r2>{digits})(?P<r2d>\.\d+)?(?:(?P<r2s>\s(?:{_SCALE}))\b|(?P<r2k>{_SHORT})\b)?(?P<r2p>{_PERCENT})?
    )(?![\w/]|\.\d|,\d{{3}})
  | (?P<and_half>(?<![\w.,/:\#+-])(?P<ah_n>\d{{1,3}}|{_CARDINAL})[ -]and[ -]a[ -]half\b(?:[ -](?P<ah_scale>{_SCALE})\b)?)
  | (?P<plural>\b(?:(?P<plural_head>tens|hundreds)\s+of\s+)?(?P<plural_scale>dozens|scores|hundreds|thousands|millions|billions)(?:\s+of\b|(?(plural_head)\b|(?!))))
  | (?P<half_scale>\bhalf\s+an?\s+(?P<half_of>{_SCALE})\b)
  | (?P<word_range>\b(?P<wr1>{_CARDINAL})\s+to\s+(?P<wr2>{_CARDINAL})\b)
  | (?P<dozen>\b(?:a|one|two|three|half\sa)\s+dozen\b)
  | (?P<fraction>\b(?:(?P<num_word>a|an|one|two|three|four|five|six|seven|eight|nine)[ -](?P<den>{_DENOMINATOR})|(?P<lone_half>half))\b)
  | (?P<one_in>\b(?P<in_a>one|two|three|four|five|six|seven|eight|nine|\d{{1,2}})\s+(?:in|out\s+of)\s+(?P<in_b>two|three|four|five|six|seven|eight|nine|ten|\d{{1,3}})\b)
  | (?P<slash>(?<![\w.,/:\#+-])(?P<sn>\d{{1,2}})\s?[/⁄](?P<sd>\d{{1,3}})(?=\s+of\b))
  | {_digit_figure(digits)}
  | (?P<words>\b(?P<word_number>{_WORD_NUMBER})\b(?P<pct_w>{_PERCENT})?)
    """,
        re.VERBOSE,
    )  # matched against lower-cased text (every word in it is lower case): case-blind costs more


FIGURE = _figure_pattern(_DIGITS)
# After a month name a space does not group digits: "on March 3 100 people died" is a date and 100.
_FIGURE_AFTER_MONTH = _figure_pattern(_UNGROUPED_DIGITS)
_MONTH_BEFORE = re.compile(rf"(?<![\w-])(?:{MONTHS})\.?\s$")
_SPACE_GROUP = re.compile(r"\d \d{3}")


# Where a figure can start. FIGURE is tried only there: scanning every position with all its branches costs
# several times more, and most words of a sentence can start none of them.
# It runs over lower-cased text: a case-blind pattern costs twice as much. Only the first digit of a run, or the point
# of a decimal written without its zero (".001 per cent"), can start a figure (every branch needs a boundary before
# its digits), so the others are not triggers. Each branch starts with its character, the look-behind after it
# ("a digit with no digit before it": a look-behind of two characters, the digit and the one before); the words'
# boundary is a look-behind too (every word starts with a word character), which costs less than \b: a third less
# over the whole search.
_TRIGGER = re.compile(
    rf"""\d(?<!\d\d)|\.(?<![\w.]\.)(?=\d)
        |(?<!\w)(?:(?:between|from)(?=\s+\d)|tens\b|dozens|scores|hundreds|thousands|millions|billions|half\b
        |an?[ -](?:dozen|{_SCALE}|{_DENOMINATOR})\b|(?:{_CARDINAL})\b)""",
    re.VERBOSE,
)


class Figure(NamedTuple):  # built once per figure: a NamedTuple costs a third of a frozen dataclass to build
    """A number as written in the text: where it is, its value, and the form it was written in."""

    start: int
    end: int
    value: float
    form: str  # digits | round | words | fraction | percent | range | plural
    percent: bool
    significant_unit: float  # one unit of the last significant digit (52,000 -> 1,000; 1.9 million -> 100,000)
    low: float | None = None  # a range's ends ("between 50 and 60")
    high: float | None = None


def rounded(value: float) -> float:
    """A computed value (a bound, a midpoint) rid of float noise: to 4 decimals, or to 4 significant digits when that
    keeps more, so a small figure ("0.00004 percent") is not rounded to zero and out of its own interval."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, max(4, 3 - math.floor(math.log10(abs(value)))))


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
        step: float = scale * 10 ** -len(decimals)  # typeshed: int ** int is Any (float if negative)
        return step
    stripped = integer_digits.rstrip("0") or "0"
    step = scale * 10 ** (len(integer_digits) - len(stripped))
    return step


def find_figures(text: str, limit: int | None = None) -> list[Figure]:
    """Every figure in a sentence, left to right (the first `limit` of them); what they mean is decided by the
    caller."""
    figures: list[Figure] = []
    resume = 0
    lower = text.lower()
    if len(lower) != len(text):  # a few letters lower-case to two characters; keep offsets exact
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for trigger in _TRIGGER.finditer(lower):
        if limit is not None and len(figures) >= limit:
            return figures[:limit]
        if trigger.start() < resume:
            continue
        m = FIGURE.match(lower, trigger.start())
        if m is None:
            continue
        if _SPACE_GROUP.search(lower, m.start(), m.end()) and _MONTH_BEFORE.search(
            lower, max(0, m.start() - 12), m.start()
        ):
            m = _FIGURE_AFTER_MONTH.match(lower, trigger.start())
            assert m is not None  # the ungrouped digits match where the grouped ones did: their first group
        resume = m.end()
        if m.group("range"):
            figures.extend(_range(text, m))
            continue
        figure = _figure(m)
        if figure is not None:
            figures.append(figure)
    return figures if limit is None else figures[:limit]


def _scaled(digits: str, decimals: str | None, scale_word: str | None, short: str | None) -> tuple[float, float]:
    """(value, scale) of a number in digits with its optional scale word."""
    scale = 1.0
    if scale_word:  # "4 hundred million": the scales multiply
        scale = 1.0
        for word in scale_word.lower().replace("-", " ").split():
            scale *= _SCALES[word]
    elif short:
        scale = _SHORT_SCALES[short.lower()]
    integer = digits.replace(",", "").replace(" ", "")
    return float(f"{integer}{decimals or ''}") * scale, scale


_DATE_BEFORE = re.compile(r"(?i)\b[a-z]{3,9}\.?\s+\d{1,2},\s*$|\b(?:in|since|of)\s+$")


def _range(text: str, m: re.Match[str]) -> list[Figure]:
    """A range ("between 50 and 60", "50-60", "1.5 to 2 million"); a score or tally ("won 3-1") is no figure."""
    if any(_too_long(m.group(g), m.group(d)) for g, d in (("r1", "r1d"), ("r2", "r2d"))):
        return []
    sep, word = m.group("range_sep").lower(), (m.group("range_word") or "").lower()
    high, high_scale = _scaled(m.group("r2"), m.group("r2d"), m.group("r2s"), m.group("r2k"))
    low, low_scale = _scaled(m.group("r1"), m.group("r1d"), m.group("r1s"), m.group("r1k"))
    if low_scale == 1.0 and high_scale > 1.0 and low * high_scale <= high:
        low *= high_scale  # "1.5 to 2 million": the scale belongs to both ends
    years = all(len(g) == 4 and g.isdigit() and 1800 <= int(g) <= 2100 for g in (m.group("r1"), m.group("r2")))
    a_year_first = (  # "on Oct. 7, 2023 to 67,139 dead": a date's year, then the figure it rose to
        not word
        and not years
        and len(m.group("r1")) == 4
        and m.group("r1").isdigit()
        and 1800 <= int(m.group("r1")) <= 2100
        and _DATE_BEFORE.search(text, max(0, m.start("r1") - 20), m.start("r1")) is not None
    )
    valid = low < high and not years and not a_year_first and (sep != "and" or word == "between") and not _two_units(m)
    if not valid:
        if sep == "-" and not years:
            return []  # "3-1", "64-56": a score or a vote tally
        inner = m.start("r1")  # "from 60 to 50", "voted 143 to 9": two separate figures
        return [f for f in (_figure(x) for x in DIGIT_FIGURE.finditer(text, inner, m.end())) if f is not None]
    percent = bool(m.group("r1p") or m.group("r2p"))
    start = m.start() if word == "between" else m.start("r1")
    middle = min(max(rounded((low + high) / 2), low), high)  # "between 1.66461 and 1.66462": still inside
    return [Figure(start, m.end(), middle, "range", percent, 1.0, low, high)]


def _two_units(m: re.Match[str]) -> bool:
    """The first end is a percent and the second is not, or the two are percent and points: two figures, a change
    and the level it reached ("rose 40 percent to 1.2 billion", "3.2 percentage points to 7.1 per cent"), never one
    range (a range of percents says it once at the end, "5 to 7 percent", or at both)."""
    first, second = m.group("r1p"), m.group("r2p")
    return bool(first) and (not second or ("point" in first) != ("point" in second))


def _figure(m: re.Match[str]) -> Figure | None:
    if "fraction" not in m.re.groupindex or m.lastgroup == "digits":  # most figures: tried first
        return _digits(m)
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
    if m.group("slash"):  # "1/16 of a pint", "3/4 of the members": a share, as "three-quarters of" is
        a, b = int(m.group("sn")), int(m.group("sd"))
        if not 0 < a < b or not (b <= 10 or b == 100 or b & (b - 1) == 0):
            return None  # "9/11 of that year": a date; a share's denominator is small, a hundred or a power of two
        return Figure(m.start(), m.end(), round(100 * a / b, 6), "fraction", True, 1.0)
    if m.group("one_in"):
        part, whole = (_as_number(m.group(g)) for g in ("in_a", "in_b"))
        if not part or not whole or part >= whole:
            return None
        return Figure(m.start(), m.end(), round(100 * part / whole, 2), "fraction", True, 1.0)
    if m.group("digits"):
        return _digits(m)
    if m.group("words"):
        spoken = read_word_number(m.group("word_number"))
        if spoken is None:
            return None
        digits = str(int(spoken))
        return Figure(
            m.start(),
            m.end(),
            spoken,
            "percent" if m.group("pct_w") else "words",
            bool(m.group("pct_w")),
            _significant_unit(digits, "", 1.0),
        )
    if m.group("and_half"):  # "five and a half years", "two-and-a-half million"
        head = m.group("ah_n").lower()
        scale = _SCALES[m.group("ah_scale").lower()] if m.group("ah_scale") else 1.0
        whole = float(head) if head.isdigit() else float(_UNITS_WORDS.get(head) or _TENS_WORDS[head])
        value = (whole + 0.5) * scale
        return Figure(m.start(), m.end(), value, "words", False, scale / 10 if scale > 1 else 0.5)
    if m.group("half_scale"):
        scale = _SCALES[m.group("half_of").lower()]
        return Figure(m.start(), m.end(), scale / 2, "words", False, scale / 10)  # 0.5 million: tenths of a million
    if m.group("word_range"):
        low, high = (read_word_number(m.group(g)) for g in ("wr1", "wr2"))
        if low is None or high is None or low >= high:
            return None
        return Figure(m.start(), m.end(), (low + high) / 2, "range", False, 1.0, low, high)
    if m.group("plural"):
        value = _PLURAL_SCALES[m.group("plural_scale").lower()]
        if m.group("plural_head"):
            value *= 10 if m.group("plural_head").lower() == "tens" else 100
        return Figure(m.start(), m.end(), float(value), "plural", False, float(value))
    if m.group("dozen"):
        head = m.group("dozen").lower().split()[0]
        value = 6.0 if head == "half" else 12.0 * (1 if head in ("a", "one") else _UNITS_WORDS[head])
        return Figure(m.start(), m.end(), value, "words", False, 1.0)
    return None


def _too_long(integer: str, decimals: str | None) -> bool:
    """More digits than a figure can have (MAX_DIGITS): a 5,000-digit "number" is no claim, and no float."""
    return len(integer) - integer.count(",") - integer.count(" ") > MAX_DIGITS or len(decimals or "") > MAX_DIGITS + 1


def _digits(m: re.Match[str]) -> Figure | None:
    if _too_long(m.group("int"), m.group("dec")):
        return None
    integer_digits = m.group("int").replace(",", "").replace(" ", "")
    decimals = (m.group("dec") or "")[1:]
    value, scale = _scaled(integer_digits, m.group("dec"), m.group("scale_word"), m.group("short_scale"))
    percent = bool(m.group("pct_d"))
    unit = _significant_unit(integer_digits, decimals, scale)
    if percent:
        form = "percent"
    elif scale > 1 or unit >= 100:
        form = "round"
    else:
        form = "digits"
    return Figure(m.start(), m.end(), value, form, percent, unit)


def _as_number(token: str) -> float | None:
    token = token.lower()
    if token.isdigit():
        return float(token)
    return float(_UNITS_WORDS[token]) if token in _UNITS_WORDS else None
