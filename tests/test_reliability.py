"""Bad input and odd articles: each ends with a clear message or a sound result, and nothing half-done.

(Source faults are in test_sources.py and test_source_history.py; killed and concurrent runs in test_ledger*.py.)
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from claimledger.articles import ArticleError, read_article
from claimledger.checks.engine import check_claims
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.pipeline import load_articles


def test_an_oversized_article_file_is_refused_before_it_is_read(tmp_path):
    """(Empty, binary and non-UTF-8 files: test_articles.py.)"""
    path = tmp_path / "dump.md"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(ArticleError, match=r"dump\.md: 3\.1 MB, above the 2\.1 MB limit"):
        read_article(path)


def test_one_bad_file_stops_the_run_before_any_work_and_names_every_bad_file(tmp_path):
    (tmp_path / "good.md").write_text("---\npublished: 2025-05-16\n---\nMore than 52,000 people were killed in Gaza.")
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    with pytest.raises(ArticleError) as caught:
        load_articles((str(tmp_path),))
    assert "empty.md" in str(caught.value) and "binary.txt" in str(caught.value)


def test_an_article_without_a_date_gives_unverifiable_claims_that_say_why():
    article = Article(id="undated", text="More than 52,000 people have been killed in Gaza.", published=None)
    claims = extract_claims(article)
    (result,) = check_claims(claims, {}, load_vocabulary())
    assert result.verdict == "unverifiable"
    assert "no date" in result.explanation and "--as-of" in result.explanation


def test_thousands_of_numbers_in_one_article():
    rng = random.Random(3)
    sentences = [f"In Gaza, {rng.randrange(1, 99_999):,} people were reported in shelter {i}." for i in range(3000)]
    sentences += [f"Table row {i}: {rng.random() * 100:.2f} percent, {rng.randrange(10**6)} units." for i in range(2000)]
    article = Article(id="numbers", text=" ".join(sentences), published=date(2025, 5, 16))
    claims = extract_claims(article)
    assert len(claims) >= 7000
    assert len({c.id for c in claims}) == len(claims)  # ids stay unique
    assert all(article.text[c.start:c.end] == c.quote for c in claims)


@pytest.mark.parametrize("text", [
    "\u200b\u200b\u200b",                       # nothing visible
    "52,000" * 1000,                            # digits with no spaces
    "(((((((((((" * 5000 + " 12 people",        # punctuation storm
    "one two three four five " * 2000,          # number words without nouns
])
def test_odd_text_never_crashes_extraction(text):
    extract_claims(Article(id="odd", text=text, published=date(2025, 5, 16)))
