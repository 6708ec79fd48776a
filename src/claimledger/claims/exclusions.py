"""Numbers that are not claims: years, dates, times, ages, identifiers, phone and street numbers, numbers in URLs,
vote tallies and scores."""

from __future__ import annotations

import re
from functools import lru_cache

from claimledger.claims.numbers import Figure
from claimledger.claims.timeref import MONTHS
from claimledger.claims.wordlists import word_list

_MONTH_WORD = re.compile(rf"(?:{MONTHS})\.?", re.I)
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{MONTHS})\b", re.I)
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.]\d{1,2}[/.]\d{1,4}\b")
_TIME_AFTER = re.compile(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|o'clock|:\d\d)", re.I)
_HOURS_AFTER = re.compile(r"^\s*hrs\b", re.I)  # "at 1400 hrs" is a time, "for 12 hrs" a duration
_AGE_AFTER = re.compile(r"^[\s-]*(?:years?|months?)[\s-]old\b|^-year-old|^\s+(?:years?|months?)\s+of\s+age\b", re.I)
_RANK_END = re.compile(
    r"\s*(?:[,;:.!?)]|$)|\s+(?:in|of|on|at|for|during|since|after|with|and|or|but|this|last|again)\b"
)
_AGE_OF = re.compile(r"\bage\s+of\s+$", re.I)  # "at the age of 35", "over the age of 21"
# "life expectancy for men is around 73", "average age of 43": an age stated after a few words, in one clause.
_LIFE_EXPECTANCY = re.compile(
    r"\b(?:life\s+expectancy|average\s+age)\b[^,;.()\d]{0,40}?\b(?:is|was|are|were|of|at|to|reached|hit)\s+"
    r"(?:(?:around|about|nearly|almost|just|only|some|roughly)\s+)?$",
    re.I,
)  # the level, not a change ("rose by 2 years")
_AGE_APPOSITION = re.compile(r"[A-Za-z]+,\s*$")  # "Mohammed, 12," / "The striker, 29,"
_AGE_BRACKET = re.compile(
    r"\b(?:aged|ages|were|are|those|people|voters|adults|children)\s+(?:under|over|above|below)\s*$", re.I
)
_SPAN_WORDS = ("first", "last", "final", "opening", "closing")
_CALENDAR_SPAN = re.compile(rf"\b(?:{'|'.join(_SPAN_WORDS)})\s+$", re.I)
_BRACKET_WORDS = ("under", "over", "above", "below")
_BOUND_BEFORE = re.compile(r"(?:more than|over|nearly|almost|about|some)\s*$")
_COMMA_AFTER = re.compile(r"\s*,")
_CALENDAR_SPAN_AFTER = re.compile(r"^\s+(?:months|weeks|days|quarters)\s+of\s+(?:the|this|last|that|\d{4})", re.I)
# Words after which a number names something ("Resolution 2728", "Channel 12", "page 4", "No. 7", "#3").
_IDENTIFIER_WORDS = frozenset(word_list("identifiers")["words"].split())
_AGE_WORDS = frozenset(word_list("identifiers")["age_words"])
_AGED_EVENT = re.compile(
    r"^[\s-]*(?:years?|months?|weeks?|days?)[\s-]old\s+(?:[a-z-]+\s+){0,2}?(?:"
    + "|".join(word_list("identifiers")["aged_events"])
    + r")\b",
    re.I,
)


def _event_of_age(after: str) -> bool:
    """ "the 15-month-old war": how long the war has gone on, a duration, not a person's age."""
    return _AGED_EVENT.match(after) is not None


# A capitalised name and its street word, any case: "10 Downing Street", "221 Baker st."; not "2,000 marched through
# the streets".
_STREET_AFTER = re.compile(r"^\s+(?:[A-Z][a-z]+\s+){1,3}(?i:(?:street|avenue|road|boulevard|blvd)\b|st\.|ave\.|rd\.)")
# The same with a capitalised street word, maybe right after the number or after a compass letter or an ordinal
# ("14 Ave Gambetta", "7 W 54th St", "412 Old Mill Lane").
_STREET_NAMED_AFTER = re.compile(
    r"^\s+(?:(?:[A-Z][a-z]+|[NSEW]\.?|\d+(?:st|nd|rd|th))\s+){0,3}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Way|Lane|Drive)\b"
)
_CODE_AFTER = re.compile(r"^\s+(?:zip|postal|post|area|dialling|dialing)\s*codes?\b", re.IGNORECASE)
# International numbers ("+972 3 555 1234") and dashed local ones ("(212) 555-1234", "555-123-4567").
_PHONE = re.compile(r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}|\(?\b\d{3}\)?[\s.-]?\d{3}[.-]\d{4}\b")
_NAME_BEFORE = re.compile(r"\b(?:[A-Z]|[a-z]{1,2}[A-Z])[\w-]*\s$")  # "Channel ", "iPhone "
_TITLE_CASE_AFTER = re.compile(r"\s+[A-Z]")
_YEAR_BEFORE = frozenset({"by", "in", "until", "till", "before", "after", "since", "from"})
# A model's name going on after its number, before the noun it names: "iPhone 11 Pro cameras", "Galaxy S 9 Edge
# phones" (a capitalised word in the singular, and a plural further on is the noun, not what the number counts).
_MODEL_AFTER = re.compile(r"\s+[A-Z][a-z]*[^\Ws](?:\s+[A-Z][a-z]*[^\Ws])?\s+[a-z]+s\b")
_SENTENCE_END_BEFORE = re.compile(r"[.!?][\"')\]]*\s+$")
_VOTE_WORDS = re.compile(r"\b(?:vot(?:e|es|ed|ing)|ballots?|in\s+favou?r|abstain(?:ed|ing|ions)?|seats?)\b", re.I)
_COUNTED_AFTER = re.compile(r"\s+(?:injured|wounded|killed|dead|died|people|persons|others)\b", re.I)
_TALLY_AFTER = re.compile(r"^\s*(?:votes?\s+)?(?:to|-|against)\s+\d", re.I)
_TALLY_BEFORE = re.compile(r"\d+\s+(?:votes?\s+)?(?:to|against)\s+$", re.I)
_TALLY_SIDE = re.compile(r"^\s*(?:votes?\s+)?(?:in\s+favou?r|against|abstentions?|for\b)", re.I)


TAIL = 48  # characters before a figure that the rules below look at: anchored searches over a whole
# sentence's head would try every position of it
AHEAD = 120  # and after it: the rules read a few words; a slice of the whole rest per figure costs its square
URL_REACH = 2048  # a URL or path is shorter than this; the token search around a figure looks no further


@lru_cache(maxsize=256)
def _names_a_vote(s: str) -> bool:
    """Asked per figure that looks like a tally: answered once per sentence."""
    return _VOTE_WORDS.search(s) is not None


def not_a_claim(s: str, f: Figure, counted_noun: str | None) -> str | None:
    """Why a number only names, dates or tallies something ("a year", "an identifier", ...); None for a claim.
    `counted_noun` is the noun after it."""
    before, after = s[max(0, f.start - TAIL) : f.start], s[f.end : f.end + AHEAD]
    raw = s[f.start : f.end]
    plain_integer = raw.isdigit()
    previous = _previous_word(before)
    last = previous.lower()
    if (
        plain_integer
        and len(raw) == 4
        and (1800 <= int(raw) <= 2100 or (int(raw) <= 2300 and last in _YEAR_BEFORE))
        and not (_COUNTED_AFTER.match(after) and last in ("and", "with", "while", "another", "some", "over", "nearly"))
    ):
        return "a year"  # "by 2120": a far year after a word of time; not "111 killed and 1950 injured"
    # Each cheap test on the word before spares a search of the text before (a pattern tried at every position).
    if (
        f.form != "percent"
        and (  # "56% in favour, 22% against": shares of a poll, not a count of votes
            _TALLY_AFTER.match(after)
            or _TALLY_SIDE.match(after)
            or (last in ("to", "against") and _TALLY_BEFORE.search(before))
        )
        and _names_a_vote(s)
    ):
        return "a vote tally"
    if f.form in ("digits", "round") or plain_integer:
        if plain_integer and int(raw) <= 31 and (_MONTH_WORD.fullmatch(previous) or _MONTH_AFTER.match(after)):
            return "a date"
        if last.rstrip("#") in _IDENTIFIER_WORDS or previous == "#":
            return f"an identifier (after {previous!r})"
        if _TIME_AFTER.match(after) or (len(raw) == 4 and _HOURS_AFTER.match(after)):
            return "a time of day"
        if _STREET_AFTER.match(after) or _STREET_NAMED_AFTER.match(after):
            return "a street number"
        if _CODE_AFTER.match(after):
            return "an identifier (a postal or phone code)"  # "the 10023 zip code"
        name = _NAME_BEFORE.search(before) if previous[:3] != last[:3] else None  # a capital in the word before
        if (
            name
            and plain_integer
            and (not counted_noun or _MODEL_AFTER.match(after))
            and not _opens_sentence(s, f.start - len(before) + name.start())
        ):
            return f"a name's number (after {previous!r})"  # "Channel 12", "Apollo 11", "iPhone 11 Pro cameras"
        if _inside_token(s, f):
            return "part of a URL, path or address"
        if _inside(_PHONE, s, f):
            return "a phone number"
        if _inside(_NUMERIC_DATE, s, f):
            return "a date"
    elif (
        f.form == "words"
        and raw[:1].isupper()
        and not counted_noun
        and previous[:3] != last[:3]
        and not _TITLE_CASE_AFTER.match(after)
        and (name := _NAME_BEFORE.search(before))
        and not _opens_sentence(s, f.start - len(before) + name.start())
    ):
        return f"a name's number (after {previous!r})"  # "ITV Four", "Formula One"; not "Israel Says Three Killed"
    elif f.form == "range" and _STREET_NAMED_AFTER.match(after):
        return "a street number"  # "40-42 Market Street"
    if _AGE_AFTER.match(after) and not _BOUND_BEFORE.search(before) and not _event_of_age(after):
        return "an age"
    if f.value < 120 and (
        last in _AGE_WORDS
        or (last in _BRACKET_WORDS and _AGE_BRACKET.search(before))
        or (last == "of" and _AGE_OF.search(before))
        or (not f.percent and _LIFE_EXPECTANCY.search(before))
    ):
        return "an age"  # "those who left were under 30", "aged 45"
    if last in ("top", "bottom") and f.value <= 20 and not counted_noun and _RANK_END.match(after):
        return "a place in a ranking"  # "slipped towards the bottom three", "finished in the top 10."
    if last in _SPAN_WORDS and _CALENDAR_SPAN.search(before) and _CALENDAR_SPAN_AFTER.match(after):
        return "a part of the calendar"  # "the first three months of the year"
    if (
        f.form == "digits"
        and f.value < 120
        and previous.endswith(",")
        and _COMMA_AFTER.match(after)
        and _AGE_APPOSITION.search(before)
    ):
        return "an age"  # "Mohammed, 12,"
    return None


def _previous_word(before: str) -> str:
    """The word right before the figure ("" at the start); a set lookup on it beats an anchored pattern."""
    tokens = before[-24:].split()
    return tokens[-1] if tokens else ""


def _opens_sentence(s: str, word_start: int) -> bool:
    """The word at word_start is the first of its sentence (a capital there says nothing about names)."""
    return word_start == 0 or bool(_SENTENCE_END_BEFORE.search(s, max(0, word_start - 8), word_start))


def _inside_token(s: str, f: Figure) -> bool:
    """A number inside a URL, a path or an e-mail address."""
    token_start = max(s.rfind(" ", max(0, f.start - URL_REACH), f.start) + 1, f.start - URL_REACH, 0)
    token_end = s.find(" ", f.end, f.end + URL_REACH)
    token = s[token_start : token_end if token_end != -1 else min(len(s), f.end + URL_REACH)]
    return "://" in token or "www." in token or "/" in token or "@" in token


def _inside(pattern: re.Pattern[str], s: str, f: Figure, reach: int = 24) -> bool:
    """The figure lies within a match of pattern; phone numbers and dates are short, so look only nearby."""
    return any(
        m.start() <= f.start and f.end <= m.end() for m in pattern.finditer(s, max(0, f.start - reach), f.end + reach)
    )
