"""Text -> Claims: find the figures in each sentence, drop the ones that are not claims, read what the rest mean."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from claimledger.claims.model import Article, Claim, claim_id
from claimledger.claims.numbers import Figure, find_figures
from claimledger.claims.qualifiers import find_qualifier, interval_for
from claimledger.claims.text import Sentence, normalise, sentences
from claimledger.claims.vocabulary import MetricRule, Vocabulary, contains, load_vocabulary

_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.I)
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTHS})\b", re.I)
_TIME_AFTER = re.compile(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|hrs\b|o'clock|:\d\d)", re.I)
_AGE_AFTER = re.compile(r"^[\s-]*(?:years?|months?)[\s-]old\b|^-year-old", re.I)
_IDENTIFIER_BEFORE = re.compile(
    r"(?<![\w-])(?:resolutions?|no\.?|nos\.|numbers?|article|section|chapter|pages?|p\.|pp\.|room|route|road|"
    r"highway|flight|bus|gate|unit|brigade|division|battalion|law|bill|act|decree|paragraph|clause|item|case|"
    r"file|row|seat|apartment|building|block|floor|street|channel|covid|model|version|level|phase|stage|grade|"
    r"class|episode|season|volume|vol\.|part|figure|fig\.|table|appendix|annex|protocol|line|camp|terminal|"
    r"platform|district|zone|sector|ward|tier|code|id|ref\.?|serial|verse|track|exit|junction|km|mile|kan|"
    r"i24|ynet|group|squad|team|#)\s*#?$",
    re.I,
)
_STREET_AFTER = re.compile(r"^\s+(?:[A-Z][a-z]+\s+){1,3}(?:street|st\.|avenue|ave\.|road|rd\.|boulevard|blvd)", re.I)
# International numbers ("+972 3 555 1234") and dashed local ones ("(212) 555-1234", "555-123-4567").
_PHONE = re.compile(r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}|\(?\b\d{3}\)?[\s.-]?\d{3}[.-]\d{4}\b")
_CHANGE_BEFORE = re.compile(
    r"(?<![\w-])(?P<verb>rose|risen|rising|rises|increased|increases|increasing|grew|grown|growing|jumped|jumps|"
    r"surged|surges|surging|soared|soaring|climbed|climbing|spiked|gained|up|fell|fallen|falls|falling|dropped|"
    r"drops|declined|declines|declining|decreased|decreasing|plunged|plummeted|slumped|down|shrank|shrunk)"
    r"(?:\s+by)?\s*$",
    re.I,
)
_CHANGE_AFTER = re.compile(r"^\s*(?:an?\s+)?(?P<noun>increase|rise|jump|surge|growth|hike|drop|decline|fall|decrease|"
                           r"reduction|cut|plunge)\b", re.I)
_FALLING = {"fell", "fallen", "falls", "falling", "dropped", "drops", "declined", "declines", "declining",
            "decreased", "decreasing", "plunged", "plummeted", "slumped", "down", "shrank", "shrunk", "drop",
            "decline", "fall", "decrease", "reduction", "cut", "plunge"}
_MULTIPLIER = re.compile(r"(?<![\w-])(doubled|tripled|trebled|quadrupled|halved)(?![\w-])(?!\s+(?:down|up|over|back|as)\b)", re.I)
_MULTIPLIER_CHANGE = {"doubled": 100.0, "tripled": 200.0, "trebled": 200.0, "quadrupled": 300.0, "halved": -50.0}
_DURATION_AFTER = re.compile(r"^[\s-]*(?P<unit>months?|years?|weeks?|days?)\b", re.I)
_DURATION_UNITS = {"month": "months", "year": "years", "week": "weeks", "day": "days"}
_HALF_NOT_A_SHARE = re.compile(r"(?:first|second|last|latter|former|other|next|previous)\s*$", re.I)
_PERIOD = re.compile(rf"\b(?:in|during|for|throughout)\s+(?:(?P<month>{_MONTHS})\s+)?(?P<year>(?:19|20)\d\d)\b", re.I)
_COUNTED_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_IRREGULAR_PLURALS = {"people", "children", "men", "women", "staff", "personnel", "police", "youth", "press"}
_NOT_NOUNS = {"has", "was", "is", "as", "this", "its", "his", "hers", "us", "yes", "thus", "plus", "less",
              "across", "towards", "always", "perhaps", "whereas", "since", "afterwards", "besides", "alas",
              "does", "goes", "ones", "thesis", "analysis", "crisis", "basis", "axis", "emphasis"}


@dataclass(frozen=True)
class _Reading:
    """What the words around one figure say about it, before a metric is chosen."""

    figure: Figure
    start: int
    end: int
    value: float
    unit: str
    form: str
    qualifier: str
    counted: str | None
    after: str


def extract_claims(article: Article, vocabulary: Vocabulary | None = None) -> list[Claim]:
    """All numeric claims in an article, in text order, each with a stable id and the interval it implies."""
    vocabulary = vocabulary or load_vocabulary()
    text = normalise(article.text)
    claims: list[Claim] = []
    for sentence in sentences(text):
        for reading in _readings(sentence):
            metric = _choose_metric(reading, sentence, vocabulary, article.title)
            if metric is None and reading.form == "words" and reading.unit == "count" and reading.value < 10 \
                    and reading.qualifier == "exact":
                continue  # "the two leaders", "one official": small counts in words, not checkable claims
            claims.append(_claim(article, sentence, reading, metric, vocabulary))
    return claims


def _readings(sentence: Sentence) -> list[_Reading]:
    s = sentence.text
    readings = [r for f in find_figures(s) if (r := _read(s, f)) is not None]
    for m in _MULTIPLIER.finditer(s):
        q = find_qualifier(s[:m.start()], s[m.end():])
        figure = Figure(m.start(), m.end(), _MULTIPLIER_CHANGE[m.group(1).lower()], "multiplier", False, 1.0)
        readings.append(_Reading(figure, m.start() - q.before, m.end() + q.after, figure.value, "percent_change",
                                 "multiplier", q.qualifier, None, s[m.end():]))
    return sorted(readings, key=lambda r: r.start)


def _read(s: str, f: Figure) -> _Reading | None:
    before, after = s[:f.start], s[f.end:]
    if _is_not_a_claim(s, f, before, after):
        return None
    q = find_qualifier(before, after)
    value, unit, form = f.value, "percent" if f.percent else "count", f.form
    duration = _DURATION_AFTER.match(after)
    change = _CHANGE_BEFORE.search(before[: len(before) - q.before]) or (f.percent and _CHANGE_AFTER.match(after))
    if change and (f.percent or form == "fraction"):
        unit = "percent_change"
        word = (change.group("verb") if "verb" in change.re.groupindex else change.group("noun")).lower()
        value = -value if word in _FALLING else value
    elif f.form == "fraction" and not f.percent:
        unit = "percent"
    elif duration and not f.percent:
        unit = _DURATION_UNITS[duration.group("unit").lower().rstrip("s")]
    if f.form == "fraction" and s[f.start:f.end].lower() == "half":
        if _HALF_NOT_A_SHARE.search(before) or not re.match(r"^\s+(?:of|the|a|an|their|its)\b", after, re.I):
            return None
    if f.form == "fraction":
        unit = "percent_change" if unit == "percent_change" else "percent"
    counted = _counted_noun(after, unit)
    unit_words = duration.end() if unit in _DURATION_UNITS.values() and duration else 0  # "twenty months"
    end = f.end + max(q.after, unit_words)
    return _Reading(f, f.start - q.before, end, value, unit, form, q.qualifier, counted, s[end:])


def _is_not_a_claim(s: str, f: Figure, before: str, after: str) -> bool:
    """Years, dates, times, ages, identifiers, phone and street numbers, numbers inside URLs."""
    raw = s[f.start:f.end]
    plain_integer = raw.isdigit()
    if plain_integer and len(raw) == 4 and 1800 <= int(raw) <= 2100:
        return True
    if f.form in ("digits", "round") or plain_integer:
        if _MONTH_BEFORE.search(before) and plain_integer and int(raw) <= 31:
            return True
        if _MONTH_AFTER.match(after) and plain_integer and int(raw) <= 31:
            return True
        if _TIME_AFTER.match(after) or _IDENTIFIER_BEFORE.search(before) or _STREET_AFTER.match(after):
            return True
        if re.search(r"\b[A-Z][\w-]*\s$", before) and not re.search(r"(?:^|[.!?]\s+)[A-Z][\w-]*\s$", before) \
                and plain_integer and not _counted_noun(after, "count"):
            return True  # "Channel 12", "Apollo 11": a name followed by a number
        token_start = before.rfind(" ") + 1
        token_end = len(s) if " " not in after else f.end + after.index(" ")
        token = s[token_start:token_end]
        if "://" in token or "www." in token or "/" in token or "@" in token:
            return True
        for m in _PHONE.finditer(s):
            if m.start() <= f.start and f.end <= m.end():
                return True
    if _AGE_AFTER.match(after) or re.search(r"[A-Z][a-z]+,\s*$", before) and re.match(r"^\s*,", after) \
            and f.form == "digits" and f.value < 120:
        return True
    return False


def _counted_noun(after: str, unit: str) -> str | None:
    """The noun a figure counts: the first plural within a few words ("1,000 Israeli Air Force veterans")."""
    if unit not in ("count", "percent"):
        return None
    rest = re.split(r"[,;:.!?()\"]", after, maxsplit=1)[0]
    rest = re.sub(r"^\s*(?:of\s+)?(?:the|them|all|those|these|its|their)?\s*", "", rest, flags=re.I) \
        if unit == "percent" else rest
    for word in _COUNTED_WORD.findall(rest)[:4]:
        lower = word.lower()
        if lower in _IRREGULAR_PLURALS or (lower.endswith("s") and not lower.endswith(("ss", "us"))
                                           and lower not in _NOT_NOUNS and len(lower) > 2):
            return lower
        if lower in ("of", "who", "which", "that", "were", "have", "had", "are", "in", "on", "at"):
            break
    return None


def _choose_metric(reading: _Reading, sentence: Sentence, vocabulary: Vocabulary, title: str) -> MetricRule | None:
    best: tuple[tuple[int, int], MetricRule] | None = None
    s = sentence.text
    for rule in vocabulary.metrics.values():
        if reading.unit not in rule.units:
            continue
        if rule.counted and reading.counted not in rule.counted and not (reading.counted is None and "" in rule.counted):
            if not _counted_phrase_matches(rule.counted, reading.after):
                continue
        if any(not contains(s, group) for group in rule.requires):
            continue
        if rule.context and not (contains(sentence.paragraph, rule.context) or contains(title, rule.context)):
            continue
        if rule.not_followed_by and re.match(
                r"^[\s-]*(?:[a-z]+\s+)?(?:" + "|".join(map(re.escape, rule.not_followed_by)) + r")\b",
                reading.after, re.I):
            continue
        distance = rule.keyword_distance(s, reading.figure.start, reading.figure.end)
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, rule)
    return best[1] if best else None


def _counted_phrase_matches(counted: tuple[str, ...], after: str) -> bool:
    head = after.strip().lower()
    return any(c and " " in c and head.startswith(c) for c in counted)


def _claim(article: Article, sentence: Sentence, r: _Reading, metric: MetricRule | None,
           vocabulary: Vocabulary) -> Claim:
    start, end = sentence.start + r.start, sentence.start + r.end
    interval = interval_for(r.value, r.qualifier, r.unit, r.form, r.figure.significant_unit)
    return Claim(
        id=claim_id(article.id, start, end),
        article_id=article.id,
        start=start,
        end=end,
        quote=article.text[start:end],
        sentence=article.text[sentence.start:sentence.end],
        value=r.value,
        unit=r.unit,
        qualifier=r.qualifier,
        low=interval.low,
        high=interval.high,
        low_inclusive=interval.low_inclusive,
        high_inclusive=interval.high_inclusive,
        form=r.form,
        metric=metric.name if metric else None,
        subject=(metric.subject if metric and metric.subject else _subject(sentence.text, r, vocabulary)),
        period=_period(sentence.text, r),
        as_of=article.published,
        counted=r.counted,
    )


def _subject(s: str, r: _Reading, vocabulary: Vocabulary) -> str | None:
    best: tuple[int, str] | None = None
    for name, words in vocabulary.subjects.items():
        for word in words:
            for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", s, re.I):
                distance = abs(m.start() - r.figure.start)
                if best is None or distance < best[0]:
                    best = (distance, name)
    return best[1] if best else None


def _period(s: str, r: _Reading) -> str | None:
    """The year (or year-month) the sentence ties the figure to, nearest first ("in 2024")."""
    best: tuple[int, str] | None = None
    for m in _PERIOD.finditer(s):
        distance = abs(m.start() - r.figure.end)
        label = m.group("year")
        if m.group("month"):
            month = _month_number(m.group("month"))
            label = f"{m.group('year')}-{month:02d}"
        if best is None or distance < best[0]:
            best = (distance, label)
    return best[1] if best else None


def _month_number(name: str) -> int:
    return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(name[:3].lower()) + 1


def detect_date(text: str, limit: int = 1500) -> date | None:
    """The article's date when front matter gives none: the first full date near the top of the text."""
    head = normalise(text[:limit])
    patterns = [
        (rf"\b(?P<m>{_MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", True),
        (rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTHS})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", True),
        (r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)", False),
    ]
    found: list[tuple[int, date]] = []
    for pattern, named_month in patterns:
        for m in re.finditer(pattern, head, re.I):
            month = _month_number(m.group("m")) if named_month else int(m.group("m"))
            try:
                found.append((m.start(), date(int(m.group("y")), month, int(m.group("d")))))
            except ValueError:
                continue
            break
    return min(found)[1] if found else None
