"""The quantity layer: every quantity in a sentence as NewsQuant annotates them (value or range, unit, bound, change
and its direction), and whether each one is a checkable claim, with the reason when it is not."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

from claimledger.claims.carryover import carried_over
from claimledger.claims.changes import change_after, change_before, multipliers_in
from claimledger.claims.exclusions import not_a_claim
from claimledger.claims.model import Qualifier
from claimledger.claims.numbers import SCALES, Figure, find_figures
from claimledger.claims.qualifiers import QualifierMatch, find_qualifier
from claimledger.claims.units import (
    UnitMatch,
    currency_before,
    currency_code,
    glued_currency_prefixes,
    glued_symbol,
    is_folded_symbol,
    unit_after,
)
from claimledger.claims.wordlists import word_list

__all__ = ["Quantity", "find_quantities", "quantities_in"]

_ONE_SPAN = re.compile(r"(?<![\w-])(?:a|an|one)\s+(?P<unit>year|month|week)\b", re.I)
_ONE_SPAN_QUALIFIED = re.compile(r"(?:more than|over|nearly|almost|about|less than|under|at least)\s+$", re.I)
_DURATION_AFTER = re.compile(r"^[\s-]*(?P<unit>months?|years?|weeks?|days?)\b", re.I)
_DURATION_UNITS = {"month": "months", "year": "years", "week": "weeks", "day": "days"}
_HALF_NOT_A_SHARE = re.compile(r"(?:first|second|last|latter|former|other|next|previous)\s*$", re.I)
_COUNTED_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_COUNTED_REACH = 160  # characters: four words after a figure, and a "the" or "of those" before them
_CLAUSE_END = re.compile(r"[,;:.!?()\"]")
_SHARE_LEAD = re.compile(r"^\s*(?:of\s+)?(?:the|them|all|those|these|its|their)?\s*", re.I)
_NOT_A_SHARE_OF = re.compile(r"^\s+(?:of|the|a|an|their|its)\b", re.I)
_ONE_SPAN_CONTEXT = re.compile(r"\s+(?:into|of\s+(?:war|fighting))\b")
_IRREGULAR_PLURALS = {
    "people",
    "children",
    "men",
    "women",
    "staff",
    "personnel",
    "police",
    "youth",
    "press",
    "aircraft",
    "spacecraft",
    "cattle",
    "sheep",
    "deer",
    "livestock",
    "bacteria",
    "alumni",
    "offspring",
    "criteria",
    "phenomena",
    "mice",
    "geese",
    "teeth",
}
_NOT_NOUNS = {
    "has",
    "was",
    "is",
    "as",
    "this",
    "its",
    "his",
    "hers",
    "us",
    "yes",
    "thus",
    "plus",
    "less",
    "across",
    "towards",
    "always",
    "perhaps",
    "whereas",
    "since",
    "afterwards",
    "besides",
    "alas",
    "does",
    "goes",
    "ones",
    "thesis",
    "analysis",
    "crisis",
    "basis",
    "axis",
    "emphasis",
    "specimen",
    "abdomen",
    "regimen",
    "acumen",
    "stamen",
}
# A rate after a unit: "$3,500 a month", "63 cents per share", "52,000 barrels a day", "a 52,000 barrel-a-day plant"
# (a hyphen glued: "(2.7 F) - a period" is no rate).
# Not "$3.9 billion a year earlier": a time, no rate. A conversion in brackets may stand between ("40 million
# euros ($43 million) a year").
_RATE_AFTER = re.compile(
    r"\s*(?:\([^()]{1,40}\)\s*)?(?:(?<=\S)-)?(?:per|an?)(?=[\s-])(?P<per>[\s-]+(?P<word>[A-Za-z]+)\b)"
    r"(?!\s+(?:earlier|ago|before|later|after|previously|prior)\b)",
    re.I,
)
# A number find_figures leaves alone, with a currency code or a sign glued before it or letters glued after it:
# "USD10m", "$US55,931,000", "+0.2%", "minus-5", "64GB", "278kg", "1.38pc", "3rd", "8pm", "1080p".
_EDGE = re.compile(
    rf"""(?=[A-Z$+\-m\d])(?<![\w.,/:\#+])(?<!(?<!\d)-)
    (?P<prefix>(?:{"|".join(map(re.escape, glued_currency_prefixes()))})(?=\d)|[+-](?=\d)|minus-(?=\d))?
    (?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<dec>\.\d+)?
    (?P<scale>\s(?:thousand|million|billion|trillion)\b|(?:k|m|mn|bn|tn)(?![A-Za-z]))?
    (?P<suffix>%|[A-Za-zµμ°º][A-Za-z0-9/²³]*)?(?![\w/])""",
    re.VERBOSE,
)
# Where an edge number may be: letters glued after digits (not a scale: "2.5bn" is a figure), or a capital or a sign
# glued before them.
_EDGE_TRIGGER = re.compile(r"\d(?!(?:bn|mn|tn|m|k)\b)[A-Za-zµμ°º]|[A-Z+-]\d|minus-\d|[A-Z][a-z]{1,2}\.?\d")  # "Rs.500"
_IDENTIFIERS = word_list("identifiers")
_GLUED_REASONS = {
    **{s: "an ordinal" for s in _IDENTIFIERS["ordinal_suffixes"]},
    **{s: "a time of day" for s in _IDENTIFIERS["time_suffixes"]},
}
_RESOLUTION_LINES = frozenset(_IDENTIFIERS["resolution_lines"])  # "1080p", "720i"
_PARTICLE_AFTER = re.compile(r"\s+(?:up|down)\b", re.I)
_SIGN_WORD = re.compile(r"(?<![\w-])(?:minus|negative) $", re.I)
_UNIT_OUTWEIGHS = ("a year", "a name's number")  # reasons a unit after the number undoes: "$2000", "Pro 16 inch"
_PRONOUN_BEFORE = frozenset(_IDENTIFIERS["pronoun_before"])  # "each one", "the same one": no quantity

# Characters around a figure its reading looks at: the longest qualifier, change verb or counted noun phrase is far
# shorter. A slice of the whole rest of the sentence per figure would cost the square of a long sentence.
_BEFORE_REACH, _AFTER_REACH = 120, 240


class Quantity(NamedTuple):
    """One quantity as the sentence writes it, and how the claim layer reads it.

    value is None for a two-sided range; low and high are the ends the words give (both the value for an exact or
    approximate figure, one open end for a bound). unit: count, percent, percentage_point, an ISO 4217 code, a
    duration (day, month, ...) or a physical unit (km, kg, mph, ...). The claim_* fields are what the checks read:
    units count, percent, percent_change or a duration in plural, a falling change signed negative.
    Immutable; a NamedTuple rather than a dataclass because the claim layer builds one per figure and a frozen
    dataclass of this many fields costs five times as much to build.
    """

    start: int  # offsets in the sentence; qualifier words included
    end: int
    quote: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    qualifier: str
    change: bool
    direction: str | None  # "up", "down" or None
    form: str
    counted: str | None  # the plural noun it counts ("people", "countries")
    is_claim: bool
    not_claim_reason: str | None
    claim_value: float
    claim_unit: str
    claim_qualifier: Qualifier
    figure: Figure
    after: str = ""  # the text after the quantity, for the claim layer
    parts: tuple["Quantity", ...] = ()  # a from-to range's two ends (Quantity)

    def claims(self) -> tuple["Quantity", ...]:
        """The quantities the claim layer reads from this one: a from-to range's two ends are two claims (two
        levels, each checkable), anything else itself when it is a claim."""
        if self.parts:
            return tuple(q for part in self.parts for q in part.claims())
        return (self,) if self.is_claim else ()


def find_quantities(sentence: str) -> list[Quantity]:
    """Every quantity in a sentence, claim or not, left to right."""
    return quantities_in(sentence, None)[0]


def quantities_in(s: str, room: int | None, claims_only: bool = False) -> tuple[list[Quantity], int]:
    """The quantities of a sentence from its first `room` figures (None: all), and how many figures it holds (up to
    room + 1: more than room says some were left unread). claims_only leaves out the quantities that are no claims
    (the claim layer's call: a year or a date is then not read any further)."""
    figures = find_figures(s, limit=None if room is None else room + 1)
    found = len(figures)
    read = [r for f in (figures if room is None else figures[:room]) if (r := _read(s, f, claims_only)) is not None]
    lower = s.lower()
    starts = [q.figure.start for q in read]
    ends = [q.figure.end for q in read]
    replaced: set[int] = set()  # quantities a multiplier takes over ("3 times more": one change, not "3")
    extra: list[Quantity] = []
    for m, value in islice(multipliers_in(s, lower), room):
        i = bisect_right(ends, m.start())  # figures are in order and never overlap: the first ending after m starts
        while i < len(read) and starts[i] < m.end():
            replaced.add(i)
            i += 1
        q = find_qualifier(_before(s, m.start()), _after(s, m.end()))
        figure = Figure(m.start(), m.end(), abs(value), "multiplier", False, 1.0)
        extra.append(
            _quantity(
                s,
                figure,
                q,
                value,
                "percent_change",
                "percent",
                "up" if value > 0 else "down",
                claim_qualifier=q.qualifier,
            )
        )
    spans = _ONE_SPAN.finditer(s) if (" year" in lower or " month" in lower or " week" in lower) else iter(())
    for m in islice(spans, room):
        if not (
            _ONE_SPAN_QUALIFIED.search(s, max(0, m.start() - 12), m.start()) or _ONE_SPAN_CONTEXT.match(s, m.end())
        ):
            continue  # "a year" alone is a time, not a claimed duration; "more than a year", "a year into" are
        if (i := bisect_right(ends, m.start())) < len(read) and starts[i] < m.end():
            replaced.add(i)  # "at least one year": one quantity, not its "one" read as a figure besides
        unit = m.group("unit").lower()
        figure = Figure(m.start(), m.end(), 1.0, "words", False, 1.0)
        q = find_qualifier(_before(s, m.start()), "")
        extra.append(
            _quantity(
                s, figure, q._replace(after=0), 1.0, _DURATION_UNITS[unit], unit, None, claim_qualifier=q.qualifier
            )
        )
    if _EDGE_TRIGGER.search(s):
        extra.extend(islice(_edges(s, read), room))
    if "-" in s and not claims_only:
        extra.extend(islice(_scores(s, read + [q for q in extra if q.form != "multiplier"]), room))
    kept = [q for i, q in enumerate(read) if i not in replaced]
    return carried_over(s, _ranges(s, sorted(kept + extra, key=lambda q: q.start)), units=not claims_only), found


# Between two quantities, the words that make them one range: "$62 to $68", "5 to 7 per cent", "33-35 billion",
# "two or three weeks".
_RANGE_GAP = re.compile(r"\s*(?:-|to|or)\s*")
# After "from" or "between", the first end's unit words may stand in the gap: "from 208 pounds to 193"; and a year
# or a time of day, no quantity of the range: "from $36,040 at 10.45pm to $34,935", "from 20 mpg in 2008 to 29".
_FROM_GAP = re.compile(r"(?:\s+[A-Za-z.]{1,12}){0,3}?\s*(?P<sep>to|and|-)\s*")
_FROM_GAP_PAST = re.compile(r"(?:\s+[\w.:]{1,12}){0,6}?\s*(?P<sep>to|and|-)\s*")
_SKIPPABLE = 2  # quantities that are no claim (a year, a time) a from-to range may reach over
_FROM_BEFORE = re.compile(r"(?:from|between)\s+$", re.I)
_SCALE_IN = re.compile(r"(?i)\d[\s-]?(?P<scale>thousand|million|billion|trillion|bln|mln|trn|bn|mn|tn|b|m|k)\b")


def _ranges(s: str, quantities: list[Quantity]) -> list[Quantity]:
    """Join a quantity to the next when the words make them one range ("from $370,000 to $5.5 million", "between
    $62 and $68", "from 4.8 to 4.7 percent"); the two stay two claims (Quantity.claims)."""
    if len(quantities) < 2:
        return quantities
    out: list[Quantity] = []
    i = 0
    while i < len(quantities):
        q = quantities[i]
        joined, skipped = None, 0
        for skipped in range(min(_SKIPPABLE, len(quantities) - i - 2) + 1):
            if skipped and quantities[i + skipped].is_claim:
                break
            if (joined := _joined(s, q, quantities[i + skipped + 1], skipped)) is not None:
                break
        if joined is None:
            out.append(q)
            i += 1
        else:  # the year or time it reached over stays a quantity of its own
            out.extend([joined, *quantities[i + 1 : i + 1 + skipped]])
            i += 2 + skipped
    return out


def _joined(s: str, a: Quantity, b: Quantity, skipped: int = 0) -> Quantity | None:
    if a.value is None or b.value is None or not (a.is_claim and b.is_claim):
        return None
    gap = s[a.end : b.start]
    opened = _FROM_BEFORE.search(s, max(0, a.start - 9), a.start)
    between = opened is not None and opened.group().lower().startswith("between")
    if opened:  # "from up to 252 miles to 287 miles": after "from" any bound; "between seven to ten years"
        m = (_FROM_GAP_PAST if skipped else _FROM_GAP).fullmatch(gap)
        if m is None or (m.group("sep") == "and" and not between):
            return None
    elif (
        skipped
        or a.change
        or a.qualifier not in ("exact", "about", "nearly")
        or not (
            _RANGE_GAP.fullmatch(gap)
            and b.unit != "count"
            and a.value < b.value
            and (a.unit in (b.unit, "count") or b.unit.startswith(a.unit + "/"))
        )
    ):  # "£200-£300 a year"
        return None
    low, high = a.value, b.value
    scale = _SCALE_IN.search(b.quote)
    if scale and not _SCALE_IN.search(a.quote) and low * SCALES[scale.group("scale").lower()] <= high:
        low *= SCALES[scale.group("scale").lower()]  # "US $89 to $93 billion": the scale belongs to both ends
    start = opened.start() if opened else a.start
    unit = b.unit if a.unit == "count" or b.unit.startswith(a.unit + "/") else a.unit  # "$40 and $55 per seat"
    direction = a.direction or b.direction
    return a._replace(
        start=start,
        end=b.end,
        quote=s[start : b.end],
        value=None,
        low=low,
        high=high,
        unit=unit,
        qualifier="range",
        change=direction is not None,
        direction=direction,
        form="range",
        after=b.after,
        parts=(a, b),
    )


def _before(s: str, position: int) -> str:
    return s[max(0, position - _BEFORE_REACH) : position]


def _after(s: str, position: int) -> str:
    return s[position : position + _AFTER_REACH]


def _read(s: str, f: Figure, claims_only: bool = False) -> Quantity | None:
    """The quantity of one figure; None for a "half" that is no share ("the first half of the year"), and with
    claims_only for a number that is no claim."""
    before, after = _before(s, f.start), _after(s, f.end)
    counted_as_count = _counted_noun(after, "count")
    if f.form == "fraction" and ((after[:1] == "-" and after[1:2].isalpha()) or _ordinal(s, f, after)):
        return None  # "a third-party evaluation", "half-time", "a third straight month"
    reason = not_a_claim(s, f, counted_as_count)
    if reason is not None:
        if reason.startswith(_UNIT_OUTWEIGHS) and (currency_before(before) or _unit_after(s, f.start, after)):
            reason = None  # "$2000", "MacBook Pro 16 inch": a measure, not a year or a name
        elif claims_only:
            return None
    if (
        f.form == "words"
        and f.value == 1
        and s[f.start : f.end].lower() == "one"
        and before.split()[-1:]
        and before.split()[-1].lower() in _PRONOUN_BEFORE
    ):
        reason = "a pronoun"  # "each one", "the same one"
    sign = _SIGN_WORD.search(before[-10:]) if before[-2:-1] in ("s", "e", "S", "E") else None
    if sign:  # "about minus 387 Fahrenheit": the sign word is part of the figure, the qualifier stands before it
        f = f._replace(start=f.start - len(sign.group()), value=-f.value)
        before = _before(s, f.start)
    currency = currency_before(before)
    if currency:  # "$2.5bn": the symbol is part of the figure, the qualifier stands before it
        f = f._replace(start=f.start - currency.length)
        before = _before(s, f.start)
    metres = currency is None and _GLUED_M.search(s, f.start, f.end) is not None and _METRE_AFTER.match(after)
    if metres:  # "a 37m (121ft)-long skeleton", "a 30m-high wall": metres, not millions
        f = f._replace(value=f.value / 1_000_000)
    q = find_qualifier(before, after)
    if (
        q.qualifier == "more_than"
        and before[len(before) - q.before :].strip().lower() == "over"
        and _DURATION_AFTER.match(after)
    ):
        q = find_qualifier("", after)  # "over 51 days": during, not more than
    qualifier: Qualifier
    qualifier = (
        "range" if f.form == "range" else ("at_least" if f.form == "plural" and q.qualifier == "exact" else q.qualifier)
    )
    value, claim_unit = f.value, "percent" if f.percent else "count"
    window = before[max(0, len(before) - q.before - 40) : len(before) - q.before]
    strict, direction = change_before(window)
    if f.percent and direction is None and _PARTICLE_AFTER.match(after):
        direction = change_after(after)  # "closed 0.7% down"; "a 20% drop" and "5% higher" NewsQuant marks "="
    if f.percent or f.form == "fraction":  # only a share or a percent can be a claimed change ("rose by a third")
        claimed = strict or (change_after(after) if f.percent else None)
        if claimed:
            claim_unit, value = "percent_change", -value if claimed == "down" else value
        elif f.form == "fraction":
            claim_unit = "percent"
    duration = _DURATION_AFTER.match(after)
    if claim_unit == "count" and duration:
        claim_unit = _DURATION_UNITS[duration.group("unit").lower().rstrip("s")]
    if f.form == "fraction" and s[f.start : f.end].lower() == "half" and claim_unit != "percent_change":
        if _HALF_NOT_A_SHARE.search(before[-20:]) or not _NOT_A_SHARE_OF.match(after):
            return None
    unit = "m" if metres else _unit(s, f, currency.unit if currency else None, after)
    unit_words = duration.end() if claim_unit in _DURATION_UNITS.values() and duration else 0  # "twenty months"
    if unit_words > q.after:
        q = q._replace(after=unit_words)
    return _quantity(
        s,
        f,
        q,
        value,
        claim_unit,
        unit,
        direction,
        claim_qualifier=qualifier,
        reason=reason,
        counted=counted_as_count if claim_unit == "count" else _counted_noun(after, claim_unit),
    )


_GLUED_M = re.compile(r"\dm$")
# After "37m": a length in feet in brackets, or an adjective of size ("-long", " high").
_METRE_AFTER = re.compile(
    r"\s*\(\s*[\d.,]+\s*(?:ft|feet|foot)\b|[\s-](?:long|high|tall|deep|wide|thick|across)\b", re.I
)


def _ordinal(s: str, f: Figure, after: str) -> bool:
    """ "a third" or "a fifth" before a noun of a series is an ordinal ("a third straight month"), no share."""
    words = s[f.start : f.end].lower().split()
    if len(words) != 2 or words[0] not in ("a", "an") or words[1] not in _ORDINAL_DENOMINATORS:
        return False
    following = _COUNTED_WORD.match(after.lstrip(" "))
    return following is not None and after[:1] == " " and following.group().lower() in _ORDINAL_NOUNS


_ORDINAL_DENOMINATORS = frozenset({"third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"})
_ORDINAL_NOUNS = frozenset(_IDENTIFIERS["ordinal_nouns"])


def _unit(s: str, f: Figure, currency: str | None, after: str) -> str:
    """The unit a figure is written in: percent or points, a currency, a unit word or symbol after it, else count."""
    if f.percent:
        return "percentage_point" if "point" in s[f.start : f.end].lower() else "percent"
    if f.form == "fraction":
        return "percent"
    named = _unit_after(s, f.start, after, scaled=_SCALE_IN.search(s, f.start, f.end) is not None)
    unit = currency or (named.unit if named else "count")
    rate = _RATE_AFTER.match(after, named.length if named else 0) if unit != "count" else None
    if rate is not None:  # "per square foot", "per sq m": the unit after "per" may be more than one word
        per = unit_after(after[rate.start("per") :])
        unit = f"{unit}/{per.unit if per else _singular(rate.group('word').lower())}"
    return unit


# Quotation marks before a figure, to tell a closing quote after it from an inch or foot mark ("a 27\" screen", but
# 'he said "we won 5"'): a straight double quote, or a single one not inside a word ("didn't").
_QUOTE_MARKS = {'"': re.compile('"'), "'": re.compile(r"(?<![A-Za-z])'|'(?![A-Za-z])")}


def _unit_after(s: str, start: int, after: str, scaled: bool = False) -> UnitMatch | None:
    """unit_after, where a quotation mark after the figure that closes one opened before it is no inch or foot."""
    mark = _QUOTE_MARKS.get(after[:1])
    if mark is not None and len(mark.findall(s, 0, start)) % 2:
        return None
    return unit_after(after, scaled=scaled)


def _quantity(
    s: str,
    f: Figure,
    q: QualifierMatch,
    claim_value: float,
    claim_unit: str,
    unit: str,
    direction: str | None,
    claim_qualifier: Qualifier,
    reason: str | None = None,
    counted: str | None = None,
) -> Quantity:
    start, end = f.start - q.before, f.end + q.after
    if f.form == "range":
        value, low, high, qualifier = None, f.low, f.high, "range"
    elif f.form == "plural":  # "thousands of": some thousands, fewer than ten thousand
        value, low, high, qualifier = None, f.value / 2, f.value * 5, "range"
    else:
        value, qualifier = f.value, q.bound
        low = None if qualifier in ("fewer_than", "at_most") else value
        high = None if qualifier in ("more_than", "at_least") else value
    return Quantity(
        start,
        end,
        s[start:end],
        value,
        low,
        high,
        unit,
        qualifier,
        direction is not None,
        direction,
        f.form,
        counted,
        reason is None,
        reason,
        claim_value,
        claim_unit,
        claim_qualifier,
        f,
        _after(s, end),
    )


def _edges(s: str, taken: list[Quantity]) -> Iterator[Quantity]:
    """Numbers with a currency code or sign glued before or a unit, ordinal or time glued after ("USD10m", "+0.2%",
    "64GB", "3rd", "8pm"), which find_figures skips; `taken` are the quantities already read, never overlapped."""
    taken_ends = sorted(q.figure.end for q in taken)
    taken_starts = sorted(q.figure.start for q in taken)
    for m in _EDGE.finditer(s):
        prefix, suffix = m.group("prefix") or "", m.group("suffix") or ""
        if (
            not (prefix or suffix)
            or _overlaps(taken_starts, taken_ends, m.start(), m.end())
            or (
                (is_folded_symbol(prefix) or _GLUED_CODE.fullmatch(prefix))
                and not (m.group("dec") or m.group("scale") or "," in m.group("int"))
            )
        ):
            continue  # "PS4" and "COP26" are names, "PS1.4m" and "USD10m" money
        unit, reason = (currency_code(prefix) if prefix[:1] not in "+-m" else None), None
        if suffix:
            unit, reason = _suffix_unit(suffix, m.group("int"), m.group("dec"), unit)
            if unit is None and reason is None:
                continue
        named = unit_after(s[m.end() : m.end() + 40]) if unit is None else None  # "minus-170 degrees Celsius"
        signed_money = currency_before(s[max(0, m.start() - 5) : m.start()]) if prefix == "-" and unit is None else None
        start = m.start() - signed_money.length if signed_money else m.start()  # "$-50.8bn": the symbol is the figure's
        scale = SCALES[m.group("scale").strip().lower()] if m.group("scale") else 1.0
        value = float(m.group("int").replace(",", "") + (m.group("dec") or "")) * scale
        percent = unit == "percent"
        if prefix[:1] in ("-", "m"):
            value = -value
        elif not prefix and (sign := _SIGN_WORD.search(s, max(0, start - 10), start)):
            start, value = sign.start(), -value  # "minus 40C"
        q = find_qualifier(_before(s, start), _after(s, m.end()))
        window = _before(s, start - q.before)[-40:]
        strict, loose = change_before(window)
        direction = ("up" if prefix == "+" else "down" if percent and value < 0 else None) or loose
        claimed = percent and (prefix[:1] in "+-m" and prefix or strict)
        claim_value = -abs(value) if claimed and direction == "down" else value
        figure = Figure(start, m.end(), value, "percent" if percent else "digits", percent, 1.0)
        number = Figure(m.start("int"), m.end("dec") if m.group("dec") else m.end("int"), value, "digits", False, 1.0)
        reason = reason or not_a_claim(s, number, None)
        if unit and reason is not None and (reason.startswith(_UNIT_OUTWEIGHS) or _slash_is_the_unit(s, m, suffix)):
            reason = None  # "640bhp" after a name, "80km/h": measures, not a name's number or a path
        yield _quantity(
            s,
            figure,
            q,
            claim_value,
            "percent_change" if claimed else unit or "count",
            unit or (signed_money or named or _NO_UNIT).unit,
            direction,
            q.qualifier,
            reason,
        )


_NO_UNIT = UnitMatch("count", 0)
_GLUED_CODE = re.compile(r"[A-Z]{3}")  # an ISO 4217 code glued to digits: money only with a decimal, comma or scale
_SCORE = re.compile(r"(?<![\w.,/:#+-])(?P<a>\d{1,3})-(?P<b>\d{1,3})(?![\w/-]|\.\d)")


def _scores(s: str, taken: list[Quantity]) -> Iterator[Quantity]:
    """Scores and tallies ("won 3-1", "64-56"), which find_figures reads as no figure: quantities, never claims."""
    taken_starts, taken_ends = sorted(q.start for q in taken), sorted(q.end for q in taken)
    for m in _SCORE.finditer(s):
        if _overlaps(taken_starts, taken_ends, m.start(), m.end()):
            continue
        low, high = float(m.group("a")), float(m.group("b"))
        figure = Figure(m.start(), m.end(), low, "range", False, 1.0, low, high)
        yield _quantity(s, figure, QualifierMatch("exact"), low, "count", "count", None, "exact", "a score or tally")


def _overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    """Some span (of spans that never overlap each other, sorted) overlaps [start, end): a bisection per number, so
    a sentence of thousands of numbers costs no square."""
    return bisect_left(starts, end) > bisect_right(ends, start)


def _slash_is_the_unit(s: str, m: re.Match[str], suffix: str) -> bool:
    """The only slash of the number's token is its unit's ("80km/h"), so the token is no path or URL."""
    start, end = s.rfind(" ", 0, m.start()) + 1, s.find(" ", m.end())
    token = s[start : end if end != -1 else len(s)]
    return "/" in suffix and token.count("/") == suffix.count("/") and not any(x in token for x in ("://", "www.", "@"))


def _suffix_unit(
    suffix: str, integer: str, decimals: str | None, currency: str | None
) -> tuple[str | None, str | None]:
    """(unit, reason it is no claim) of the letters glued after a number."""
    if suffix.lower() in _GLUED_REASONS:
        return None, _GLUED_REASONS[suffix.lower()]
    if suffix.lower() == "hrs" and len(integer) == 4 and not decimals:
        return None, "a time of day"  # "1400hrs"; "12hrs" is hours
    if suffix in ("p", "i") and not decimals and int(integer) in _RESOLUTION_LINES:
        return None, "a screen resolution"
    if suffix == "K" and not decimals and integer in ("2", "4", "5", "8"):
        return None, "a screen resolution"
    if suffix == "G" and not decimals and integer in ("2", "3", "4", "5", "6"):
        return "network_generation", "a mobile network's generation"  # "5G data": a quantity, no claim
    return (glued_symbol(suffix) or currency), None


_NEXT_FIGURE = re.compile(r"\s[a-z]+\s+\d")  # "FTSE 100 gained 34 points": the plural is the next figure's


def _counted_noun(after: str, unit: str) -> str | None:
    """The noun a figure counts: the first plural within a few words ("1,000 Israeli Air Force veterans")."""
    if unit not in ("count", "percent"):
        return None
    rest = _NEXT_FIGURE.split(_CLAUSE_END.split(after[:_COUNTED_REACH], maxsplit=1)[0], maxsplit=1)[0]
    if unit == "percent":
        rest = _SHARE_LEAD.sub("", rest)
    for word in _COUNTED_WORD.findall(rest)[:6]:
        lower: str = word.lower()
        if (
            lower in _IRREGULAR_PLURALS
            or (lower.endswith("s") and not lower.endswith(("ss", "us")) and lower not in _NOT_NOUNS and len(lower) > 2)
            or (lower.endswith("men") and len(lower) > 5 and lower not in _NOT_NOUNS)
        ):  # "fishermen"
            return lower
        if lower in ("of", "who", "which", "that", "were", "have", "had", "are", "in", "on", "at"):
            break
    return None


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
