"""Text -> Claims: find the figures in each sentence, drop the ones that are not claims, read what the rest mean."""

from __future__ import annotations

import re
from collections import Counter
from itertools import islice
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from typing import NamedTuple

from claimledger.claims.frames import ALSO, ArticleContext, forget_texts, read_frame, reported_by, with_share_base
from claimledger.claims.matching import Match, match_metric
from claimledger.claims.model import Article, Claim, Frame, Qualifier, claim_id
from claimledger.claims.numbers import Figure
from claimledger.claims.qualifiers import Interval, interval_for
from claimledger.claims.quantities import quantities_in
from claimledger.claims.text import Compacted, Sentence, normalise, sentences, without_zero_width_in_numbers
from claimledger.claims.timeref import detect_date
from claimledger.claims.vocabulary import Vocabulary, load_vocabulary
from claimledger.claims.wordlists import word_list

if TYPE_CHECKING:
    from claimledger.settings import Settings

__all__ = ["extract_claims", "read_claims", "FigureLimits", "Extraction", "detect_date"]

_SHARE_OF_BASE = re.compile(r"^\s*(?:of\s+(?:them|those|whom|these|the\s+\w+)|were\b|are\b)", re.I)
# People a small count in words still makes a claim about ("including four children"), unlike "the two leaders".
_COUNTED_IN_WORDS = frozenset(word_list("identifiers")["counted_in_words"])
_NO_BASE = Claim("", "", 0, 0, "", "", 0.0, "count", "exact", None, None, True, True, "digits")


class _Reading(NamedTuple):  # built once per claim: a NamedTuple costs a third of a frozen dataclass to build
    """What the words around one figure say about it, before a metric is chosen."""

    figure: Figure
    start: int
    end: int
    value: float
    unit: str
    form: str
    qualifier: Qualifier
    counted: str | None
    after: str


@dataclass(frozen=True)
class FigureLimits:
    """How many figures a sentence and an article may hold before the rest are left unread (settings)."""

    per_sentence: int = 500
    per_article: int = 20_000

    @classmethod
    def of(cls, settings: Settings) -> "FigureLimits":
        return cls(settings.max_figures_per_sentence, settings.max_figures_per_article)


@dataclass(frozen=True)
class Extraction:
    """An article's claims, and what of it was left unread and where ("sentence 3 at character 120: ...")."""

    claims: list[Claim]
    unread: list[str]


class _SentenceFacts(NamedTuple):  # built once per sentence with claims
    """What every figure of a sentence is read against, found once per sentence (once per figure would cost the
    square of a long sentence's figures)."""

    quoted: str  # the sentence as the article has it
    start: int  # its offsets in the article text
    end: int


# Past MAX_DIGITS a run of digits is no figure (an id, a hash: silently); this long, the file is worth a word.
_ABSURD_NUMBER = re.compile(r"\d{100,}")
LONGEST_SENTENCE = 4000  # characters; a long news sentence is 300, a long list 1,500


def extract_claims(article: Article, vocabulary: Vocabulary | None = None) -> list[Claim]:
    """All numeric claims in an article, in text order, each with a stable id and the interval it implies."""
    return read_claims(article, vocabulary).claims


def read_claims(
    article: Article, vocabulary: Vocabulary | None = None, limits: FigureLimits = FigureLimits()
) -> Extraction:
    """The article's claims, reading at most limits' figures; what was left unread is said with its place."""
    vocabulary = vocabulary or load_vocabulary()
    compact = without_zero_width_in_numbers(article.text)  # claims keep offsets into article.text
    text = normalise(compact.text)
    claims: list[Claim] = []
    unread: list[str] = []
    previous_count: Claim | None = None  # the last count of the paragraph's previous sentence that had claims
    paragraph = None
    figures_left = limits.per_article
    title_and_lead = _title_and_lead(article, text)
    reported_before = None  # the last attribution of the paragraphs before the current one
    reported_first = None  # the lead's: "A report by the bureau ..." frames the whole article as the bureau's
    context = None  # what the frames of the paragraph's figures may read beyond their sentence
    forget_texts()
    for number, sentence in enumerate(sentences(text), 1):
        if sentence.paragraph != paragraph:
            if paragraph is not None:  # a report named in a paragraph goes on reporting in the next ones
                said = reported_by(paragraph)
                reported_first = reported_first or said
                reported_before = said or reported_before
                if reported_first and reported_before and reported_first not in reported_before:
                    reported_before = f"{reported_before}; {reported_first}"
            previous_count, paragraph = None, sentence.paragraph
            context = ArticleContext(paragraph, title_and_lead, article.published, reported_before)
        room = min(limits.per_sentence, figures_left)
        readings, overflow = _readings(sentence, room)
        figures_left -= min(overflow, room)

        def where() -> str:
            return f"sentence {number} at character {compact.original(sentence.start):,}"

        if overflow > room and room < limits.per_sentence:
            unread.append(
                f"{where()}: the article's figures past the {limits.per_article:,}th are not read "
                f"(CLAIMLEDGER_MAX_FIGURES_PER_ARTICLE)"
            )
        elif overflow > room:
            unread.append(
                f"{where()}: more than {room:,} figures in one sentence; those past the {room:,}th are "
                f"not read (CLAIMLEDGER_MAX_FIGURES_PER_SENTENCE)"
            )
        if (absurd := _ABSURD_NUMBER.search(sentence.text)) is not None:
            unread.append(f"{where()}: a number of {len(absurd.group()):,} digits is not read as a figure")
        current: list[Claim] = []
        seen: set[str] = set()  # the ids of the sentence's claims
        last_count = None
        facts = _facts(compact, sentence, article) if readings else None
        for reading in readings:
            assert context is not None and facts is not None  # set at the first sentence; read when readings are
            frame = read_frame(
                sentence.text,
                reading.start,
                reading.end,
                reading.unit,
                reading.counted,
                vocabulary.names,
                context,
                reading.value,
            )
            if reading.unit == "percent" and _SHARE_OF_BASE.match(reading.after):
                frame = with_share_base(frame, (last_count or previous_count or _NO_BASE).frame)
            span = _span(article, compact, sentence, reading, facts)
            match = match_metric(frame, reading.unit, span.quote, span.sentence, vocabulary)
            metric = match.metric
            if (
                metric is None
                and reading.form == "words"
                and reading.unit == "count"
                and reading.value < 10
                and reading.qualifier == "exact"
                and reading.counted not in _COUNTED_IN_WORDS
            ):
                continue  # "the two leaders", "one official": small counts in words, not checkable claims
            claim = _claim(article, span, reading, match, frame)
            if claim.id in seen:
                continue  # two readings of one span are one claim: the ledger holds one result per claim and check
            seen.add(claim.id)
            claim = _with_share_base(claim, reading, last_count or previous_count, vocabulary)
            current.append(claim)
            last_count = claim if claim.unit == "count" else last_count
        claims.extend(_answers_placed(current, vocabulary))
        if current:
            previous_count = last_count
        if overflow > room and room < limits.per_sentence:
            break
    return Extraction(claims, unread)


def _answers_placed(current: list[Claim], vocabulary: Vocabulary) -> list[Claim]:
    """The sentence's claims, an answer with no question of its own ("15% do not know") left unchecked where the
    other shares beside it answer another question than its metric's ("49% think his reasons are political")."""
    # "Another 8% prefer ...": more answers to the question asked before, not another question
    shares = [c for c in current if c.unit == "percent" and not (c.frame and c.frame.restriction in ALSO)]
    by_measure = Counter(c.frame.measure if c.frame else None for c in shares)
    share_ids = {id(c) for c in shares}
    placed = []
    for claim in current:
        rule = vocabulary.metrics.get(claim.metric or "")
        if rule is None or not rule.answered_beside:
            placed.append(claim)
            continue
        own = id(claim) in share_ids
        mine = claim.frame.measure if claim.frame else None
        others = len(shares) - own
        beside = sum(by_measure[m] for m in rule.answered_beside) - (own and mine in rule.answered_beside)
        if others and not beside:
            quotes = ", ".join(f"'{c.quote}'" for c in islice((c for c in shares if c is not claim), 4))
            claim = replace(
                claim,
                metric=None,
                subject=_subject(Match(None), claim.frame) if claim.frame else None,
                matched_on=(),
                unmatched=f"an answer with no question of its own beside shares ({quotes}) that answer another "
                f"question: it is of theirs, not '{rule.label}', and no registered source holds it",
            )
        placed.append(claim)
    return placed


def _facts(compact: Compacted, sentence: Sentence, article: Article) -> _SentenceFacts:
    start, end = compact.original(sentence.start), compact.original_end(sentence.end)
    return _SentenceFacts(article.text[start:end], start, end)


def _title_and_lead(article: Article, text: str) -> str:
    """What every frame of the article may look at beyond its sentence and paragraph: the title and the lead
    paragraph."""
    lead = next((p for p in text.split("\n\n") if p.strip()), "")[:2000]
    # Without a title, the lead alone: the same places and groups, and often the very paragraph already read.
    return f"{article.title}\n{lead}" if article.title else lead


def _readings(sentence: Sentence, room: int) -> tuple[list[_Reading], int]:
    """The readings of a sentence's claims (its quantities that are claims, claims/quantities.py), at most `room`
    figures of each kind, and how many figures it holds (up to room + 1: more than room says some were left
    unread)."""
    quantities, found = quantities_in(sentence.text, room, claims_only=True)
    return [
        _Reading(q.figure, q.start, q.end, q.claim_value, q.claim_unit, q.form, q.claim_qualifier, q.counted, q.after)
        for quantity in quantities
        for q in quantity.claims()
    ], found


def _with_share_base(claim: Claim, reading: _Reading, base: Claim | None, vocabulary: Vocabulary) -> Claim:
    """Link a share to the count it divides: "52,000 killed, two-thirds of them women and children"; `base` is the
    last count before it in the sentence, else in the paragraph's previous sentence with claims."""
    if claim.unit != "percent" or base is None:
        return claim
    rule = vocabulary.metrics.get(claim.metric or "")
    wants_base = rule is not None and bool(rule.check.get("divides_a_count"))
    if not (wants_base or _SHARE_OF_BASE.match(reading.after)):
        return claim
    return replace(claim, share_base=base.quote)


def _claim(article: Article, span: _Span, r: _Reading, match: Match, frame: Frame) -> Claim:
    start, end = span.start, span.end
    if r.qualifier == "range":
        interval = Interval(r.figure.low, r.figure.high)
    else:
        interval = interval_for(r.value, r.qualifier, r.unit, r.form, r.figure.significant_unit)
    return Claim(
        id=claim_id(article.id, start, end),
        article_id=article.id,
        start=start,
        end=end,
        quote=span.quote,
        sentence=span.sentence,
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


class _Span(NamedTuple):  # built once per claim: a NamedTuple costs a third of a frozen dataclass to build
    """Where a claim stands in the article as the article has it, worked out once for the matcher (the engine asks
    it again from the quote and sentence) and the claim."""

    start: int
    end: int
    quote: str
    sentence: str


def _span(article: Article, compact: Compacted, sentence: Sentence, r: _Reading, facts: _SentenceFacts) -> _Span:
    start, end = compact.original(sentence.start + r.start), compact.original_end(sentence.start + r.end)
    return _Span(start, end, article.text[start:end], _context(article, facts, start, end))


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
    return article.text[low : max(end, min(facts.end, low + LONGEST_SENTENCE))]
