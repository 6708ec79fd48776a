"""Checks as a spec: claim + reference rows -> verdict, on both sides of every tolerance, and the as-of rule."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from claimledger.checks.engine import check_claim
from claimledger.checks.model import Reference, Unavailable
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article, Frame
from claimledger.claims.qualifiers import Interval
from claimledger.claims.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary()
AS_OF = date(2025, 5, 16)


def casualties(rows: list[tuple[str, int, int, int]]) -> Reference:
    frame = pd.DataFrame(
        rows, columns=["report_date", "ext_killed_cum", "ext_killed_children_cum", "ext_killed_women_cum"]
    )
    frame["report_date"] = pd.to_datetime(frame["report_date"])
    return Reference("gaza_casualties_daily", "Gaza MoH", frame, "a" * 64, "report_date", 1)


def curated(name: str, rows: list[dict], date_column: str, citation: str | None = "source_url") -> Reference:
    frame = pd.DataFrame(rows)
    frame[date_column] = pd.to_datetime(frame[date_column])
    return Reference(name, name, frame, "b" * 64, date_column, 0, citation)


# One report in the 7-day window ending 2025-05-16 (the tolerance cases hold one value); the 2025-05-01 report is
# older than the window, the 2025-05-17 one later than the article.
SERIES = casualties(
    [("2025-05-01", 52000, 17000, 12000), ("2025-05-15", 53010, 18000, 12400), ("2025-05-17", 53272, 18000, 12400)]
)
EMIGRATION = curated(
    "israel_emigration_cbs",
    [
        {"year": 2023, "residents_left": 55300, "published_by": "2024-09-22", "source_url": "https://cbs/2023"},
        {"year": 2024, "residents_left": 82700, "published_by": "2024-12-31", "source_url": "https://cbs/2024"},
        {"year": 2025, "residents_left": 70000, "published_by": "2026-01-01", "source_url": "https://cbs/2025"},
    ],
    "published_by",
)
POLLS = curated(
    "israel_polls_emigration_intent",
    [
        {"pollster": "Kan", "published": "2024-10-04", "considering_pct": 23, "source_url": "https://kan"},
        {"pollster": "IDI", "published": "2025-11-15", "considering_pct": 40, "source_url": "https://idi"},
    ],
    "published",
)
DEAL_POLLS = curated(
    "israel_polls_hostage_deal",
    [
        {
            "pollster": "Channel 12",
            "published": "2025-02-28",
            "support_pct": 61,
            "oppose_pct": 26,
            "margin_of_error_pct": 4.4,
            "source_url": "https://c12",
        },
    ],
    "published",
)
TIES = curated(
    "diplomatic_actions",
    [
        {"country": c, "date": d, "source_url": "https://x"}
        for c, d in [
            ("Bolivia", "2023-10-31"),
            ("Chile", "2023-10-31"),
            ("Chile", "2024-05-01"),
            ("Jordan", "2023-11-01"),
            ("Nicaragua", "2025-10-11"),
        ]
    ],
    "date",
)
EVENTS = curated(
    "timeline_events",
    [
        {
            "event_id": "war_start",
            "date": "2023-10-07",
            "description": "Start of the war in Gaza",
            "value": None,
            "unit": None,
            "source_url": None,
        },
        {
            "event_id": "iaf_letter",
            "date": "2025-04-10",
            "description": "Letter of Israeli Air Force reservists for a hostage deal",
            "value": 970,
            "unit": "signatories",
            "source_url": "https://letter",
        },
    ],
    "date",
)
REFERENCES = {r.source: r for r in (SERIES, EMIGRATION, POLLS, DEAL_POLLS, TIES, EVENTS)}


def verdict(sentence: str, references=REFERENCES, as_of=None, **frame):
    """The verdict on the sentence's one claim; `frame` slots (attribution="Kan") stand in for a frame reader's."""
    article_id = hashlib.sha256(sentence.encode()).hexdigest()[:12]  # one check id per case
    claims = extract_claims(Article(id=article_id, text="Gaza. " + sentence, published=AS_OF))
    assert len(claims) == 1, [c.quote for c in claims]
    claim = replace(claims[0], frame=Frame(clause=sentence, **frame)) if frame else claims[0]
    return check_claim(claim, references, VOCABULARY, as_of)


@pytest.mark.parametrize(
    "sentence, expected, observed",
    [
        # value at date: the 2025-05-15 report is the only one of the window ending 2025-05-16
        ("More than 52,000 people have been killed.", "pass", 53010),
        ("More than 53,010 people have been killed.", "fail", 53010),  # strictly more than
        ("At least 53,010 people have been killed.", "pass", 53010),  # at least includes the value
        ("At least 53,011 people have been killed.", "fail", 53010),
        ("Fewer than 53,011 people have been killed.", "pass", 53010),
        ("Fewer than 53,010 people have been killed.", "fail", 53010),
        ("At most 53,010 people have been killed.", "pass", 53010),
        ("Nearly 51,971 people have been killed.", "pass", 53010),  # 1.02 x 51,971 = 53,010.4
        ("Nearly 51,960 people have been killed.", "fail", 53010),  # 1.02 x 51,960 = 52,999.2
        ("Nearly 58,900 people have been killed.", "pass", 53010),  # 0.9 x 58,900 = 53,010
        ("Nearly 58,901 people have been killed.", "fail", 53010),
        ("About 48,200 people have been killed.", "pass", 53010),  # 1.1 x 48,200 = 53,020
        ("About 48,100 people have been killed.", "fail", 53010),  # 1.1 x 48,100 = 52,910
        ("Some 52,005 people have been killed.", "pass", 53010),
        ("Exactly 52,000 people have been killed, officials said.", "pass", 53010),  # round: within 10%
        ("A total of 51,975 people were killed.", "pass", 53010),  # exact: within 2% (51,975 x 1.02 = 53,014.5)
        ("A total of 51,960 people were killed.", "fail", 53010),  # 51,960 x 1.02 = 52,999.2
        # share: verbal fraction within 5 points, stated percent within 3 points
        ("Two-thirds of the dead were women and children.", "fail", 57.35),
        ("Three-fifths of the dead were women and children.", "pass", 57.35),
        ("57 percent of the dead were women and children.", "pass", 57.35),
        ("61 percent of the dead were women and children.", "fail", 57.35),
        ("More than half of the dead were women and children.", "pass", 57.35),
        # change: within 10% relative of the claimed change; the years come from the sentence
        ("Emigration from Israel surged by 285 percent in 2024.", "fail", 49.55),
        ("Emigration from Israel rose by 50 percent in 2024.", "pass", 49.55),
        ("Emigration from Israel rose by 46 percent in 2024.", "pass", 49.55),  # 46 x 1.1 = 50.6
        ("Emigration from Israel rose by 45 percent in 2024.", "fail", 49.55),  # 45 x 1.1 = 49.5 < 49.55
        # poll, no pollster named: some poll in the window before the article, within its margin (3 points if none);
        # a figure no poll fits is unverifiable, not a fail (test_poll_verdicts)
        ("Nearly a quarter of Israelis are considering leaving the country.", "pass", 23),
        ("Some 19 percent of Israelis are considering leaving the country.", "pass", 23),
        ("65 percent of Israelis support the hostage deal.", "pass", 61),  # margin 4.4 from the poll
        # count of entities: distinct countries dated on or before the article
        ("More than two countries cut ties with Israel.", "pass", 3),
        ("More than three countries cut ties with Israel.", "fail", 3),
        # duration: months from the war's start to the article
        ("Over the past twenty months, the war in Gaza has raged.", "pass", 19.29),
        ("Over the past eleven months, the war in Gaza has raged.", "fail", 19.29),
        # event figure: matched by the words it shares with the event's description
        ("Nearly 1,000 Israeli Air Force reservists signed a letter for a hostage deal.", "pass", 970),
        ("Fewer than 900 Israeli Air Force reservists signed a letter for a hostage deal.", "fail", 970),
    ],
)
def test_verdicts(sentence, expected, observed):
    result = verdict(sentence)
    assert result.verdict == expected, result.explanation
    assert result.observed == pytest.approx(observed, abs=0.01)
    assert result.snapshot_sha256 in ("a" * 64, "b" * 64)
    assert result.explanation.endswith("holds" if expected == "pass" else "does not hold")


def test_share_claim_with_the_seed_figures():
    result = verdict(
        "More than 52,000 people have been killed, two-thirds of them women and children.".split(", ")[0] + "."
    )
    assert result.verdict == "pass"
    assert "53,010" in result.explanation and "2025-05-15" in result.explanation


def test_later_data_never_decides_an_old_claim():
    """The 40% poll published after the article would make 'four in ten' pass; it must not be used."""
    result = verdict("Four in ten Israelis are considering leaving the country.")
    assert result.verdict == "unverifiable"
    assert "the nearest is Kan poll published 2024-10-04: 23%" in result.explanation
    attributed = verdict(
        "Four in ten Israelis are considering leaving the country.", as_of=date(2024, 10, 10), attribution="Kan"
    )
    assert (attributed.verdict, attributed.reference_date) == ("fail", date(2024, 10, 4))


def test_as_of_moves_the_reference_date():
    result = verdict("More than 53,200 people have been killed.", as_of=date(2025, 5, 18))
    assert (result.verdict, result.reference_date) == ("pass", date(2025, 5, 17))


def test_stale_daily_series_is_unverifiable_not_pass():
    result = verdict("More than 52,000 people have been killed.", as_of=date(2025, 7, 1))
    assert result.verdict == "unverifiable"
    assert result.explanation == (
        "no gaza_casualties_daily report dated between 2025-06-24 and 2025-07-01; the "
        "latest before it is dated 2025-05-17"
    )


def test_claim_without_metric_is_unverifiable():
    result = verdict("Inflation rose 3.5 percent last year.")
    assert (result.verdict, result.reference()) == ("unverifiable", None)
    assert "no metric" in result.explanation


def test_unavailable_source_says_why():
    references = {
        **REFERENCES,
        "gaza_casualties_daily": Unavailable("gaza_casualties_daily", "HTTP 503 after 3 attempts"),
    }
    result = verdict("More than 52,000 people have been killed.", references)
    assert result.verdict == "unverifiable"
    assert "gaza_casualties_daily unavailable: HTTP 503" in result.explanation


def test_evidence_and_citation_come_with_the_verdict():
    result = verdict("Emigration from Israel surged by 285 percent in 2024.")
    assert [row["year"] for row in result.evidence] == [2023, 2024]
    assert result.citation == "https://cbs/2024"
    assert result.reference() == {
        "source": "israel_emigration_cbs",
        "value": 49.55,
        "date": "2024-12-31",
        "snapshot_sha256": "b" * 64,
    }


@pytest.mark.parametrize(
    "sentence, published, expected, observed",
    [
        # "In January" is any day from 2025-01-01 (14.85 months of war) to the article's date (16.49 months)
        ("In January, Israel marked more than 15 months of war in Gaza.", date(2025, 2, 20), "pass", 16.49),
        ("In January, Israel marked fewer than 16 months of war in Gaza.", date(2025, 2, 20), "pass", 14.85),
        ("In January, Israel marked more than 17 months of war in Gaza.", date(2025, 2, 20), "fail", 16.49),
        ("In January, Israel marked fewer than 14 months of war in Gaza.", date(2025, 2, 20), "fail", 14.85),
    ],
)
def test_a_duration_to_a_named_month_records_a_value_its_verdict_holds_of(sentence, published, expected, observed):
    """A pass's observed value lies in the claim's interval even when the interval's end is strict."""
    (claim,) = extract_claims(Article(id="d", text=sentence, published=published))
    result = check_claim(claim, REFERENCES, VOCABULARY)
    assert (result.verdict, round(result.observed, 2)) == (expected, observed), result.explanation
    interval = Interval(
        result.window_low, result.window_high, result.window_low_inclusive, result.window_high_inclusive
    )
    assert interval.contains(result.observed) == (expected == "pass")


def test_a_duration_since_an_event_after_the_date_is_unverifiable():
    result = verdict("Over the past twenty months, the war in Gaza has raged.", as_of=date(2023, 9, 1))
    assert result.verdict == "unverifiable" and "is after 2023-09-01" in result.explanation


def test_poll_answers_must_fit_together():
    from claimledger.checks.engine import check_consistency

    claims = extract_claims(
        Article(
            id="t", text="In Israel, 69 percent backed the hostage deal while 41 percent opposed it.", published=AS_OF
        )
    )
    (result,) = check_consistency(claims, VOCABULARY)
    assert (result.check_kind, result.verdict, result.observed) == ("internal_consistency", "fail", 110)


def test_answers_said_twice_in_a_sentence_are_no_one_polls():
    """Two groups' answers in one sentence ("12 back and 75 reject; 53 back and 32 against"): which answers go together
    is not said, so no sum is checked."""
    from claimledger.checks.engine import check_consistency

    claims = extract_claims(
        Article(
            id="t",
            text="In Israel, 12 percent backed the hostage deal and 75 percent opposed it; 53 percent backed it and 32"
            " percent opposed it in a second poll.",
            published=AS_OF,
        )
    )
    assert sorted(c.metric for c in claims if c.metric) == [
        "oppose_hostage_deal",
        "oppose_hostage_deal",
        "support_hostage_deal",
        "support_hostage_deal",
    ]
    assert check_consistency(claims, VOCABULARY) == []


@pytest.mark.parametrize(
    "verdicts, worst",
    [
        (["pass", "pass"], "pass"),
        (["pass", "unverifiable"], "unverifiable"),
        (["unverifiable", "fail", "pass"], "fail"),
        ([], None),
    ],
)
def test_a_claim_checked_several_ways_takes_its_worst_verdict(verdicts, worst):
    from claimledger.checks.model import Verdict

    assert Verdict.worst(verdicts) == worst
    assert [str(v) for v in Verdict.worst_first()] == ["fail", "unverifiable", "pass"]
    assert f"{Verdict.FAIL}" == "fail" and Verdict("pass") is Verdict.PASS
