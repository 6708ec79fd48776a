"""Properties of the number reader (claims/numbers.py) and the qualifier intervals (claims/qualifiers.py), over
generated inputs: what holds for every figure, not only for the examples the other test files list."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from claimledger.claims.model import DURATION_UNITS, UNITS
from claimledger.claims.numbers import Figure, find_figures, read_word_number
from claimledger.claims.qualifiers import ABOUT_RELATIVE, EXACT_RELATIVE, Interval, find_qualifier, interval_for
from claimledger.claims.wordlists import word_list

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def in_words(n: int, hyphen: bool = True, joiner: str = " and ") -> str:
    """English words for 0 <= n < 10**12, as a reporter writes them: "twenty-two thousand three hundred and five"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (("-" if hyphen else " ") + _ONES[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (joiner + in_words(rest, hyphen, joiner) if rest else "")
    for scale, word in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if n >= scale:
            head, rest = divmod(n, scale)
            return f"{in_words(head, hyphen, joiner)} {word}" + (" " + in_words(rest, hyphen, joiner) if rest else "")
    raise ValueError(n)


def only_figure(text: str) -> Figure:
    (figure,) = find_figures(text)
    return figure


SENTENCE = st.sampled_from(
    [
        "{} people were displaced.",
        "The ministry counted {} in total.",
        "By Friday, {} had been registered, officials said.",
    ]
)
COUNTS = st.integers(min_value=0, max_value=10**15 - 1)


# ---- the number reader ----


@given(COUNTS, SENTENCE)
@example(52_000, "{} people were displaced.")
def test_an_integer_with_thousands_separators_reads_back(n, sentence):
    written = f"{n:,}"
    figure = only_figure(sentence.format(written))
    assert figure.value == n
    assert sentence.format(written)[figure.start : figure.end] == written


@given(st.integers(min_value=1_000, max_value=10**15 - 1), SENTENCE)
def test_space_grouped_digits_read_as_one_number(n, sentence):
    written = f"{n:,}".replace(",", " ")
    assert only_figure(sentence.format(written)).value == n


@given(st.integers(min_value=1, max_value=999_999_999), st.booleans(), st.sampled_from([" and ", " "]))
@example(22_000, True, " and ")
@example(100, True, " and ")
def test_a_number_in_words_reads_back(n, hyphen, joiner):
    words = in_words(n, hyphen, joiner)
    assert read_word_number(words) == n
    figure = only_figure(f"Officials said {words} families were moved.")
    assert (figure.value, figure.form) == (n, "words")


@given(
    st.decimals(min_value="0.1", max_value="999.9", places=1),
    st.sampled_from([("thousand", 10**3), ("million", 10**6), ("billion", 10**9), ("m", 10**6), ("bn", 10**9)]),
)
@example(__import__("decimal").Decimal("1.5"), ("million", 10**6))
def test_a_figure_with_a_scale_word_is_its_value_times_the_scale(number, scale):
    word, factor = scale
    written = f"{number}{'' if len(word) <= 2 else ' '}{word}"
    figure = only_figure(f"The fund reached {written} last year.")
    assert figure.value == pytest.approx(float(number) * factor, rel=1e-12)
    assert figure.form == "round"
    # the last significant digit of "1.5 million" is a hundred thousand
    decimals = -number.as_tuple().exponent
    assert figure.significant_unit == pytest.approx(factor * 10**-decimals)


@given(COUNTS.filter(lambda n: n > 0))
def test_the_significant_unit_divides_the_value_and_its_digit_is_not_zero(n):
    figure = only_figure(f"{n:,} people were displaced.")
    quotient = figure.value / figure.significant_unit
    assert quotient == int(quotient) and int(quotient) % 10 != 0


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=1, max_value=10**9),
    st.sampled_from(["between {} and {}", "{} to {}", "{}-{}", "from {} to {}"]),
)
def test_a_range_reads_low_below_high_and_its_value_inside(a, gap, form):
    low, high = a, a + gap
    text = f"Officials estimate {form.format(f'{low:,}', f'{high:,}')} people remain."
    (figure,) = [f for f in find_figures(text) if f.form == "range"]
    assert (figure.low, figure.high) == (low, high)
    assert figure.low <= figure.value <= figure.high


@given(
    st.decimals(min_value="0.00001", max_value="1000", places=5),
    st.decimals(min_value="0.00001", max_value="1000", places=5),
    st.sampled_from(["between {} and {}", "{} to {}"]),
)
@example(__import__("decimal").Decimal("0.00001"), __import__("decimal").Decimal("0.00002"), "between {} and {}")
def test_a_range_of_decimals_has_its_value_inside(a, gap, form):
    low, high = a, a + gap
    (figure,) = find_figures(f"The rate is {form.format(low, high)} percent.")
    assert (figure.low, figure.high) == (float(low), float(high))
    assert figure.low <= figure.value <= figure.high


@given(
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(["between {} and {}", "{} to {}", "{}-{}", "from {} to {}"]),
)
def test_a_falling_pair_is_never_read_as_a_range(high, gap, form):
    """ "from 60 to 50" or a score "3-1" is two figures or none, never a range with its ends swapped."""
    text = f"The tally went {form.format(f'{high + gap:,}', f'{high:,}')} overnight."
    assert all(f.low is None or f.low < f.high for f in find_figures(text))
    assert all(f.form != "range" for f in find_figures(text))


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_every_figure_found_lies_inside_the_text_in_order(text):
    figures = find_figures(text)
    assert all(0 <= f.start < f.end <= len(text) for f in figures)
    assert all(a.end <= b.start for a, b in zip(figures, figures[1:]))
    assert all(math.isfinite(f.value) for f in figures)


# ---- the qualifier intervals ----


# Found by the properties below: bounds were rounded to 4 decimals, so a figure under 0.0001 got the interval
# [0, 0] and its claim failed against its own value.
@pytest.mark.parametrize(
    "value, qualifier, unit, form",
    [
        (0.00004, "about", "percent", "percent"),  # "about 0.00004 percent"
        (0.00005, "nearly", "percent", "percent"),
        (1e-07, "exact", "count", "digits"),
        (0.00003, "exact", "ratio", "digits"),
        (-0.00002, "about", "percent_change", "percent"),
    ],
)
def test_a_figure_below_a_ten_thousandth_holds_at_its_own_value(value, qualifier, unit, form):
    i = interval_for(value, qualifier, unit, form, abs(value))
    assert i.low < i.high and i.contains(value)


QUALIFIERS = ["exact", "more_than", "at_least", "fewer_than", "at_most", "nearly", "about"]
FORMS = ["digits", "round", "words", "fraction", "percent", "range", "plural"]
# A figure as the reader gives them: a positive value of at most 15 significant digits, and the unit of its last
# significant digit
VALUES = st.one_of(
    st.integers(min_value=1, max_value=10**12).map(float),
    st.decimals(min_value="0.0000001", max_value="1000000", places=7).map(float),
)


def significant_unit(value: float) -> float:
    text = f"{value:.10g}"
    if "." in text:
        return 10.0 ** -len(text.split(".")[1])
    return 10.0 ** (len(text) - len(text.rstrip("0")))


def interval(value, qualifier, unit="count", form="digits") -> Interval:
    return interval_for(value, qualifier, unit, form, significant_unit(value))


def some_value_in(i: Interval) -> bool:
    if i.low is None or i.high is None:
        return True
    return i.low < i.high or (i.low == i.high and i.low_inclusive and i.high_inclusive)


@given(VALUES, st.sampled_from(QUALIFIERS), st.sampled_from(UNITS), st.sampled_from(FORMS))
def test_every_interval_holds_some_value(value, qualifier, unit, form):
    assert some_value_in(interval(value, qualifier, unit, form))


@given(
    VALUES,
    st.sampled_from(["exact", "at_least", "at_most", "nearly", "about"]),
    st.sampled_from(UNITS),
    st.sampled_from(FORMS),
)
@example(0.0001, "about", "count", "digits")
@example(0.0004, "exact", "count", "digits")
def test_a_claim_whose_wording_includes_its_figure_holds_at_the_figure(value, qualifier, unit, form):
    """ "at least N", "about N", "nearly N" and a bare N are all true when the reference is exactly N."""
    assert interval(value, qualifier, unit, form).contains(value)


@given(VALUES)
def test_more_than_and_fewer_than_exclude_the_figure_and_hold_just_past_it(value):
    step = max(value * 1e-9, 1e-9)
    more, fewer = interval(value, "more_than"), interval(value, "fewer_than")
    assert not more.contains(value) and more.contains(value + step) and not more.contains(value - step)
    assert not fewer.contains(value) and fewer.contains(value - step) and not fewer.contains(value + step)


@given(VALUES, st.floats(min_value=0, max_value=1e13, allow_nan=False))
def test_qualifiers_nest(value, reference):
    """Each stricter wording holds only where the looser one holds: more than N within at least N, nearly N and
    a bare digits figure within about N."""
    contains = {q: interval(value, q).contains(reference) for q in QUALIFIERS}
    assert not contains["more_than"] or contains["at_least"]
    assert not contains["fewer_than"] or contains["at_most"]
    assert not contains["nearly"] or contains["about"]
    assert not contains["exact"] or contains["about"]
    assert contains["at_least"] != contains["fewer_than"]  # the two sides of N: exactly one holds
    assert contains["more_than"] != contains["at_most"]


@given(VALUES, st.sampled_from(["round", "words"]))
def test_a_round_figure_allows_at_least_what_about_allows(value, form):
    rounded, about = interval(value, "exact", "count", form), interval(value, "about")
    assert rounded.low <= about.low and rounded.high >= about.high


@given(VALUES, st.sampled_from([("about", ABOUT_RELATIVE), ("exact", EXACT_RELATIVE)]))
def test_about_and_a_bare_figure_are_symmetric_about_it(value, case):
    qualifier, relative = case
    i = interval(value, qualifier)
    assert i.high - value == pytest.approx(value - i.low, abs=2e-4)
    assert i.high - i.low == pytest.approx(2 * relative * value, abs=2e-4)


@given(
    VALUES,
    st.sampled_from(QUALIFIERS),
    st.floats(min_value=0, max_value=1e13, allow_nan=False),
    st.floats(min_value=0, max_value=10, allow_nan=False),
)
def test_contains_distance_overlaps_and_widened_agree(value, qualifier, reference, margin):
    i = interval(value, qualifier, "percent")
    if i.contains(reference):
        assert i.distance(reference) == 0
        assert i.widened(margin, "a margin").contains(reference)
    if i.distance(reference) > 0:
        assert not i.contains(reference)
    assert i.overlaps(reference, reference) == i.contains(reference)


@given(st.integers(min_value=1, max_value=600), st.sampled_from(DURATION_UNITS))
def test_a_duration_in_whole_units_holds_at_its_figure_and_one_unit_on(value, unit):
    """ "a 14-month war" on day 440 (14.5 months): completed units or the nearest, so N and up to N + 1 hold."""
    i = interval_for(float(value), "exact", unit, "digits", 1.0)
    assert i.contains(value) and i.contains(value + 0.99) and i.contains(value - 0.5)


_BEFORE = word_list("qualifiers")["before"]
_AFTER = word_list("qualifiers")["after"]
_WRITTEN = word_list("qualifiers")["written"]
LONGEST = {p: q for q, ps in _BEFORE.items() for p in ps}  # each phrase names one qualifier


@given(st.sampled_from(sorted(LONGEST)), st.sampled_from(["", "Officials said ", "The toll is now "]))
def test_every_phrase_before_a_figure_reads_as_its_qualifier(phrase, lead):
    found = find_qualifier(f"{lead}{phrase} ", " people")
    assert found.qualifier == LONGEST[phrase]
    assert found.before == len(phrase) + 1 and found.bound == _WRITTEN.get(phrase, LONGEST[phrase])


@given(st.sampled_from(sorted((p, q) for q, ps in _AFTER.items() for p in ps)))
def test_every_phrase_after_a_figure_reads_as_its_qualifier(case):
    phrase, qualifier = case
    found = find_qualifier("Officials said ", f" {phrase} people were moved")
    assert (found.qualifier, found.after) == (qualifier, len(phrase) + 1)
