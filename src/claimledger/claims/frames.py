"""A figure's frame: what it counts, the measure, who and where, any subgroup, when, and who says so, read from the
clause that holds it (a keyword elsewhere in the sentence belongs to another figure), then from the article around."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property, lru_cache
from collections.abc import Iterator, Sequence
from typing import Any

from claimledger.claims.lemmas import lemma, lemma_sequence, lemmas, lexicon, words_of
from claimledger.claims.model import DURATION_UNITS, Frame, TimeFrame
from claimledger.claims.text import sentences
from claimledger.claims.patterns import any_match_of, guarded, may_match, required_strings, word_start
from claimledger.claims.wordlists import word_list
from claimledger.claims.timeref import MONTHS, periods_in_lower
from claimledger.claims.timeframe import (
    AFTER_DATE,
    read_time,
    running_total,
    same_period,
    scoping_time,
    since_then,
)

# A digit or a number word (the words regrouped by first letter: where a match starts is all that is asked).
_FIGURE_WORDS = re.compile(
    r"\d|"
    + any_match_of(
        [
            r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
            r"forty|fifty|hundred|thousand|million|dozen|half|third|quarter|fifth|a\s+year|a\s+month)\b"
        ]
    ).pattern
)
REACH = 250  # characters either side of a figure its clause is read in; the longest news clause is shorter
_DIGIT = re.compile(r"\d")
_JOINED = re.compile(r"\s+(?:or|and|and/or)\s+")
_NUMBER_OF = re.compile(
    r"\bnumber\s+of\s+(?:the\s+|those\s+|all\s+)?([a-z][a-z'-]+)\s+"
    r"(?:[a-z]+\s+){0,3}$"
)
# ";", ",", or a space before "and"/"while"/"- ", said as one class first: the search skips the letters at once.
_MAYBE_BOUNDARY = re.compile(r"[;, ](?:(?<! )|(?=and |while |- ))")
_RANGE_OPEN = re.compile(r"\b(?:between|from)\s+[\w.,$%-]+$")  # "between 60 | and 70 percent": one figure
_BASE_VERB = re.compile(
    r"\b(?:were|are|was|is|make|made|makes|account|accounted|accounts|comprise|comprised|include|"
    r"included|represent|represented)\b"
)
_LOCATIVE = re.compile(
    r"(?:\b(?:in|on|against|across|throughout|inside|within|from|into|of|for|leave|left|leaving)\s+"
    r"(?:the\s+(?:[a-z]+(?:-[a-z]+)?\s+)?|[a-z]+-[a-z]+\s+)?)$"
)  # "in the blockaded Northland", "in the rebel-held Northland", "in rebel-run Northland"


@dataclass(frozen=True)
class ArticleContext:
    """What beyond its sentence a figure's frame may draw on: the paragraph, the title and lead, the date."""

    paragraph: str = ""
    title_and_lead: str = ""
    published: date | None = None
    reported_before: str | None = None  # the last attribution of the paragraphs before (see Frame.reported_by)


@dataclass(frozen=True, eq=False)  # hashed by identity: the caches below key on it, once per vocabulary
class Names:
    """The place and group names a frame may hold (metrics.toml's [places] and [groups]), and the phrases its
    metrics count (so that "health workers" is read as one counted thing)."""

    places: tuple[tuple[str, tuple[str, ...]], ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    counted: tuple[str, ...]  # lemma phrases, longest first
    events: tuple[str, ...]  # lemmas of what a duration runs from ("war")
    homes: tuple[tuple[str, str], ...] = ()  # (group, place) for groups with one place ("norwegian", "Norway")

    @cached_property
    def place_pattern(self) -> re.Pattern[str]:
        return _names_pattern(tuple(w for _, words in self.places for w in words))

    @cached_property
    def group_pattern(self) -> re.Pattern[str]:
        return _names_pattern(tuple(w for _, words in self.groups for w in words))

    @cached_property
    def _by_word(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        return (
            {w: name for name, words in self.places for w in words},
            {w: name for name, words in self.groups for w in words},
            dict(self.homes),
        )

    @cached_property
    def name_lemmas(self) -> frozenset[str]:
        """The lemmas of every place and group word ("of Norwegian voters" restricts nothing)."""
        return frozenset(lemma(w) for _, words in (*self.places, *self.groups) for p in words for w in p.split())

    def home_of(self, group: str) -> str | None:
        """The place a group lives in when the text names no other ("Norwegians" -> "Norway"), if it has one."""
        return self._by_word[2].get(group)

    def place_of(self, word: str) -> str | None:
        return self._by_word[0].get(" ".join(word.lower().split()))

    def group_of(self, word: str) -> str | None:
        return self._by_word[1].get(" ".join(word.lower().split()))


_FEW_FIRST_LETTERS = 8  # measured (callgrind): 3 and 5 first letters gain a third, 24 lose half again


@lru_cache(maxsize=64)
def _names_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the names as a whole word (a space in a name: any run of spaces), the longest that fits first."""
    names = sorted(set(words))
    if not names:
        return re.compile(r"(?!)")
    if len(firsts := {name[0] for name in names}) <= _FEW_FIRST_LETTERS and " " not in firsts:
        # The look-behind after each name's first character: the pattern then opens with one of its first letters,
        # and the search skips every other position of the text at once, instead of trying the look-behind there
        # (a third fewer instructions for the vocabulary's place and group names; the same matches). Names that
        # start with most letters (lexicon/places.toml's) would stop it nearly everywhere: they keep the look-behind.
        return re.compile(_alternation(names, not_after=r"[\w-]") + r"(?![\w-])")
    return re.compile(rf"(?<![\w-])(?:{_alternation(names)})(?![\w-])")


def _alternation(words: list[str], not_after: str | None = None) -> str:
    """The words as one regular expression shaped as a tree of their shared beginnings ("oslo(?:\\s+fjord)?" for
    "oslo" and "oslo fjord"): a text position is tried against the few names that start with its letter, not against
    every name. At each branch the longer names come first, so where two names fit the longer one is taken (and, if
    what follows rules it out, the next shorter one), as in a list sorted longest first. With `not_after` (a
    character class), a name matches only where the character before it is not of that class: tested right after
    its first character ("o(?<![\\w-]o)slo"), so that every alternative opens with a plain character."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a name ends here

    def pattern(node: dict[str, Any], first: bool = False) -> str:
        branches = [
            (r"\s+" if char == " " else re.escape(char))
            + (f"(?<!{not_after}{re.escape(char)})" if first and not_after else "")
            + pattern(child)
            for char, child in node.items()
            if char
        ]
        if not branches:
            return ""
        ends = "" in node
        if len(branches) == 1 and not ends:
            return branches[0]
        return "(?:" + "|".join(branches) + ("|" if ends else "") + ")"

    return pattern(tree, first=True)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    """The lexicon's regular expressions, compiled once."""
    data = lexicon()
    return {
        "boundary": re.compile("|".join(f"(?:{b})" for b in data["clauses"]["boundaries"])),
        "restrictions": _guarded(data["restrictions"]["patterns"]),
        "any_restriction": any_match_of(data["restrictions"]["patterns"]),
        "any_attribution": re.compile(
            word_start(r"\b(?:" + "|".join(data["attribution"]["triggers"]) + r")\b", re.I), re.I
        ),
        # the same over lower-cased ASCII text (most text), where it finds the same: case-blind costs four times more
        "any_attribution_lower": any_match_of(  # a yes or no: the words regrouped by first letter
            [r"\b(?:" + "|".join(t.lower() for t in data["attribution"]["triggers"]) + r")\b"]
        ),
        "whole": frozenset(data["restrictions"]["whole"]),
        "neutral_modifiers": frozenset(data["restrictions"]["neutral_modifiers"]),
        "described_by_modifiers": frozenset(data["restrictions"]["described_by_modifiers"]),
        "attribution": _guarded(data["attribution"]["patterns"], opening=True),
        "agents": frozenset(data["agents"]["nouns"] + data["agents"]["verbs"]),
        "doer_nouns": frozenset(data["agents"]["nouns"]),
        "doer_verbs": frozenset(data["agents"]["verbs"]),
        "measures": {
            name: {k: tuple(tuple(p.split()) for p in v) for k, v in entry.items() if k != "before"}
            for name, entry in data["measures"].items()
        },
        "before": {
            name: _guarded([entry["before"]])[0] for name, entry in data["measures"].items() if "before" in entry
        },
        "order": tuple(data["measure_order"]["first"]),
        "relative": re.compile(r"^\s*(?:" + "|".join(map(re.escape, data["duration"]["relative"])) + r")\b"),
    }


def _guarded(patterns: list[str], opening: bool = False) -> tuple[tuple[re.Pattern[str], frozenset[str] | None], ...]:
    """Each pattern compiled, with the strings one of which its every match holds (the search is skipped for a text
    without any of them: most of a sentence's attribution and restriction patterns cannot match it). With `opening`,
    an opening \\b is said as a look-behind where word_start allows it (measured for the attribution patterns)."""
    said = [word_start(p) for p in patterns] if opening else patterns
    return tuple((compiled, required_strings(compiled)) for compiled in map(re.compile, said))


def _inside_date(lower: str, at: int) -> bool:
    """Whether the cut at `at` falls inside a date ("October 7, 2023"), not after one ("on Oct 7, 2023, and ...")."""
    date = _DATE_YEAR.search(lower, max(0, at - 13), at + 7)
    return date is not None and date.start() < at < date.end()


@lru_cache(maxsize=1024)
def clauses(sentence: str) -> list[tuple[int, int]]:
    """The sentence's clauses as (start, end): cut at ";", ", while", ", with", " and <verb>ing" and the like; a
    leading stretch with no figure ("Among Labour voters,") stays with the clause after it."""
    lower = sentence.lower()
    boundary = _patterns()["boundary"]
    # Only where a boundary can start (";", ",", a space before "and"/"while", " - ") is the long pattern tried.
    cuts = [0] + [
        c.start()
        for c in _MAYBE_BOUNDARY.finditer(lower)
        if c.start() > 0
        and boundary.match(lower, c.start())
        and not _RANGE_OPEN.search(lower, max(0, c.start() - 30), c.start())
        and not _inside_date(lower, c.start())
    ]
    cuts.append(len(sentence))
    spans = [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
    merged: list[tuple[int, int]] = []
    pending = None
    for a, b in spans:
        a = pending if pending is not None else a
        if not (_DIGIT.search(lower, a, b) or _FIGURE_WORDS.search(lower, a, b)):
            pending = a
            continue
        merged.append((a, b))
        pending = None
    if pending is not None:
        merged = merged[:-1] + [(merged[-1][0], len(sentence))] if merged else [(pending, len(sentence))]
    return merged or [(0, len(sentence))]


def read_frame(
    sentence: str,
    start: int,
    end: int,
    unit: str,
    counted: str | None,
    names: Names,
    context: ArticleContext = ArticleContext(),
    value: float | None = None,
) -> Frame:
    """The frame of the figure at sentence[start:end], of the given unit and counted noun (the figure reader's), and
    its value where that decides the reading (a duration since a day said without its year)."""
    spans = clauses(sentence)
    index = max(0, bisect_right(spans, start, key=lambda span: span[0]) - 1)
    a, b = spans[index]
    a, b = max(a, start - REACH), min(b, end + REACH)  # a figure's words stand near it: a long clause costs no more
    clause = sentence[a:b]
    lower = clause.lower()
    at, until = start - a, end - a
    said_of = _OBJECT_RELATIVE.search(lower, until)  # ", which the report put down to ...": said of it, not by it
    measure = _measure(lower[: said_of.start()] if said_of else lower, at, until, unit, names)
    time = read_time(lower, at, until, unit, context.published)
    inherited = None  # a restriction of the clause a figure hangs on ("two deaths from starvation, one of them ...")
    back = index - 1 if not _OWN_VERB.search(lower, until) else -1  # "17,000 children have lost ...": its own verb
    while measure is None and back >= max(0, index - 4) and unit not in DURATION_UNITS:  # a list is not read whole
        pa, pb = spans[back]  # "..., including four children": the clause it hangs on says what and when
        pa = max(pa, pb - REACH)
        previous = sentence[pa:pb].lower()
        measure = _measure(previous, pb - pa, pb - pa, unit, names)
        time = time or read_time(previous, pb - pa, pb - pa, "count", context.published)
        inherited = _restriction(previous, names) if measure else None
        if inherited is not None and _SECTOR.fullmatch(inherited) and _SIBLING.match(lower):
            inherited = None  # "300 people working in the health sector, 86 journalists": who that item is
        if not _BARE_FIGURE.fullmatch(previous):
            break
        back -= 1  # "8,309 killed, including 3,747 children and 2,062 women": past the bare list to its measure
    if (
        measure is None
        and unit == "count"
        and _BARE_TAIL.fullmatch(lower, until)
        and not _TIME_AFTER.match(lower, until)
    ):
        ahead = index + 1
        while ahead < min(len(spans), index + 6):
            na, nb = spans[ahead]
            piece = sentence[na : min(nb, na + REACH)].lower()
            if _BARE_FIGURE.fullmatch(piece) and not _VERB_AHEAD.match(piece):
                ahead += 1  # ", 90 of them children," ", 885 medics": parts of the list, said before its verb
                continue
            verb = _VERB_AHEAD.match(piece)
            if verb is not None and (ahead > index + 1 or _PART_INSERT.match(piece)):
                measure = _measure(piece, verb.end(), verb.end(), unit, names)  # the words at its verb
                time = time or read_time(piece, 0, 0, "count", context.published) or running_total(piece)
                inherited = inherited or (_restriction(piece, names) if measure else None)  # "have died of hunger"
            break
    if index + 1 < len(spans) and _AND_NEXT.match(sentence, spans[index + 1][0]):
        # "2,060 killed and 15,197 wounded while trying to reach aid": a restriction closing the pair is both's
        na, nb = spans[index + 1]
        following = sentence[na : min(nb, na + REACH)].lower()
        closing = _restriction(following, names)
        inherited = inherited or (closing if closing not in ALSO else None)  # "and another 62,681": its own word
        if measure is None and unit == "count" and _BARE_PAIR.match(following):
            # "3,826 children and 2,405 women were among the dead": the measure closing the pair is both's
            measure = _measure(following, len(following), len(following), unit, names)
            time = time or read_time(following, 0, 0, "count", context.published) or running_total(following)
    part = _PART_OF.match(lower, until)  # "8,119 of the more than 34,500 deaths", "100 of the hostages"
    head = sentence[: min(spans[0][1], REACH)] if index > 0 else ""  # the first clause scopes what follows it
    preamble = _preamble(sentence)  # a fronted phrase ("Among Labour voters, ...") scopes them all
    if time is None and index > 0 and _AND_FIRST.match(lower):
        # "100 bodies arrived in the past 24 hours and 603 were wounded": the pair shares the first one's day
        pa, pb = spans[index - 1]
        joined = read_time(sentence[max(pa, pb - REACH) : pb].lower(), 0, 0, "count", context.published)
        time = joined if joined is not None and joined.kind in ("past_hours", "day", "span") else None
    if unit in DURATION_UNITS and (time is None or time.kind in ("span", "after_start")):
        time = _held_to(sentence, start, end, time, context.published)
    if not _RELATIVE.match(lower):  # ", which killed 1,200": the time of what "which" stands for, not the sentence's
        scoped = (
            None if time else scoping_time(sentence[max(0, a - REACH) : a], sentence[b : b + REACH], context.published)
        )
        if scoped is not None and scoped.kind == "since" and _AND_TOLL.match(lower):
            scoped = None  # "Since March 18, 1,000 were killed, and the death toll now exceeds 50,000": its own total
        time = time or scoped

    def earlier() -> str:  # the paragraph's text before the clause, read only for "since then" and "the same year"
        return _before_sentence(context.paragraph, sentence) + " " + sentence[max(0, a - 2 * REACH) : a]

    if time is not None and time.kind == "since" and (then := since_then(time, earlier(), context.published)):
        time = then
    if unit in DURATION_UNITS and time is not None and time.kind in ("since", "after_start") and value is not None:
        time = _since_the_year_it_spans(time, value, unit, context.published)
    if (time is None or time.kind in ("as_of", "unsaid")) and _SAME_YEAR.search(lower):
        time = same_period(earlier(), context.published) or time  # "In the same year, 27,800 came back"
    restriction = (
        _part_of_figure(part)
        or _restriction(lower, names)
        or _restriction(_part_opening(sentence, start).lower(), names)  # the part's own group before the sentence's
        or _restriction(preamble.lower(), names)
    )
    if measure is not None and (restriction in ALSO or restriction is not None and _N_OTHER.fullmatch(restriction)):
        before_measure = next(
            (
                m
                for pa, pb in reversed(spans[max(0, index - 4) : index])
                if (m := _measure(sentence[max(pa, pb - REACH) : pb].lower(), 0, 0, unit, names))
            ),
            None,
        )
        if before_measure is not None and before_measure != measure:
            restriction = None  # "8,309 killed, with a further 21,048 injured": "further" adds a measure, not a part
        elif before_measure is None and not spans[:index] and _adds_a_measure(context.paragraph, sentence, measure):
            restriction = None  # "... 37,877 killed. A further 86,969 people have been wounded."
    restriction = restriction or _figure_restriction(lower, at, until, unit) or _union(lower, until, names)
    what = _part_counted(part, names) or _counted(lower, at, until, unit, counted, names)
    if what is not None and measure is not None and what in _measure_heads().get(measure, ()):
        what = ""  # "settlers have carried out 800 attacks": the measure's own noun, nothing else counted
    if (
        restriction is None
        and unit == "count"
        and counted is not None
        and (
            what is not None
            and lemma(counted) in what.split()
            or lemma(counted) in _measure_words()
            or lemma(counted) == "one"
        )
        and measure not in _patterns()["described_by_modifiers"]
    ):
        restriction = _modified(lower, until, counted, what, names)
    if restriction is None and unit == "count" and _ONES.match(lower, until) is not None:
        restriction = _modified(lower, until, "ones", None, names)  # "775 moderate ones": of the injuries before
    of_them = _OF_THEM.match(lower, until) if what is None else None  # "61,258 killed, 197 of them from hunger"
    return Frame(
        clause=clause.strip(),
        counted=what,
        measure=measure,
        subject=(subject := _group(lower, names, until) or _group(head.lower(), names)),
        place=_paired_place(spans, index, sentence, lower, names)
        or place_in(_before_start_event(clause, until), sentence, context, names, subject),
        restriction=(
            restriction
            or inherited
            or (f"a part of another figure: '{lower[at : of_them.end()]}'" if of_them else None)
        ),
        time=time
        or running_total(lower)
        or (running_total(sentence[max(0, a - REACH) : a].lower()) if index and not _RELATIVE.match(lower) else None),
        attribution=(said := _attribution(clause) or _attribution(sentence)),
        reported_by=None
        if said
        else (reported_by(_before_sentence(context.paragraph, sentence)) or context.reported_before),
    )


def _paired_place(spans: list[tuple[int, int]], index: int, sentence: str, lower: str, names: Names) -> str | None:
    """The place of the clause a bare "and N injured" is paired with, when it names no place of its own and that
    clause names one: "10,010 killed in Oslo and more than 25,000 injured, while in Bergen ..." (Oslo's)."""
    if not index or not _AND_PAIRED.match(lower) or _named_places(lower, names):
        return None
    pa, pb = spans[index - 1]
    places = _named_places(sentence[pa:pb], names)
    return places[0] if len(places) == 1 else None


_AND_PAIRED = re.compile(
    r"\s*,?\s*and\s+(?:some\s+|about\s+|nearly\s+|more\s+than\s+|at\s+least\s+|over\s+|almost\s+)?\d[\d,.]*"
    r"\s+(?:[a-z]+\s+)?(?:injured|wounded|dead|killed|hurt)\b[\s,.]*$"
)


def _since_the_year_it_spans(time: TimeFrame, value: float, unit: str, published: date | None) -> TimeFrame:
    """ "733 days since October 7" said on 9 October 2025: the October 7 the span reaches back to (2023), not the
    last one before the article, when the text names no year; unchanged when it names one."""
    if published is None or time.start is None or len(time.start) != len("2023-10-07") or _YEAR.search(time.text):
        return time
    month, day = int(time.start[5:7]), int(time.start[8:10])
    per_unit = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}.get(unit)
    if per_unit is None:
        return time
    starts = []
    for year in range(published.year - 10, published.year + 1):
        try:
            when = date(year, month, day)
        except ValueError:  # 29 February of a common year
            continue
        if when <= published:
            starts.append((abs((published - when).days / per_unit - value), when))
    return replace(time, start=min(starts)[1].isoformat()) if starts else time


def _held_to(sentence: str, start: int, end: int, time: TimeFrame | None, published: date | None) -> TimeFrame | None:
    """A duration's time frame with the month or year its sentence names as when it held ("In January, ... after 15
    months of war") as its `end`; unchanged when the sentence names none, or more than one."""
    named = {
        label
        for at, label in periods_in_lower(sentence.lower(), published)
        if not (start <= at < end) and re.fullmatch(r"\d{4}(?:-\d{2})?", label)
    }
    if len(named) != 1:
        return time
    return replace(time or TimeFrame("unsaid"), end=named.pop())


def _modified(lower: str, until: int, counted: str, what: str | None, names: Names) -> str | None:
    """The words between a figure and the noun it counts that make it a subgroup ("690 elderly people", "1,000
    disabled people"), quoted; None when only neutral words, names and measure words stand there."""
    noun = lower.find(counted.lower(), until)
    if noun < 0:
        return None
    between = lower[until:noun]
    if _PUNCTUATION.search(between) or len(_WORD_IN.findall(between)) > 4:
        return None  # "225, with the deaths of two more": the noun is another phrase's
    neutral = _patterns()["neutral_modifiers"]
    for word in _WORD_IN.findall(between):
        w = lemma(word)
        if (
            w in neutral
            or w in (what or "").split()
            or w in names.name_lemmas
            or w in _measure_words()
            or names.place_of(word)
        ):
            continue
        return (between + counted).strip()
    return None


_PUNCTUATION = re.compile(r"[,;:.()]|\b(?:with|for|from|by|after|before|to|as|at|on|into|than)\b")
_ONES = re.compile(r"\s+[a-z-]+\s+ones\b")
_WORD_IN = re.compile(r"[a-z][a-z'-]*")


def _figure_restriction(lower: str, at: int, until: int, unit: str) -> str | None:
    """What the words right around a figure make of it other than a total: a rate ("37,100 a year"), an average
    ("an average of 90"), a comparison between groups ("twice as many as from any other city")."""
    if (m := _RATE_AFTER.match(lower, until)) is not None:
        return f"a rate: '{lower[at : m.end()].strip()}'"
    if (m := _AVERAGE_BEFORE.search(lower, max(0, at - 40), at)) is not None:
        return f"an average: '{lower[m.start() : until].strip()}'"
    if (
        unit == "percent_change"
        and (
            m := (
                _AS.match(lower, until) if _ENDS_AS_MANY.search(lower, at, until) else _AS_MANY_AS.match(lower, until)
            )
        )
        is not None
        and not _TIME_AFTER_AS.match(lower, m.end())
    ):
        return f"a comparison with another group, not over time: '{lower[at : m.end() + 30].strip()}'"
    return None


_PAIR_AFTER = re.compile(r"\s+(?:[a-z-]+\s+)?(?P<a>[a-z]+)\s+(?:and|or)\s+(?P<b>[a-z]+)\b(?!\s+\d)")


def _union(lower: str, until: int, names: Names) -> str | None:
    """Two counted groups joined after one figure ("25,000 children and women"): the figure counts both together,
    not either one ("3,826 children and 2,405 women" gives each its own figure)."""
    m = _PAIR_AFTER.match(lower, until)
    if m is None:
        return None
    a, b = lemma(m.group("a")), lemma(m.group("b"))
    if a != b and a in names.counted and b in names.counted:
        return f"a combined group: '{m.group().strip()}'"
    return None


_RATE_AFTER = re.compile(
    r"\s+(?:a|per|each|every)\s+(?:day|week|month|year)\b(?!\s+(?:ago|later|earlier|before|after|"
    r"since|into|of)\b)"
)
_AVERAGE_BEFORE = guarded(re.compile(r"\baverage\s+(?:of\s+)?(?:about\s+|some\s+|nearly\s+|around\s+)?$"))
_AS_MANY_AS = re.compile(r"\s+as\s+(?:many|much|high|large|big)\s+as\b|\s+(?:more|higher|larger)\s+than\b")
_AS = re.compile(r"\s+(?:as|than)\b")
_ENDS_AS_MANY = re.compile(r"\b(?:as\s+(?:many|much|high|large|big)|more|higher|larger)$")
_TIME_AFTER_AS = re.compile(
    r"\s+(?:in|during|over|a|the|last|that|those|before)?\s*(?:(?:19|20)\d\d|year|decade|month|week|"
    r"earlier|before|previously|last|prior|pre-?war|then)\b"
)


@lru_cache(maxsize=1024)
def reported_by(earlier: str) -> str | None:
    """Who the sentences of a text say report what follows them: the last attribution there."""
    for piece in reversed(sentences(earlier)):
        if (who := _attribution(piece.text)) is not None:
            return who
    return None


_N_OTHER = re.compile(r"\S+\s+other")  # "22,219 other": the restriction "N other" of lexicon/frames.toml


def _adds_a_measure(paragraph: str, sentence: str, measure: str) -> bool:
    """Whether the paragraph's sentence before this one counts something, none of it of this measure: then "a further
    N wounded" there adds a measure ("12,000 killed. A further 30,000 wounded."), not a part of the same one."""
    before = _before_sentence(paragraph, sentence)
    if not _DIGIT.search(before):
        return False
    said = {name for _, _, (name, _) in _phrases_at(lemma_sequence(before.lower()), _measure_index())}
    return bool(said) and measure not in said


@lru_cache(maxsize=1024)
def _before_sentence(paragraph: str, sentence: str) -> str:
    """The paragraph's text before the sentence (a "since then" looks back into it)."""
    at = paragraph.find(sentence)
    return paragraph[max(0, at - 2 * REACH) : at] if at > 0 else ""


_FIRST = re.compile(r"\b(?:first|opening|initial)\s+$")
_SINCE_AFTER = re.compile(
    r"\s+(?:(?:today|now|on)\s+|(?:have|has)\s+(?:now\s+)?(?:passed|gone\s+by|elapsed)\s+)?since\b"
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A list item with its own noun after another ("300 people working in the health sector, 86 journalists, 135 UN
# staff"): the sector that names who the item before it is, is not this one's (unlike "..., 400 of them children").
_SECTOR = re.compile(r"in\s+the\s+[\w-]+\s+sector")  # a restriction that says who is counted, not in what event
# The bound words a figure in a list may open with ("and some 300", "at least 86").
_LIST_BOUNDS = r"some\s+|about\s+|nearly\s+|more\s+than\s+|at\s+least\s+|around\s+|over\s+|almost\s+"
_SIBLING = re.compile(
    rf"[\s,]*(?:and\s+)?(?:{_LIST_BOUNDS})?"
    r"\d[\d,.]*\s+(?!of\b|more\b|others?\b|were\b|was\b|are\b|is\b|have\b|had\b)"
    r"(?!(?:[a-z-]+\s+){1,2}(?:among|of)\s+(?:them|whom|those)\b)[a-z]{3,}"
)
_BARE_FIGURE = re.compile(
    r"[\s,]*(?:and\s+|including\s+|among\s+them\s+)?"
    rf"(?:approximately\s+|{_LIST_BOUNDS})?"
    r"\d[\d,.]*\s+(?:of\s+(?:them|whom)\s+)?(?:[a-z-]+\s+){0,2}[a-z]+[\s,]*"  # "5,000 of them children"
)
_OWN_VERB = any_match_of(
    [
        r"\b(?:have|has|had|will|would|can|could|do|does|did)\b",  # not "and 1,000 were women"
        r"\b(?:is|are|was|were)\s+(?:still\s+|now\s+|also\s+|being\s+|[a-z]+ly\s+)?(?:[a-z]+ed|taken|driven|given|"
        r"hidden|beaten|broken|stolen|chosen|fallen|seen|known|shown|thrown|born|held|left|lost|hurt|"
        r"kept|caught)\b",
    ]
)
ALSO = ("another", "a further", "an additional")
_BARE_PAIR = re.compile(
    r"\s+and\s+(?:some\s+|about\s+|nearly\s+|more\s+than\s+)?[\d,.]+\s+(?:[a-z-]+\s+){0,2}[a-z]+\s+"
    r"(?:were|are|had|have|was|killed|dead|died|wounded|injured)\b"
)
_BARE_TAIL = re.compile(r"\s+(?:[a-z-]+\s+){0,2}[a-z]+[\s,.]*")  # "357 Norwegians": a figure and its noun, no more
_TIME_AFTER = re.compile(r"\s+(?:hours?|days?|weeks?|months?|years?|minutes?)\b")
_PART_INSERT = re.compile(r"[\s,]*\d[\d,.]*\s+(?:of\s+(?:them|whom)\b|[a-z-]+\s+among\s+them\b)")
# After a figure's bare clause and the inserts of its parts (", 90 of them children"), the clause its verb stands in:
# "357 Norwegians, 90 of them children, were killed"; "10,980 women, 885 medics and 79 rescuers are among the dead".
_VERB_AHEAD = re.compile(
    r"[\s,]*(?:(?:and\s+)?(?:some\s+|about\s+|nearly\s+|more\s+than\s+|at\s+least\s+)?\d[\d,.]*\s+(?:[a-z-]+\s+){0,3}?"
    r"(?:[a-z-]+,\s+)?)?"
    r"(?:have|has|had|were|was|are|is)\s+(?:now\s+|also\s+|so\s+far\s+)?(?:been\s+)?(?:among\s+the\s+)?[a-z]+"
)
_AND_FIRST = re.compile(r"\s*,?\s*and\s")
_OF_THEM = re.compile(r"\s+of\s+(?:them|whom|those)\b")
_SAME_YEAR = guarded(re.compile(r"\b(?:the\s+same|that)\s+year\b"))
_RELATIVE = re.compile(r"[\s,]*(?:which|who)\b")
_DATE_YEAR = re.compile(rf"(?:{MONTHS})\.?\s+\d{{1,2}},\s+(?:19|20)\d\d\b")
_SAID_BETWEEN = re.compile(r"\b(?:that|said|says|told|tells|according|reported|announced)\b")
_AND_NEXT = re.compile(r"\s+and\s", re.I)
# Right after a figure: the whole it is a part of ("of the more than 34,500 deaths") or the group it is taken from
# ("of the hostages").
_PART_OF = re.compile(
    r"\s+of\s+(?:the|those|these|its|their)\s+(?:(?:more\s+than|over|nearly|almost|about|some|"
    r"around|roughly)\s+)?(?:(?P<figure>\d[\d,.]*(?:\s+(?:million|thousand|billion))?)|(?P<word>[a-z]+))"
)


def _part_of_figure(part: re.Match[str] | None) -> str | None:
    """A figure that is a part of another figure is not that figure's whole: "8,119 of the 34,500 deaths"."""
    return f"a part of another figure: '{part.group().strip()}'" if part and part.group("figure") else None


def _part_counted(part: re.Match[str] | None, names: Names) -> str | None:
    """What a figure taken "of the X" counts: X ("100 of the hostages"), unless X is the whole ("of the dead")."""
    if part is None or part.group("word") is None:
        return None
    word = lemma(part.group("word"))
    return None if word in _patterns()["whole"] or word in names.name_lemmas else word


def forget_texts() -> None:
    """Drop the per-text caches: they serve the figures of one article (its paragraph, title and lead asked again
    for each figure), and an article's texts are not worth keeping for the next (nor may they flatter a benchmark
    that reads the same texts twice)."""
    for cached in (
        clauses,
        _first_figure,
        _mentions,
        place_in,
        _group,
        _restriction,
        read_time,
        _attribution,
        lemmas,
        lemma_sequence,
        words_of,
        _named_places,
        _figure_free_places,
        _without_other_figures,
        _group_named,
        _before_sentence,
        reported_by,
        _other_place,
    ):
        cached.cache_clear()


def _preamble(sentence: str) -> str:
    """The sentence's opening words up to the last comma before its first figure (within REACH): "Among Labour
    voters, " in "Among Labour voters, 62% back the deal"; "" when no comma stands there (the usual case, told
    without looking for the figure)."""
    if "," not in sentence[:REACH]:
        return ""
    return sentence[: sentence.rfind(",", 0, min(_first_figure(sentence), REACH)) + 1]


_AMONG_OPENING = re.compile(r"\s*among\s", re.IGNORECASE)


def _part_opening(sentence: str, start: int) -> str:
    """The opening words, up to its first figure, of the ";"-part a figure stands in when they name a group: "among
    opposition voters " in "...; among opposition voters 53 percent are in favour and 32 percent against"."""
    part = sentence.rfind(";", 0, start) + 1
    head = sentence[part:start]
    if not _AMONG_OPENING.match(head):
        return ""
    first = _FIGURE_WORDS.search(head.lower())
    return head[: first.start()] if first else head


@lru_cache(maxsize=1024)
def _first_figure(sentence: str) -> int:
    m = _FIGURE_WORDS.search(sentence.lower())
    return m.start() if m else 0


def _measure(lower: str, at: int, until: int, unit: str, names: Names) -> str | None:
    """The measure whose words stand nearest the figure in the clause; where two overlap ("considering leaving
    the country"), the one listed first in the lexicon's measure_order."""
    if unit in DURATION_UNITS:
        if (relative := _patterns()["relative"].match(lower[until:])) is not None:
            if relative.group().strip() == "old" and {w for _, _, w in lemmas(lower[:at])} & set(names.events):
                return "duration"  # "the conflict, now eight months old": the event's age
            return None  # "six months later": a time relative to another event
        if _FIRST.search(lower, max(0, at - 12), at):
            return None  # "in the first six months of the war": a part of it, not its length
        if re.search(r"-(?:day|week|month|year)$", lower[at:until]):  # "the 15-month war", not "the 42-day truce"
            # "the 21-month Norway-Sweden war", "the 15-month-old war"
            following = re.match(r"(?:-(?:old|long))?\s+(?:[a-z]+-[a-z]+\s+)?([a-z]+)", lower[until:])
            if following and following.group(1) in ("anniversary", "mark", "milestone"):  # "the 100-day mark"
                return "duration" if {w for _, _, w in lemmas(lower)} & set(names.events) else None
            return "duration" if following and lemma(following.group(1)) in names.events else None
        words = {w for _, _, w in lemmas(lower)}
        if _SINCE_AFTER.match(lower, until) or AFTER_DATE.match(lower[until:]):
            return "duration"  # "733 days since October 7": the time since a start, whatever its name
        return "duration" if words & set(names.events) else None
    tokens = lemmas(lower)
    sequence = lemma_sequence(lower)
    hits: list[tuple[int, int, str]] = []
    for i, phrase, (name, kind) in _phrases_at(sequence, _measure_index()):
        if kind == "after" and not (until <= tokens[i][0] <= until + 25 and "," not in lower[until : tokens[i][0]]):
            continue
        hits.append((tokens[i][0], tokens[i + len(phrase) - 1][1], name))
    if (before := _measure_before(lower[:at], names)) is not None:
        return before  # "the city's prewar population of about 0.7 million": said right before the figure
    heading = lower.rfind(":", 0, at)
    if heading >= 0 and any(h[0] > heading for h in hits):  # "Deaths and injuries: 60,000 have been killed"
        hits = [h for h in hits if h[0] > heading]  # a heading's measures yield to the figure's own part
    order = _patterns()["order"]
    rank = {name: order.index(name) if name in order else len(order) for _, _, name in hits}
    kept = [h for h in hits if not any(o[0] <= h[1] and h[0] <= o[1] and rank[o[2]] < rank[h[2]] for o in hits)]
    if not kept:
        return None
    for h in kept:  # "killed or wounded", "dead and injured": two measures said as one, neither alone
        if any(o[2] != h[2] and _JOINED.fullmatch(lower[h[1] : o[0]]) for o in kept):
            return None
    # Nearest first, but a comma between a measure and the figure sets it apart ("Beyond the dead, 6,360 children
    # have been injured": the injured).
    return min(
        kept,
        key=lambda h: (
            "," in (lower[h[1] : at] if h[1] <= at else lower[until : h[0]]),
            h[0] >= until and _AND_WORD.search(lower, until, h[0]) is not None,  # "numbered 155 and the wounded"
            max(h[0] - until, at - h[1], 0),
            rank[h[2]],
        ),
    )[2]


_AND_WORD = re.compile(r"\band\b")
# A main clause of its own that names a running total: ", and the death toll now exceeds 50,000".
_AND_TOLL = re.compile(r"[\s,]*and\s+(?:the\s+)?(?:[a-z]+\s+){0,2}(?:toll|total|tally)\b")
PhraseIndex = dict[str, tuple[tuple[tuple[str, ...], object], ...]]


@lru_cache(maxsize=1)
def _measure_index() -> PhraseIndex:
    """The lexicon's measure phrases by their first lemma: a clause is scanned once, not once per phrase."""
    index: dict[str, list[tuple[tuple[str, ...], object]]] = {}
    for name, entry in _patterns()["measures"].items():
        for kind, phrases in entry.items():
            for phrase in phrases:
                index.setdefault(phrase[0], []).append((phrase, (name, kind)))
    return {k: tuple(v) for k, v in index.items()}


@lru_cache(maxsize=8)
def _counted_index(names: Names) -> PhraseIndex:
    """The metrics' counted phrases (group names left to the subject slot) by their first lemma."""
    groups = {g for g, _ in names.groups}
    index: dict[str, list[tuple[tuple[str, ...], object]]] = {}
    for phrase in names.counted:
        if phrase not in groups:
            index.setdefault(phrase.split()[0], []).append((tuple(phrase.split()), phrase))
    return {k: tuple(v) for k, v in index.items()}


def _phrases_at(sequence: tuple[str, ...], index: PhraseIndex) -> Iterator[tuple[int, tuple[str, ...], Any]]:
    """(position, phrase, payload) of every indexed phrase standing in a lemma sequence."""
    for i, word in enumerate(sequence):
        for phrase, payload in index.get(word, ()):
            if sequence[i : i + len(phrase)] == phrase:
                yield i, phrase, payload


def _measure_before(before: str, names: Names) -> str | None:
    """A measure said only by the words right before the figure, where no other stands: "Oslo's 0.7 million
    people" (a population, when the owner is a place), "home to 2.1 million"."""
    before_measures: dict[str, tuple[re.Pattern[str], frozenset[str] | None]] = _patterns()["before"]
    for name, (pattern, required) in before_measures.items():
        m = pattern.search(before) if may_match(required, before) else None
        if m is not None and (m.group("owner") is None or names.place_of(m.group("owner"))):
            return name
    return None


_OBJECT_RELATIVE = re.compile(r",\s+which\s+(?:the|a|an|it|they|he|she|we|its|their)\s")
_TOLL_OF = re.compile(
    r"\b(?:toll|total)\s+of\s+(?:(?:about|almost|nearly|some|more\s+than|over|at\s+least|around|roughly|just\s+over|"
    r"approximately|close\s+to)\s+)?$"
)
_FAR = re.compile(r"\b(?:as|while|after|amid|in|by|from|with|during)\b")  # a figure and its noun said apart
_CLOSED_RELATIVE = re.compile(r",\s+(?:which|who)\b[^,]*,")  # ", which belongs to the government, the toll ..."
_OWNS_POPULATION = re.compile(r"'s\s+population\b")  # not "the children's toll": the children are counted
_PARTS_AFTER = re.compile(
    r",[^,]*\b(?:of\s+(?:them|whom)|among\s+them|including)\b|:"
)  # ", most of them women": a part


def _counted(lower: str, at: int, until: int, unit: str, counted: str | None, names: Names) -> str | None:
    """What is counted, lemmatised: the metrics' phrase ("health worker") nearest the figure, else the noun the
    figure reader found after it."""
    if unit in DURATION_UNITS:
        words: Sequence[str] = [w for _, _, w in lemmas(lower)]
        return next((w for w in words if w in names.events), None)
    if counted is None and _TOLL_OF.search(lower, max(0, at - 60), at):
        return None  # "women and children make up 70% of the dead in a toll of almost 47,000": the toll is the whole
    tokens = lemmas(lower)
    sequence = lemma_sequence(lower)
    between = lower[until:].split(counted.lower(), 1)[0] if counted is not None else ""
    far = _FAR.search(between) is not None
    if counted is not None and (
        far
        and lemma(counted) in _patterns()["agents"]
        or lemma(counted) in _measure_words()
        or far
        and lemma(counted) + "s" in DURATION_UNITS
    ):
        counted = None  # "52k as air strikes go on", "52,928 deaths", "25,000 after three months": not what is counted
    if counted is None and unit == "count" and (m := _NUMBER_OF.search(lower[max(0, at - 80) : at])):
        counted = None if lemma(m.group(1)) in _measure_words() else m.group(1)  # "the number of massacres"
    best = None
    if counted is None or unit == "percent" or lemma(counted) not in names.counted:
        relatives = [r.span() for r in _CLOSED_RELATIVE.finditer(lower, 0, at)]
        for i, words, phrase in _phrases_at(sequence, _counted_index(names)):
            before = tokens[i][0] < at
            if before and _SAID_BETWEEN.search(lower, tokens[i][1], at):
                continue  # "told reporters that 1,524 of the dead": who heard it, not what is counted
            if before and any(ra < tokens[i][0] < rb for ra, rb in relatives):
                continue  # "the ministry, which belongs to the government, put the toll at 60,034": not the dead
            if before and _OWNS_POPULATION.match(lower, tokens[i + len(words) - 1][1] - 2):
                continue  # "the country's population has reached 9.7 million": whose, not what is counted
            if not before and unit == "count" and _PARTS_AFTER.search(lower, until, tokens[i][0]):
                continue  # "surpassed 30,000, a large majority of them women and children": its parts, not it
            if not (unit == "percent" and _is_base(lower, until, tokens[i][0])):
                distance = abs(tokens[i][0] - until)
                key = (-len(words), before, distance) if unit == "percent" else (before, distance, -len(phrase))
                if best is None or key < best[0]:
                    best = (key, phrase, tokens[i][0], tokens[i + len(words) - 1][1])
    if counted is not None and (best is None or unit == "count" and " " not in best[1]):
        return lemma(counted)
    if (
        best is not None
        and unit == "percent"
        and (_COORDINATED_BEFORE.search(lower, 0, best[2]) or _COORDINATED_AFTER.match(lower, best[3]))
    ):
        return lower[best[2] : best[3]] + " (with others)"  # "women, children and the elderly make up 65%"
    return best[1] if best else None


# A counted phrase that is one item of a longer list: the share is the list's, not the phrase's.
_COORDINATED_BEFORE = re.compile(r"\b[a-z]+\s*,\s*$|\b(?:and|or)\s+(?:the\s+)?$")
_COORDINATED_AFTER = re.compile(
    r"\s*,\s*(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\s*(?:,|\band\b|\bor\b)|\s+(?:and|or)\s+(?:the\s+)?(?!make|made|makes|account|are|were|is|was|comprise|represent)[a-z]+"
)


def with_share_base(frame: Frame, base: Frame | None) -> Frame:
    """A share whose clause names no measure takes its base's ("53,000 killed. Around 70 percent of them were
    women and children"): measure, place and time."""
    if frame.measure is not None or base is None:
        return frame
    return replace(
        frame,
        measure=base.measure,
        place=frame.place or base.place,
        time=frame.time if frame.time and frame.time.kind != "as_of" else base.time,
    )


def _is_base(lower: str, until: int, position: int) -> bool:
    """A share's base, not its part: what follows "of" after the figure ("two-thirds of the 52,000 people
    killed"), up to a verb ("half of the victims were women and children": the part)."""
    between = lower[until:position]
    return (
        position >= until
        and re.match(r"\s*of\b", between) is not None
        and not _BASE_VERB.search(between)
        and re.fullmatch(r"\s*of\s+(?:them|whom|these)\s*", between) is None
    )


@lru_cache(maxsize=1)
def _measure_heads() -> dict[str, frozenset[str]]:
    """Each measure's head nouns: the last words of its several-word phrases ("attack" of "settler attack"), where no
    one-word phrase says it alone."""
    return {
        name: frozenset(p[-1] for ps in entry.values() for p in ps if len(p) > 1) - _measure_words()
        for name, entry in _patterns()["measures"].items()
    }


@lru_cache(maxsize=1)
def _measure_words() -> frozenset[str]:
    """The one-word measure phrases ("death", "injury", "departure"): a figure counting one counts the measure."""
    return frozenset(
        p[0] for entry in _patterns()["measures"].values() for ps in entry.values() for p in ps if len(p) == 1
    )


_RIGHT_AFTER_IN = re.compile(r"\b(?:in|inside|across|throughout|at|on)\s+(?:the\s+)?$")  # "fire in Oslo has killed"
_PARTY = re.compile(r"\b(?:with|between)\s+$")  # "the war with Norway", "fighting between Norway and ..."
# The "since" or "when" that dates a figure by the attack that started the war names where the attack was, not where
# the figure holds: "wounded in Oslo since the war began with the attack on Norway", "when militants stormed Norway".
_STARTED_BY = re.compile(
    r"\b(?:since|when)\b[^;]{0,80}?\b(?:attacks?|assault|incursion|raid|rampage|stormed|invaded|attacked)\b"
)


def _before_start_event(clause: str, until: int) -> str:
    """The clause up to a "since" or "when" after the figure that dates it by the war's opening attack, whose place
    is the attack's ("1,200 killed when militants attacked Norway" keeps it: the figure is inside)."""
    started = _STARTED_BY.search(clause.lower(), until)
    return clause[: started.start()] if started is not None else clause


# Where a weapon was aimed, not where the figure holds: "fired waves of rockets into Norway".
_TARGET = re.compile(
    r"\b(?:fired|launched|firing|launching|fires|launches)\s+(?:[a-z]+\s+){0,4}(?:into|at|toward|towards)\s+$"
)
_ADVERB_AFTER = re.compile(r"^(?:also|now|since|already|repeatedly|further)\s+")
_WORDS_AFTER = re.compile(r"(?:\s+[a-z-]+){0,4}")  # a possessive's next words, up to the noun it owns


def _words_after(lower: str, at: int) -> list[str]:
    words = _WORDS_AFTER.match(lower, at)
    assert words is not None  # a pattern of at most four optional words matches everywhere
    return words.group().split()


_FOLLOWING = re.compile(r"(?P<owner>'s?)?\s+([a-z]+)(?:\s+([a-z]+))?")


@lru_cache(maxsize=4096)
def _mentions(text: str, names: Names | None, kind: str) -> list[tuple[int, str, bool]]:
    """(offset, name word, strong) of each mention that names where, not who acted: "in Oslo" is strong, "Oslo's
    toll" weak, "Norwegian strikes" and "in Norway's offensive" no mention at all. `kind` says which names: the
    names' "places" or "groups", or with no names lexicon/places.toml's "other places". Of groups, a name before a
    doer is the doer wherever it stands ("the toll from Norwegian strikes"). Cached on the Names (hashed by identity)
    and the kind, not on a compiled pattern: a pattern's hash reads all its code, every call."""
    if names is None:
        pattern = _other_places()[0]
    else:
        pattern = names.group_pattern if kind == "groups" else names.place_pattern
    agents: frozenset[str] = _patterns()["agents"]
    doers = kind == "groups"
    lower = text.lower()
    found: list[tuple[int, str, bool]] = []
    for m in pattern.finditer(lower):
        if lower[m.end() : m.end() + 1] == "-" or (m.start() and lower[m.start() - 1] == "-"):
            continue  # "the Iran-Iraq war": a name of the war, not a place
        following = _FOLLOWING.match(lower, m.end())
        if _PARTY.search(lower, max(0, m.start() - 12), m.start()):
            continue  # "the war with Norway": a party to it, not where
        if _TARGET.search(lower, max(0, m.start() - 60), m.start()):
            continue
        strong = bool(_LOCATIVE.search(lower[max(0, m.start() - 30) : m.start()]))
        if (
            found
            and found[-1][2]
            and re.fullmatch(
                r"\s+(?:and|or)\s+(?:the\s+)?(?:occupied\s+)?", lower[found[-1][0] + len(found[-1][1]) : m.start()]
            )
        ):
            strong = True  # "in Oslo and Bergen": both are where
        if (
            following
            and lemma(following.group(2)) in agents
            and (not strong or doers and not following.group(2).endswith("ed"))
        ):  # "Norwegians killed": the killed
            continue
        if (
            following
            and following.group(2) in ("has", "have", "had")
            and following.group(3)
            and lemma(_ADVERB_AFTER.sub("", lower[following.start(3) : following.start(3) + 24]).split(" ", 1)[0])
            in _patterns()["doer_verbs"]
            and not _RIGHT_AFTER_IN.search(lower, max(0, m.start() - 12), m.start())
        ):
            continue  # "the war Norway has waged on Oslo", "Norway has also cut off": who did it, not where
        if (
            following
            and following.group("owner")
            and any(lemma(w) in _patterns()["doer_nouns"] for w in _words_after(lower, m.end() + 2))
        ):
            continue  # "in Norway's continuing offensive", "in Norway's nearly nine-month war": whose, not where
        found.append((m.start(), m.group(), strong))
    return found


@lru_cache(maxsize=4096)
def place_in(clause: str, sentence: str, context: ArticleContext, names: Names, group: str | None = None) -> str | None:
    """The place the figure's clause names, else the home of the group it names ("Norwegians"), else the place of its
    sentence, paragraph, title and lead; two places at the nearest level that names any: "ambiguous: A or B"."""
    own = _up_to_next_figures(clause, sentence)
    paragraph, lead = context.paragraph, context.title_and_lead
    if own != sentence:  # and so in the paragraph, and the lead if the sentence is in it
        paragraph, lead = paragraph.replace(sentence, own, 1), lead.replace(sentence, own, 1)
    for level, text in enumerate((clause, own, paragraph, lead)):
        if level == 1 and group is not None and names.home_of(group):
            return names.home_of(group)
        places = _named_places(text, names)
        if not places and level == 0 and (elsewhere := _other_place(clause)) is not None:
            return elsewhere  # "359 killed in Lebanon": that place, not the article's
        if not places:
            continue
        if len(places) > 1 and level == 1:
            # In the sentence, a place named in another figure's clause is that figure's ("which has killed 36,050,
            # launched after the killing of 1,170 in Oslo"): the places outside those clauses are the sentence's.
            places = _named_places(_without_other_figures(text, clause), names) or places
        if len(places) > 1 and level == 2:
            # In the paragraph, a place named beside another sentence's own figure is that figure's ("In Oslo, 12
            # were hurt."): the places of the sentences without figures are the paragraph's.
            places = _figure_free_places(text, sentence, names)
            if not places:
                continue
        if len(places) == 1:
            return places[0]
        if len(places) > 1:
            return "ambiguous: " + " or ".join(places)
    for text in (sentence, context.paragraph, context.title_and_lead):  # no place named: the home of the group
        if (named := _group_named(text, names)) is not None:  # the text is about ("Norwegians"), if it has one
            return names.home_of(named)
    return None


@lru_cache(maxsize=4096)
def _without_other_figures(sentence: str, clause: str) -> str:
    """The sentence with the clauses that hold figures, other than the given clause, blanked out."""
    kept = list(sentence)
    for a, b in clauses(sentence):
        piece = sentence[a:b]
        if clause not in piece and (_DIGIT.search(piece) or _FIGURE_WORDS.search(piece.lower())):
            kept[a:b] = " " * (b - a)
    return "".join(kept)


def _up_to_next_figures(clause: str, sentence: str) -> str:
    """The sentence as far as it speaks of the clause's figure: a clause after a ";" with figures of its own names
    the place of those ("51,400 deaths were recorded; 1,870 of them in Oslo": not the 51,400's place)."""
    if ";" not in sentence:  # the usual case, told without looking for the clause
        return sentence
    at = sentence.find(clause)
    semi = sentence.find(";", at + len(clause)) if at >= 0 else -1
    return sentence[:semi] if semi >= 0 and _DIGIT.search(sentence, semi) else sentence


def _places(found: list[tuple[int, str, bool]], names: Names) -> list[str]:
    """The places the mentions name, the strong mentions' if there are any."""
    strong = [f for f in found if f[2]] or found
    return sorted({p for f in strong if (p := names.place_of(f[1]))})


@lru_cache(maxsize=1)
def _other_places() -> tuple[re.Pattern[str], dict[str, str]]:
    """lexicon/places.toml: the places beyond the vocabulary's own, as one pattern and by lower-cased word."""
    words = tuple(word_list("places")["names"])
    return _names_pattern(tuple(w.lower() for w in words)), {" ".join(w.lower().split()): w for w in words}


@lru_cache(maxsize=4096)
def _other_place(clause: str) -> str | None:
    """The one place beyond the vocabulary's that the clause says its figure is in ("killed in Lebanon"), if any."""
    by_word = _other_places()[1]
    found = {by_word[" ".join(f[1].split())] for f in _mentions(clause, None, "other places") if f[2]}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=4096)
def _named_places(text: str, names: Names) -> list[str]:
    """The places a text names (once per text: a paragraph is asked again for each of its figures)."""
    return _places(_mentions(text, names, "places"), names)


@lru_cache(maxsize=4096)
def _figure_free_places(paragraph: str, sentence: str, names: Names) -> list[str]:
    """The places named in the paragraph's sentences, other than the figure's own, that hold no figure."""
    free = [
        (s.start, s.end)
        for s in sentences(paragraph)
        if s.text != sentence and not (_DIGIT.search(s.text) or _FIGURE_WORDS.search(s.text.lower()))
    ]
    found = _mentions(paragraph, names, "places")
    return _places([f for f in found if any(a <= f[0] < b for a, b in free)], names)


@lru_cache(maxsize=4096)
def _group_named(text: str, names: Names) -> str | None:
    return _group(text.lower(), names)


@lru_cache(maxsize=4096)
def _group(lower: str, names: Names, at: int = 0) -> str | None:
    """The group the clause counts ("norwegian", "kurd"), when a group name stands there not as a doer: the one
    nearest the figure at `at` ("destroyed Norwegians' trust ... killed 670 Swedes": the Swedes)."""
    found = _mentions(lower, names, "groups")
    groups = [(abs(f[0] - at), g) for f in found if (g := names.group_of(f[1]))]
    return min(groups)[1] if groups else None


@lru_cache(maxsize=4096)
def _restriction(lower: str, names: Names) -> str | None:
    """A subgroup the clause restricts the figure to, in the text's words; None for a restriction to the whole
    ("among the dead", "of Norwegian voters")."""
    group_words = names.name_lemmas
    if not _patterns()["any_restriction"].search(lower):
        return None
    restrictions: tuple[tuple[re.Pattern[str], frozenset[str] | None], ...] = _patterns()["restrictions"]
    for pattern, required in restrictions:
        for m in pattern.finditer(lower) if may_match(required, lower) else ():
            words = [w for _, _, w in lemmas(m.group())][1:]
            if words and all(w in _patterns()["whole"] or w in group_words for w in words):
                continue
            return m.group().strip()
    return None


@lru_cache(maxsize=4096)
def _attribution(text: str) -> str | None:
    """Who the text says gives the figure ("the health ministry", "the statistics bureau", "Channel 4"), in its words."""
    if not (
        _patterns()["any_attribution_lower"].search(text.lower())
        if text.isascii()
        else _patterns()["any_attribution"].search(text)
    ):
        return None
    for pattern, required in _patterns()["attribution"]:
        m = pattern.search(text) if may_match(required, text) else None
        if m is not None:
            return " ".join(m.group("who").split()).rstrip(".,")
    return None
