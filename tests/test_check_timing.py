"""Timing as reporters use it, and places as the tables name them: the window of daily reports, the period that picks
a yearly row, the pollster that picks a poll, and the population table's exact country names."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from claimledger.checks.engine import check_claim
from claimledger.checks.model import Reference
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article, Frame, TimeFrame
from claimledger.claims.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary()


def table(name: str, rows: list[dict], date_column: str | None, lag: int = 0) -> Reference:
    frame = pd.DataFrame(rows)
    if date_column:
        frame[date_column] = pd.to_datetime(frame[date_column])
    return Reference(name, name, frame, "c" * 64, date_column, lag, "source_url" if "source_url" in frame else None)


# The ministry's real totals of early November 2023 (shared casualties_daily.json): an article of 6 November that
# quotes that day's report ("more than 10,000") is right, though the 5 November report (9,770) is the last one
# public by the publication lag.
NOVEMBER = table(
    "gaza_casualties_daily",
    [
        {"report_date": d, "ext_killed_cum": k, "ext_killed_children_cum": c, "ext_killed_women_cum": w}
        for d, k, c, w in [
            ("2023-10-28", 7703, 3195, 1863),
            ("2023-11-04", 9485, 3900, 2509),
            ("2023-11-05", 9770, 4008, 2550),
            ("2023-11-06", 10022, 4104, 2610),
            ("2023-11-07", 10328, 4237, 2719),
        ]
    ],
    "report_date",
    lag=1,
)
EMIGRATION = table(
    "israel_emigration_cbs",
    [
        {"year": 2023, "residents_left": 55300, "published_by": "2024-09-22", "source_url": "https://cbs/2023"},
        {"year": 2024, "residents_left": 82700, "published_by": "2025-06-01", "source_url": "https://cbs/2024"},
    ],
    "published_by",
)
POPULATION = table(
    "worldbank_population",
    [
        {"Country Name": n, "Country Code": c, "Year": y, "Value": v}
        for n, c, y, v in [
            ("Israel", "ISR", 2022, 9557500),
            ("Israel", "ISR", 2023, 9849000),
            ("Israel", "ISR", 2024, 9974400),
            ("West Bank and Gaza", "PSE", 2023, 5165775),
        ]
    ],
    None,
)
POLLS = table(
    "israel_polls_hostage_deal",
    [
        {
            "poll_id": "c12-a",
            "pollster": "Channel 12",
            "published": "2025-02-28",
            "support_pct": 61,
            "oppose_pct": 26,
            "source_url": "https://c12",
        },
        {
            "poll_id": "kan-a",
            "pollster": "Kantar Insights for Kan",
            "published": "2025-03-02",
            "support_pct": 70,
            "oppose_pct": 20,
            "source_url": "https://kan",
        },
    ],
    "published",
)
REFERENCES = {r.source: r for r in (NOVEMBER, EMIGRATION, POPULATION, POLLS)}


def check(sentence: str, published: date, *, prefix: str = "Gaza. ", period: str | None = "keep", **frame):
    """The verdict on the sentence's one claim; `period` and `frame` stand in for what a frame reader would say."""
    article_id = hashlib.sha256(f"{sentence}{published}".encode()).hexdigest()[:12]
    (claim,) = extract_claims(Article(id=article_id, text=prefix + sentence, published=published))
    if period != "keep":
        claim = replace(claim, period=period)
    if frame:
        claim = replace(claim, frame=Frame(clause=sentence, **frame))
    return check_claim(claim, REFERENCES, VOCABULARY)


@pytest.mark.parametrize(
    "sentence, published, expected, observed, report",
    [
        # the same day's report counts: 10,022 on 6 November
        ("More than 10,000 people have been killed.", date(2023, 11, 6), "pass", 10022, date(2023, 11, 6)),
        # a report of the day before is preferred when it fits
        ("More than 9,500 people have been killed.", date(2023, 11, 6), "pass", 9770, date(2023, 11, 5)),
        # an older report of the window still fits: a reporter quoting a figure days old is not wrong
        ("Some 9,400 people have been killed.", date(2023, 11, 6), "pass", 9770, date(2023, 11, 5)),
        ("Nearly 9,500 people have been killed.", date(2023, 11, 6), "pass", 9485, date(2023, 11, 4)),
        # outside every report of the window: a fail naming the nearest
        ("More than 11,000 people have been killed.", date(2023, 11, 6), "fail", 10022, date(2023, 11, 6)),
        ("Fewer than 9,000 people have been killed.", date(2023, 11, 6), "fail", 9485, date(2023, 11, 4)),
        # a report dated after the article never decides
        ("More than 10,300 people have been killed.", date(2023, 11, 6), "fail", 10022, date(2023, 11, 6)),
    ],
)
def test_a_daily_claim_is_held_against_every_report_of_the_window(sentence, published, expected, observed, report):
    result = check(sentence, published)
    assert (result.verdict, result.observed, result.reference_date) == (expected, observed, report), result.explanation
    assert f"in the report of {report}" in result.explanation  # the report that decided
    assert "people killed in Gaza" in result.explanation  # the population it was held against


def test_a_fail_names_the_nearest_report_and_the_range_of_the_window():
    result = check("More than 11,000 people have been killed.", date(2023, 11, 6))
    assert result.explanation == (
        "10,022 people killed in Gaza in the report of 2023-11-06, the nearest of 3 report(s) dated 2023-10-30 to "
        "2023-11-06 (from 9,485 to 10,022) (gaza_casualties_daily); 'More than 11,000' needs > 11,000 "
        "(more than: above, not equal): does not hold"
    )


def test_no_report_in_the_window_is_unverifiable():
    result = check("More than 7,000 people have been killed.", date(2023, 11, 27))
    assert result.verdict == "unverifiable"
    assert result.explanation == (
        "no gaza_casualties_daily report dated between 2023-11-20 and 2023-11-27; the "
        "latest before it is dated 2023-11-07"
    )


def test_a_share_is_held_against_every_report_of_the_window():
    result = check("67 percent of those killed were women and children.", date(2023, 11, 6))
    assert result.verdict == "pass"  # all three fit; the 5 November report (67.12%) is the latest public one
    assert result.reference_date == date(2023, 11, 5)


@pytest.mark.parametrize(
    "sentence, period, expected, why",
    [
        ("Some 55,000 Israelis left the country in 2023.", "2023", "pass", None),
        ("Some 40,000 Israelis left the country in 2023.", "2023", "fail", None),
        # a half-year figure: the table has whole years only
        (
            "Some 40,400 Israelis left the country in the first half of 2024.",
            "2024-H1",
            "unverifiable",
            "'Some 40,400' is a figure for 2024-H1; israel_emigration_cbs has rows for whole years only",
        ),
        # no period named: the latest year would be a guess
        (
            "Some 40,000 Israelis have left the country.",
            None,
            "unverifiable",
            "'Some 40,000' names no year, and israel_emigration_cbs holds one figure per year: which one is meant?",
        ),
        # a year with no row published by the article's date
        (
            "Some 82,700 Israelis left the country in 2024.",
            "2024",
            "unverifiable",
            "israel_emigration_cbs has no figure for 2024 published by 2025-03-01",
        ),
    ],
)
def test_the_period_the_sentence_names_picks_the_row(sentence, period, expected, why):
    result = check(sentence, date(2025, 3, 1), prefix="Israel. ", period=period)
    assert result.verdict == expected, result.explanation
    if why:
        assert result.explanation == why
    else:
        assert (
            "55,300 Israelis who left the country in a year in 2023 (row published by 2024-09-22)" in result.explanation
        )


def test_a_period_read_into_the_frame_picks_the_row_too():
    result = check(
        "Some 40,400 Israelis have left the country.",
        date(2025, 3, 1),
        prefix="Israel. ",
        time=TimeFrame("period", "in the first half of 2024", period="2024-H1"),
    )
    assert result.verdict == "unverifiable" and "2024-H1" in result.explanation


@pytest.mark.parametrize(
    "attribution, published, expected, observed",
    [
        # named pollster: only its polls of the 14 days before the article count, and a fail is possible
        ("Channel 12", date(2025, 3, 5), "fail", 61),
        ("Channel 12 news", date(2025, 3, 5), "fail", 61),
        ("Kan", date(2025, 3, 5), "pass", 70),
        ("Channel 12", date(2025, 3, 20), "unverifiable", None),  # its poll is 20 days old
        # no pollster named, or one the table lacks: some poll fits -> pass; none -> unverifiable, never fail
        (None, date(2025, 3, 5), "pass", 70),
        ("Maariv", date(2025, 3, 5), "pass", 70),
    ],
)
def test_a_named_pollster_picks_its_polls(attribution, published, expected, observed):
    frame = {"attribution": attribution} if attribution else {}
    result = check("In Israel, 70 percent support the hostage deal.", published, prefix="", **frame)
    assert (result.verdict, result.observed) == (expected, observed), result.explanation


def test_without_a_pollster_a_figure_no_poll_fits_is_unverifiable_not_fail():
    result = check("In Israel, 90 percent support the hostage deal.", date(2025, 3, 5), prefix="")
    assert result.verdict == "unverifiable"
    assert result.explanation.startswith("no poll in the table matches '90 percent' and the text names no pollster")


@pytest.mark.parametrize(
    "sentence, published, place, period, expected, observed",
    [
        (
            "Israel has a population of 9.8 million.",
            date(2024, 9, 1),
            None,
            None,
            "pass",
            9849000,
        ),  # 2023, public 2024-07
        (
            "Israel has a population of 9.8 million.",
            date(2024, 3, 1),
            None,
            None,
            "pass",
            9557500,
        ),  # 2023 not public yet
        ("Israel has a population of 8.5 million.", date(2024, 9, 1), None, None, "fail", 9849000),  # round: 10%
        ("Israel had a population of 9.6 million in 2022.", date(2024, 9, 1), None, "2022", "pass", 9557500),
        ("Israel had a population of 9.6 million in 2021.", date(2024, 9, 1), None, "2021", "unverifiable", None),
        ("Israel will have a population of 10 million in 2024.", date(2024, 9, 1), None, "2024", "unverifiable", None),
        ("Gaza has a population of 2.3 million.", date(2024, 9, 1), None, None, "unverifiable", None),
    ],
)
def test_population_needs_the_exact_country_and_a_published_year(
    sentence, published, place, period, expected, observed
):
    frame = {"place": place} if place else {}
    result = check(sentence, published, prefix="", period=period, **frame)
    assert result.metric == "population"
    assert (result.verdict, result.observed) == (expected, observed), result.explanation


def test_population_names_the_place_it_has_no_row_for():
    result = check("Gaza has a population of 2.3 million.", date(2024, 9, 1), prefix="")
    assert result.explanation == (
        "worldbank_population has no row for Gaza (only a country or area the table names exactly is checked)"
    )
