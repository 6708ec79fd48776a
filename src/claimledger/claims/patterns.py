"""Regular expressions built from the lexicon's lists, shaped to search fast: many patterns as one alternation, and
the plain strings a pattern's every match contains (a cheap `in` test that spares a search which cannot match)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from re import _constants as sre  # type: ignore[attr-defined]  # typeshed has no stubs for re's private parser
from re import _parser as sre_parse  # type: ignore[attr-defined]

# re._parser is CPython's own parser of patterns (3.11+): what required_strings reads is checked by the tests.


def any_of(patterns: list[str]) -> re.Pattern[str]:
    """One pattern that matches where the first of `patterns` to match there does. A word boundary that opens every
    one is said once, before the alternatives: tried at every position of a text, it is most of the search's cost."""
    if patterns and all(p.startswith(r"\b") for p in patterns):
        return re.compile(word_start(r"\b(?:" + "|".join(f"(?:{p[2:]})" for p in patterns) + ")"))
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def any_match_of(patterns: list[str]) -> re.Pattern[str]:
    """A pattern with a match in a text exactly when one of `patterns` has one there, for a yes-or-no search (the
    match it finds may be another one's). The alternatives are regrouped by their first letter ("among ...", "of
    ..." and "(?:a|an|the) ..." become "a(?:mong ...|...)|o(?:f ...)|..."), so that at a word start the search
    tries the few that start with its letter instead of every one: a third fewer instructions for the lexicon's
    restrictions. Patterns it cannot regroup are joined as any_of joins them."""
    if (
        not patterns
        or not all(p.startswith(r"\b") for p in patterns)
        or any(_BACKREFERENCE.search(p) for p in patterns)  # spread out, its group would be another
        or not word_start(plain := r"\b(?:" + "|".join(f"(?:{p[2:]})" for p in patterns) + ")").startswith("(?<!")
    ):
        return any_of(patterns)
    by_letter: dict[str, list[str]] = {}
    others: list[str] = []
    for pattern in patterns:
        for first, rest in _by_first_letter(pattern[2:]):
            if first is None:
                others.append(f"(?:{rest})")
            else:
                by_letter.setdefault(first, []).append(rest)
    alternatives = [re.escape(first) + "(?:" + "|".join(rests) + ")" for first, rests in sorted(by_letter.items())]
    try:
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives + others) + ")")
    except re.error:  # a named group said twice once an alternation is spread out
        return re.compile(word_start(plain))


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def _by_first_letter(pattern: str) -> list[tuple[str | None, str]]:
    """The pattern as alternatives (first letter, the rest) that together match what it matches: an opening group
    of alternatives is spread over what follows it ("(?:a|an)\\s+x" is "a" "\\s+x" or "a" "n\\s+x"); an
    alternative that opens otherwise (a class, an escape, a repeated group) is (None, itself)."""
    if pattern[:1].isalpha() and pattern[1:2] not in ("?", "*", "+", "{"):
        return [(pattern[0], pattern[1:])]
    if pattern.startswith("(?:"):
        end = _closing(pattern)
        following = pattern[end + 1 :]
        if end > 0 and following[:1] not in ("?", "*", "+", "{"):
            return [part for branch in _branches(pattern[3:end]) for part in _by_first_letter(branch + following)]
    return [(None, pattern)]


def _top_level(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth) of each character of a pattern outside escapes and classes; a parenthesis stands
    at the depth outside it."""
    depth, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i) + 1
            continue
        if char == ")":
            depth -= 1
        yield i, char, depth
        if char == "(":
            depth += 1
        i += 1


def _closing(pattern: str) -> int:
    """The index of the parenthesis that closes the one `pattern` opens with; -1 when none does."""
    return next((i for i, char, depth in _top_level(pattern) if char == ")" and depth == 0), -1)


def _branches(body: str) -> list[str]:
    """The top-level alternatives of a pattern."""
    cuts = [i for i, char, depth in _top_level(body) if char == "|" and depth == 0]
    return [body[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(body)])]


def _class_end(pattern: str, i: int) -> int:
    """The index of the "]" that closes the character class opened at i ("[]a]" and "[^]a]" hold a "]")."""
    i += 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def word_start(pattern: str, flags: int = 0) -> str:
    r"""The pattern with its opening \b said as (?<!\w) when every match of the rest starts with a word character
    (a boundary before a word character is a non-word one before it): the same matches. A boundary also holds at the
    end of every word, where a long alternation after it is then tried in vain; the look-behind holds at word starts
    only, so a search for one of the lexicon's long alternations costs a quarter to two thirds less. For a few plain
    words the look-behind costs more than it saves: used where measured (bench/README.md). Any pattern it does not
    fit is returned as it is."""
    if not pattern.startswith(r"\b") or not _opens_with_word_character(sre_parse.parse(pattern[2:], flags)):
        return pattern
    return r"(?<!\w)" + pattern[2:]


_WORD_CHARACTER = re.compile(r"\w")


def _opens_with_word_character(items: Any) -> bool:
    """Every match of the parsed sequence starts with a word character (checked for its first item only)."""
    if not len(items):
        return False
    op, av = items[0]
    if op is sre.LITERAL:
        return _WORD_CHARACTER.match(chr(av)) is not None
    if op is sre.IN:
        return all(
            kind is sre.LITERAL
            and _WORD_CHARACTER.match(chr(value))
            or kind is sre.RANGE
            and all(map(_WORD_CHARACTER.match, map(chr, range(value[0], value[1] + 1))))
            or kind is sre.CATEGORY
            and value in (sre.CATEGORY_DIGIT, sre.CATEGORY_WORD)
            for kind, value in av
        )
    if op is sre.SUBPATTERN:  # av: group, flags on, flags off, body
        return _opens_with_word_character(av[3])
    if op is sre.BRANCH:
        return all(_opens_with_word_character(branch) for branch in av[1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:  # av: least, most, body
        return _opens_with_word_character(av[2])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):  # optional: it or what follows opens
        return _opens_with_word_character(av[2]) and _opens_with_word_character(items[1:])
    return False  # a look-around, a boundary: not known to open with a word character


def required_strings(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains ("said" or "says" for r"\\b(?:said|says)\\s+\\w+"),
    the most telling such set (the one whose shortest string is longest); None when the pattern promises none (a
    case-blind or verbose pattern is not analysed)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    return _required(sre_parse.parse(pattern.pattern, pattern.flags))


_MOST_FORMS = 64  # spelled-out strings a run of literals and literal alternatives may stand for


def _required(items: Any) -> frozenset[str] | None:  # items: a parsed pattern (re._parser, untyped)
    """What a parsed sequence requires: each run of literals (and of alternations of literals: "sa(?:id|ys)" is
    "said" or "says") it must match, and what each group, alternation or repetition that must match once
    requires; of these, the most telling set."""
    found: list[frozenset[str] | None] = []
    run = frozenset([""])
    for op, av in items:
        forms = _forms(op, av)
        if forms is not None and len(run) * len(forms) <= _MOST_FORMS:
            run = frozenset(a + b for a in run for b in forms)
            continue
        if run != {""}:  # a run of literals ends: the text must hold one of its spellings whole
            found.append(run)
        run = frozenset([""])
        if forms is not None:  # too many spellings to join the run: a run of its own
            found.append(forms)
        elif op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:  # av: group, flags on, flags off, body
            found.append(_required(av[3]))
        elif op is sre.BRANCH:  # one of the alternatives matches: one of theirs is required
            alternatives = [_required(branch) for branch in av[1]]
            required = [a for a in alternatives if a]
            found.append(frozenset[str]().union(*required) if len(required) == len(alternatives) else None)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:  # av: least, most, body
            found.append(_required(av[2]))
        # anything else (a class, a look-around, a boundary, an optional part) promises no string
    if run != {""}:
        found.append(run)
    telling = [f for f in found if f and "" not in f]
    return max(telling, key=lambda strings: (min(map(len, strings)), -len(strings))) if telling else None


def _forms(op: Any, av: Any) -> frozenset[str] | None:
    """Every string one parsed item can match, when it is a literal, a class of a few literals ("[Mm]") or a group
    or alternation of such; None otherwise."""
    if op is sre.LITERAL:
        return frozenset([chr(av)])
    if op is sre.IN and all(kind is sre.LITERAL for kind, _ in av) and len(av) <= 8:
        return frozenset(chr(c) for _, c in av)
    if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
        return _spelled(av[3])
    if op is sre.BRANCH:
        alternatives = [_spelled(branch) for branch in av[1]]
        spelled = [a for a in alternatives if a is not None]
        if len(spelled) == len(alternatives) and sum(map(len, spelled)) <= _MOST_FORMS:
            return frozenset[str]().union(*spelled)
    return None


def _spelled(items: Any) -> frozenset[str] | None:
    """Every string a parsed sequence can match, when it is literals and alternations of them only."""
    spellings = frozenset([""])
    for op, av in items:
        forms = _forms(op, av)
        if forms is None or len(spellings) * len(forms) > _MOST_FORMS:
            return None
        spellings = frozenset(a + b for a in spellings for b in forms)
    return spellings


def may_match(required: frozenset[str] | None, text: str) -> bool:
    """False only when `text` holds none of the strings a pattern requires (so the pattern cannot match it)."""
    if required is None:
        return True
    for string in required:  # a plain loop: asked several times per clause, a generator costs more than the tests
        if string in text:
            return True
    return False


class Guarded:
    """A compiled pattern that first asks, by plain `in` tests, whether the text holds one of the strings its every
    match must contain; a text without any is answered at once, as the search would answer it (no match)."""

    __slots__ = ("pattern", "required")

    def __init__(self, pattern: re.Pattern[str], required: frozenset[str]):
        self.pattern, self.required = pattern, required

    def search(self, text: str, *span: int) -> re.Match[str] | None:
        return self.pattern.search(text, *span) if may_match(self.required, text) else None

    def match(self, text: str, *span: int) -> re.Match[str] | None:
        return self.pattern.match(text, *span) if may_match(self.required, text) else None

    def finditer(self, text: str, *span: int) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text, *span) if may_match(self.required, text) else iter(())

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self.pattern.sub(replacement, text) if may_match(self.required, text) else text


SHORTEST_GUARD = 4  # characters: shorter required strings stand in most texts, and the test would only cost


def guarded(pattern: re.Pattern[str]) -> re.Pattern[str] | Guarded:
    """The pattern behind a guard of its required strings, when it has telling ones; else the pattern itself."""
    required = required_strings(pattern)
    if required is None or min(map(len, required)) < SHORTEST_GUARD:
        return pattern
    return Guarded(pattern, required)
