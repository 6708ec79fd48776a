"""Claim frames as a spec: sentence -> what each figure was taken to mean, and which metric (or none, and why)."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from conftest import REPO, SHARED

from claimledger.checks.engine import check_claim
from claimledger.checks.model import Reference
from claimledger.claims.extract import extract_claims
from claimledger.claims.frames import _names_pattern, clauses, read_frame
from claimledger.claims.lemmas import lemma
from claimledger.claims.matching import match_metric
from claimledger.claims.model import Article
from claimledger.claims.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary()
PUBLISHED = date(2025, 5, 16)


def claims_in(text: str, title: str = "", published: date = PUBLISHED):
    return extract_claims(Article(id="t", text=text, title=title, published=published))


def claim(text: str, quote: str, **article):
    found = [c for c in claims_in(text, **article) if c.quote == quote]
    assert found, f"no claim {quote!r} in {[c.quote for c in claims_in(text, **article)]}"
    return found[0]


@pytest.mark.parametrize(
    "word, expected",
    [
        ("injuries", "injury"),
        ("injuring", "injure"),
        ("injured", "injure"),
        ("wounded", "wound"),
        ("Palestinians", "palestinian"),
        ("Israelis", "israeli"),
        ("journalists", "journalist"),
        ("people", "person"),
        ("children", "child"),
        ("killing", "kill"),
        ("emigrated", "emigrate"),
        ("returning", "return"),
        ("recognized", "recognise"),
        ("voters", "voter"),
        ("lives", "life"),
        ("hundred", "hundred"),
    ],
)
def test_lemma(word, expected):
    assert lemma(word) == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "Israel's war has killed at least 25,900 Palestinians and injured 64,110 others.",
            ["Israel's war has killed at least 25,900 Palestinians", " and injured 64,110 others."],
        ),
        (
            "The ministry reported 20,258 dead, with 53,688 injuries.",
            ["The ministry reported 20,258 dead", ", with 53,688 injuries."],
        ),
        (
            "Among Likud voters, 56% would back the deal, 24% oppose it.",
            ["Among Likud voters, 56% would back the deal", ", 24% oppose it."],
        ),
        (
            "Between 60 and 70 percent of Israelis support a deal.",
            ["Between 60 and 70 percent of Israelis support a deal."],
        ),
        ("The toll reached 496 dead; 309 were detained.", ["The toll reached 496 dead", "; 309 were detained."]),
    ],
)
def test_clauses(sentence, expected):
    assert [sentence[a:b] for a, b in clauses(sentence)] == expected


# sentence, quote of the figure, slot, what the slot holds
SLOTS = [
    (
        "Israel's war in Gaza has killed at least 25,900 Palestinians and injuring 64,110 others.",
        "64,110",
        "measure",
        "injured",
    ),
    ("Gaza's ministry reported 20,258 dead, with 53,688 injuries.", "53,688", "measure", "injured"),
    ("Gaza's ministry reported 20,258 dead, with 53,688 injuries.", "20,258", "measure", "killed"),
    (
        "In Gaza some 1.7 million people are displaced, and 85,653 have been injured.",
        "some 1.7 million",
        "measure",
        "displaced",
    ),
    ("In Gaza 309 medics were detained.", "309", "measure", "detained"),
    ("In 2022, 38,000 Israelis left, with 23,000 returning.", "38,000", "measure", "left"),
    ("In 2022, 38,000 Israelis left, with 23,000 returning.", "23,000", "measure", "returned"),
    ("A poll found 23% of Israelis are considering leaving the country.", "23%", "measure", "considering_leaving"),
    ("A poll found 67% of Israelis are not considering leaving the country.", "67%", "measure", "not_considering"),
    ("A poll found 9% of Israelis were undecided about the deal.", "9%", "measure", "undecided"),
    ("Ten countries have recognised the State of Palestine since October 2023.", "Ten", "measure", "recognised"),
    ("Nine countries recalled their ambassadors from Israel.", "Nine", "measure", "recalled_envoys"),
    ("Nine countries have pulled their diplomats out of Israel.", "Nine", "measure", "recalled_envoys"),
    # a heading before a colon names topics; the figure's own part after it says what it measures
    ("Deaths and injuries: more than 60,000 people have been killed.", "more than 60,000", "measure", "killed"),
    ("Injuries: more than 60,000 in the city since May.", "more than 60,000", "measure", "injured"),
    ("By then 12 countries had withdrawn their diplomats.", "12", "measure", "recalled_envoys"),
    ("Nearly 1,000 veterans signed an open letter.", "Nearly 1,000", "measure", "signed"),
    ("Gaza's 2.3 million people face famine.", "2.3 million", "measure", "population"),
    # a population "stood at", "has reached", "now stands at": the level; the country that owns it is not counted
    ("The country's population has reached 9.7 million, the bureau says.", "9.7 million", "measure", "population"),
    ("The country's population has reached 9.7 million, the bureau says.", "9.7 million", "counted", None),
    ("Norway's population stood at 5.5 million at the end of 2024.", "5.5 million", "measure", "population"),
    # the groups after a colon are its parts, not what it counts
    (
        "The population now stands at 5.5 million: 4.9 million Norwegians and 0.6 million others.",
        "5.5 million",
        "counted",
        None,
    ),
    ("The war in Gaza began nearly five months ago.", "nearly five months", "measure", "duration"),
    ("Six months later, the court ruled on war crimes.", "Six months", "measure", None),
    (
        "About 1.9 million people, or 90 percent of Gaza's population, have been displaced.",
        "About 1.9 million",
        "measure",
        "displaced",
    ),
    (
        "Israel's war in Gaza has killed at least 25,900 Palestinians and injured 64,110 others.",
        "64,110",
        "counted",
        "other",
    ),
    ("At least 1,500 health workers were wounded in Gaza.", "At least 1,500", "counted", "health worker"),
    ("A journalist killed on Thursday took the journalists' toll in Gaza to 120.", "120", "counted", "journalist"),
    (
        "Women and children account for two-thirds of the 52,000 Palestinians killed in Gaza.",
        "two-thirds",
        "counted",
        "woman and child",
    ),
    ("Half of the victims in Gaza were women and children.", "Half", "counted", "woman and child"),
    ("Gaza death toll tops 52k as Israeli strikes continue", "tops 52k", "counted", None),
    ("More than 52,000 Palestinians have been killed in Gaza.", "More than 52,000", "subject", "palestinian"),
    ("The official Israeli toll stands at 1,200.", "1,200", "subject", "israeli"),
    ("Israeli strikes killed 45 people in Gaza.", "45", "subject", None),
    ("Israel's offensive in Gaza has killed 45,000 people.", "45,000", "place", "Gaza"),
    ("Some 242 Palestinians were killed in the occupied West Bank.", "Some 242", "place", "West Bank"),
    ("The attack killed 1,221 people in Israel.", "1,221", "place", "Israel"),
    ("Some 82,700 Israelis left the country in 2024.", "Some 82,700", "place", "Israel"),
    ("Clashes in Gaza and the West Bank killed 500 people.", "500", "place", "ambiguous: Gaza or West Bank"),
    (
        "Among Netanyahu's voters, 56% would back the deal, 24% oppose it.",
        "56%",
        "restriction",
        "among netanyahu's voters",
    ),
    (
        "Among Netanyahu's voters, 56% would back the deal, 24% oppose it.",
        "24%",
        "restriction",
        "among netanyahu's voters",
    ),
    ("52% of Likud voters oppose the deal.", "52%", "restriction", "of likud voters"),
    ("The toll in the health sector in Gaza reached 496 dead.", "496", "restriction", "in the health sector"),
    ("40% of those who left were under 30.", "40%", "restriction", "of those who left were under 30"),
    (
        "At least 900 Palestinians were killed while seeking aid in Gaza.",
        "At least 900",
        "restriction",
        "while seeking aid",
    ),
    (
        "30% of the respondents who voted Likud back the deal.",
        "30%",
        "restriction",
        "of the respondents who voted likud back the deal",
    ),
    ("The ministry said 17,492 children were among the dead in Gaza.", "17,492", "restriction", None),
    ("52% of Israeli voters back the deal.", "52%", "restriction", None),
    (
        "Gaza's ministry said 53,119 people had been killed, among them more than 15,000 children.",
        "more than 15,000",
        "restriction",
        None,
    ),
    ("At least 45 people were killed in a single strike in Gaza.", "At least 45", "restriction", "in a single strike"),
    (
        "The ministry says 53,119 people have been killed in Gaza, according to the health ministry.",
        "53,119",
        "attribution",
        "the health ministry",
    ),
    (
        "At least 173 journalists have been killed in Gaza, according to the Committee to Protect Journalists.",
        "At least 173",
        "attribution",
        "the Committee to Protect Journalists",
    ),
    (
        "A poll aired by Channel 12 news on Friday found 62% of Israelis back the deal.",
        "62%",
        "attribution",
        "Channel 12",
    ),
    (
        "The Government Media Office said 212 journalists had been killed in Gaza.",
        "212",
        "attribution",
        "The Government Media Office",
    ),
    ("Of the 79 confirmed dead in CPJ's count, 72 were Palestinian.", "72", "attribution", "CPJ"),
    # a possessive before a doer noun names who acts, not where
    (
        "The ministry in the besieged Gaza Strip said 9,200 people had been killed in Israel's continuing offensive.",
        "9,200",
        "place",
        "Gaza",
    ),
    # a group before a doer is the doer wherever it stands; the subject is the group nearest the figure
    ("The death toll from Israeli strikes in Gaza has grown to 15,000.", "15,000", "subject", None),
    (
        "The attack shook Israelis' sense of safety and set off a war on Gaza that has killed 67,000 Palestinians.",
        "67,000",
        "subject",
        "palestinian",
    ),
    # a pair's list ("including 3,747 children and 2,062 women") takes the measure of the clause it hangs on
    (
        "The report puts the number of Palestinians killed in Gaza at 8,309, including 3,747 children and 2,062 women.",
        "2,062",
        "measure",
        "killed",
    ),
    # "the N-year anniversary of" an event is a duration since it
    (
        "Monday is the one-year anniversary of the assault that set off the war in Gaza.",
        "one-year",
        "measure",
        "duration",
    ),
    # an event noun after a group name makes it the doer ("the Israeli aggression"); "with" names a party
    (
        "The toll of the Israeli aggression in Gaza has reached 44,211, with another 104,567 people injured.",
        "44,211",
        "subject",
        None,
    ),
    (
        "The toll of the Israeli aggression in Gaza has reached 44,211, with another 104,567 people injured.",
        "104,567",
        "restriction",
        None,
    ),
    ("Gaza's health ministry said the war with Israel has now killed 47,306 people.", "47,306", "place", "Gaza"),
    # a time after a figure is not what it counts
    ("The death toll in Gaza has soared past 25,000 after over three months of war.", "25,000", "counted", None),
    # "and another 62,681 wounded": the pair's "another" is its own, not the first figure's
    (
        "The ministry says 25,105 people have been killed in Gaza since October 7 and another 62,681 wounded.",
        "25,105",
        "restriction",
        None,
    ),
    # "the 100-day mark" of the fighting, and a conflict "eight months old", are durations
    ("The fighting in Gaza went past the grim 100-day mark.", "100-day", "measure", "duration"),
    # a span "since" a day is a duration whatever its name; "did not know" is "do not know"
    ("In Gaza it has been 733 days since October 7.", "733 days", "measure", "duration"),
    ("It is one year today since Hamas attacked Israel on October 7.", "one year", "measure", "duration"),
    ("Asked about the deal, 13% said they did not know.", "13%", "measure", "undecided"),
    ("Of those asked, 23% said they had considered going abroad.", "23%", "measure", "considering_leaving"),
    ("A further 67% said the idea had not crossed their minds.", "67%", "measure", "not_considering"),
    # the items of a list take its measure past "N of them ..." ("5,000 of them children and 3,300 of them women")
    (
        "More than 12,000 people have been killed in Gaza, 5,000 of them children and 3,300 of them women.",
        "3,300",
        "measure",
        "killed",
    ),
    ("The dead in Gaza include 200 doctors, 22 civil defense workers and 51 journalists.", "51", "measure", "killed"),
    ("The conflict in Gaza, now nearly eight months old, goes on.", "nearly eight months", "measure", "duration"),
    # the place of a paragraph is its figure-free sentences' when two are named
    (
        "The war has killed more than 36,000 Palestinians. In Israel, 1,139 people were killed on October 7, and many "
        "are still held in Gaza. The fighting goes on in Gaza.",
        "more than 36,000",
        "place",
        "Gaza",
    ),
]


def test_a_report_named_earlier_keeps_its_figures_from_another_counters_series():
    text = (
        "A study by the Knesset Research and Information Center finds that departures rose.\n\n"
        "In 2022, 59,400 Israelis left the country."
    )
    found = claim(text, "59,400")
    assert (found.frame.attribution, found.frame.reported_by) == (None, "the Knesset Research and Information Center")
    assert found.metric is None and "counts by its own rules" in found.unmatched
    assert claim("In 2022, 38,000 Israelis left the country.", "38,000").metric == "emigrants"


@pytest.mark.parametrize("sentence, quote, slot, expected", SLOTS, ids=[f"{s[2]}:{s[0][:40]}" for s in SLOTS])
def test_frame_slot(sentence, quote, slot, expected):
    assert getattr(claim(sentence, quote).frame, slot) == expected


# sentence, quote, (kind, period key, start); "last year" and bare months resolve against 2025-05-16
TIMES = [
    ("Some 82,700 Israelis left the country in 2024.", "Some 82,700", ("period", "2024", "2024")),
    ("Some 40,400 Israelis left the country in the first half of 2024.", "Some 40,400", ("period", "2024-H1", None)),
    ("Emigration fell 25 percent in the third quarter of 2024.", "25 percent", ("period", "2024-Q3", None)),
    ("Last year, 82,700 Israelis left the country.", "82,700", ("period", "2024", "2024")),
    ("In March 2024, 3,000 Israelis left the country.", "3,000", ("period", "2024-03", "2024-03")),
    ("At least 45 people were killed in Gaza in the past 24 hours.", "At least 45", ("past_hours", None, None)),
    ("At least 45 people were killed in Gaza overnight.", "At least 45", ("past_hours", None, None)),
    ("The attack on 7 October killed 1,200 people in Israel.", "1,200", ("day", None, None)),
    ("Israeli strikes killed 92 people across Gaza on Wednesday.", "92", ("day", None, None)),
    ("A journalist killed on Thursday took the journalists' toll in Gaza to 120.", "120", ("as_of", None, None)),
    ("The ministry said on Thursday that 53,119 people had been killed in Gaza.", "53,119", ("as_of", None, None)),
    (
        "More than 1,400 people have been killed in Gaza since 18 March.",
        "More than 1,400",
        ("since", None, "2025-03-18"),
    ),
    (
        "More than 52,000 Palestinians have been killed in Gaza since October 2023.",
        "More than 52,000",
        ("since", None, "2023-10"),
    ),
    ("About 200 journalists have been killed in Gaza since the war began.", "About 200", ("since", None, None)),
    ("The war in Gaza began nearly five months ago.", "nearly five months", ("ago", None, None)),
    ("Nearly two years after the war in Gaza began, talks resumed.", "Nearly two years", ("after_start", None, None)),
    ("Over the past twenty months, the war in Gaza has flattened cities.", "twenty months", ("span", None, None)),
    ("One in four Israelis considered leaving the country over the past year.", "One in four", ("span", None, None)),
    # a report "released on" a day is as of the article, not a figure of that day
    (
        "The figures the media office released on 5 September say 40,878 people have been killed in Gaza.",
        "40,878",
        ("as_of", None, None),
    ),
    ("In 2022, 38,000 Israelis left, with 23,000 returning.", "23,000", ("period", "2022", "2022")),
    # a "since" naming no date reads on to the date its phrase gives ("October 7, 2023" is one date, not two clauses)
    (
        "The toll in Gaza since it began on October 7, 2023 has grown to 70,665 killed.",
        "70,665",
        ("since", None, "2023-10-07"),
    ),
    (
        "Nearly 46,900 Palestinians have been killed in Gaza since the escalation began in early October 2023.",
        "Nearly 46,900",
        ("since", None, "2023-10"),
    ),
    # "the same year" is the last year named before it; "has also left" is a running total
    (
        "For 2023, 55,400 people left Israel. In the same year, 27,800 Israelis came back.",
        "27,800",
        ("period", "2023", "2023"),
    ),
    ("The war in Gaza has also left 111,483 people wounded.", "111,483", ("as_of", None, None)),
    # "since last October" is the last October before the article; "puts the dead at" is a running total
    (
        "Some 4,900 Palestinians have been injured in the West Bank since last October.",
        "Some 4,900",
        ("since", None, "2024-10"),
    ),
    ("The ministry puts the Palestinian dead in Gaza at more than 33,200.", "more than 33,200", ("as_of", None, None)),
    # a month with no year is the last one up to the article's month; "last year" and "this year" say which
    ("Since October, 4,900 Palestinians have been injured in the West Bank.", "4,900", ("since", None, "2024-10")),
    ("Since March, 4,900 Palestinians have been injured in the West Bank.", "4,900", ("since", None, "2025-03")),
    (
        "Since October last year, 4,900 Palestinians have been injured in the West Bank.",
        "4,900",
        ("since", None, "2024-10"),
    ),
    # the start's day said a few words after "started"; "since last year"
    (
        "In Gaza 9,770 have died since the army started bombarding the Strip on October 7.",
        "9,770",
        ("since", None, "2024-10-07"),
    ),
    ("In Gaza 14,500 children have been killed since last year.", "14,500", ("since", None, "2024")),
    # a running total in a main clause of its own does not take another clause's "since"
    (
        "Since March 18, strikes have killed more than 1,000 in Gaza, and the death toll now exceeds 50,000.",
        "exceeds 50,000",
        ("as_of", None, None),
    ),
    # "since that date" with no "since" before it: the last day named before it
    (
        "Raids began in the West Bank on October 7. There 102 have been killed since that date.",
        "102",
        ("since", None, "2024-10-07"),
    ),
    # "since then" is the last "since" before it
    (
        "The offensive on Gaza has gone on since the attack of October 7, 2023. Over 36,000 Palestinians have been "
        "killed since then.",
        "Over 36,000",
        ("since", None, "2023-10-07"),
    ),
]


@pytest.mark.parametrize("sentence, quote, expected", TIMES, ids=[t[0][:50] for t in TIMES])
def test_frame_time(sentence, quote, expected):
    found = claim(sentence, quote)
    time = found.frame.time
    assert (time.kind, time.period, time.start) == expected
    assert found.period == (time.period if time.kind == "period" else None)


# The issue's table of wrong verdicts, reworded: sentence, quote, the metric chosen (or None), words of the reason.
ISSUE_ROWS = [
    (
        "Among Netanyahu's voters, 56% would back the deal, 24% oppose it.",
        "56%",
        None,
        "a figure about a subgroup: 'among netanyahu's voters'",
    ),
    ("Among Netanyahu's voters, 56% would back the deal, 24% oppose it.", "24%", None, "a figure about a subgroup"),
    ("A poll found 56% of Israelis would back the hostage deal.", "56%", "support_hostage_deal", None),
    ("The 7 October attack killed 1,221 people in Israel.", "1,221", None, "no registered source covers it"),
    ("The official Israeli toll stands at 1,200.", "1,200", None, "counts israeli killed in Israel"),
    ("A journalist killed in Gaza on Thursday took the journalists' toll to 120.", "120", "journalists_killed", None),
    (
        "In Gaza, the toll in the health sector reached 496 dead; 1,500 health workers were wounded; 309 were detained.",
        "496",
        "medics_killed",
        None,
    ),
    (
        "In Gaza, the toll in the health sector reached 496 dead; 1,500 health workers were wounded; 309 were detained.",
        "1,500",
        None,
        "counts health worker injured in Gaza: no registered source covers it",
    ),
    (
        "In Gaza, the toll in the health sector reached 496 dead; 1,500 health workers were wounded; 309 were detained.",
        "309",
        None,
        "detained in Gaza: no registered source covers it",
    ),
    ("In Israel, 38,000 left in 2022, with 23,000 returning.", "38,000", "emigrants", None),
    ("In Israel, 38,000 left in 2022, with 23,000 returning.", "23,000", "emigrants_returned", None),
    # a half-year figure is the emigrants metric's; its check says the table has whole years only (test_check_timing)
    ("Some 40,400 Israelis left the country in the first half of 2024.", "Some 40,400", "emigrants", None),
    (
        "In Gaza some 1.7 million people are displaced, and 85,653 have been injured.",
        "some 1.7 million",
        None,
        "counts person displaced in Gaza: no registered source covers it",
    ),
    ("In Gaza some 1.7 million people are displaced, and 85,653 have been injured.", "85,653", "injured", None),
    (
        "Israel's war in Gaza has killed at least 25,900 Palestinians and injured 64,110 others.",
        "at least 25,900",
        "killed",
        None,
    ),
    (
        "Israel's war in Gaza has killed at least 25,900 Palestinians and injured 64,110 others.",
        "64,110",
        "injured",
        None,
    ),
    ("Gaza's health ministry reported 20,258 dead, with 53,688 injuries.", "20,258", "killed", None),
    ("Gaza's health ministry reported 20,258 dead, with 53,688 injuries.", "53,688", "injured", None),
    ("The war in Gaza began nearly five months ago.", "nearly five months", "war_duration", None),
    ("Nearly two years after the war in Gaza began, talks resumed.", "Nearly two years", "war_duration", None),
    (
        "Israeli forces have killed 242 Palestinians in the West Bank since October 2023.",
        "242",
        "west_bank_killed",
        None,
    ),
    (
        "At least 60 children have been killed in the occupied West Bank this year.",
        "At least 60",
        None,
        "(period: 2025): children killed in the West Bank is checked as as of or since",
    ),
    ("Gaza's 2.3 million people face famine.", "2.3 million", "population", None),
    (
        "At least 173 journalists have been killed in Gaza, according to the Committee to Protect Journalists.",
        "At least 173",
        None,
        "counts by its own rules",
    ),
    ("Between 50 and 60 people were killed in Gaza overnight.", "Between 50 and 60", None, "past_hours"),
    (
        "More than 1,400 people have been killed in Gaza since 18 March.",
        "More than 1,400",
        None,
        "not the running total",
    ),
    (
        "More than 1,200 people were killed in the earthquake in Turkey.",
        "More than 1,200",
        None,
        "killed in Turkey: no registered source covers it",
    ),
    ("More than 1,200 people were killed in the earthquake.", "More than 1,200", None, "does not say where"),
    ("Clashes in Gaza and the West Bank killed 500 people.", "500", None, "ambiguous: Gaza or West Bank"),
    (
        "Since the start of the year, eight countries have recognised the State of Palestine.",
        "eight",
        None,
        "not the running total",
    ),
]


# Wrong fails the development set showed (retold): one event's figure, subgroups, sums, other counters.
ISSUE_ROWS += [
    ("In Gaza 12 people were killed when a house was hit.", "12", None, "does not say the figure is a running total"),
    ("In Gaza 12 people have been killed since the war began.", "12", "killed", None),
    ("Strikes across Gaza wounded another 650 people, it said.", "650", None, "a figure about a subgroup: 'another'"),
    (
        "At least 51 people have been killed in Gaza while trying to reach aid.",
        "At least 51",
        None,
        "a figure about a subgroup: 'while trying to reach aid'",
    ),
    ("At least 273 people in Gaza have died of starvation.", "At least 273", None, "'died of starvation'"),
    (
        "Over 177,000 Palestinians have been killed or injured in Gaza.",
        "Over 177,000",
        None,
        "does not say what 'Over 177,000' (count) measures",
    ),
    (
        "The toll now equals 2% of Gaza's prewar population of about 2.3 million.",
        "about 2.3 million",
        "population",
        None,
    ),
    (
        "Gaza's media office said 196 people were killed, bringing the number of massacres to 997.",
        "997",
        None,
        "counts massacre killed in Gaza",
    ),
    (
        "In Gaza, 8,119 deaths verified by the UN rights office have been analysed.",
        "8,119",
        None,
        "a figure about a subgroup: 'verified by the un'",
    ),
    (
        "In Gaza, 2,367 people are missing under the rubble, the ministry said.",
        "2,367",
        None,
        "counts person missing in Gaza: no registered source covers it",
    ),
    (
        "Some 1.9 million people have been driven from their homes in Gaza.",
        "Some 1.9 million",
        None,
        "counts person displaced in Gaza: no registered source covers it",
    ),
    (
        "Israel is projected to be home to 15 million people by 2048.",
        "15 million",
        None,
        "a figure about a subgroup: 'projected'",
    ),
    (
        "The net loss to emigration from Israel was 29,700 in 2022.",
        "29,700",
        None,
        "a figure about a subgroup: 'net loss'",
    ),
]


def test_a_figure_its_clause_puts_in_another_country_is_about_that_country():
    text = "The war in Gaza goes on. At least 359 people have been killed by Israeli fire in Lebanon since October."
    found = claim(text, "At least 359")
    assert (found.frame.place, found.metric) == ("Lebanon", None)
    assert (
        claim(
            "The war in Gaza goes on. At least 359 people have been killed there since October.", "At least 359"
        ).frame.place
        == "Gaza"
    )


def test_a_war_named_by_either_side_is_one_war():
    found = claim(
        "Eight countries have recalled envoys from Israel since it went to war with Hamas in the Gaza Strip "
        "about a month ago.",
        "about a month",
    )
    assert found.frame.place == "ambiguous: Gaza or Israel" and found.metric == "war_duration", found.unmatched


@pytest.mark.parametrize("sentence, quote, metric, reason", ISSUE_ROWS, ids=[f"{r[1]}:{r[0][:40]}" for r in ISSUE_ROWS])
def test_issue_row(sentence, quote, metric, reason):
    found = claim(sentence, quote)
    assert found.metric == metric, found.unmatched
    if metric is None:
        assert reason in found.unmatched
    else:
        assert found.unmatched is None and f"measure={found.frame.measure}" in found.matched_on


def test_a_share_of_the_killed_is_a_share_not_a_change():
    """ "make up" is no rise: the share of women and children among the killed is checked (unit from the reader)."""
    sentence = "Women and children make up around two-thirds of those killed in Gaza."
    at = sentence.index("around two-thirds")
    frame = read_frame(sentence, at, at + len("around two-thirds"), "percent", None, VOCABULARY.names)
    assert (frame.measure, frame.counted, frame.place) == ("killed", "woman and child", "Gaza")
    assert (
        match_metric(frame, "percent", "around two-thirds", sentence, VOCABULARY).metric.name
        == "women_children_share_of_killed"
    )


def test_an_identifier_gets_no_metric():
    for found in claims_in("A poll aired by Channel 12 news on Friday found 62% of Israelis back the deal."):
        assert found.quote == "62%" or found.metric is None


NAMES = ("oslo", "oslo fjord", "oslo city", "oslovian", "east ridge", "greater east ridge", "st. elm")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("in the oslo fjord and oslo city", ["oslo fjord", "oslo city"]),
        ("the oslo  fjords, oslovians and the oslovian", ["oslo", "oslovian"]),  # the longest name a whole word
        ("the greater east ridge and the east-ridge", ["greater east ridge"]),
        ("st. elm, st elm, mid-oslo", ["st. elm"]),
    ],
)
def test_a_name_is_found_whole_and_longest_first(text, expected):
    assert [m.group() for m in _names_pattern(NAMES).finditer(text)] == expected


def test_names_are_found_where_a_longest_first_list_of_them_finds_them():
    listed = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(NAMES, key=len, reverse=True))
        + r")(?![\w-])"
    )
    text = " ".join(f"{n}{tail}" for n in NAMES for tail in (" ", "s ", "-", ", ", "\n")) + " oslo fjor oslo  city"
    assert [(m.span(), m.group()) for m in _names_pattern(NAMES).finditer(text)] == [
        (m.span(), m.group()) for m in listed.finditer(text)
    ]


@pytest.mark.parametrize(
    "text, title, place",
    [
        (
            "Israel's war goes on.\n\nAt least 45,000 people have been killed, the ministry said.",
            "Gaza toll rises",
            "Gaza",
        ),
        ("The war in Gaza goes on.\n\nMore than 45,000 people have been killed, the ministry said.", "", "Gaza"),
        (
            "Raids in the West Bank and Gaza.\n\nMore than 900 Palestinians have been killed, the UN said.",
            "",
            "ambiguous: Gaza or West Bank",
        ),
        (
            "Raids went on.\n\nMore than 900 Palestinians have been killed in the West Bank, the UN said.",
            "Gaza and the West Bank",
            "West Bank",
        ),
    ],
)
def test_place_from_the_article_when_the_clause_names_none(text, title, place):
    (found,) = [c for c in claims_in(text, title=title) if c.unit == "count"]
    assert found.frame.place == place


def test_two_metrics_that_fit_leave_the_figure_unmatched(tmp_path):
    path = tmp_path / "metrics.toml"
    path.write_text("""
[places]
Gaza = ["gaza"]

[phrases]
anyone = ["", "person"]

[metrics.killed_a]
units = ["count"]
measure = "killed"
counted = "@anyone"
place = "Gaza"
check = "value_at_date"
source = "a"

[metrics.killed_b]
units = ["count"]
measure = "killed"
counted = "@anyone"
place = "Gaza"
check = "value_at_date"
source = "b"
""")
    article = Article(id="t", text="More than 52,000 people have been killed in Gaza.", published=PUBLISHED)
    (found,) = extract_claims(article, load_vocabulary(path))
    assert found.metric is None and found.unmatched.startswith("two metrics fit: killed_a")


@pytest.mark.parametrize(
    "body, error",
    [
        (
            '[metrics.m]\nunits = ["count"]\nmeasure = "killed"\ncounted = "@nope"\ncheck = "x"\nsource = "y"\n',
            "counted names phrase list '@nope', not in [phrases]",
        ),
        (
            '[metrics.m]\nunits = ["count"]\nmeasure = "killed"\ntime = ["weekly"]\ncheck = "x"\nsource = "y"\n',
            "time kinds ['weekly'] unknown",
        ),
        (
            '[metrics.m]\nunits = ["count"]\nmeasure = "killed"\nplace = "Mars"\ncheck = "x"\nsource = "y"\n',
            "place 'Mars' is not in [places]",
        ),
        ('[metrics.m]\nunits = ["count"]\ncheck = "x"\nsource = "y"\n', "metric 'm' lacks 'measure'"),
        (
            '[places]\nA = ["a"]\n[metrics.m]\nunits = ["count"]\nmeasure = "killed"\nplace = "A"\nplace_also = ["B"]\n'
            'check = "x"\nsource = "y"\n',
            "place_also ['B'] not in [places]",
        ),
    ],
)
def test_a_malformed_vocabulary_says_what_and_where(tmp_path, body, error):
    path = tmp_path / "metrics.toml"
    path.write_text(body)
    with pytest.raises(ValueError, match="metrics.toml: metric 'm'") as raised:
        load_vocabulary(path)
    assert error in str(raised.value)


def test_no_python_names_a_place_group_or_outlet():
    """Places, groups and outlets are data (metrics.toml, lexicon/): the frame code names none of them."""
    words = ("gaza", "israel", "palestin", "west bank", "cpj", "channel 12", "netanyahu", "likud", "hamas")
    for name in ("frames.py", "matching.py", "lemmas.py", "vocabulary.py"):
        text = (REPO / "src" / "claimledger" / "claims" / name).read_text().lower()
        assert [w for w in words if w in text] == [], name


# End to end on real figures: the shared casualty series (read in place) and the project's curated tables.
def _series() -> Reference:
    frame = pd.read_json(SHARED / "reference" / "techforpalestine" / "casualties_daily.json")
    frame["report_date"] = pd.to_datetime(frame["report_date"])
    return Reference("gaza_casualties_daily", "Gaza MoH", frame, "a" * 64, "report_date", 1)


def _curated(name: str, date_column: str) -> Reference:
    frame = pd.read_csv(REPO / "data" / "reference" / f"{name}.csv")
    frame[date_column] = pd.to_datetime(frame[date_column])
    return Reference(name, name, frame, "b" * 64, date_column, 0, "source_url")


@pytest.fixture(scope="module")
def references():
    return {
        "gaza_casualties_daily": _series(),
        "israel_emigration_cbs": _curated("israel_emigration_cbs", "published_by"),
    }


# article (retold), its date, quote -> verdict; worked out by hand against ../shared/reference
ARTICLES = [
    # wire report of 26 Jan 2024: the 25 Jan report said 25,900 killed, 64,110 injured
    (
        "Gaza toll",
        "Israel's offensive in Gaza has killed at least 25,900 Palestinians and injured 64,110 others, "
        "the health ministry said.",
        date(2024, 1, 26),
        {"at least 25,900": "pass", "64,110": "pass"},
    ),
    # 24 Dec 2023: the 23 Dec report said 20,258 killed and 53,688 injured; 1.9 million displaced has no source
    (
        "War in Gaza",
        "The ministry in Gaza reported 20,258 dead, with 53,688 injuries. Some 1.9 million people have been displaced.",
        date(2023, 12, 24),
        {"20,258": "pass", "53,688": "pass", "Some 1.9 million": "unverifiable"},
    ),
    # 2 Feb 2024: the 1 Feb report counted 122 journalists; a subgroup poll figure is not checked
    (
        "Gaza",
        "A journalist killed on Thursday took the journalists' toll to 120, the media office said. Among "
        "Likud voters, 56 percent back the hostage deal.",
        date(2024, 2, 2),
        {"120": "pass", "56 percent": "unverifiable"},
    ),
    # emigration: CBS counted 38,000 leaving and 23,000 returning in 2022; no half-year row exists
    (
        "Israelis leaving",
        "Israel's statistics bureau said 38,000 left in 2022, with 23,000 returning. Some 40,400 "
        "Israelis left in the first half of 2024.",
        date(2025, 5, 16),
        {"38,000": "pass", "23,000": "pass", "Some 40,400": "unverifiable"},
    ),
    # a wrong figure with a complete frame is a fail: the 25 Jan 2024 report said 25,900, not 35,000
    (
        "Gaza toll",
        "More than 35,000 Palestinians have been killed in Gaza, the ministry said.",
        date(2024, 1, 26),
        {"More than 35,000": "fail"},
    ),
]


@pytest.mark.parametrize("title, text, published, verdicts", ARTICLES, ids=[a[1][:40] for a in ARTICLES])
def test_verdicts_on_articles(references, title, text, published, verdicts):
    results = {
        c.quote: check_claim(c, references, VOCABULARY)
        for c in extract_claims(Article(id="a", text=text, title=title, published=published))
    }
    assert {q: results[q].verdict for q in verdicts} == verdicts, {q: results[q].explanation for q in verdicts}
    for quote, result in results.items():
        if result.verdict == "fail":
            assert result.matched_on and "place=Gaza" in result.matched_on


def test_lemmas_stand_where_the_word_pattern_finds_the_words():
    import random

    from claimledger.claims.lemmas import _WORD, lemma, lemmas

    rng = random.Random(11)
    texts = ["killed 1,200 in gaza's north-east, 3.5 km away; don't", "a-b --c 'd' e''f ٣٤ x1y 12.5.6"]
    texts += ["".join(rng.choice("ab'-. 1,9é٣\n") for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for text in texts:
        expected = tuple((m.start(), m.end(), lemma(m.group())) for m in _WORD.finditer(text))
        assert lemmas.__wrapped__(text) == expected, text


def test_a_names_pattern_matches_where_the_look_behind_form_does():
    import random

    from claimledger.claims.frames import _alternation

    words = ("gaza", "gazans", "gaza strip", "israel", "west bank", "iran-iraq")
    fast = _names_pattern(words)
    plain = re.compile(r"(?<![\w-])(?:" + _alternation(sorted(words)) + r")(?![\w-])")  # the look-behind first
    rng = random.Random(5)
    pieces = ["gaza", "gazans", " strip", "israel", "west", " bank", "-", "x", " ", "iran-iraq", "s"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], text


@pytest.mark.parametrize(
    "module, name, before",
    [
        (
            "text",
            "_SENTENCE_END",
            r"""(?=[\s"')\]])(?:(?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9])|[ \t]*\n\s*(?=["'(\[]?[A-Z]))""",
        ),
        ("frames", "_MAYBE_BOUNDARY", r"[;,]| (?=and |while |- )"),
    ],
)
def test_a_pattern_that_opens_with_a_class_matches_where_its_earlier_form_did(module, name, before):
    import importlib
    import random

    fast, plain = getattr(importlib.import_module(f"claimledger.claims.{module}"), name), re.compile(before)
    rng = random.Random(7)
    alphabet = [
        " ",
        "\t",
        "\n",
        "\r",
        ".",
        "!",
        "?",
        '"',
        "'",
        ")",
        "]",
        "(",
        "[",
        "A",
        "0",
        "a",
        ";",
        ",",
        "and ",
        "while ",
        "- ",
    ]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_shares_in_favour_and_against_are_no_vote_tally():
    (share,) = [
        c for c in claims_in("A poll on a hostage deal found 56% in favour of it and 22% against.") if c.quote == "56%"
    ]
    assert share.metric == "support_hostage_deal", share.unmatched


@pytest.mark.parametrize(
    "text, quote, metric",
    [
        # "did not know" beside shares of another question is of that question
        (
            "Asked why no hostage deal has been reached, 52% blamed politics, 36% other reasons and 12% did not know.",
            "12%",
            None,
        ),
        # beside the deal question's own answers it is that question's
        ("On a hostage deal, 60% were in favour, 25% against and 15% did not know.", "15%", "undecided_hostage_deal"),
        # "Another 8% prefer ..." goes on with the answers given before it, not another question
        (
            "On a hostage deal, 70% were in favour and 16% against. Another 8% prefer a phased deal, and 6% do not know.",
            "6%",
            "undecided_hostage_deal",
        ),
    ],
)
def test_an_answer_with_no_question_of_its_own(text, quote, metric):
    found = claim(text, quote)
    assert found.metric == metric, found.unmatched
    if metric is None:
        assert "answer another question" in found.unmatched
