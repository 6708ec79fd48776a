"""Extraction as a spec: sentence -> the claims it holds (or none). Every case is an English news sentence."""

from __future__ import annotations

from datetime import date

import pytest

from claimledger.claims.extract import detect_date, extract_claims
from claimledger.claims.model import Article

GAZA_PARAGRAPH = "The war in Gaza goes on. "


def claims_in(text: str, title: str = ""):
    return extract_claims(Article(id="t", text=text, title=title, published=date(2025, 5, 16)))


# sentence, expected (quote, value, unit, qualifier, metric) for each claim, in order
CASES = [
    (
        "More than 52,000 people have been killed in Gaza, two-thirds of them women and children.",
        [
            ("More than 52,000", 52000, "count", "more_than", "killed"),
            ("two-thirds", 66.67, "percent", "exact", "women_children_share_of_killed"),
        ],
    ),
    (
        "The Gaza health ministry said 1.9 million people have been displaced.",
        [("1.9 million", 1_900_000, "count", "exact", None)],
    ),
    (
        "In Gaza, at least 15,613 children have been killed, the ministry says.",
        [("at least 15,613", 15613, "count", "at_least", "children_killed")],
    ),
    (
        "Gaza officials said nearly 120,000 people have been wounded.",
        [("nearly 120,000", 120000, "count", "nearly", "injured")],
    ),
    # no word says it is the running total ('toll', 'have been', 'so far'): one event's report reads the same
    ("Gaza officials said nearly 120,000 people were wounded.", [("nearly 120,000", 120000, "count", "nearly", None)]),
    # a running total tied to a month is not checked against the total on the article's date (precision first)
    ("Gaza's death toll passed 50,000 in March.", [("passed 50,000", 50000, "count", "more_than", None)]),
    (
        "About 200 journalists have been killed in Gaza since the war began.",
        [("About 200", 200, "count", "about", "journalists_killed")],
    ),
    (
        "Fewer than 30 percent of Israelis opposed the hostage deal.",
        [("Fewer than 30 percent", 30, "percent", "fewer_than", "oppose_hostage_deal")],
    ),
    (
        "A poll found 69% of Israelis support a deal to free the hostages.",
        [("69%", 69, "percent", "exact", "support_hostage_deal")],
    ),
    (
        "Emigration from Israel rose by 50 percent in 2024.",
        [("50 percent", 50, "percent_change", "exact", "emigrants_change")],
    ),
    (
        "The number of Israelis who emigrated doubled in 2024.",
        [("doubled", 100, "percent_change", "exact", "emigrants_change")],
    ),
    (
        "Some 82,700 Israelis left the country in 2024, official figures show.",
        [("Some 82,700", 82700, "count", "about", "emigrants")],
    ),
    (
        "Nearly a quarter of Israelis are considering leaving the country.",
        [("Nearly a quarter", 25, "percent", "nearly", "considering_emigration")],
    ),
    (
        "One in four Israelis considered leaving the country last year.",
        [("One in four", 25, "percent", "exact", "considering_emigration")],
    ),
    (
        "At most 12 countries have cut ties with Israel.",
        [("At most 12", 12, "count", "at_most", "countries_downgraded_ties")],
    ),
    (
        "More than ten countries downgraded ties with Israel.",
        [("More than ten", 10, "count", "more_than", "countries_downgraded_ties")],
    ),
    (
        "Over the past twenty months, the war in Gaza has flattened whole cities.",
        [("twenty months", 20, "months", "exact", "war_duration")],
    ),
    (
        "Nearly 1,000 Israeli Air Force veterans signed an open letter.",
        [("Nearly 1,000", 1000, "count", "nearly", "event_figure")],
    ),
    ("Inflation rose 3.5 percent last year.", [("3.5 percent", 3.5, "percent_change", "exact", None)]),
    (
        "Half of the victims in Gaza were women and children.",
        [("Half", 50, "percent", "exact", "women_children_share_of_killed")],
    ),
    (
        "Roughly twenty-two thousand people marched in Tel Aviv.",
        [("Roughly twenty-two thousand", 22000, "count", "about", None)],
    ),
    (
        "A dozen countries recalled their ambassadors from Israel.",
        [("A dozen", 12, "count", "exact", "countries_downgraded_ties")],
    ),
    ("Gaza's toll is 52k dead.", [("52k", 52000, "count", "exact", "killed")]),
    (
        "Gaza\u2019s ministry said more\u00a0than 52,000 people have been killed \u2014 a record.",
        [("more\u00a0than 52,000", 52000, "count", "more_than", "killed")],
    ),
    # an overnight toll is not the running total the killed metric is checked against
    ("Between 50 and 60 people were killed in Gaza overnight.", [("Between 50 and 60", 55, "count", "range", None)]),
    ("Officials in Gaza said 50\u201360 people have died.", [("50\u201360", 55, "count", "range", "killed")]),
    ("Hundreds of people fled the strip.", [("Hundreds of", 200, "count", "at_least", None)]),
    (
        "Three times as many Israelis emigrated in 2024.",
        [("Three times as many", 200, "percent_change", "exact", "emigrants_change")],
    ),
    (
        "Emigration from Israel fell by a third last year.",
        [("a third", -33.33, "percent_change", "exact", "emigrants_change")],
    ),
    ("A year into the war in Gaza, talks stalled.", [("A year", 1, "years", "exact", "war_duration")]),
]


@pytest.mark.parametrize("sentence, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_sentence_yields_claims(sentence, expected):
    found = [(c.quote, c.value, c.unit, c.qualifier, c.metric) for c in claims_in(sentence)]
    assert found == [(q, pytest.approx(v), u, ql, m) for q, v, u, ql, m in expected]


NO_CLAIMS = [
    "The war began in October 2023 and the ceasefire took effect on 19 January 2025.",
    "Netanyahu resumed bombing Gaza on March 19.",
    "The Security Council adopted Resolution 2728 in March.",
    "He spoke at 10:30 a.m. on Channel 12.",
    "She was born in 1948 and moved to Haifa.",
    "The two leaders no longer speak, one official said.",
    "Read more at https://example.com/news/2024/05/16/story-123.",
    "Call +972 3 555 1234 for details.",
    "It was his 3rd visit and the 21st summit.",
    "Mohammed, 12, was taken to hospital.",
    "A 35-year-old man was arrested.",
    "In the first half of 2024, talks stalled.",
    "Netanyahu doubled down on his plan.",
    "They met at 221 Baker Street.",
    "See page 12 and Article 51 of the charter.",
    "The General Assembly voted 143 to 9 with 25 abstentions.",
    "The bill passed 64-56 in the Knesset.",
    "Real Madrid won 3-1 on Sunday.",
    "",
]


@pytest.mark.parametrize("sentence", NO_CLAIMS)
def test_sentence_yields_no_claim(sentence):
    assert [c.quote for c in claims_in(sentence)] == []


@pytest.mark.parametrize(
    "sentence, qualifier, low, high",
    [
        ("Gaza: 1,250 people have been killed.", "exact", 1225.0, 1275.0),  # exact figure: within 2%
        ("Gaza: 52,000 people have been killed.", "exact", 46800.0, 57200.0),  # round figure: as `about`
        ("Gaza: more than 52,000 people have been killed.", "more_than", 52000.0, None),
        ("Gaza: over 52,000 people have been killed.", "more_than", 52000.0, None),
        ("Gaza: the toll exceeded 52,000 dead.", "more_than", 52000.0, None),
        ("Gaza: the toll crossed 52,000 dead.", "more_than", 52000.0, None),
        ("Gaza: at least 52,000 people have been killed.", "at_least", 52000.0, None),
        ("Gaza: no fewer than 52,000 people have been killed.", "at_least", 52000.0, None),
        ("Gaza: nearly 52,000 people have been killed.", "nearly", 46800.0, 53040.0),
        ("Gaza: almost 52,000 people have been killed.", "nearly", 46800.0, 53040.0),
        ("Gaza: close to 52,000 people have been killed.", "nearly", 46800.0, 53040.0),
        ("Gaza: about 52,000 people have been killed.", "about", 46800.0, 57200.0),
        ("Gaza: around 52,000 people have been killed.", "about", 46800.0, 57200.0),
        ("Gaza: roughly 52,000 people have been killed.", "about", 46800.0, 57200.0),
        ("Gaza: approximately 52,000 people have been killed.", "about", 46800.0, 57200.0),
        ("Gaza: fewer than 52,000 people have been killed.", "fewer_than", None, 52000.0),
        ("Gaza: less than 52,000 people have been killed.", "fewer_than", None, 52000.0),
        ("Gaza: under 52,000 people have been killed.", "fewer_than", None, 52000.0),
        ("Gaza: at most 52,000 people have been killed.", "at_most", None, 52000.0),
        ("Gaza: up to 52,000 people have been killed.", "at_most", None, 52000.0),
        ("Gaza: 52,000 or more people have been killed.", "at_least", 52000.0, None),
    ],
)
def test_qualifier_sets_interval(sentence, qualifier, low, high):
    (claim,) = claims_in(sentence)
    assert (claim.qualifier, claim.low, claim.high) == (qualifier, low, high)
    assert claim.metric == "killed"


def test_claim_ids_are_stable_and_quotes_are_exact_spans():
    text = "In Gaza, more than 52,000 people have been killed. Emigration from Israel rose by 50 percent in 2024."
    first, second = claims_in(text), claims_in(text)
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first) == 2
    for claim in first:
        assert text[claim.start : claim.end] == claim.quote


def test_metric_needs_its_context():
    """A death toll with no Gaza or Palestinian context is not compared with the Gaza series."""
    (claim,) = claims_in("More than 1,200 people were killed in the earthquake in Turkey.")
    assert claim.metric is None


def test_relative_durations_are_not_war_durations():
    (claim,) = claims_in("Gaza talks failed. Six months later, the court issued a warrant over war crimes.")
    assert (claim.unit, claim.metric) == ("months", None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Some headline\nMay 16, 2025\n\nBody text.", date(2025, 5, 16)),
        ("Published 3 March 2024 by the desk.", date(2024, 3, 3)),
        ("Updated 2025-01-19T10:00Z", date(2025, 1, 19)),
        ("No date here at all.", None),
    ],
)
def test_article_date_found_in_text(text, expected):
    assert detect_date(text) == expected


def test_share_is_linked_to_the_figure_it_divides():
    claims = claims_in("More than 52,000 people have been killed in Gaza. Two-thirds of them were women and children.")
    assert [(c.quote, c.share_base) for c in claims] == [("More than 52,000", None), ("Two-thirds", "More than 52,000")]


@pytest.mark.parametrize(
    "sentence, period",
    [
        ("Emigration from Israel surged by 285 percent in 2024.", "2024"),
        ("Since October 2023, 200 journalists were killed in Gaza.", None),  # a start, not a named period
        ("During the January ceasefire 69 percent of Israelis backed the hostage deal.", "2025-01"),
        ("During the June talks 69 percent of Israelis backed the hostage deal.", "2024-06"),
        ("Last month, 62 percent of Israelis backed the hostage deal.", "2025-04"),
        ("Last year, 82,700 Israelis left the country.", "2024"),
    ],
)
def test_period_resolved_against_the_article_date(sentence, period):
    (claim,) = claims_in(sentence)
    assert claim.period == period


def test_a_new_metric_needs_no_code(tmp_path):
    """Adding a metric is a data change: a vocabulary file with an entry for displaced people."""
    from claimledger.claims.vocabulary import load_vocabulary

    path = tmp_path / "metrics.toml"
    path.write_text("""
[places]
Gaza = ["gaza"]

[metrics.displaced]
units = ["count"]
measure = "displaced"
counted = ["", "people", "palestinians"]
place = "Gaza"
check = "value_at_date"
source = "unrwa_displacement"
field = "displaced"
""")
    article = Article(id="t", text="Some 1.9 million people have been displaced in Gaza.", published=date(2025, 5, 16))
    (claim,) = extract_claims(article, load_vocabulary(path))
    assert (claim.metric, claim.value, claim.qualifier) == ("displaced", 1_900_000, "about")


@pytest.mark.parametrize(
    "sentence, quotes",
    [
        # "one year" is a figure and a one-unit span at once: one claim, with the bound before it
        ("The rule once meant an absence of at least one year from the country.", ["at least one year"]),
        (
            "The siege has lasted more than a year and over one year in the north.",
            ["more than a year", "over one year"],
        ),
    ],
)
def test_one_span_read_twice_is_one_claim(sentence, quotes):
    claims = claims_in(sentence)
    assert [c.quote for c in claims] == quotes
    assert len({c.id for c in claims}) == len(claims)
    assert all(c.qualifier != "exact" for c in claims)


def test_the_leads_source_frames_the_whole_article():
    """ "A report by the Knesset's research centre ..." in the lead: a later paragraph's figures are still its own,
    even after another outlet is cited in between."""
    text = (
        "A report by the Knesset's Research and Information Center sets out the figures.\n\n"
        "In 2021, 43,400 Israelis left, according to the website Ynet.\n\n"
        "In 2022, 59,400 Israelis emigrated."
    )
    (claim,) = [c for c in claims_in(text) if c.quote == "59,400"]
    assert "Research and Information Center" in (claim.frame.reported_by or "")
    assert claim.metric is None and "counts by its own rules" in (claim.unmatched or "")


def test_figures_published_by_a_counter_are_its_own_after_the_sentence_names_it_again():
    """The lead's "new figures published today by the ..." names the source; "the center found" later is it."""
    text = (
        "More people left Israel than arrived, according to new figures published today by the Knesset's Research"
        " and Information Center.\n\n"
        "The center found that departures from Israel rose by 39% in 2023."
    )
    (claim,) = [c for c in claims_in(text) if c.quote == "39%"]
    assert claim.metric is None and "counts by its own rules" in (claim.unmatched or "")
