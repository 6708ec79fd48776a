"""The quantity layer on NewsQuant (the CQE paper's test set) and on Recognizers-Text's number ranges, scored by
../shared/eval/score.py, beside CQE's and quantulum3's published figures.

Run: .venv/bin/python bench/newsquant.py [--eval ../shared/eval] [--misses dev]
The sets are read in place (never copied into the project). NewsQuant is a test set: rules are developed against its
even-numbered lines only (the dev half); the odd-numbered lines (held out) are scored and never looked at.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

from claimledger.claims.qualifiers import find_qualifier
from claimledger.claims.quantities import Quantity, find_quantities
from claimledger.claims.text import normalise
from claimledger.claims.units import unit_after

ROOT = Path(__file__).resolve().parents[1]
# NewsQuant annotates ages, durations and tallies, never years, dates, times of day, identifiers or ordinals.
NOT_ANNOTATED = (
    "a year",
    "a date",
    "a time of day",
    "an identifier",
    "a name's number",
    "a street number",
    "part of a URL",
    "a phone number",
    "an ordinal",
    "a screen resolution",
    "a part of the calendar",
    "a pronoun",
    "a score or tally",
    "a place in a ranking",
)
# Our unit names -> NewsQuant's (the CQE authors mapped every baseline's units the same way). A count takes the
# singular of the noun it counts ("13000 workers" -> "worker"), as NewsQuant's annotators wrote it.
UNIT_NAMES = {
    "percent": "percentage",
    "percentage_point": "percentage",
    "basis_point": "basis point",
    "USD": "dollar",
    "EUR": "euro",
    "GBP": "pound sterling",
    "JPY": "japanese yen",
    "CNY": "chinese yuan",
    "AUD": "australian dollar",
    "CAD": "canadian dollar",
    "HKD": "hong kong dollar",
    "NZD": "new zealand dollar",
    "SGD": "singapore dollar",
    "ILS": "shekel",
    "INR": "indian rupee",
    "MYR": "malaysian ringgit",
    "DKK": "danish krone",
    "CHF": "swiss franc",
    "RUB": "russian ruble",
    "TRY": "turkish lira",
    "MXN": "mexican peso",
    "ZAR": "south african rand",
    "AED": "uae dirham",
    "SAR": "saudi riyal",
    "HRK": "croatian kuna",
    "BRL": "real",
    "THB": "thai baht",
    "NGN": "nigerian naira",
    "PLN": "polish zloty",
    "HUF": "hungarian forint",
    "SEK": "swedish krona",
    "NOK": "norwegian krone",
    "IDR": "indonesian rupiah",
    "UAH": "ukrainian hryvnia",
    "cent": "cent",
    "penny": "point",
    "sen": "sen",  # NewsQuant names pence ("340p") "point"
    "km": "kilometre",
    "km2": "square kilometre",
    "m2": "square metre",
    "m3": "cubic metre",
    "m": "metre",
    "cm": "centimetre",
    "mm": "millimetre",
    "um": "micrometre",
    "nm": "nanometre",
    "square_mile": "square mile",
    "square_foot": "square foot",
    "cubic_foot": "cubic foot",
    "kg": "kilogram",
    "g": "gram",
    "mg": "milligram",
    "pound_mass": "pound-mass",
    "ml": "millilitre",
    "mph": "mile per hour",
    "km/h": "kilometre per hour",
    "mpg": "mile per gallon",
    "rpm": "revolutions per minute",
    "W": "watt",
    "kW": "kilowatt",
    "MW": "megawatt",
    "GW": "gigawatt",
    "kWh": "kilowatt hour",
    "MWh": "megawatt hour",
    "GWh": "gigawatt hour",
    "TWh": "terawatt hour",
    "V": "volt",
    "Hz": "hertz",
    "kHz": "kilohertz",
    "MHz": "megahertz",
    "GHz": "gigahertz",
    "kB": "kilobyte",
    "MB": "megabyte",
    "GB": "gigabyte",
    "TB": "terabyte",
    "GPa": "gigapascal",
    "Pa": "pascal",
    "dB": "decibel",
    "mAh": "milliampere-hour",
    "ppm": "parts-per-million",
    "ppb": "parts-per-billion",
    "bhp": "brake horsepower",
    "kcal": "kilocalorie",
    "Mbit/s": "megabit per second",
    "Gbit/s": "gigabit per second",
    "N·m": "newton metre",
    "lbf·ft": "foot pound-force",
    "pound_foot": "pound-foot",
    "mmBtu": "mega british thermal unit",
    "PS": "horsepower",
    "nautical_mile": "nautical mile",
    "TW": "terawatt",
    "Wh": "watt hour",
    "kV": "kilovolt",
    "A": "ampere",
    "light_year": "light-year",
    "mbar": "millibar",
    "hPa": "hectopascal",
    "KRW": "south korean won",
    "ms": "millisecond",
    "µs": "microsecond",
    "ns": "nanosecond",
    "J": "joule",
    "kJ": "kilojoule",
    "kbit": "kilobit",
    "Mbit": "megabit",
    "Gbit": "gigabit",
    "Tbit": "terabit",
    "PB": "petabyte",
    "EB": "exabyte",
    "cm3": "cubic centimetre",
    "psi": "pound per square inch",
    "TWD": "new taiwan dollar",
    "PHP": "philippine peso",
    "VND": "vietnamese dong",
    "CZK": "czech koruna",
    "ARS": "argentine peso",
    "CLP": "chilean peso",
    "COP": "colombian peso",
    "PKR": "pakistani rupee",
    "LKR": "sri lankan rupee",
    "EGP": "egyptian pound",
    "BDT": "bangladeshi taka",
    "KES": "kenyan shilling",
    "GHS": "ghanaian cedi",
    "ZMW": "zambian kwacha",
    "RON": "romanian leu",
    "BGN": "bulgarian lev",
    "KWD": "kuwaiti dinar",
    "KZT": "kazakhstani tenge",
    "IRR": "iranian rial",
    "MMK": "myanmar kyat",
    "Ah": "ampere hour",
    "fps": "frame per second",
    "MB/s": "megabyte per second",
    "GB/s": "gigabyte per second",
    "kbit/s": "kilobit per second",
    "cm2": "square centimetre",
    "QAR": "qatari riyal",
    "JOD": "jordanian dinar",
    "IQD": "iraqi dinar",
    "OMR": "omani rial",
    "BHD": "bahraini dinar",
    "LBP": "lebanese pound",
    "SYP": "syrian pound",
    "ETB": "ethiopian birr",
    "network_generation": "generation wireless",  # "5G"
}
_DURATION_ADJECTIVE = re.compile(r"-(?:year|yr|month|week|day)\b(?!-old)", re.IGNORECASE)
_IRREGULAR = {
    "people": "people",
    "children": "child",
    "men": "man",
    "women": "woman",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "geese": "goose",
    "series": "series",
    "species": "species",
    "means": "means",
    "news": "news",
    "headquarters": "headquarters",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "leaves": "leaf",
    "thieves": "thief",
    "lives": "life",
    "wives": "wife",
    "knives": "knife",
    "crises": "crisis",
    "theses": "thesis",
    "diagnoses": "diagnosis",
    "oases": "oasis",
}
_COUNTED_NAMES = {"time": "count"}  # NewsQuant names a multiple ("12 times sales") "count"
PUBLISHED = {  # value P / R / F1, value+unit F1, value+change F1 (README of ../shared/eval)
    "CQE (published)": ("-", "-", 92.0, 85.6, 88.1),
    "quantulum3 (published)": (65.0, 83.3, 73.0, 47.2, "-"),
}


def newsquant_unit(q: Quantity, text: str = "") -> str | None:
    """Our unit in NewsQuant's vocabulary. A share in words is "%" and the noun phrase it is a share of ("a third
    of the voters": "% voter", "half of which": "% -"), a share of one unit that unit ("1/16 of a pint": "pint");
    an age "year of age" ("month of age" for a baby's), a small count after "a NOUN or" that noun ("a day or
    two": "day")."""
    if q.not_claim_reason == "an age":
        return f"{q.unit if q.unit in ('month', 'week', 'day') else 'year'} of age"
    if q.form == "fraction" and not q.change:
        of_unit = _OF_A.match(q.after)
        if of_unit and (unit := unit_after(q.after[of_unit.end() :])) is not None:  # "1/16 of a pint": "pint"
            return UNIT_NAMES.get(unit.unit, unit.unit)
        return f"% {_counted_phrase(q) or '-'}"
    unit, _, per = q.unit.partition("/") if "/" in q.unit and q.unit not in UNIT_NAMES else (q.unit, "", "")
    if unit == "count":
        alternative = _OR_BEFORE.search(text, max(0, q.start - 30), q.start) if q.value and q.value < 10 else None
        if alternative:
            return _singular(alternative.group(1).lower())
        phrase = _counted_phrase(q) or _of_the_phrase(q.after) or _noun_after(q.after)
        modifier = _MODIFIER_BEFORE.search(text, max(0, q.start - 30), q.start) if phrase and q.counted else None
        if (
            modifier
            and modifier.group(1).lower() not in _FUNCTION_WORDS | _AMOUNT_WORDS
            and not modifier.group(1).endswith("ly")
        ):
            return f"{modifier.group(1).lower()} {phrase}"  # "a record 32 goals": "record goal"
        return phrase
    name = UNIT_NAMES.get(unit, unit)
    if unit == "percent" and not per and (rate := _RATE.match(q.after)) is not None:
        per = _singular(rate.group(1).lower())  # "2% a year": "percentage per year"
    return f"{name} per {UNIT_NAMES.get(per, per)}" if per else name


_WORD = re.compile(r"[A-Za-z][\w'-]*")
_AVERAGED = re.compile(r"\baverag(?:ed|es|ing)\s+(?:of\s+)?$", re.IGNORECASE)
# Words before a figure that size or order the amount, not the noun: "a whopping 54GB", "a further 20 people", "the
# first 10 customers" (against "a record 32 goals").
_AMOUNT_WORDS = frozenset(
    """whopping staggering mere further additional extra estimated total remaining first last
next past final previous combined reported massive huge modest paltry meagre meager impressive incredible astonishing
full whole same""".split()
)
_MODIFIER_BEFORE = re.compile(r"\b(?:a|an|the|another|its|their|his|her)\s+([A-Za-z][a-z-]+)\s+$")
_OR_BEFORE = re.compile(r"\b(?:an?|another|one)\s+([a-z]{3,})\s+or\s+$")  # "a day or two": the noun before
# Words that end the noun phrase a figure heads: a plural after them is another phrase's ("300 last year after
# profits", "1,200 across three sites", "30 against the Lakers").
_PREPOSITIONS = frozenset(
    """for from with to in on at by since than per after before outside inside across against
among amid through during into onto near behind beyond within without between via including despite toward towards
last next ago this three four five six seven eight nine ten""".split()
)
_OF_A = re.compile(r"\s+of\s+(?:an?|one)\s+(?:[A-Z]{2,}\s+)?")  # "of a US pint"
_COMPOUND = re.compile(r"-(?!(?:long|old|wide|high|deep|tall|strong|based|odd|plus)\b)([A-Za-z]{3,})\b(?!-)")
_FUNCTION_WORDS = frozenset(
    """of the a an and or to in on at for by with from as is are was were be been has have had
that which who this these those its their his her our your my more less than over under about other others""".split()
)


def _counted_phrase(q: Quantity) -> str | None:
    """NewsQuant names a count's unit by the noun phrase it counts, its head in the singular ("50 different
    products": "different product"), a unit word alone ("40 passing yards": "yard"); a lone "one" counts the noun
    after it ("one solution"), a figure hyphened to a noun that noun ("a four-door car": "door", "four- and
    six-door cars": "door" twice), a count of the best the superlative's plain form ("one of the best phones":
    "good phone"), a count per period its rate ("3,000 tests per day": "test per day")."""
    if (compound := _COMPOUND.match(q.after) or _SUSPENDED.match(q.after)) is not None:
        return compound.group(1).lower()
    if (superlative := _superlative_phrase(q.after)) is not None:
        return superlative
    words = _WORD.findall(q.after[:80])[:5]
    if q.value == 1 and words and words[0].lower() not in _FUNCTION_WORDS:
        for word in words[1:3]:  # "one US fluid ounce": the unit a word or two on
            if (unit := unit_after(" " + word)) is not None and unit.length == len(word) + 1:
                return UNIT_NAMES.get(unit.unit, unit.unit)
        return _one_phrase(q.after)
    if q.counted and q.counted in (w.lower() for w in words):
        if (unit := unit_after(" " + q.counted)) is not None:
            return UNIT_NAMES.get(unit.unit, unit.unit)
        head = [w.lower() for w in words].index(q.counted)
        if any(w.lower() in _PREPOSITIONS for w in words[:head]):
            return None  # "to 24 for standard vehicles": the plural heads another phrase
        phrase = [
            _plain(w.lower()) if _is_superlative(w.lower()) else w
            for i, w in enumerate(words[:head])
            if (w.lower() not in _FUNCTION_WORDS | {"most", "least"} or (i == 0 and w.lower() == "other"))
            and not _PARTICIPLE.search(w)
        ]  # "the 5 biggest banks": "big bank"; "300 recorded songs": "song"; "12 other clubs": "other club"
        singular = _singular(q.counted)
        rate = _RATE.match(q.after, q.after.lower().index(q.counted) + len(q.counted))
        per = f" per {_singular(rate.group(1).lower())}" if rate else ""
        return " ".join([*phrase, _COUNTED_NAMES.get(singular, singular)]) + per
    return None


# "five of the new stores", "two of its biggest clients": a count of some of a group named after "of the".
_OF_THE = re.compile(
    r"\s+of\s+(?:(?:the|its|their|these|those|his|her|our|my|your)\s+)?"
    r"(?P<noun>(?:[A-Za-z'’-]+\s+){0,2}?[A-Za-z-]*[^\Ws]s)\b(?!\s+of\b)",
    re.IGNORECASE,
)


def _of_the_phrase(after: str) -> str | None:
    """The group a count is part of, named after "of the" ("five of the new stores": "new store"), its modifiers
    kept, a superlative in its plain form ("two of its biggest clients": "big client"); None for none."""
    m = _OF_THE.match(after)
    if m is None:
        return None
    *modifiers, head = m.group("noun").split()
    if any(w.lower() in _FUNCTION_WORDS | _PREPOSITIONS for w in modifiers) or head.lower() in _FUNCTION_WORDS:
        return None
    words = [
        _plain(w.lower()) if _is_superlative(w.lower()) else re.sub(r"['’]s$", "", w)
        for w in modifiers
        if w.lower() != "most"
    ]
    return " ".join([*words, _singular(head.lower())])


# Words that end a compound after a count: verbs and adverbs ("the 12 members also said").
_VERBISH = frozenset(
    """is are was were be been will would can could may might said says say do did does also still just
only then now when while where after before not""".split()
)


def _noun_after(after: str) -> str | None:
    """A singular compound of two words or more right after a count that has no plural ("the 12 nation trade pact,":
    "nation trade pact"), up to a function word, a verb-like word or the clause's end; None for none."""
    m = re.match(r"((?: [a-z][a-z-]*){2,4})(?=\s*[,;:.!?)]|\s+[a-z]+)", after)
    if m is None:
        return None
    words = []
    for w in m.group(1).split():
        if w in _FUNCTION_WORDS | _PREPOSITIONS | _VERBISH or w.endswith(("ed", "ing", "ly")):
            break
        words.append(w)
    return " ".join(words) if len(words) >= 2 else None


def _one_phrase(after: str) -> str | None:
    """The noun phrase after "one": its words up to a function word, a verb in -s or the clause's end, at most
    three ("one new player", "one solution"; "one proposal asks": "proposal")."""
    phrase: list[str] = []
    rest = re.split(r"[,;:.!?()]", after[:60], maxsplit=1)[0]
    if not re.match(r"\s+[A-Za-z]", rest):
        return None  # "one 52,000 barrel-a-day refinery": no noun right after it
    for word in _WORD.findall(rest)[:3]:
        if word.lower() in _FUNCTION_WORDS | _PREPOSITIONS or (phrase and re.search(r"[^s]s$", word)):
            break
        phrase.append(word)
    return " ".join(phrase) or None


# "four-, five- and six-cylinder": the first figures of a list of compounds take the last one's noun.
_SUSPENDED = re.compile(r"-,?\s+(?:[\w.]+-,?\s+)*(?:and|or|to)\s+[\w.]+-([A-Za-z]{3,})\b(?!-)")
_PARTICIPLE = re.compile(r"[^e]ed$")  # a past participle before the noun ("recorded", "combined"), not "speed"
_RATE = re.compile(r"\s+(?:per|an?|each)\s+(second|minute|hour|day|week|month|year)\b", re.IGNORECASE)
# "of the best wireless speakers", "of the most spectacular catches ever to grace a final": a superlative, the noun
# phrase up to its plural head, and an infinitive clause after it (NewsQuant keeps the clause's words), or a place or
# time of one word that ends the clause ("of the proudest moments in his life.").
_SUPERLATIVE = re.compile(
    r"\s+of\s+the\s+(?P<most>(?:most|least)\s+)?(?P<adjective>[A-Za-z]+)\s+"
    r"(?P<noun>(?:[A-Za-z-]+\s+){0,2}?[A-Za-z-]*[^\Ws]s)\b"
    r"(?:(?P<clause>\s+(?:ever\s+)?to\s+(?:ever\s+)?[^,;:.!?()]*?)"
    r"(?=\s+(?:but|and|or|in|on|at)\b|[,;:.!?()]|$)"
    r"|(?P<place>\s+(?:in|of|on)\s+(?:(?:his|her|its|their|the|this|that|my|our|your)\s+)?[A-Za-z]+)"
    r"(?=\s*(?:[,;:.!?()]|$)|\s+(?:and|but|or|as|when|while|after|before|since)\b))?",
    re.IGNORECASE,
)
_IRREGULAR_SUPERLATIVES = {
    "best": "good",
    "worst": "bad",
    "most": "many",
    "least": "little",
    "furthest": "far",
    "farthest": "far",
}


def _superlative_phrase(after: str) -> str | None:
    """The phrase a superlative count names ("one of the largest cities": "large city"), None for no superlative."""
    m = _SUPERLATIVE.match(after)
    if m is None or not (m.group("most") or _is_superlative(m.group("adjective").lower())):
        return None
    *modifiers, head = m.group("noun").split()
    clause = [
        w
        for w in _WORD.findall(m.group("clause") or m.group("place") or "")
        if w.lower() not in _FUNCTION_WORDS | {"ever"}
    ]  # "to ever live": "live"; "in his life", "in the valley.": "life", "valley"
    adjective = m.group("adjective").lower()
    return " ".join([adjective if m.group("most") else _plain(adjective), *modifiers, _singular(head.lower()), *clause])


def _is_superlative(word: str) -> bool:
    return word in _IRREGULAR_SUPERLATIVES or (
        word.endswith("est") and len(word) > 5 and word not in ("interest", "honest", "modest", "harvest", "protest")
    )


def _plain(superlative: str) -> str:
    """A superlative's plain form by rule: "largest" -> "large", "biggest" -> "big", "earliest" -> "early"."""
    if superlative in _IRREGULAR_SUPERLATIVES:
        return _IRREGULAR_SUPERLATIVES[superlative]
    stem = superlative[:-3]
    if stem.endswith("i"):
        return stem[:-1] + "y"
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] in "bdgmnpt":
        return stem[:-1]
    if re.search(r"(?:[^aeiou][aeiou][^aeiouwxy]|rg|[^aeiou]l)$", stem):  # "late", "large", "simple"
        return stem + "e"
    return stem


def _singular(word: str) -> str:
    """A plural noun's singular by rule: "cities" -> "city", "boxes" -> "box", "houses" -> "house", "viruses" ->
    "virus", "wolves" -> "wolf", "heroes" -> "hero"; the irregular ones listed."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("men"):  # "fishermen"
        return word[:-3] + "man"
    if word.endswith("yses"):
        return word[:-2] + "is"  # "analyses"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")) or (
        word.endswith("uses") and not word.endswith(("ouses", "auses", "cuses", "fuses", "abuses"))
    ):
        return word[:-2]  # "classes", "boxes", "matches", "viruses"; not "houses", "causes", "excuses"
    if word.endswith("lves"):
        return word[:-3] + "f"  # "wolves", "shelves"
    if word.endswith("oes") and len(word) > 5:
        return word[:-2]  # "heroes", "tomatoes"; not "shoes"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def prediction(q: Quantity, text: str) -> dict:
    """One quantity in score.py's prediction format. NewsQuant gives a range the bound written before it ("about
    20-25 km": ~), where our qualifier says only "range", and a figure a verb says is an average "~" ("averaged 7.3
    points"; the noun, "an average 50", stays "=")."""
    qualifier = find_qualifier(text[: q.figure.start], "").qualifier if q.qualifier == "range" else q.qualifier
    if qualifier == "exact" and _AVERAGED.search(text, max(0, q.start - 20), q.start):
        qualifier = "about"
    out = {"unit": newsquant_unit(q, text), "qualifier": qualifier, "change": q.change, "change_direction": q.direction}
    if q.form == "multiplier":  # "a fourfold rise", "3 times more": the factor written, a count as "12 times sales"
        out["unit"], out["value"] = "count", round(q.value / 100 + 1, 6)
    elif q.value is None:
        out["value"], out["range"] = None, [q.low, q.high]
    else:  # a share in words is a ratio in NewsQuant ("half of which" = 0.5), a percent sign a percent
        out["value"] = _ratio(q.value / 100) if q.form == "fraction" else q.value
    return out


def _ratio(share: float) -> float:
    """A share as the fraction it rounds ("two-thirds": 66.67% -> 2/3), or as it is when it rounds none ("1/128")."""
    near = float(Fraction(share).limit_denominator(12))
    return near if abs(near - share) < 5e-4 else share


def predictions(rows: list[dict]) -> list[dict]:
    """find_quantities on every sentence, less what the set does not annotate."""
    out = []
    for r in rows:
        text = normalise(r["text"])
        out.append(
            {
                "text": r["text"],
                "quantities": [prediction(q, text) for q in find_quantities(text) if annotated(q, text)],
            }
        )
    return out


def annotated(q: Quantity, text: str) -> bool:
    """Whether NewsQuant annotates a quantity of ours: not a year, date, identifier... (NOT_ANNOTATED), and mostly
    not a duration written as an adjective ("a ten-year plan"; an age, "a 50-year-old", it does), nor a number word
    hyphened into an adjective after "a" ("a six-figure sum")."""
    return not (
        (q.form == "multiplier" and not _WRITTEN_FACTOR.search(q.quote))  # "doubled": no number written
        or (q.not_claim_reason or "").startswith(NOT_ANNOTATED)
        or _DURATION_ADJECTIVE.match(text, q.figure.end)
        or (
            q.form == "words"
            and _A_BEFORE.search(text, max(0, q.start - 4), q.start)
            and _HYPHENED.match(text, q.figure.end)
        )
    )


_WRITTEN_FACTOR = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten)\b|(?:two|three|four|five|six|seven|eight|nine|ten)fold",
    re.I,
)
# "a six-figure sum", "a three-point play": a number word hyphened into an adjective after "a" (as "a ten-year plan")
_A_BEFORE = re.compile(r"\ban? $", re.IGNORECASE)
_HYPHENED = re.compile(r"-[A-Za-z]")


def score(score_py: Path, gold: list[dict], pred: list[dict], mode: str) -> dict:
    """score.py's JSON for one set of predictions (gold and predictions in temp files, never in the project)."""
    with tempfile.TemporaryDirectory() as tmp:
        g, p = Path(tmp, "gold.jsonl"), Path(tmp, "pred.jsonl")
        g.write_text("".join(json.dumps(r) + "\n" for r in gold), encoding="utf-8")
        p.write_text("".join(json.dumps(r) + "\n" for r in pred), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(score_py), str(g), str(p), "--mode", mode], capture_output=True, text=True, check=True
        )
    return json.loads(done.stdout)


def _row(name: str, cqe: dict, strict: dict) -> list:
    ok, n = strict["qualifier_coarse_accuracy"]
    return [
        name,
        *cqe["value"],
        cqe["value+unit"][2],
        cqe["value+newsquant_symbol"][2],
        round(100 * ok / n, 1) if n else "-",
        *strict["change_true_PRF_on_value_matches"],
        cqe["n_gold"],
        cqe["n_pred"],
    ]


def _gold_bound(raw: str) -> tuple[str, float | None, float | None]:
    """Recognizers-Text's interval ("(20,)", "[20,100)", "[170,170]") as (bound, low, high) in our words."""
    lo, hi = (float(x) if x else None for x in raw[1:-1].split(","))
    if hi is None:
        return ("more_than" if raw[0] == "(" else "at_least"), lo, None
    if lo is None:
        return ("fewer_than" if raw[-1] == ")" else "at_most"), None, hi
    return ("exact" if lo == hi else "range"), lo, hi


def _bounds(rows: list[dict]) -> tuple[int, int]:
    """Recognizers-Text NumberRange: (right, total) of gold bounds and ranges we read with the same bound and ends."""
    right = total = 0
    for r in rows:
        found = {(q.qualifier, q.low, q.high) for q in find_quantities(normalise(r["text"]))}
        for gold in r["quantities"]:
            total += 1
            right += _gold_bound(gold["value_raw"]) in found
    return right, total


def _print_misses(gold: list[dict], pred: list[dict], what: str) -> None:
    """The dev half's sentences where our values (or units, or symbols) differ from the annotators' (never the
    held-out half)."""

    def key(q: dict, raw: str | None) -> str:
        value = str(q.get("range") or q["value"])
        return value if what == "value" else f"{value} {q['unit']}" if what == "unit" else f"{value} {raw}"

    for g, p in zip(gold, pred):
        want = sorted(key(q, q["qualifier_raw"]).lower() for q in g["quantities"])  # score.py lower-cases units
        got = sorted(key(q, q["change_direction"] or _SYMBOLS.get(q["qualifier"])).lower() for q in p["quantities"])
        if want != got:
            print(f"\n{g['text']}\n  gold: {want}\n  ours: {got}")


_SYMBOLS = {
    "exact": "=",
    "about": "~",
    "nearly": "~",
    "more_than": ">",
    "at_least": ">",
    "fewer_than": "<",
    "at_most": "<",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval", help="the eval folder")
    parser.add_argument(
        "--misses",
        choices=["value", "unit", "symbol"],
        help="print the dev half's sentences whose values, units or symbols we get wrong",
    )
    args = parser.parse_args()
    lines = [json.loads(line) for line in (args.eval / "newsquant.jsonl").open(encoding="utf-8")]
    pred = predictions(lines)
    halves = {"dev (even lines)": slice(0, None, 2), "held out (odd lines)": slice(1, None, 2), "all": slice(None)}
    if args.misses:
        _print_misses(lines[halves["dev (even lines)"]], pred[halves["dev (even lines)"]], args.misses)
        return
    head = [
        "NewsQuant",
        "value P",
        "value R",
        "value F1",
        "value+unit F1",
        "value+change F1",
        "qualifier acc %",
        "change P",
        "change R",
        "change F1",
        "gold",
        "predicted",
    ]
    table = [head]
    for name, part in halves.items():
        cqe, strict = (score(args.eval / "score.py", lines[part], pred[part], m) for m in ("cqe", "strict"))
        table.append(_row(f"claimledger, {name}", cqe, strict))
    for name, (p, r, f1, unit_f1, change_f1) in PUBLISHED.items():
        table.append([name, p, r, f1, unit_f1, change_f1, "-", "-", "-", "-", 904, "-"])
    widths = [max(len(str(row[i])) for row in table) for i in range(len(head))]
    for row in table:
        print(
            "  ".join(str(cell).rjust(w) if i else str(cell).ljust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        )
    print(
        "(value+change F1: value and NewsQuant's one symbol slot =/~/>/</up/down agree; qualifier accuracy and "
        "change P/R/F1 on value matches, score.py --mode strict; the rest --mode cqe)"
    )
    ranges = [json.loads(line) for line in (args.eval / "msrt_numberrange.jsonl").open(encoding="utf-8")]
    right, total = _bounds(ranges)
    print(
        f"Recognizers-Text NumberRange: {right}/{total} bounds and ranges read with the same bound and ends "
        f"({100 * right / total:.1f}%)"
    )


if __name__ == "__main__":
    main()
