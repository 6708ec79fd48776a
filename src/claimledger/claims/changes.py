"""Change words: whether a figure says a change ("rose 5%", "a 20% drop", "doubled") and in which direction
(lexicon/changes.toml)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimledger.claims.numbers import read_word_number
from claimledger.claims.wordlists import word_list

_CHANGES = word_list("changes")
_STRICT = {w: d for d, words in _CHANGES["before"].items() for w in words}
_LOOSE = {**{w: d for d, words in _CHANGES["before_loose"].items() for w in words}, **_STRICT}
_PARTICLE_VERBS = frozenset(_CHANGES["particle_verbs"])
_BY_ONLY = frozenset(_CHANGES["loose_by_only"])
_DETERMINERS = frozenset({"its", "the", "their", "his", "her", "our", "a", "this", "that"})
_AFTER_WORDS = {w: d for d, words in _CHANGES["after"].items() for w in words}
# "5% down at 1,400", but not "a 20% down payment" or "10% up front".
_AFTER = re.compile(
    r"\s*(?:an?\s+)?(?P<noun>" + "|".join(sorted(_AFTER_WORDS, key=len, reverse=True)) + r")\b"
    r"(?![\s-]+(?:payments?|front)\b)",
    re.I,
)
_MULTIPLIER_CHANGE: dict[str, float] = _CHANGES["multipliers"]
_MULTIPLIER = re.compile(
    r"(?<![\w-])(?:(?P<verb>doubled|tripled|trebled|quadrupled|halved)(?![\w-])(?!\s+(?:down|up|over|back|as)\b)"
    r"|(?<=to\s)(?P<infinitive>double|triple|quadruple|halve)\b"
    r"|(?P<fold>two|three|four|five|six|seven|eight|nine|ten|\d+)-?fold\b"
    r"|(?P<times>twice|(?:two|three|four|five|six|seven|eight|nine|ten|\d+(?:\.\d+)?)\s+times)"
    r"\s+(?:as\s+(?:many|much|high|large|great|likely)|more|higher|larger|greater|bigger)\b)",
    re.I,
)
_MULTIPLIER_HINT = re.compile("doubl|tripl|trebl|quadrupl|halve|times|twice|fold")  # one scan, not eight


def change_before(window: str) -> tuple[str | None, str | None]:
    """("up" or "down" or None) twice for the words just before a figure: first for the change verbs a claim can
    state ("rose", "fell by"), then also counting the verbs of prices and counts ("added", "lost") and the level a
    change reached ("fell to")."""
    words = window.split()
    tokens = words[-3:]
    if len(tokens) > 1 and tokens[-1].lower() == "to" and (verb := tokens[-2].lower()) in _LOOSE:
        return None, _LOOSE[verb]  # "fell to 3.9%": the level a change reached, no claimed change
    by = bool(tokens) and tokens[-1].lower() in ("by", "of")
    if by:
        tokens.pop()
    if not tokens:
        return None, None
    last = tokens[-1].lower()
    if by and last not in _LOOSE and len(tokens) > 1 and tokens[-2].lower() in _STRICT:
        last = tokens[-2].lower()  # a verb, its object, then "by": "grow revenue by 12%", "fell sharply by 5%"
    elif (
        by
        and last not in _LOOSE
        and len(words) > 3
        and (verb := words[-4].lower()) in _LOOSE
        and tokens[-2].lower() in _DETERMINERS
    ):
        return _STRICT.get(verb), _LOOSE[verb]  # a verb, a determiner, its object, "by": "cut its forecast by 5%"
    if last in ("up", "down") and len(tokens) > 1 and tokens[-2].lower() in _PARTICLE_VERBS:
        return None, None  # "gave up 300 metres": a phrasal verb, no change
    strict = _STRICT.get(last)
    if strict is None and len(tokens) > 1 and (pair := f"{tokens[-2].lower()} {last}") in _LOOSE:
        return None, _LOOSE[pair]
    if last in _BY_ONLY and not by:
        return strict, strict  # "raised $50 million": funds, no change
    return strict, strict or _LOOSE.get(last)


def change_after(after: str) -> str | None:
    """ "up" or "down" for a change noun or comparative right after a figure ("a 20% drop", "5% higher")."""
    m = _AFTER.match(after)
    return _AFTER_WORDS[m.group("noun").lower()] if m else None


def multipliers_in(s: str, lower: str) -> Iterator[tuple[re.Match[str], float]]:
    """Each change stated as a factor ("doubled", "three times more", "fourfold"), with the percent change it says."""
    if not _MULTIPLIER_HINT.search(lower):  # the cheap test spares the scan on most sentences
        return
    for m in _MULTIPLIER.finditer(s):
        if m.group("verb") or m.group("infinitive"):
            value = _MULTIPLIER_CHANGE[(m.group("verb") or m.group("infinitive")).lower()]
        elif m.group("fold"):
            head = m.group("fold").lower()
            fold = float(head) if head.isdigit() else read_word_number(head)
            assert fold is not None  # _MULTIPLIER's words are numbers read_word_number reads
            value = round((fold - 1) * 100, 4)
        else:
            head = m.group("times").split()[0].lower()
            factor = 2.0 if head == "twice" else (float(head) if head[0].isdigit() else read_word_number(head))
            assert factor is not None
            value = round((factor - 1) * 100, 4)
        yield m, value
