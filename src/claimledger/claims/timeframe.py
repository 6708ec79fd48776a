"""When a figure holds, as its clause says it: a TimeFrame (as of the article, a named period, a day, the past
hours, since a start, a time ago, after a start, a span), read by claims/frames.py for each figure."""

from __future__ import annotations

import re
from typing import Any
from datetime import date
from functools import lru_cache

from claimledger.claims.lemmas import lexicon
from claimledger.claims.model import DURATION_UNITS, TimeFrame
from claimledger.claims.patterns import any_match_of, guarded
from claimledger.claims.timeref import MONTHS, month_number, period_spans_in_lower, periods_in_lower

_WEEK_OR_YEARS = re.compile(r"\b(?:this|last|past)\s+week(?:end)?\b|\bbetween\s+(?:19|20)\d\d\s+and\s+(?:19|20)\d\d\b")
_PASSED = re.compile(
    r"\b(?:reached|passed|exceeded|surpassed|topped|crossed|went\s+(?:past|beyond|over)|(?:rose|risen|climbed|grown|grew)\s+to)\b"
)
_PAST_SPAN = re.compile(r"\b(?:over|in|during)\s+the\s+(?:past|last)\s+(?:year|month|week)\b")
# What a level reached after a change says between the change's span and itself ("rose by 2%, or 194,000 people,
# over the past year and now stands at 9.795 million", "..., over the past year, to just over 9.9 million").
_LEVEL_AFTER_SPAN = re.compile(
    r"[\s,]*(?:and\s+)?(?:now\s+)?(?:(?:stands|stood|is|was)\s+at|to|reached|reaching)\s+(?:[a-z]+\s+){0,2}"
)


@lru_cache(maxsize=1)
def _time_patterns() -> dict[str, Any]:
    """The lexicon's time words as regular expressions, compiled once (the ones most clauses cannot match behind a
    guard of the words they need, claims/patterns.py)."""
    time = lexicon()["time"]
    weekdays = "|".join(time["weekdays"])
    said = "|".join(time["said"])
    return {
        # One look for any year or time word at all: most clauses have none, and then the patterns below need not
        # run. Two searches: a year's digits are found by a scan for "1" and "2", which the words would defeat.
        "any_year": re.compile(r"(?:19|20)\d\d"),
        "any_time_word": any_match_of(  # a yes or no: the words regrouped by first letter
            [
                rf"\b(?:{MONTHS}|{weekdays}|since|past|last|this|previous|overnight|"
                rf"weeks?|weekend|hours?|half|quarter|between|start|beginning|"
                + "|".join(re.escape(w) for w in time["past_hours"])
                + r")\b"
            ]
        ),
        "said_day": re.compile(
            rf"\b(?:{said})\s+(?:on\s+)?(?:{weekdays}|(?:\d{{1,2}}\s+(?:{MONTHS}))|"
            rf"(?:(?:{MONTHS})\s+\d{{1,2}}))\b|"
            # "On November 6 the ministry said that ...": the day it was said, said first
            rf"^\s*on\s+(?:{weekdays}|\d{{1,2}}\s+(?:{MONTHS})|(?:{MONTHS})\.?\s+\d{{1,2}})\b"
            rf"(?=,?\s+(?:the\s+|a\s+|its\s+)?[\w' -]{{0,50}}?\b(?:{said})\s+(?:that\s+)?)"
        ),
        "day_word": re.compile(rf"\b(?:{weekdays}|{MONTHS})\b"),
        "day": re.compile(
            rf"\b(?:on\s+)?(?:{weekdays})\b|\bon\s+(?:\d{{1,2}}\s+(?:{MONTHS})|(?:{MONTHS})\.?\s+\d{{1,2}}(?!\d))"
            rf"\b(?!,?\s+(?:19|20)\d\d\b(?!\s+(?:attack|assault|massacre)))|"
            rf"\b(?:\d{{1,2}}\s+(?:{MONTHS})|(?:{MONTHS})\s+\d{{1,2}}(?!\d))(?:,?\s+(?:19|20)\d\d)?\s+"
            rf"(?:attack|assault|massacre|raid|incursion)s?\b"
        ),
        "past_hours": guarded(
            re.compile(
                r"\b(?:in|over|during)\s+the\s+(?:past|last|previous)\s+(?:\d+|twenty-four|48|72)\s+"
                r"hours\b|\b(?:past|last)\s+(?:\d+|twenty-four)\s+hours\b|\b(?:"
                + "|".join(map(re.escape, time["past_hours"]))
                + r")\b"
            )
        ),
        "running": any_match_of(time["running"]),
        "cumulative": guarded(re.compile(r"\b(?:" + "|".join(map(re.escape, time["cumulative"])) + r")\b")),
        "half": re.compile(
            rf"\b(?P<which>{'|'.join(time['halves'])})\s+half\s+of\s+(?:the\s+year\s+)?(?P<year>(?:19|20)\d\d)\b"
        ),
        "quarter": re.compile(rf"\b(?P<which>{'|'.join(time['quarters'])})\s+quarter\s+of\s+(?P<year>(?:19|20)\d\d)\b"),
        "halves": time["halves"],
        "quarters": time["quarters"],
        "since": re.compile(
            rf"(?<!\bhas\s)(?<!\bhave\s)(?<!\bhad\s)\bsince\s+(?:the\s+)?(?P<what>(?:\d{{1,2}}\s+(?:{MONTHS})|(?:{MONTHS})\.?\s+\d{{1,2}}(?!\d))"
            rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?|(?:{MONTHS})\.?\s+(?:19|20)\d\d|(?:19|20)\d\d|"
            rf"[a-z]+(?:\s+[a-z]+){{0,5}}?\s+(?:began|started|erupted|broke\s+out)|(?:start|beginning)\s+of\s+the\s+\w+|"
            rf"(?:{MONTHS})\b|[a-z]+\b)"
        ),
        "ago": re.compile(r"^\s*ago\b"),
        "after_start": re.compile(
            r"^\s*(?:after|since)\s+(?:the\s+)?(?:start\s+of\s+the\s+)?\w+(?:\s+\w+){0,3}\s+"
            r"(?:began|started|erupted|broke\s+out)\b|^\s*into\s+(?:the|a|its)\b"
        ),
        "span": re.compile(r"(?:\b(?:over|in|for|during)\s+the\s+(?:past|last)\s+$|\bfor\s+$|\bafter\s+$)"),
    }


@lru_cache(maxsize=4096)
def read_time(lower: str, at: int, until: int, unit: str, published: date | None) -> TimeFrame | None:
    """When the clause says its figure holds; None when it says nothing of time."""
    p = _time_patterns()
    if unit not in DURATION_UNITS and not (p["any_year"].search(lower) or p["any_time_word"].search(lower)):
        return None
    if unit in DURATION_UNITS:
        after, before = lower[until:], lower[:at]
        if p["ago"].match(after):
            return TimeFrame("ago", lower[at : until + 4].strip())
        if (m := p["after_start"].match(after)) is not None:
            return TimeFrame("after_start", (lower[at:until] + m.group()).strip())
        if (m := AFTER_DATE.match(after)) is not None and (day := _DAY_OF_MONTH.search(m.group())) is not None:
            # "thirteen months after Hamas's October 7, 2023 attack": the time after the day it names
            month, number = month_number(day.group("m1") or day.group("m2")), int(day.group("d1") or day.group("d2"))
            year = m.group("year") or (
                str(published.year if (month, number) < (published.month, published.day) else published.year - 1)
                if published
                else None
            )
            start = f"{year}-{month:02d}-{number:02d}" if year else None
            return TimeFrame("after_start", (lower[at:until] + m.group()).strip(), start=start)
        if p["span"].search(before) or re.match(r"^\s+of\b", after):
            return TimeFrame("span", lower[at:until].strip())
    if "half" in lower and (m := p["half"].search(lower)) is not None:
        key = f"{m.group('year')}-{p['halves'][m.group('which')]}"
        return TimeFrame("period", m.group(), period=key)
    if "quarter" in lower and (m := p["quarter"].search(lower)) is not None:
        key = f"{m.group('year')}-{p['quarters'][m.group('which')]}"
        return TimeFrame("period", m.group(), period=key)
    if (m := p["past_hours"].search(lower)) is not None:
        return TimeFrame("past_hours", m.group())
    if ("between" in lower or "from" in lower) and (m := _FROM_TO.search(lower)) is not None:
        # "between October 7, 2023 and January 18, 2024", "from the start of the war up to 12 August": a running
        # total from a start to a day
        start = _since_start(again, published) if (again := p["since"].match("since " + m.group("a"))) else None
        end = _since_start(until_day, published) if (until_day := p["since"].match("since " + m.group("b"))) else None
        if end is not None and len(end) == len("2024-01-18"):
            return TimeFrame("since", m.group(), start=start, end=end)
    if "since" in lower and (m := p["since"].search(lower)) is not None:
        return _since(lower, m, published)
    if (
        ("week" in lower or "between" in lower)
        and (m := _WEEK_OR_YEARS.search(lower)) is not None
        and not p["cumulative"].search(lower)
    ):
        return TimeFrame("span", m.group())
    cleaned = p["said_day"].sub(" ", lower) if p["day_word"].search(lower) else ""
    if (
        (m := p["day"].search(cleaned)) is not None and not p["cumulative"].search(lower) and not _PASSED.search(lower)
    ):  # "had passed 42,000 on Monday": a running total that day
        return TimeFrame("day", m.group().strip())
    change = (0, 0)  # the span of a change said before the level it reached is the change's, not the level's
    if ("past" in lower or "last" in lower) and (m := _PAST_SPAN.search(lower)) is not None:
        if not (
            m.end() <= at and _FIGURE.search(lower, 0, m.start()) and _LEVEL_AFTER_SPAN.fullmatch(lower, m.end(), at)
        ):
            return TimeFrame("span", m.group())  # the last twelve months, not a calendar year
        change = m.span()
    named = [
        (start, end, label)
        for start, end, label in period_spans_in_lower(lower, published)
        if not label.startswith("since")  # nor the period of a figure set against this one, after it
        and not (start < change[1] and change[0] < end)
        and not (start >= until and _contrasted_figure().search(lower[until:start]))
    ]
    return _period_of_figure(lower, at, until, named) if named else None


# A figure's own period stands right after it ("55,300 in 2023", "82,700 people left in 2024"): a few words and no
# other figure or clause break between them.
_ATTACHED_AFTER = re.compile(r"[^\d,;:.]{0,40}")
# Another figure between a period and this one: the period is that figure's ("1.6 percent in 2023 to 1.1 percent").
_FIGURE = re.compile(r"\d")


def _period_of_figure(lower: str, at: int, until: int, named: list[tuple[int, int, str]]) -> TimeFrame:
    """The period a figure holds for, when its clause names one or more: the only one; else the one right after it;
    else the one said before it with no other figure between them; else the clause does not say which (two years
    named, "82,800 left in 2024, against 55,300 in 2023": each figure has its own)."""
    labels = list(dict.fromkeys(label for _, _, label in named))
    if len(labels) == 1:
        return TimeFrame("period", labels[0], start=labels[0], period=labels[0])
    for start, _, label in named:
        if start >= until and _ATTACHED_AFTER.fullmatch(lower[until:start]):
            return TimeFrame("period", label, start=label, period=label)
    before = [(end, label) for _, end, label in named if end <= at]
    if before and not _FIGURE.search(lower[before[-1][0] : at]):
        label = before[-1][1]
        return TimeFrame("period", label, start=label, period=label)
    return TimeFrame("ambiguous", " or ".join(labels))


def scoping_time(before: str, after: str, published: date | None) -> TimeFrame | None:
    """A named period or start in the sentence around the clause scopes the figure too ("In 2022, 38,000 left,
    with 23,000 returning"); a day or an hour count there belongs to its own clause. No time words: as of the
    article's date."""
    for text in (_last_time_words(before.lower(), published) if before else "", after):
        if not text:
            continue  # no words, no time (a clause that is its whole sentence has nothing around it)
        found = read_time(text.lower(), len(text), len(text), "count", published)
        if (
            found is not None
            and found.kind == "period"
            and _owned(text.lower(), found.period, published)
            and _several_periods(f"{before} {after}".lower(), published)
        ):
            continue  # "55,300 in 2023, while 24,200 came back": 2023 is the other figure's year, not this one's
        if found is not None and found.kind in ("period", "since"):
            return found
    return None


def _several_periods(lower: str, published: date | None) -> bool:
    """Whether a text names more than one period (read only once a period around a figure is found)."""
    return len({label for _, _, label in period_spans_in_lower(lower, published)}) > 1


@lru_cache(maxsize=1)
def _contrasted_figure() -> re.Pattern[str]:
    """A figure set against another ("against 55,300", "up from 38,000") and a few words, up to a period after it."""
    words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in lexicon()["time"]["contrast"])
    return re.compile(rf"\b(?:{words})\s+(?:[a-z]+\s+)?\d(?:[\d.,]*\d)?[^\d,;:.]{{0,40}}$")


def _owned(lower: str, period: str | None, published: date | None) -> bool:
    """Whether the period a text names belongs to a figure set against another ("against 55,300 in 2023"): that
    period is the compared figure's, not the one of the clause beside it."""
    return any(
        label == period and _contrasted_figure().search(lower[:start])
        for start, _, label in period_spans_in_lower(lower, published)
    )


def same_period(earlier: str, published: date | None) -> TimeFrame | None:
    """ "the same year" read as the last year the text before it names ("In 2023, 55,400 left. In the same year,
    27,800 came back"); None when it names none."""
    years = [label for _, label in periods_in_lower(earlier.lower(), published) if re.fullmatch(r"\d{4}", label)]
    return TimeFrame("period", f"the same year ({years[-1]})", start=years[-1], period=years[-1]) if years else None


def _last_time_words(lower: str, published: date | None) -> str:
    """The stretch of the text before a clause from its last named period or "since" on: the nearest time said
    scopes the clause ("In 2022, 38,000 left, and in 2023, 55,300 left while 27,000 came back": 2023)."""
    marks = [at for at, _ in periods_in_lower(lower, published)] + [m.start() for m in re.finditer(r"\bsince\b", lower)]
    return lower[max(0, max(marks) - 30) :] if marks else lower


def running_total(lower: str) -> TimeFrame | None:
    """As of the article's date, when a clause without time words says its figure is a running total ("the toll",
    "have been killed", "rose to"); None when it does not say (one event's figure reads the same)."""
    p = _time_patterns()
    return TimeFrame("as_of") if p["cumulative"].search(lower) or p["running"].search(lower) else None


# After a "since" that names no date: the rest of its phrase, up to a comma or stop not inside a date ("since it
# began on October 7, 2023", "since Norway's war on the region began").
_SINCE_TAIL = re.compile(
    r"(?:[^,;.]|,\s*(?=(?:19|20)\d\d)|\.(?=\d)"
    r"|(?:(?<=\bsept)|(?<=\b(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)))\.(?=\s+\d))*"  # "on Oct. 7, 2023"
)
_TAIL_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+(?:{MONTHS})|(?:{MONTHS})\.?\s+\d{{1,2}}(?!\d)|(?:{MONTHS})\.?\s+(?:19|20)\d\d)"
)


_STARTED = re.compile(
    r"\b(?:began|begun|started|erupted|broke\s+out)\b(?:\s+(?:[a-z]+\s+){0,4}?(?:on|in)\s+(?:early\s+|late\s+|mid-)?"
    rf"(?:\d{{1,2}}\s+(?:{MONTHS})|(?:{MONTHS})\.?(?:\s+\d{{1,2}}(?!\d))?)(?:,?\s+(?:19|20)\d\d)?)?"
)
_SINCE_THEN = re.compile(r"since\s+(?:then|that\s+(?:day|date|time))$")


def since_then(frame: TimeFrame | None, earlier: str, published: date | None) -> TimeFrame | None:
    """ "since then" read as the last "since" said before it in the paragraph ("... since the attack of 7 October.
    3,000 have been killed since then"); None when the frame is no such "since" or nothing before says."""
    if frame is None or frame.kind != "since" or frame.start is not None or not _SINCE_THEN.match(frame.text):
        return None
    lower = earlier.lower()
    found = [m for m in _time_patterns()["since"].finditer(lower) if not _SINCE_THEN.match(m.group())]
    if not found:  # "... attacked on October 7. 102 have been killed since that date": the last day named before
        days = list(_TAIL_DATE.finditer(lower))
        again = _time_patterns()["since"].match("since " + lower[days[-1].start() :]) if days else None
        start = _since_start(again, published) if again is not None else None
        return TimeFrame("since", f"{frame.text} ({days[-1].group()})", start=start) if start else None
    before = _since(lower, found[-1], published)
    return TimeFrame("since", f"{frame.text} ({before.text})", start=before.start)


def _since(lower: str, m: re.Match[str], published: date | None) -> TimeFrame:
    """A "since" frame: the start its words name; where they name none, the rest of the phrase is read too, for a
    date in it or the event it names."""
    start = _since_start(m, published)
    if start is not None:
        return TimeFrame("since", m.group(), start=start)
    tail_match = _SINCE_TAIL.match(lower, m.end())
    assert tail_match is not None  # a starred group: it matches everywhere, if only the empty string
    tail = tail_match.group()[:80]
    if (verb := _STARTED.search(m.group() + tail)) is not None:  # up to "began" and the date after it, if any
        tail = tail[: max(0, verb.end() - len(m.group()))]
    text = (m.group() + tail).strip()
    if m.group("what") == "last" and published and re.match(r"\s*year\b", tail):
        return TimeFrame("since", f"{m.group()} year", start=str(published.year - 1))  # "since last year"
    if m.group("what") == "last" and (month := _MONTH_ONLY.match(tail.lstrip())) is not None and published:
        number = month_number(month.group("m"))  # "since last October": the last October before the article
        year = published.year if number < published.month else published.year - 1
        return TimeFrame("since", f"{m.group()} {month.group()}", start=f"{year}-{number:02d}")
    if published and (month := _MONTH_ONLY.fullmatch(m.group("what"))) is not None:
        number = month_number(month.group("m"))  # "since October": the last October up to the article's month
        said = _WHICH_YEAR.match(tail)  # "since October last year", "since March this year"
        year = published.year - (said.group(1) == "last" if said else number > published.month)
        return TimeFrame("since", f"{m.group()}{said.group() if said else ''}", start=f"{year}-{number:02d}")
    if (d := _TAIL_DATE.search(tail)) is not None:
        again = _time_patterns()["since"].match("since " + tail[d.start() :])
        if again is not None:
            start = _since_start(again, published)
    return TimeFrame("since", text, start=start)


_DAY_OF_MONTH = re.compile(rf"(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTHS})|(?P<m2>{MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?!\d))")
_MONTH_ONLY = re.compile(rf"(?P<m>{MONTHS})\b")
# A duration after a day: "13 months after October 7", "a year after Hamas's 7 October attack".
AFTER_DATE = re.compile(
    rf"^\s*(?:after|from)\s+(?:[a-z]+'s?\s+|the\s+)?(?:\d{{1,2}}\s+(?:{MONTHS})|(?:{MONTHS})\.?\s+\d{{1,2}}(?!\d))"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
)
_A_DAY = rf"(?:\d{{1,2}}\s+(?:{MONTHS})|(?:{MONTHS})\.?\s+\d{{1,2}}(?!\d))(?:,?\s+(?:19|20)\d\d)?"
_FROM_TO = re.compile(
    rf"\b(?:between|from)\s+(?:the\s+)?(?P<a>{_A_DAY}|(?:start|beginning|outbreak)\s+of\s+the\s+(?:[a-z]+\s+){{0,2}}?[a-z]+)"
    rf"\s+(?:and|to|until|till|up\s+to|through)\s+(?P<b>{_A_DAY})"
)
_WHICH_YEAR = re.compile(r"\s+(last|this)\s+year\b")


def _since_start(m: re.Match[str], published: date | None) -> str | None:
    """The ISO date or month a "since" names, the year taken from the article's date when the text gives none."""
    what = m.group("what")
    if re.match(r"(?:start|beginning)\s+of\s+the\s+year", m.group()[6:].strip().removeprefix("the ")):
        return f"{published.year}-01" if published else None
    day = _DAY_OF_MONTH.match(what)
    year = m.group("year") or (found.group() if (found := re.search(r"(?:19|20)\d\d", what)) else None)
    if day is not None:
        month = month_number(day.group("m1") or day.group("m2"))
        number = int(day.group("d1") or day.group("d2"))
        if year is None and published is not None:  # "since October 7" said on or before an October 7: last year's
            year = str(published.year if (month, number) < (published.month, published.day) else published.year - 1)
        return f"{year}-{month:02d}-{int(day.group('d1') or day.group('d2')):02d}" if year else None
    month_only = _MONTH_ONLY.match(what)
    if month_only and year:
        return f"{year}-{month_number(month_only.group('m')):02d}"
    return year
