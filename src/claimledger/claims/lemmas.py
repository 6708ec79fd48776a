"""Words to lemmas by rule, with the irregular forms listed in lexicon/frames.toml: "injuries", "injuring" and
"wounded" must meet the lexicon's "injury", "injure" and "wound" whatever form a reporter used."""

from __future__ import annotations

import re
import tomllib
from typing import Any
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]|\d+(?:[.,]\d+)*")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """lexicon/frames.toml, read once per process."""
    text = resources.files("claimledger.claims").joinpath("lexicon/frames.toml").read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"claimledger/claims/lexicon/frames.toml: not valid TOML: {exc}") from exc


@lru_cache(maxsize=1)
def _known() -> tuple[dict[str, str], frozenset[str]]:
    """The irregular forms, and every lemma the lexicon uses (a stripped -ed or -ing is tried against these)."""
    data = lexicon()
    irregular = {k.lower(): v.lower() for k, v in data["irregular"].items()}
    words = set(irregular.values())
    for measure in data["measures"].values():
        for phrases in (v for k, v in measure.items() if k != "before"):
            words.update(w for p in phrases for w in p.split())
    words.update(data["agents"]["nouns"] + data["agents"]["verbs"])
    return irregular, frozenset(words)


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The lemma of one word, lower-cased: "injuries" -> "injury", "killing" -> "kill", "Norwegians" ->
    "norwegian"; a word no rule fits is kept as it is."""
    w = word.lower().strip("'")
    if w.endswith("'s"):
        w = w[:-2]
    irregular, known = _known()
    if w in irregular:
        return irregular[w]
    if len(w) <= 3 or w in known:
        return w
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            for candidate in (
                stem,
                stem + "e",
                stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else None,
                stem[:-1] + "y" if stem.endswith("i") else None,
            ):
                if candidate and candidate in known:
                    return candidate
            if suffix == "ed" and stem.endswith("i"):
                return stem[:-1] + "y"
            return stem + "e" if stem.endswith(("ur", "at", "iz", "is", "ac", "lv", "rv")) else stem
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us")):
        return w[:-1]
    return w


@lru_cache(maxsize=4096)
def lemmas(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, lemma) of every word of a lower-cased text, in order (a clause is asked for several slots)."""
    # The words without a match object each; each word stands at its first occurrence after the one before (what
    # lies between two words holds no letter or digit, where a word would start).
    found: list[tuple[int, int, str]] = []
    at, find = 0, text.find
    for word in _WORD.findall(text):
        start = find(word, at)
        at = start + len(word)
        found.append((start, at, lemma(word)))
    return tuple(found)


@lru_cache(maxsize=4096)
def lemma_sequence(text: str) -> tuple[str, ...]:
    """The lemmas of a lower-cased text's words, in order: the measure and the counted slots scan the same clause."""
    return tuple([t[2] for t in lemmas(text)])


@lru_cache(maxsize=1024)
def words_of(text: str) -> frozenset[str]:
    """The set of lemmas of a text (a sentence asked once per figure of it)."""
    return frozenset(w for _, _, w in lemmas(text.lower()))
