"""The unit a quantity is written in: a currency symbol before it, a unit word or symbol after it (lexicon/units.toml)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from claimledger.claims.wordlists import word_list

_UNITS = word_list("units")


def _plural(word: str, plurals: dict[str, str]) -> str:
    if word in plurals:
        return plurals[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _word_table() -> dict[str, str]:
    """Every spelling of a unit word, singular and plural, lower case -> the unit's name."""
    table: dict[str, str] = {}
    plurals = _UNITS["currency_plurals"]
    for section in ("currency_words", "minor_currency_words", "words"):
        for word, name in _UNITS[section].items():
            table[word] = name
            table.setdefault(_plural(word, plurals), name)
    return table


_WORDS = _word_table()
_CURRENCY_NAMES = frozenset(_UNITS["currency_words"].values())
_MINOR_CURRENCY_NAMES = frozenset(_UNITS["minor_currency_words"].values())
_SYMBOLS: dict[str, str] = _UNITS["symbols"]
_AFTER_SCALE: dict[str, str] = _UNITS["after_scale"]
_GLUED_ONLY: dict[str, str] = _UNITS["glued_symbols"]
_FOLDED: dict[str, str] = _UNITS["folded_currency_symbols"]
_ISO_CODES = frozenset(
    c for c in {*_UNITS["currency_symbols"].values(), *_UNITS["currency_words"].values()} if len(c) == 3 and c.isupper()
)


def _alternation(phrases: Iterable[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


_LONGEST_WORDS = max(len(w.split()) for w in _WORDS)
_FIRST_WORDS = frozenset(w.split()[0] for w in _WORDS)
# Up to three words after the figure, maybe after a hyphen ("a 5-mile walk"): looked up in the word table, longest
# first. A dictionary lookup per figure; one alternation of every unit spelling would try each in turn.
_NEXT_WORDS = re.compile(r"[ -]?(?P<w1>[A-Za-z]+)(?:(?P<s2>[ -])(?P<w2>[A-Za-z]+))?(?:(?P<s3>[ -])(?P<w3>[A-Za-z]+))?")
# A symbol after the figure, glued, after one space or a hyphen ("64GB", "50 mph", "a 4-mpg edge"); one letter
# only glued ("45g").
_NEXT_SYMBOL = re.compile(r"""(?P<space> ?|-(?=[A-Za-z]{2}))(?P<unit>[A-Za-z°ºµμ%€£"'][A-Za-z0-9/°²³-]*)""")  # "km²"
_CURRENCY_BEFORE = re.compile(rf"(?<![A-Za-z])(?P<symbol>{_alternation(_UNITS['currency_symbols'])}) ?$")
_SPACED_SINGLE = frozenset(_UNITS["spaced_single"])
_ABBREVIATION_DOT = re.compile(r"\.[A-Za-z]")  # "10 p.m.": an abbreviation, no unit
_CURRENCY_LAST = frozenset(symbol[-1] for symbol in (*_UNITS["currency_symbols"], *_ISO_CODES))
# An ISO 4217 code spaced before a figure, as wire copy writes money: "EUR 300 million", "SGD 500 billion".
_CODE_BEFORE = re.compile(r"(?<![A-Za-z])(?P<code>[A-Z]{3}) $")
_NAME_CODES = frozenset(_UNITS["codes_also_names"])


class UnitMatch(NamedTuple):  # built once per figure: a NamedTuple costs a third of a frozen dataclass to build
    """A unit and the characters its words cover next to the figure."""

    unit: str
    length: int  # characters from the figure's edge to the unit's far end


def currency_before(before: str) -> UnitMatch | None:
    """The currency whose symbol stands right before a figure ("$", "US$", "£", "NIS "), as an ISO 4217 code."""
    tail = before[-5:].rstrip(" ")
    if not tail or tail[-1] not in _CURRENCY_LAST:  # the cheap test spares the search for most figures
        return None
    m = _CURRENCY_BEFORE.search(before[-5:])
    if m is None:
        code = _CODE_BEFORE.search(before[-5:])
        if code is None or code.group("code") not in _ISO_CODES or code.group("code") in _NAME_CODES:
            return None
        return UnitMatch(code.group("code"), 4)
    return UnitMatch(_UNITS["currency_symbols"][m.group("symbol")], len(m.group()))


def currency_code(symbol: str) -> str | None:
    """The ISO 4217 code of a currency symbol or code glued before a figure ("$US", "USD", "RM", "PS")."""
    return _UNITS["currency_symbols"].get(symbol) or _FOLDED.get(symbol) or (symbol if symbol in _ISO_CODES else None)


def is_folded_symbol(symbol: str) -> bool:
    """A currency sign as ASCII folding writes it ("PS" for £): a currency only before a decimal, comma or scale."""
    return symbol in _FOLDED


def glued_currency_prefixes() -> list[str]:
    """Currency codes and lettered symbols that can stand glued before digits ("USD10m", "$US55,931,000"), longest
    first."""
    lettered = [s for s in (*_UNITS["currency_symbols"], *_FOLDED) if any(c.isalpha() for c in s)]
    return sorted({*lettered, *_ISO_CODES}, key=len, reverse=True)


def unit_after(after: str, scaled: bool = False) -> UnitMatch | None:
    """The unit named right after a figure: a word ("miles", "Australian dollars") or a symbol ("km", "°C"). After a
    figure with a scale word, a few words name a currency that otherwise name something else ("200 million pounds",
    "3 trillion won")."""
    m = _NEXT_WORDS.match(after)
    if scaled and m is not None and (name := _AFTER_SCALE.get(m.group("w1").lower())) is not None:
        return UnitMatch(name, m.end("w1"))
    if m is not None and m.group("w1").lower() in _FIRST_WORDS:
        words = [w.lower() for w in (m.group("w1"), m.group("w2"), m.group("w3")) if w]
        for n in range(min(len(words), _LONGEST_WORDS), 0, -1):
            if (name := _WORDS.get(" ".join(words[:n]))) is not None:
                return UnitMatch(name, m.end(f"w{n}"))
    m = _NEXT_SYMBOL.match(after)
    if m is None:
        return None
    whole = m.group("unit")
    for symbol in (whole, whole.partition("-")[0]) if "-" in whole else (whole,):  # "lb-ft", but "km-long": km
        unit = _SYMBOLS.get(symbol) or (symbol if symbol in _ISO_CODES else None)  # "140 JPY", "2 EUR"
        if unit is not None:
            end = m.start("unit") + len(symbol)
            if (
                len(symbol) > 1
                or not m.group("space")
                or (symbol == whole and symbol in _SPACED_SINGLE and not _ABBREVIATION_DOT.match(after, end))
            ):
                return UnitMatch(unit, end)  # a spaced one-letter symbol is a word of its own: not "C-SPAN"
            return None
    return None


def _any_case(symbols: dict[str, str]) -> dict[str, str]:
    """The symbols of two letters or more by their lower case, those whose lower case names one unit only ("ghz",
    "kwh"; not "nm", nanometre or newton metre), times left out."""
    units: dict[str, set[str]] = {}
    for symbol, unit in symbols.items():
        if len(symbol) > 1 and unit not in _TIME_UNITS:  # "25HR" is home runs, not hours
            units.setdefault(symbol.lower(), set()).add(unit)
    return {lower: next(iter(named)) for lower, named in units.items() if len(named) == 1}


_TIME_UNITS = frozenset({"second", "minute", "hour", "day", "week", "month", "year", "ms"})
_ANY_CASE = _any_case(_SYMBOLS)


def glued_symbol(suffix: str) -> str | None:
    """The unit of the letters glued to a number ("GB" of "64GB", "in" of "6ft 4in"; in any case, "2.4Ghz", "65w"
    not), None when they are none."""
    return _SYMBOLS.get(suffix) or _GLUED_ONLY.get(suffix) or _ANY_CASE.get(suffix.lower())


def is_currency(unit: str) -> bool:
    """An ISO 4217 code or a currency's hundredth ("cent", "sen")."""
    return unit in _CURRENCY_NAMES or unit in _MINOR_CURRENCY_NAMES or unit in _UNITS["currency_symbols"].values()
