"""Text -> Claims: find the figures in each sentence, drop the ones that are not claims, read what the rest mean."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import islice

from claimledger.claims.exclusions import is_not_a_claim
from claimledger.claims.frames import ArticleContext, forget_texts, read_frame, with_share_base
from claimledger.claims.matching import Match, match_metric
from claimledger.claims.model import Article, Claim, Frame, claim_id
from claimledger.claims.numbers import Figure, find_figures, read_word_number
from claimledger.claims.qualifiers import Interval, find_qualifier, interval_for
from claimledger.claims.text import Compacted, Sentence, normalise, sentences, without_zero_width_in_numbers
from claimledger.claims.timeref import detect_date
from claimledger.claims.vocabulary import Vocabulary, load_vocabulary

__all__ = ["extract_claims", "read_claims", "FigureLimits", "Extraction", "detect_date"]

_CHANGE_BEFORE = re.compile(
    r"(?<![\w-])(?P<verb>rose|risen|rising|rises|rise|increased|increases|increasing|increase|grew|grown|growing|"
    r"grow|jumped|jumps|jump|surged|surges|surging|surge|soared|soaring|soar|climbed|climbing|climb|spiked|gained|"
    r"expanded|expand|up|fell|fallen|falls|falling|fall|dropped|drops|drop|declined|declines|declining|decline|"
    r"decreased|decreasing|decrease|plunged|plummeted|slumped|slid|slipped|tumbled|sank|down|shrank|shrunk|shrink|"
    r"contracted|contract|cut|reduction|growth)(?:\s+(?:by|of))?\s*$",
    re.I,
)
_CHANGE_AFTER = re.compile(r"^\s*(?:an?\s+)?(?P<noun>increase|rise|jump|surge|growth|hike|drop|decline|fall|decrease|"
                           r"reduction|cut|plunge|higher|lower|more|less)\b", re.I)
_FALLING = {"fell", "fallen", "falls", "falling", "fall", "dropped", "drops", "drop", "declined", "declines",
            "declining", "decline", "decreased", "decreasing", "decrease", "plunged", "plummeted", "slumped", "slid",
            "slipped", "tumbled", "sank", "down", "shrank", "shrunk", "shrink", "contracted", "contract",
            "reduction", "cut", "plunge", "lower", "less"}
_CURRENCY_BEFORE = re.compile(r"(?:US|A|C|NZ|HK)?[$£€¥₪]\s?$")
_MULTIPLIER = re.compile(
    r"(?<![\w-])(?:(?P<verb>doubled|tripled|trebled|quadrupled|halved)(?![\w-])(?!\s+(?:down|up|over|back|as)\b)"
    r"|(?<=to\s)(?P<infinitive>double|triple|quadruple|halve)\b"
    r"|(?P<fold>two|three|four|five|six|seven|eight|nine|ten|\d+)-?fold\b"
    r"|(?P<times>twice|(?:two|three|four|five|six|seven|eight|nine|ten|\d+(?:\.\d+)?)\s+times)"
    r"\s+(?:as\s+(?:many|much|high|large|great|likely)|more|higher|larger|greater|bigger)\b)",
    re.I,
)
_MULTIPLIER_WORDS = ("doubl", "tripl", "trebl", "quadrupl", "halve", "times", "twice", "fold")
_MULTIPLIER_CHANGE = {"doubled": 100.0, "tripled": 200.0, "trebled": 200.0, "quadrupled": 300.0, "halved": -50.0,
                      "double": 100.0, "triple": 200.0, "quadruple": 300.0, "halve": -50.0}
_ONE_SPAN = re.compile(r"(?<![\w-])(?:a|an|one)\s+(?P<unit>year|month|week)\b", re.I)
_ONE_SPAN_QUALIFIED = re.compile(r"(?:more than|over|nearly|almost|about|less than|under|at least)\s+$", re.I)
_DURATION_AFTER = re.compile(r"^[\s-]*(?P<unit>months?|years?|weeks?|days?)\b", re.I)
_DURATION_UNITS = {"month": "months", "year": "years", "week": "weeks", "day": "days"}
_HALF_NOT_A_SHARE = re.compile(r"(?:first|second|last|latter|former|other|next|previous)\s*$", re.I)
_SHARE_OF_BASE = re.compile(r"^\s*(?:of\s+(?:them|those|whom|these|the\s+\w+)|were\b|are\b)", re.I)
# People a small count in words still makes a claim about ("including four children"), unlike "the two leaders".
_VICTIMS = {"children", "people", "palestinians", "israelis", "civilians", "journalists", "soldiers", "hostages",
            "women", "patients", "doctors", "nurses", "medics", "paramedics", "refugees", "detainees",
            "prisoners", "babies", "infants", "countries"}
_NO_BASE = Claim("", "", 0, 0, "", "", 0.0, "count", "exact", None, None, True, True, "digits")
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


@dataclass(frozen=True)
class FigureLimits:
    """How many figures a sentence and an article may hold before the rest are left unread (settings)."""

    per_sentence: int = 500
    per_article: int = 20_000

    @classmethod
    def of(cls, settings) -> "FigureLimits":
        return cls(settings.max_figures_per_sentence, settings.max_figures_per_article)


@dataclass(frozen=True)
class Extraction:
    """An article's claims, and what of it was left unread and where ("sentence 3 at character 120: ...")."""

    claims: list[Claim]
    unread: list[str]


@dataclass(frozen=True)
class _SentenceFacts:
    """What every figure of a sentence is read against, found once per sentence (once per figure would cost the
    square of a long sentence's figures)."""

    quoted: str  # the sentence as the article has it
    start: int  # its offsets in the article text
    end: int


# Characters around a figure its reading looks at: the longest qualifier, change verb or counted noun phrase is far
# shorter. A slice of the whole rest of the sentence per figure would cost the square of a long sentence.
_BEFORE_REACH, _AFTER_REACH = 120, 240
# Past MAX_DIGITS a run of digits is no figure (an id, a hash: silently); this long, the file is worth a word.
_ABSURD_NUMBER = re.compile(r"\d{100,}")
LONGEST_SENTENCE = 4000  # characters; a long news sentence is 300, a long list 1,500


def extract_claims(article: Article, vocabulary: Vocabulary | None = None) -> list[Claim]:
    """All numeric claims in an article, in text order, each with a stable id and the interval it implies."""
    return read_claims(article, vocabulary).claims


def read_claims(article: Article, vocabulary: Vocabulary | None = None,
                limits: FigureLimits = FigureLimits()) -> Extraction:
    """The article's claims, reading at most limits' figures; what was left unread is said with its place."""
    vocabulary = vocabulary or load_vocabulary()
    compact = without_zero_width_in_numbers(article.text)  # claims keep offsets into article.text
    text = normalise(compact.text)
    claims: list[Claim] = []
    unread: list[str] = []
    previous_count: Claim | None = None  # the last count of the paragraph's previous sentence that had claims
    paragraph = None
    figures_left = limits.per_article
    context = _article_context(article, text)
    forget_texts()
    for number, sentence in enumerate(sentences(text), 1):
        if sentence.paragraph != paragraph:
            previous_count, paragraph = None, sentence.paragraph
        room = min(limits.per_sentence, figures_left)
        readings, overflow = _readings(sentence, room)
        figures_left -= min(overflow, room)
        where = lambda: f"sentence {number} at character {compact.original(sentence.start):,}"  # noqa: E731
        if overflow > room and room < limits.per_sentence:
            unread.append(f"{where()}: the article's figures past the {limits.per_article:,}th are not read "
                          f"(CLAIMLEDGER_MAX_FIGURES_PER_ARTICLE)")
        elif overflow > room:
            unread.append(f"{where()}: more than {room:,} figures in one sentence; those past the {room:,}th are "
                          f"not read (CLAIMLEDGER_MAX_FIGURES_PER_SENTENCE)")
        if (absurd := _ABSURD_NUMBER.search(sentence.text)) is not None:
            unread.append(f"{where()}: a number of {len(absurd.group()):,} digits is not read as a figure")
        current: list[Claim] = []
        last_count = None
        facts = _facts(compact, sentence, article) if readings else None
        for reading in readings:
            frame = read_frame(sentence.text, reading.start, reading.end, reading.unit, reading.counted,
                               vocabulary.names, replace(context, paragraph=sentence.paragraph))
            if reading.unit == "percent" and _SHARE_OF_BASE.match(reading.after):
                frame = with_share_base(frame, (last_count or previous_count or _NO_BASE).frame)
            match = match_metric(frame, reading.unit, *_quoted(article, compact, sentence, reading, facts),
                                 vocabulary)
            metric = match.metric
            if metric is None and reading.form == "words" and reading.unit == "count" and reading.value < 10 \
                    and reading.qualifier == "exact" and reading.counted not in _VICTIMS:
                continue  # "the two leaders", "one official": small counts in words, not checkable claims
            claim = _claim(article, compact, sentence, reading, match, frame, facts)
            claim = _with_share_base(claim, reading, last_count or previous_count, vocabulary)
            current.append(claim)
            last_count = claim if claim.unit == "count" else last_count
        claims.extend(current)
        if current:
            previous_count = last_count
        if overflow > room and room < limits.per_sentence:
            break
    return Extraction(claims, unread)


def _facts(compact: Compacted, sentence: Sentence, article: Article) -> _SentenceFacts:
    start, end = compact.original(sentence.start), compact.original_end(sentence.end)
    return _SentenceFacts(article.text[start:end], start, end)


def _article_context(article: Article, text: str) -> ArticleContext:
    """What every frame of the article may look at beyond its sentence: the title and the lead paragraph."""
    lead = next((p for p in text.split("\n\n") if p.strip()), "")[:2000]
    return ArticleContext(title_and_lead=f"{article.title}\n{lead}", published=article.published)


def _readings(sentence: Sentence, room: int) -> tuple[list[_Reading], int]:
    """The readings of a sentence's figures, at most `room` of each kind, and how many figures it holds (up to
    room + 1: more than room says some were left unread)."""
    s = sentence.text
    figures = find_figures(s, limit=room + 1)
    found = len(figures)
    readings = [r for f in figures[:room] if (r := _read(s, f)) is not None]
    lower = s.lower()
    starts = [r.figure.start for r in readings]
    ends = [r.figure.end for r in readings]
    replaced: set[int] = set()  # readings a multiplier takes over ("3 times more": one claim, not "3")
    extra: list[_Reading] = []
    # The cheap substring tests spare the two scans below on most sentences.
    multipliers = _MULTIPLIER.finditer(s) if any(w in lower for w in _MULTIPLIER_WORDS) else iter(())
    for m in islice(multipliers, room):
        if m.group("verb") or m.group("infinitive"):
            value = _MULTIPLIER_CHANGE[(m.group("verb") or m.group("infinitive")).lower()]
        elif m.group("fold"):
            head = m.group("fold").lower()
            value = round(((float(head) if head.isdigit() else read_word_number(head)) - 1) * 100, 4)
        else:
            head = m.group("times").split()[0].lower()
            factor = 2.0 if head == "twice" else (float(head) if head[0].isdigit() else read_word_number(head))
            value = round((factor - 1) * 100, 4)
        i = bisect_right(ends, m.start())  # readings are in order and never overlap: the first ending after m starts
        while i < len(readings) and starts[i] < m.end():
            replaced.add(i)
            i += 1
        q = find_qualifier(_before(s, m.start()), _after(s, m.end()))
        figure = Figure(m.start(), m.end(), value, "multiplier", False, 1.0)
        extra.append(_Reading(figure, m.start() - q.before, m.end() + q.after, value, "percent_change",
                              "multiplier", q.qualifier, None, _after(s, m.end() + q.after)))
    spans = _ONE_SPAN.finditer(s) if any(w in lower for w in (" year", " month", " week")) else iter(())
    for m in islice(spans, room):
        if not (_ONE_SPAN_QUALIFIED.search(s, max(0, m.start() - 12), m.start())
                or re.match(r"\s+(?:into|of\s+(?:war|fighting))\b", _after(s, m.end()))):
            continue  # "a year" alone is a time, not a claimed duration; "more than a year", "a year into" are
        unit = _DURATION_UNITS[m.group("unit").lower()]
        figure = Figure(m.start(), m.end(), 1.0, "words", False, 1.0)
        q = find_qualifier(_before(s, m.start()), "")
        extra.append(_Reading(figure, m.start() - q.before, m.end(), 1.0, unit, "words", q.qualifier, None,
                              _after(s, m.end())))
    kept = [r for i, r in enumerate(readings) if i not in replaced]
    return sorted(kept + extra, key=lambda r: r.start), found


def _before(s: str, position: int) -> str:
    return s[max(0, position - _BEFORE_REACH):position]


def _after(s: str, position: int) -> str:
    return s[position:position + _AFTER_REACH]


def _read(s: str, f: Figure) -> _Reading | None:
    before, after = _before(s, f.start), _after(s, f.end)
    counted_as_count = _counted_noun(after, "count")
    if is_not_a_claim(s, f, counted_as_count):
        return None
    currency = _CURRENCY_BEFORE.search(before[-4:])
    if currency:  # "$2.5bn": the symbol is part of the figure, the qualifier stands before it
        f = replace(f, start=f.start - len(currency.group()))
        before = _before(s, f.start)
    q = find_qualifier(before, after)
    if q.qualifier == "more_than" and before[len(before) - q.before:].strip().lower() == "over" \
            and _DURATION_AFTER.match(after):
        q = find_qualifier("", after)  # "over 51 days": during, not more than
    qualifier = "range" if f.form == "range" else ("at_least" if f.form == "plural" and q.qualifier == "exact"
                                                   else q.qualifier)
    value, unit, form = f.value, "percent" if f.percent else "count", f.form
    duration = _DURATION_AFTER.match(after)
    change = None
    if f.percent or form == "fraction":  # only a share or a percent can be a change ("rose by a third")
        change = _CHANGE_BEFORE.search(before[max(0, len(before) - q.before - 40): len(before) - q.before]) \
            or (f.percent and _CHANGE_AFTER.match(after))
    if change:
        unit = "percent_change"
        word = (change.group("verb") if "verb" in change.re.groupindex else change.group("noun")).lower()
        value = -value if word in _FALLING else value
    elif f.form == "fraction":
        unit = "percent"
    elif duration and not f.percent:
        unit = _DURATION_UNITS[duration.group("unit").lower().rstrip("s")]
    if f.form == "fraction" and s[f.start:f.end].lower() == "half" and not change:
        if _HALF_NOT_A_SHARE.search(before[-20:]) or not re.match(r"^\s+(?:of|the|a|an|their|its)\b", after, re.I):
            return None
    counted = counted_as_count if unit == "count" else _counted_noun(after, unit)
    unit_words = duration.end() if unit in _DURATION_UNITS.values() and duration else 0  # "twenty months"
    end = f.end + max(q.after, unit_words)
    return _Reading(f, f.start - q.before, end, value, unit, form, qualifier, counted, _after(s, end))


def _counted_noun(after: str, unit: str) -> str | None:
    """The noun a figure counts: the first plural within a few words ("1,000 Israeli Air Force veterans")."""
    if unit not in ("count", "percent"):
        return None
    rest = re.split(r"[,;:.!?()\"]", after, maxsplit=1)[0]
    if unit == "percent":
        rest = re.sub(r"^\s*(?:of\s+)?(?:the|them|all|those|these|its|their)?\s*", "", rest, flags=re.I)
    for word in _COUNTED_WORD.findall(rest)[:4]:
        lower = word.lower()
        if lower in _IRREGULAR_PLURALS or (lower.endswith("s") and not lower.endswith(("ss", "us"))
                                           and lower not in _NOT_NOUNS and len(lower) > 2):
            return lower
        if lower in ("of", "who", "which", "that", "were", "have", "had", "are", "in", "on", "at"):
            break
    return None


def _with_share_base(claim: Claim, reading: _Reading, base: Claim | None, vocabulary: Vocabulary) -> Claim:
    """Link a share to the count it divides: "52,000 killed, two-thirds of them women and children"; `base` is the
    last count before it in the sentence, else in the paragraph's previous sentence with claims."""
    if claim.unit != "percent" or base is None:
        return claim
    rule = vocabulary.metrics.get(claim.metric or "")
    wants_base = rule is not None and rule.check.get("check") == "share_at_date"
    if not (wants_base or _SHARE_OF_BASE.match(reading.after)):
        return claim
    return replace(claim, share_base=base.quote)


def _claim(article: Article, compact: Compacted, sentence: Sentence, r: _Reading, match: Match, frame: Frame,
           facts: _SentenceFacts) -> Claim:
    start, end = compact.original(sentence.start + r.start), compact.original_end(sentence.start + r.end)
    if r.qualifier == "range":
        interval = Interval(r.figure.low, r.figure.high)
    else:
        interval = interval_for(r.value, r.qualifier, r.unit, r.form, r.figure.significant_unit)
    return Claim(
        id=claim_id(article.id, start, end),
        article_id=article.id,
        start=start,
        end=end,
        quote=article.text[start:end],
        sentence=_context(article, facts, start, end),
        value=r.value,
        unit=r.unit,
        qualifier=r.qualifier,
        low=interval.low,
        high=interval.high,
        low_inclusive=interval.low_inclusive,
        high_inclusive=interval.high_inclusive,
        form=r.form,
        metric=match.metric.name if match.metric else None,
        subject=_subject(match, frame),
        period=frame.time.period if frame.time and frame.time.kind == "period" else None,
        as_of=article.published,
        counted=r.counted,
        frame=frame,
        unmatched=match.reason,
        matched_on=match.matched_on,
    )


def _quoted(article: Article, compact: Compacted, sentence: Sentence, r: _Reading,
            facts: _SentenceFacts) -> tuple[str, str]:
    """The claim's quote and sentence as the article has them: the engine asks the matcher again from these."""
    start, end = compact.original(sentence.start + r.start), compact.original_end(sentence.start + r.end)
    return article.text[start:end], _context(article, facts, start, end)


def _subject(match: Match, frame: Frame) -> str | None:
    """Whom or where the claim is about, as one name: the metric's place, else the frame's place or group."""
    if match.metric is not None and match.metric.place:
        return match.metric.place
    if frame.place and not frame.place.startswith("ambiguous"):
        return frame.place
    return frame.subject


def _context(article: Article, facts: _SentenceFacts, start: int, end: int) -> str:
    """The claim's sentence; of a "sentence" too long to be one (a dump without full stops), the stretch around the
    claim, so that its claims do not each carry (to the ledger, the JSON) a copy of megabytes."""
    if len(facts.quoted) <= LONGEST_SENTENCE:
        return facts.quoted
    low = max(facts.start, start - LONGEST_SENTENCE // 2)
    return article.text[low:max(end, min(facts.end, low + LONGEST_SENTENCE))]
