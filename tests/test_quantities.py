"""The quantity layer as a spec: sentence -> every quantity in it, with unit, bound, change, and whether it is a claim."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article
from claimledger.claims.quantities import find_quantities


def only(sentence: str):
    """The one quantity of a sentence that is a claim."""
    claims = [q for q in find_quantities(sentence) if q.is_claim]
    assert len(claims) == 1, (sentence, claims)
    return claims[0]


# sentence, (quote, value, unit)
UNITS = [
    ("The EU announced a $2.5bn aid package.", ("$2.5bn", 2.5e9, "USD")),
    ("Public borrowing reached £20.2bn in April.", ("£20.2bn", 20.2e9, "GBP")),
    ("The fund received a €3 million grant.", ("€3 million", 3e6, "EUR")),
    ("The defence budget was set at 118 billion shekels.", ("118 billion", 118e9, "ILS")),
    ("The bill costs the state NIS 5 billion.", ("NIS 5 billion", 5e9, "ILS")),
    ("It carries a fine of 10.5 million Australian dollars.", ("10.5 million", 10.5e6, "AUD")),
    ("The yacht was quoted at USD10m.", ("USD10m", 10e6, "USD")),
    ("A flat in the centre rents for $3,500 a month.", ("$3,500", 3500, "USD/month")),
    ("About 69% of Israelis back the deal.", ("About 69%", 69, "percent")),
    ("Support slipped to 41 per cent.", ("41 per cent", 41, "percent")),
    ("Support fell by 3 percentage points.", ("3 percentage points", 3, "percentage_point")),
    ("The shares were up 5pc by noon.", ("5pc", 5, "percent")),
    ("He was sentenced to three years in prison.", ("three years", 3, "year")),
    ("Over the past twenty months, the war has flattened whole cities.", ("twenty months", 20, "month")),
    ("The beetle reaches top speed in 8 seconds.", ("8", 8, "second")),
    ("The tuna weighed 278kg.", ("278kg", 278, "kg")),
    ("He scored with a shot from 30 yards.", ("30", 30, "yard")),
    ("The storm brought winds of 87 mph.", ("87", 87, "mph")),
    ("The train runs at 140 km/h.", ("140", 140, "km/h")),
    ("The oven can hit 500 degrees Celsius.", ("500", 500, "celsius")),
    ("The nights fall to minus 5 degrees Celsius.", ("minus 5", -5, "celsius")),
    ("It is about minus 387 Fahrenheit.", ("about minus 387", -387, "fahrenheit")),
    ("The base model has just 64GB of storage.", ("64GB", 64, "GB")),
    ("Some 82,700 Israelis left the country in 2024.", ("Some 82,700", 82700, "count")),
    ("The flat sold for about $950 per square foot.", ("about $950", 950, "USD/square_foot")),
    ("Warehouses now let at $95 per sq m.", ("$95", 95, "USD/m2")),
    ("Profit was $3.9 billion a year earlier.", ("$3.9 billion", 3.9e9, "USD")),
    ("The hotel charged HK $1,800 for the night.", ("HK $1,800", 1800, "HKD")),
    ("The rate was fixed at 140 JPY for the quarter.", ("140", 140, "JPY")),
    ("The laptop cost 900€ in the sale.", ("900", 900, "EUR")),
    ("The engine makes 320 Nm of torque.", ("320", 320, "N·m")),
    ("The diesel gives 410 lb-ft at low revs.", ("410", 410, "lbf·ft")),
    ("The truck pulls with 380 pound-feet of torque.", ("380", 380, "pound_foot")),
    ("Gas traded at $3.10 per mmBtu on Monday.", ("$3.10", 3.1, "USD/mmBtu")),
    ("The road is 12 km-long and unlit.", ("12", 12, "km")),
    ("At night the moon cools to minus-170 degrees Celsius.", ("minus-170", -170, "celsius")),
    ("The stock closed at 340 p on Friday.", ("340", 340, "penny")),
    ("A 20 W charger comes in the box.", ("20", 20, "W")),
    ("The hybrid gains a 4-mpg edge on the highway.", ("4", 4, "mpg")),
    ("Water here boils at 96 C because of the altitude.", ("96", 96, "celsius")),
    ("The delivery van holds 14 parcels.", ("14", 14, "count")),
    ("The bonus was worth PS1.4m last year.", ("PS1.4m", 1.4e6, "GBP")),
    ("He paid PS12,500 for the car.", ("PS12,500", 12500, "GBP")),
    ("The ferry sails at 18 knots.", ("18", 18, "knot")),
    ("The dinner cost 2,400 baht.", ("2,400", 2400, "THB")),
    ("The new line carries 380 kV.", ("380", 380, "kV")),
    ("The deficit widened to $-12.4bn in March.", ("$-12.4bn", -12.4e9, "USD")),
    ("The index slipped to 7,152.9 points by noon.", ("7,152.9", 7152.9, "point")),
    ("The server answers within 20 milliseconds.", ("20", 20, "ms")),
    ("The error rate fell to .002 per cent last year.", (".002 per cent", 0.002, "percent")),
    ("The region is home to 3 hundred million people.", ("3 hundred million", 3e8, "count")),
    ("Keep the tyres at 32 psi in winter.", ("32", 32, "psi")),
    ("A coffee in Seoul costs ₩5,000 now.", ("₩5,000", 5000, "KRW")),
    ("The new link carries 400 gigabits a second.", ("400", 400, "Gbit/second")),
    ("The club was sold for 300 million pounds.", ("300 million", 3e8, "GBP")),
    ("The boxer shed 12 pounds before the fight.", ("12", 12, "pound_mass")),
    ("The plan costs 4.1 trillion won a year.", ("4.1 trillion", 4.1e12, "KRW/year")),
    ("The chipmaker earned NT$52 billion.", ("NT$52 billion", 52e9, "TWD")),
    ("A beer costs 60 Czech koruna there.", ("60", 60, "CZK")),
    ("The camera has a 50MP sensor.", ("50MP", 50, "megapixel")),
    ("Crews built a 12m-high sea wall.", ("12m", 12, "m")),
    ("A 40m-long whale washed ashore.", ("40m", 40, "m")),
    ("The app has 25m users.", ("25m", 25e6, "count")),
    ("The lake froze at minus 12C.", ("minus 12C", -12, "celsius")),
    ("The fund lent USD10m to the firm.", ("USD10m", 10e6, "USD")),
    ("The bank priced a EUR 500 million bond.", ("EUR 500 million", 500e6, "EUR")),
    ("The tower sold for AED 90 million.", ("AED 90 million", 90e6, "AED")),
    ("Ottawa signed a $2.4-billion contract.", ("$2.4-billion", 2.4e9, "USD")),
    ("The studio is valued at $7B.", ("$7B", 7e9, "USD")),
    ("Exports reached 12 mln tonnes.", ("12 mln", 12e6, "tonne")),
    ("The debt stood at $1.1trn.", ("$1.1trn", 1.1e12, "USD")),
    ("Investors lost 300 mln pounds.", ("300 mln", 300e6, "GBP")),
    ("The queue lasted 3 and a half hours.", ("3 and a half", 3.5, "hour")),
    ("The drive reads at 6,900MB/s.", ("6,900MB/s", 6900, "MB/s")),
    ("Stir in 3 tbsp of oil.", ("3", 3, "tablespoon")),
    ("She lost 4 stone in a year.", ("4", 4, "stone")),
    ("The reserve covers 85 km² of marsh.", ("85", 85, "km2")),
    ("A taxi costs 20 bucks.", ("20", 20, "USD")),
    ("The tablet has a 10.9in screen.", ("10.9in", 10.9, "inch")),
    ("He served 7 yrs in all.", ("7", 7, "year")),
    ("The miner paid Can$1.5 billion.", ("Can$1.5 billion", 1.5e9, "CAD")),
    ("Some two-and-a-half million people voted.", ("Some two-and-a-half million", 2.5e6, "count")),
    ("A ticket costs Rs.450 in Delhi.", ("Rs.450", 450, "INR")),
    ("The villa went for Dh3.2m last year.", ("Dh3.2m", 3.2e6, "AED")),
    ("The index lost 3 pct on Friday.", ("3", 3, "percent")),
    ("Turnout fell to 61.2 per-cent.", ("61.2 per-cent", 61.2, "percent")),
    ("The flight took 14 hrs in all.", ("14", 14, "hour")),
    ("The tuna fetched 333 million Japanese yen.", ("333 million", 333e6, "JPY")),
    ("The fine came to 5 billion Saudi riyals.", ("5 billion", 5e9, "SAR")),
    ("A tram ticket costs 90 Turkish lira.", ("90", 90, "TRY")),
    ("The loan was 40 million Lebanese pounds.", ("40 million", 40e6, "LBP")),
    ('The monitor has a 27" panel.', ("27", 27, "inch")),
    ("The fence stands 6' high.", ("6", 6, "foot")),
    ('She wrote "we sold 40" on the board.', ("40", 40, "count")),
    ("It wasn't the 'top 10' he wanted.", ("10", 10, "count")),
    ("The chip runs at 3.2Ghz when cool.", ("3.2Ghz", 3.2, "GHz")),
    ("The pack stores 75kwh of energy.", ("75kwh", 75, "kWh")),
    ("The plan gives you 20gb of data.", ("20gb", 20, "GB")),
]


@pytest.mark.parametrize("sentence, expected", UNITS, ids=[u[1][2] + ":" + u[1][0] for u in UNITS])
def test_unit(sentence, expected):
    q = only(sentence)
    assert (q.quote, q.value, q.unit) == (expected[0], pytest.approx(expected[1]), expected[2])


# sentence, (qualifier, value, low, high)
BOUNDS = [
    ("Officials counted 1,221 dead.", ("exact", 1221, 1221, 1221)),
    ("More than 52,000 people have been killed.", ("more_than", 52000, 52000, None)),
    ("At least 15,613 children have been killed.", ("at_least", 15613, 15613, None)),
    ("Fewer than 30 percent of Israelis opposed the deal.", ("fewer_than", 30, None, 30)),
    ("At most 12 countries have cut ties.", ("at_most", 12, None, 12)),
    ("The plant will create up to 400 jobs.", ("at_most", 400, None, 400)),
    ("About 600 people work there.", ("about", 600, 600, 600)),
    ("Nearly 120,000 people were wounded.", ("nearly", 120000, 120000, 120000)),
    ("Almost 2,000 homes were lost.", ("nearly", 2000, 2000, 2000)),
    ("Between 20 and 30 people were hurt.", ("range", None, 20, 30)),
    ("Between 20% and 30% of voters are undecided.", ("range", None, 20, 30)),
    ("The plan would cost 20-30% more.", ("range", None, 20, 30)),
    ("Prices range from $370,000 to $5.5 million.", ("range", None, 370000, 5.5e6)),
    ("Apple now expects US $89 to $93 billion.", ("range", None, 89e9, 93e9)),
    ("Thousands of people marched in the capital.", ("range", None, 1000, 10000)),
    ("Hundreds of thousands lost power overnight.", ("range", None, 100000, 1000000)),
    ("The margin is less than or equal to 30 seats.", ("at_most", 30, None, 30)),
    ("The parcel weighs just under 4kg.", ("fewer_than", 4, None, 4)),
    ("Turnout was just below 60 percent.", ("fewer_than", 60, None, 60)),
    ("The target is greater than or equal to 5 percent.", ("at_least", 5, 5, None)),
    ("Keep x>10 at all times.", ("more_than", 10, 10, None)),
    ("The shop sells sub-$200 phones.", ("fewer_than", 200, None, 200)),
    ("Keep y<=20 at all times.", ("at_most", 20, None, 20)),
    ("The yield ticked up to 4.3 percent.", ("exact", 4.3, 4.3, 4.3)),
    ("The firm will hire up to 300 staff.", ("at_most", 300, None, 300)),
]


@pytest.mark.parametrize("sentence, expected", BOUNDS, ids=[b[1][0] + ":" + b[0][:30] for b in BOUNDS])
def test_bound(sentence, expected):
    q = only(sentence)
    assert (q.qualifier, q.value, q.low, q.high) == expected


# sentence, (quote, change, direction)
CHANGES = [
    ("Prices rose 5% in May.", ("5%", True, "up")),
    ("Support fell by 3 percentage points.", ("3 percentage points", True, "down")),
    ("The Dow was +0.2% at noon.", ("+0.2%", True, "up")),
    ("Sony lost 2.70 percent in Tokyo.", ("2.70 percent", True, "down")),
    ("The crude contract was up 19 cents.", ("19", True, "up")),
    ("The number of emigrants doubled.", ("doubled", True, "up")),
    ("The budget was halved.", ("halved", True, "down")),
    ("Inflation stood at 3.5 percent.", ("3.5 percent", False, None)),
    ("The toll rose to 500.", ("500", True, "up")),  # the level a change reached: NewsQuant's "up", no claimed change
    ("The startup raised $40 million from investors.", ("$40 million", False, None)),
    ("Fares were raised by 2 percent.", ("2 percent", True, "up")),
    ("The chain hopes to grow revenue by 12 percent.", ("12 percent", True, "up")),
    ("Output fell sharply by 8 percent in March.", ("8 percent", True, "down")),
    ("The main index ended down 2% on Friday.", ("2%", True, "down")),
    ("The forecast was revised upward by 0.4 percent.", ("0.4 percent", True, "up")),
    ("After plummeting 40% last year, the shares recovered.", ("40%", True, "down")),
    ("The guard gave up 20 points in the first half.", ("20", False, None)),
    ("The krona firmed 0.4% against the euro.", ("0.4%", True, "up")),
    ("The shares rebounded 6 percent on Monday.", ("6 percent", True, "up")),
    ("The peso weakened 1.1 per cent overnight.", ("1.1 per cent", True, "down")),
    ("The stock skyrocketed 140% this year.", ("140%", True, "up")),
    ("The CAC 40 closed 0.7% down on the day.", ("0.7%", True, "down")),
    ("Buyers put a 20% down payment on the flat.", ("20%", False, None)),
    ("The carrier trimmed its fleet by 8 percent.", ("8 percent", True, "down")),
    ("The lab raised the dose by 5 percent.", ("5 percent", True, "up")),
    ("Jobless claims edged up to 5.2%.", ("5.2%", True, "up")),
    ("The deficit shrank to 4.1 percent.", ("4.1 percent", True, "down")),
    ("Bond prices were higher by 3%.", ("3%", True, "up")),
    ("The mill paid a higher 15% rate.", ("15%", False, None)),
    ("The lender posted a loss of 40 cents per share.", ("40", False, None)),
]


@pytest.mark.parametrize("sentence, expected", CHANGES, ids=[c[0][:30] for c in CHANGES])
def test_change_and_direction(sentence, expected):
    q = only(sentence)
    assert (q.quote, q.change, q.direction) == expected


# sentence, [(quote, value, unit)]: a percent before "to" and a figure of another unit are a change and its level
CHANGE_AND_LEVEL = [
    ("Earnings slid 30 percent to 4.5 billion rupees.", [("30 percent", 30, "percent"), ("4.5 billion", 4.5e9, "INR")]),
    (
        "The rate climbed 1.5 percentage points to 6 per cent.",
        [("1.5 percentage points", 1.5, "percentage_point"), ("6 per cent", 6, "percent")],
    ),
    ("Volumes rose 12% to 3,400 tonnes.", [("12%", 12, "percent"), ("3,400", 3400, "tonne")]),
]


@pytest.mark.parametrize("sentence, expected", CHANGE_AND_LEVEL, ids=[c[0][:30] for c in CHANGE_AND_LEVEL])
def test_a_percent_to_a_figure_of_another_unit_is_no_range(sentence, expected):
    got = [(q.quote, q.value, q.unit) for q in find_quantities(sentence)]
    assert got == [(quote, pytest.approx(value), unit) for quote, value, unit in expected]


# sentence, (quote, claim_unit, claim_value): a change noun or comparative after a percent ("a 20% drop", "5% higher")
# makes a claimed change, but NewsQuant marks the quantity "=", not up or down (its change slot follows the words
# before a figure: "fell 20%").
CHANGE_AFTER = [
    ("Sales recorded a 20% drop.", ("20%", "percent_change", -20)),
    ("Exports were 5% higher than a year ago.", ("5%", "percent_change", 5)),
    ("Crews reported 20% fewer fires.", ("20%", "percent_change", -20)),
]


@pytest.mark.parametrize("sentence, expected", CHANGE_AFTER, ids=[c[0][:30] for c in CHANGE_AFTER])
def test_a_change_word_after_a_percent_is_a_claimed_change_but_no_change_mark(sentence, expected):
    q = only(sentence)
    assert (q.quote, q.claim_unit, q.claim_value, q.change) == (*expected, False)


@pytest.mark.parametrize(
    "sentence, expected",
    [("Inflation fell to 3.1% in May.", ("down", "percent", 3.1)), ("The toll rose to 500.", ("up", "count", 500))],
)
def test_the_level_a_change_reached_is_claimed_as_a_level(sentence, expected):
    q = only(sentence)
    assert (q.direction, q.claim_unit, q.claim_value) == expected


def test_a_change_is_signed_for_the_claim_layer_and_not_in_the_quantity():
    q = only("Emigration fell 12 percent in 2024.")
    assert (q.value, q.direction, q.claim_unit, q.claim_value) == (12, "down", "percent_change", -12)


# sentence, quote of the number that is no claim, why
NOT_CLAIMS = [
    ("A poll aired by Channel 12 news on Friday found a majority.", "12", "an identifier (after 'Channel')"),
    ("He sold tickets in Section 427 Row 21.", "427", "an identifier (after 'Section')"),
    ("He sold tickets in Section 427 Row 21.", "21", "an identifier (after 'Row')"),
    ("The set streams in 1080p.", "1080p", "a screen resolution"),
    ("A man aged 45 was arrested.", "45", "an age"),
    ("The 50-year-old driver was unhurt.", "50-year", "an age"),
    ("A 15-month-old girl was among the wounded.", "15-month", "an age"),
    ("Chelsea won 3-1 on Sunday.", "3-1", "a score or tally"),
    ("The motion passed by 64 votes to 56.", "64", "a vote tally"),
    ("The talks resume on the 3rd.", "3rd", "an ordinal"),
    ("The meeting starts at 3pm.", "3pm", "a time of day"),
    ("Hamas attacked on 7 October 2023.", "7", "a date"),
    ("Hamas attacked on 7 October 2023.", "2023", "a year"),
    ("The dam should hold until 2150, engineers say.", "2150", "a year"),
    ("In 2014 C-SPAN aired the debate.", "2014", "a year"),  # a one-letter symbol only as a word of its own
    ("Call +972 3 555 1234 for details.", "+972", "a phone number"),
    ("The iPhone 11 sold well.", "11", "a name's number (after 'iPhone')"),
    ("Each one of them was searched.", "one", "a pronoun"),
    ("The house at 14 Ave Gambetta sold in May.", "14", "a street number"),
    ("The flat at 7 W 54th St is for rent.", "7", "a street number"),
    ("They moved to 412 Old Mill Lane last year.", "412", "a street number"),
    ("The final was shown live on ITV Four.", "Four", "a name's number (after 'ITV')"),
    ("The shop at 40-42 Market Street reopened.", "40-42", "a street number"),
    ("Homes in the 10023 zip code sold fast.", "10023", "an identifier (a postal or phone code)"),
    ("Reviewers praised the Pixel 7 Pro cameras.", "7", "a name's number (after 'Pixel')"),
    ("The office at 221 Baker st. closed.", "221", "a street number"),
    ("Pupils start school at the age of 5 in the north.", "5", "an age"),
    ("The carrier switched on its 5G network.", "5G", "a mobile network's generation"),
    ("Life expectancy for women there is about 84.", "about 84", "an age"),
    ("The average age of new teachers was 31 last year.", "31", "an age"),
    ("The club dropped into the bottom three on Saturday.", "three", "a place in a ranking"),
    ("Her debut album went straight into the top 10.", "10", "a place in a ranking"),
    ("Only fans over the age of 16 can enter.", "16", "an age"),
    ("The new chairman is 58 years of age.", "58 years", "an age"),
]


@pytest.mark.parametrize("sentence, quote, reason", NOT_CLAIMS, ids=[f"{r}:{q}" for _, q, r in NOT_CLAIMS])
def test_not_a_claim(sentence, quote, reason):
    found = {q.quote: q for q in find_quantities(sentence)}
    assert quote in found, (sentence, list(found))
    assert (found[quote].is_claim, found[quote].not_claim_reason) == (False, reason)


@pytest.mark.parametrize(
    "sentence",
    [
        "A poll aired by Channel 12 news on Friday found 56% back the deal.",
        "Chelsea won 3-1 at home on 7 October 2023 at 3pm.",
    ],
)
def test_numbers_that_are_no_claims_never_become_claims(sentence):
    quotes = [c.quote for c in extract_claims(Article(id="t", text=sentence))]
    assert quotes == (["56%"] if "56%" in sentence else [])


def test_a_crowd_in_the_streets_is_no_street_number():
    assert only("About 4,000 marched through the streets of the capital.").quote == "About 4,000"


def test_a_count_before_a_capitalised_noun_stays_a_claim():
    assert only("Storms Kill 300 Farm Workers In Delta").quote == "300"  # a title-case line, no model's name
    assert only("The firm sold 300 Pro laptops.").quote == "300"


# sentence, (quote, share in percent): a share written with a slash before "of", never a date
SLASH_SHARES = [
    ("A cup is about 1/16 of a gallon.", ("about 1/16", 6.25)),
    ("Nearly 3/4 of the members voted.", ("Nearly 3/4", 75.0)),
    ("The pipe loses 1⁄128 of its flow.", ("1⁄128", 0.78125)),
]


@pytest.mark.parametrize("sentence, expected", SLASH_SHARES, ids=[s[1][0] for s in SLASH_SHARES])
def test_a_slash_share(sentence, expected):
    q = only(sentence)
    assert (q.quote, q.value, q.unit, q.form) == (expected[0], pytest.approx(expected[1]), "percent", "fraction")


@pytest.mark.parametrize(
    "sentence",
    ["Prices rose for a third straight month.", "She won a fourth term in May.", "Leaders met at COP27 in Egypt."],
)
def test_an_ordinal_or_a_name_is_no_quantity(sentence):
    assert find_quantities(sentence) == []


# sentence, (quote, unit, why it is no claim)
@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Leaders met at COP 28 in Dubai.", ("28", "count", "a name's number (after 'COP')")),
        ("The raid began at 0500 hrs.", ("0500", "hour", "a time of day")),
    ],
)
def test_a_code_or_a_clock_before_a_figure_is_no_money_or_duration(sentence, expected):
    (q,) = find_quantities(sentence)
    assert (q.quote, q.unit, q.not_claim_reason) == expected


@pytest.mark.parametrize("sentence", ["The city marked 9/11 of that year.", "He works 24/7 of course."])
def test_a_slash_that_is_no_share(sentence):
    assert all(q.form != "fraction" for q in find_quantities(sentence))


def test_a_capitalised_number_word_in_a_title_case_line_stays_a_claim():
    assert only("Israel Says Three Killed in Raid").quote == "Three"  # not a name's number like "BBC One"


# sentence, the plural noun the figure counts
COUNTED = [
    ("Some 40 fishermen lost their boats in the storm.", "fishermen"),
    ("The club fielded 11 new players on Saturday.", "players"),
    ("The museum keeps 200 specimen jars in its cellar.", "jars"),
    ("The carrier grounded 40 aircraft on Monday.", "aircraft"),
    ("Floods drowned 3,000 cattle in the valley.", "cattle"),
]


@pytest.mark.parametrize("sentence, counted", COUNTED, ids=[c for _, c in COUNTED])
def test_counted_noun(sentence, counted):
    assert only(sentence).counted == counted


# sentence, (low, high, unit): a range's unit is its ends', a rate written once after the second end included
RANGE_UNITS = [
    ("Tickets sell at between $40 and $55 per seat.", (40, 55, "USD/seat")),
    ("Rents run from $20 to $26 per square foot.", (20, 26, "USD/square_foot")),
    ("The lake warmed by 2 to 3 degrees Celsius.", (2, 3, "celsius")),
    ("The repairs take two or three weeks.", (2, 3, "week")),
    ("The levy costs £150-£250 a year.", (150, 250, "GBP/year")),
]


@pytest.mark.parametrize("sentence, expected", RANGE_UNITS, ids=[r[1][2] for r in RANGE_UNITS])
def test_range_unit(sentence, expected):
    q = only(sentence)
    assert (q.low, q.high, q.unit) == expected


def test_a_rate_reads_past_a_conversion_in_brackets():
    first, second = find_quantities("The levy raises 40 million euros (about $43 million) a year.")
    assert (first.quote, first.unit, second.unit) == ("40 million", "EUR/year", "USD")


def test_a_spaced_dash_after_a_conversion_starts_no_rate():
    first, second = find_quantities("Winds dropped by 2 degrees Celsius (3.6 Fahrenheit) - a sharp swing.")
    assert (first.unit, second.unit) == ("celsius", "fahrenheit")
    (refinery,) = [q for q in find_quantities("The port has one 40,000 barrel-a-day refinery.") if q.value == 40000]
    assert refinery.unit == "barrel/day"  # a glued hyphen still reads a rate


def test_just_under_bounds_the_quantity_and_is_checked_as_nearly():
    sentence = "Just under 2,000 homes were damaged in the storm."
    assert only(sentence).qualifier == "fewer_than"
    (claim,) = extract_claims(Article(id="t", text=sentence))
    assert (claim.qualifier, claim.low, claim.high) == ("nearly", 1800, 2040)


# sentence, [(quote, qualifier)]: a bare conversion in brackets states the bound of the measure before it
CONVERSIONS = [
    (
        "The engine makes over 200 hp (149 kW / 203 PS) at the top.",
        [("over 200", "more_than"), ("149", "more_than"), ("203", "more_than")],
    ),
    ("The walk is about 5 miles (8 km) long.", [("about 5", "about"), ("8", "about")]),
    ("More than 900 people (400 of them children) fled.", [("More than 900", "more_than"), ("400", "exact")]),
    (
        "It sold for nearly $2 million (£1.6 million) in May.",
        [("nearly $2 million", "nearly"), ("£1.6 million", "nearly")],
    ),
    ("The lake is 4 km (about 2.5 miles) across.", [("4", "exact"), ("about 2.5", "about")]),
]


@pytest.mark.parametrize("sentence, expected", CONVERSIONS, ids=[c[0][:30] for c in CONVERSIONS])
def test_a_conversion_in_brackets_takes_the_bound(sentence, expected):
    assert [(q.quote, q.qualifier) for q in find_quantities(sentence)] == expected


# sentence, [(quote, change, direction)]: a bracketed conversion and an elliptical change keep the change before
CARRIED_CHANGES = [
    (
        "Sea levels fell by 2 to 3 metres (6.5 to 10 feet) in that age.",
        [("2 to 3", True, "down"), ("6.5 to 10", True, "down")],
    ),
    ("Apple rose 2.1%, Intel by 1.4% and Dell was flat.", [("2.1%", True, "up"), ("1.4%", True, "up")]),
    ("Revenue rose 5% and margins by 2%.", [("5%", True, "up"), ("2%", True, "up")]),
    ("Revenue rose 5%; margins stood at 2%.", [("5%", True, "up"), ("2%", False, None)]),
    ("Copper fell 40 cents, or 1.1%, on Friday.", [("40", True, "down"), ("1.1%", True, "down")]),
    ("The Nasdaq added 95 points, or 0.6 percent.", [("95", True, "up"), ("0.6 percent", True, "up")]),
]


@pytest.mark.parametrize("sentence, expected", CARRIED_CHANGES, ids=[c[0][:30] for c in CARRIED_CHANGES])
def test_a_change_carries_over(sentence, expected):
    assert [(q.quote, q.change, q.direction) for q in find_quantities(sentence)] == expected


# sentence, [(quote, unit)]: a bare figure takes the unit written once for its list or for a parallel phrase
CARRIED_UNITS = [
    ("Tickets cost 5, 8 or 10 euros at the door.", [("5", "EUR"), ("8 or 10", "EUR")]),
    (
        "The club spent 40 million of the 90 million pounds sterling it raised.",
        [("40 million", "GBP"), ("90 million", "GBP")],
    ),
    ("Exports rose by 3 percent while imports fell by 2.", [("3 percent", "percent"), ("2", "percent")]),
    (
        "The index opened at 7,210.5 points and, after a slide of 0.8%, closed at 7,152.9.",
        [("7,210.5", "point"), ("0.8%", "percent"), ("7,152.9", "point")],
    ),
    ("Shares climbed 4.2% and closed at 18.40.", [("4.2%", "percent"), ("18.40", "count")]),
    ("Wheat rose by 2 percent on Monday; corn fell by 1 cent.", [("2 percent", "percent"), ("1", "cent")]),
    ("Wheat rose by 2 percent on Monday; corn fell by 1.", [("2 percent", "percent"), ("1", "count")]),
    ("The team scored 3 goals in 90 minutes.", [("3", "count"), ("90", "minute")]),
    ("The museum cut its fee by 2 euros to 9.", [("2", "EUR"), ("9", "EUR")]),
    ("The gauge fell 30 points to 1,240 overnight.", [("30", "point"), ("1,240", "point")]),
    ("The stock rose 6% to 120 in early trade.", [("6%", "percent"), ("120", "count")]),
]


@pytest.mark.parametrize("sentence, expected", CARRIED_UNITS, ids=[c[0][:30] for c in CARRIED_UNITS])
def test_a_unit_carries_over_to_a_bare_figure(sentence, expected):
    assert [(q.quote, q.unit) for q in find_quantities(sentence)] == expected


def test_a_carried_unit_leaves_the_claim_reading_alone():
    (_, second) = find_quantities("Exports rose by 3 percent while imports fell by 2.")
    assert (second.claim_unit, second.claim_value) == ("count", 2)


def test_an_elliptical_change_is_no_claimed_change():
    (_, second) = [q for q in find_quantities("Apple rose 2.1%, Intel by 1.4% and Dell was flat.")]
    assert (second.claim_unit, second.claim_value) == ("percent", 1.4)  # the claim reading is left as it was


def test_a_from_to_range_is_one_quantity_and_two_claims():
    sentence = "Growth slowed from 4.8 to 4.7 percent."
    (q,) = find_quantities(sentence)
    assert (q.qualifier, q.low, q.high, q.unit) == ("range", 4.8, 4.7, "percent")
    assert [c.quote for c in extract_claims(Article(id="t", text=sentence))] == ["4.8", "4.7 percent"]


# sentence, [(quote, low, high)]: a from-to or between range reaches over a year or a time of day, whatever bound
# its first end has
FROM_TO_RANGES = [
    (
        "The coin sank from $410 at 9am on Monday to $372 by the evening.",
        [("from $410 at 9am on Monday to $372", 410, 372), ("9am", 9, 9)],
    ),
    (
        "Fuel use fell from 30 litres a day in 2015 to 22 in 2023.",
        [("from 30 litres a day in 2015 to 22", 30, 22), ("2015", 2015, 2015), ("2023", 2023, 2023)],
    ),
    ("The battery now lasts from up to 9 hours to 11 hours.", [("from up to 9 hours to 11", 9, 11)]),
    ("The works will take between seven to 10 weeks.", [("between seven to 10 weeks", 7, 10)]),
    (
        "The club won 3 titles in 2019 and 5 in 2021.",
        [("3", 3, 3), ("2019", 2019, 2019), ("5", 5, 5), ("2021", 2021, 2021)],
    ),
]


@pytest.mark.parametrize("sentence, expected", FROM_TO_RANGES, ids=[r[0][:30] for r in FROM_TO_RANGES])
def test_a_from_to_range_reaches_over_a_year(sentence, expected):
    assert [(q.quote, q.low, q.high) for q in find_quantities(sentence)] == expected


def test_extract_quantities_json_lists_every_quantity(tmp_path):
    from claimledger.cli import app

    article = tmp_path / "poll.md"
    article.write_text(
        "---\ntitle: Poll\npublished: 2025-05-16\n---\n\nA poll aired by Channel 12 news on Friday "
        "found that 56% of Israelis back the deal, up 4 percentage points since 2024.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["extract", str(article), "--quantities", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    keys = [
        "article",
        "quote",
        "value",
        "low",
        "high",
        "unit",
        "qualifier",
        "change",
        "direction",
        "is_claim",
        "not_claim_reason",
    ]
    assert all(list(row) == keys for row in rows)
    assert [
        (r["quote"], r["unit"], r["change"], r["direction"], r["is_claim"], r["not_claim_reason"]) for r in rows
    ] == [
        ("12", "count", False, None, False, "an identifier (after 'Channel')"),
        ("56%", "percent", False, None, True, None),
        ("4 percentage points", "percentage_point", True, "up", True, None),
        ("2024", "count", False, None, False, "a year"),
    ]


_NQ_SPEC = importlib.util.spec_from_file_location(
    "newsquant_bench", Path(__file__).resolve().parents[1] / "bench" / "newsquant.py"
)
newsquant = importlib.util.module_from_spec(_NQ_SPEC)
_NQ_SPEC.loader.exec_module(newsquant)


# sentence, [(value, NewsQuant's unit name, qualifier)]: bench/newsquant.py's map from our units to NewsQuant's names
NEWSQUANT_NAMES = [
    ("The stock closed at 340p.", [(340, "point", "exact")]),
    ("The shares trade at 12 times sales.", [(12, "count", "exact")]),
    ("He threw for 40 passing yards.", [(40, "yard", "exact")]),
    ("They bought four-door cars.", [(4, "door", "exact")]),
    ("They bought a four-door car.", []),  # a number word hyphened into an adjective after "a": not annotated
    ("She earns a six-figure salary.", []),
    ("Exports rose fourfold in a decade.", [(4, "count", "exact")]),  # a factor written: the factor
    ("Cases are 3 times higher than in May.", [(3, "count", "exact")]),
    ("Profits doubled last year.", []),  # no number written
    ("The hall is twice as large.", []),
    ("The council approved a ten-year plan.", []),  # a duration as an adjective: not annotated
    ("Police found a 3-year-old boy.", [(3, "year of age", "exact")]),
    ("The town lies about 20-25 km away.", [((20, 25), "kilometre", "about")]),
    ("The engine makes 320 Nm of torque.", [(320, "newton metre", "exact")]),
    ("About 40 fishermen lost their boats.", [(40, "fisherman", "about")]),
    ("Gas traded at $3.10 per mmBtu.", [(3.1, "dollar per mega british thermal unit", "exact")]),
    ("She rides one of the fastest electric bikes around.", [(1, "fast electric bike", "exact")]),
    ("It was one of the most daring escapes ever to make the news.", [(1, "daring escape make news", "exact")]),
    ("He runs one of the biggest farms in the valley.", [(1, "big farm valley", "exact")]),
    ("It was one of the happiest days of her career.", [(1, "happy day career", "exact")]),
    ("They joined the 12 nation trade pact, officials said.", [(12, "nation trade pact", "exact")]),
    ("The side won 12 and drew two.", [(12, None, "exact"), (2, None, "exact")]),
    ("She is one of the best players in the league this season.", [(1, "good player", "exact")]),
    (
        "The maker offers four-, six- and eight-speed gearboxes.",
        [(4, "speed", "exact"), (6, "speed", "exact"), (8, "speed", "exact")],
    ),
    ("The lab runs 2,500 samples per day.", [(2500, "sample per day", "exact")]),
    ("The mill hired 300 workers, about half of whom were local.", [(300, "worker", "exact"), (0.5, "% -", "about")]),
    ("A third of the village voters stayed home.", [(pytest.approx(1 / 3), "% village voter", "exact")]),
    ("Doctors treated a 9-month-old girl.", [(9, "month of age", "exact")]),
    ("A cup is 1/16 of a gallon.", [(0.0625, "gallon", "exact")]),
    ("The coach may rest a player or two.", [(2, "player", "exact")]),
    ("One imperial fluid ounce is less.", [(1, "ounce", "exact")]),
    ("They found one solution.", [(1, "solution", "exact")]),
    ("The club signed one new striker in May.", [(1, "new striker", "exact")]),
    ("One plan calls for new taxes.", [(1, "plan", "exact")]),
    ("She set a record 14 wins and the other 3 players none.", [(14, "record win", "exact"), (3, "player", "exact")]),
    ("Officials reported 40 new cases.", [(40, "new case", "exact")]),
    ("The 5 biggest banks and 3 most famous clubs agreed.", [(5, "big bank", "exact"), (3, "famous club", "exact")]),
    ("Crews rebuilt 12 houses and 3 churches.", [(12, "house", "exact"), (3, "church", "exact")]),
    ("The lab sequenced 5 viruses from 9 wolves.", [(5, "virus", "exact"), (9, "wolf", "exact")]),
    ("The team ran 30 analyses of 4 crises.", [(30, "analysis", "exact"), (4, "crisis", "exact")]),
    ("He averaged 21 points a game.", [(21, "point per game", "about")]),
    ("They scored an average 21 points.", [(21, "point", "exact")]),
    ("They sold 20 bikes to 14 for local riders.", [(20, "bike", "exact"), (14, None, "exact")]),
    ("Two-thirds of the voters stayed home.", [(pytest.approx(2 / 3), "% voter", "exact")]),
    ("The 25m (82ft) tower leans.", [(25, "metre", "exact"), (82, "foot", "exact")]),
    ("The DAX 40 gained 120 points.", [(120, "point", "exact")]),
    ("The clinic hired a further 20 nurses.", [(20, "nurse", "exact")]),
    ("The label sold 400 recorded albums.", [(400, "album", "exact")]),
    ("The mill hired 400 last year after orders rose.", [(400, None, "exact")]),
    ("The chain employs 900 across two regions.", [(900, None, "exact"), (2, "region", "exact")]),
    ("Fares rose 2,000 won to 1.2 million won.", [(2000, None, "exact"), (1.2e6, "south korean won", "exact")]),
    ("Five of the new stores closed.", [(5, "new store", "exact")]),
    ("The bank lost two of its biggest clients.", [(2, "big client", "exact")]),
    ("Three of Spain's largest lenders merged.", [(3, "Spain large lender", "exact")]),
    ("Four of them resigned.", [(4, None, "exact")]),
    ("The band played 12 other venues.", [(12, "other venue", "exact")]),
    (
        "The guard averaged 24.1 ppg and 6.5 apg.",
        [(24.1, "point per game", "about"), (6.5, "assist per game", "exact")],
    ),
    ("The runner gained 98 ypg on the ground.", [(98, "yard per game", "exact")]),
    ("Prices climbed 3% a year in the decade.", [(3, "percentage per year", "exact")]),
    ("At the age of 35 years he retired.", [(35, "year of age", "exact")]),
    ("The deal is worth 2 billion Qatari riyals.", [(2e9, "qatari riyal", "exact")]),
    ("The tablet has 4G and a 10.9in screen.", [(4, "generation wireless", "exact"), (10.9, "inch", "exact")]),
    ("Life expectancy rose by 2 years.", [(2, "year", "exact")]),
    ("By Friday the top three seeds had advanced.", [(3, "top seed", "exact")]),
]


@pytest.mark.parametrize("sentence, expected", NEWSQUANT_NAMES, ids=[n[0][:30] for n in NEWSQUANT_NAMES])
def test_newsquant_names(sentence, expected):
    (row,) = newsquant.predictions([{"text": sentence}])
    got = [
        (tuple(q["range"]) if q["value"] is None else q["value"], q["unit"], q["qualifier"]) for q in row["quantities"]
    ]
    assert got == [(pytest.approx(v) if not isinstance(v, tuple) else v, u, ql) for v, u, ql in expected]
