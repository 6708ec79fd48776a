"""Pattern helpers (claims/patterns.py): a search they let the extractor skip could never have matched."""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO

from claimledger.claims.lemmas import lexicon
from claimledger.claims.patterns import Guarded, any_match_of, any_of, may_match, required_strings, word_start


@pytest.mark.parametrize(
    "pattern, required",
    [
        (r"\b(?:said|says)\s+\w+", {"said", "says"}),
        (r"\baccording\s+to\s+(?P<who>\w+)", {"according"}),
        (r"\bof\s+(?:[\w']+\s+){1,2}(?:voters|members)\b", {"voters", "members"}),  # the longer strings win
        (
            r"\b(?:another|a\s+further|an\s+additional)\b",
            {"nother", "further", "additional"},
        ),  # shared "a" factored out
        (r"(?:x+|y)ab", {"ab"}),
        (r"(?:north|south)?\s*ward", {"ward"}),  # an optional part promises nothing
        (r"\d+(?:st|nd|rd|th)", {"st", "nd", "rd", "th"}),
        (r"[A-Z]\w+", None),
        (r"(?:alpha|\d+)", None),  # one alternative promises no string: nor does the whole
        (r"(?=said)\w+", None),  # a look-ahead's text is not in the match
        (r"(?i:said)\s+\w+", None),
    ],
)
def test_required_strings(pattern, required):
    assert required_strings(re.compile(pattern)) == (frozenset(required) if required else None)


def test_a_case_blind_pattern_promises_no_string():
    assert required_strings(re.compile(r"\bsaid\b", re.IGNORECASE)) is None


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in (REPO / "tests" / "data" / "extraction_eval.jsonl").open()]
    return texts + [t.lower() for t in texts]


@pytest.mark.parametrize("section, key", [("attribution", "patterns"), ("restrictions", "patterns")])
def test_a_lexicon_pattern_never_matches_a_text_its_required_strings_rule_out(section, key):
    texts = _texts()
    for source in lexicon()[section][key]:
        pattern = re.compile(source)
        required = required_strings(pattern)
        for text in texts:
            if pattern.search(text):
                assert may_match(required, text), (source, text)


@pytest.mark.parametrize(
    "pattern, said_as",
    [
        (r"\b(?:one|two)\b", r"(?<!\w)(?:one|two)\b"),
        (r"\b\d+", r"(?<!\w)\d+"),
        (r"\b(?:[a-z]+|x)", r"(?<!\w)(?:[a-z]+|x)"),
        (r"\b(?:among\s+|of\s+)", r"(?<!\w)(?:among\s+|of\s+)"),
        (r"\b(?:\s+a|b)", r"\b(?:\s+a|b)"),  # an alternative opens with a space: \b there is a word before it
        (r"\b(?:a?b)", r"(?<!\w)(?:a?b)"),  # an optional first part: it or what follows opens
        (r"\b(?:a?\s)", r"\b(?:a?\s)"),  # what follows the optional part is no word character
        (r"\b[\w'-]+", r"\b[\w'-]+"),  # "'" and "-" are no word characters
        (r"(?:one|two)\b", r"(?:one|two)\b"),  # no boundary to say otherwise
    ],
)
def test_word_start(pattern, said_as):
    assert word_start(pattern) == said_as


@pytest.mark.parametrize(
    "pattern", [r"\b(?:one|two|three)\b", r"\b(?:\d+|half)", r"\b(?:of|in)\s+the\b", r"\b(?:the\s+)?[A-Z]\w*"]
)
def test_word_start_matches_where_the_boundary_does(pattern):
    bounded, behind = re.compile(pattern), re.compile(word_start(pattern))
    assert behind.pattern != pattern
    for text in _texts() + ["one-two", "x1 2x 3", "of the", "-in the"]:
        assert [m.span() for m in bounded.finditer(text)] == [m.span() for m in behind.finditer(text)]


def test_any_of_matches_where_the_patterns_do():
    patterns = lexicon()["restrictions"]["patterns"]
    joined = any_of(patterns)
    plain = re.compile("|".join(f"(?:{p})" for p in patterns))
    for text in _texts():
        found, expected = joined.search(text.lower()), plain.search(text.lower())
        assert (found and found.span()) == (expected and expected.span())


@pytest.mark.parametrize("section, key", [("restrictions", "patterns"), ("time", "running")])
def test_any_match_of_finds_a_match_where_one_of_the_patterns_has_one(section, key):
    patterns = lexicon()[section][key]
    regrouped = any_match_of(patterns)
    assert regrouped.pattern != any_of(patterns).pattern  # regrouped by first letter, not only joined
    singles = [re.compile(p) for p in patterns]
    for text in _texts():
        lower = text.lower()
        assert bool(regrouped.search(lower)) == any(p.search(lower) for p in singles)


def test_the_regrouped_trigger_words_find_what_the_word_list_finds():
    from claimledger.claims.frames import _patterns

    regrouped = _patterns()["any_attribution_lower"]
    plain = re.compile(r"\b(?:" + "|".join(t.lower() for t in lexicon()["attribution"]["triggers"]) + r")\b")
    for text in _texts():
        assert bool(regrouped.search(text.lower())) == bool(plain.search(text.lower()))


@pytest.mark.parametrize(
    "patterns, text, found",
    [
        ([r"\b(?:a|an|the)\s+single\b", r"\bamong\s+them"], "in an single", True),
        ([r"\b(?:a|an|the)\s+single\b", r"\bamong\s+them"], "among them", True),
        ([r"\b(?:a|an|the)\s+single\b", r"\bamong\s+them"], "banner single", False),  # a word start only
        ([r"\b(?:dead|killed)?\s+x", r"\b[0-9]+\s+more"], "12 more", True),  # kept whole: an optional group, a class
        ([r"\b(a|b)\s+\1\b", r"\bc\b"], "a a", True),  # a back-reference: joined, not regrouped
    ],
)
def test_any_match_of_cases(patterns, text, found):
    assert bool(any_match_of(patterns).search(text)) is found


def test_a_guarded_time_pattern_finds_what_the_bare_pattern_finds():
    from claimledger.claims.timeframe import _time_patterns

    guards = [p for p in _time_patterns().values() if isinstance(p, Guarded)]
    assert guards  # the lexicon's hour and running-total words are guarded
    for text in _texts():
        lower = text.lower()
        for guard in guards:
            found, bare = guard.search(lower), guard.pattern.search(lower)
            assert (found and found.span()) == (bare and bare.span()), (guard.pattern.pattern, text)
