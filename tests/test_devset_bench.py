"""bench/devset.py: how truth figures are found, paired with claims and counted, and that the set itself loads."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("devset_bench", ROOT / "bench" / "devset.py")
devset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(devset)


@pytest.mark.parametrize(
    "text, quote, spans",
    [
        ("100 of 100,000", "100", [(0, 3)]),
        ("2,100 and 100", "100", [(10, 13)]),
        ("1.4 million", "4", []),
        ("1.4 million", "1.4 million", [(0, 11)]),
        ("a 7-day truce", "7-day", [(2, 7)]),
        ("in 2023, 23 died", "23", [(9, 11)]),
        ("23 000 and 23", "23 000", [(0, 6)]),
        ("fourteen, then four", "four", [(15, 19)]),
        ("someone said one", "one", [(13, 16)]),
    ],
)
def test_figure_spans_find_whole_figures_only(text, quote, spans):
    assert devset.figure_spans(text, quote) == spans


def _claim(start, end, verdict, article="a"):
    return {"article": article, "span": (start, end), "verdict": verdict, "quote": "x", "split": "dev"}


def _figure(start, end, verdict="pass", article="a"):
    return {"article": article, "span": (start, end), "verdict": verdict, "quote": "x", "split": "dev"}


@pytest.mark.parametrize(
    "figure, claims, tool",
    [
        (_figure(10, 15), [_claim(8, 15, "fail")], "fail"),  # "at least 25,900" holds "25,900"
        (_figure(10, 15), [_claim(20, 25, "pass")], "none"),  # no claim at the figure
        (_figure(10, 15), [_claim(10, 15, "pass", article="b")], "none"),  # a claim in another article
        (_figure(10, 15), [_claim(9, 11, "fail"), _claim(10, 15, "pass")], "pass"),  # the larger overlap wins
    ],
)
def test_pair_takes_the_claim_over_the_figure(figure, claims, tool):
    assert devset.pair([figure], claims)[0]["tool"] == tool


def test_pair_counts_a_decided_claim_without_truth_as_truth_none():
    scored = devset.pair([], [_claim(0, 3, "fail"), _claim(5, 8, "unverifiable")])
    assert [(f["verdict"], f["tool"]) for f in scored] == [("none", "fail")]


@pytest.mark.parametrize(
    "pairs, field, expected",
    [
        ([("pass", "fail"), ("unverifiable", "fail"), ("none", "fail"), ("fail", "fail")], "wrong_fails", 3),
        ([("pass", "pass"), ("fail", "pass"), ("unverifiable", "pass")], "wrong_passes", 2),
        ([("pass", "none"), ("fail", "unverifiable"), ("unverifiable", "none")], "misses", 2),
        ([("pass", "pass"), ("unverifiable", "none"), ("none", "unverifiable"), ("pass", "fail")], "right", 3),
    ],
)
def test_tally_counts_each_kind_of_error(pairs, field, expected):
    scored = [{"verdict": truth, "tool": tool} for truth, tool in pairs]
    assert devset.tally(scored)[field] == expected


def test_throwaway_registry_reads_every_file_source_from_this_checkout(tmp_path):
    devset.throwaway_project(tmp_path / "project")
    registry = (tmp_path / "project" / "data" / "sources.toml").read_text(encoding="utf-8")
    assert '"file:data/' not in registry and '"file:../' not in registry
    assert f'"file://{ROOT}/data/reference/' in registry
    assert (tmp_path / "project" / "expectations" / "gaza_casualties_daily.json").is_file()


def test_a_truth_quote_missing_from_its_article_is_reported_with_file_and_figure(tmp_path, monkeypatch):
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "x.toml").write_text('[[figure]]\nquote = "9,999"\nverdict = "pass"\n', encoding="utf-8")
    monkeypatch.setattr(devset, "DEVSET", tmp_path)
    with pytest.raises(devset.DevsetError, match=r"x.toml figure 1 \('9,999'\): occurrence 1 asked, .* has 0"):
        devset.load_truth({"x": {"text": "no such figure here", "split": "dev"}})


def test_the_development_set_loads_with_every_truth_figure_found():
    articles = devset.load_articles(devset.DEVSET / "articles", need_split=True)
    figures = devset.load_truth(articles)
    splits = {a["split"] for a in articles.values()}
    assert splits <= set(devset.SPLITS) and {"dev", "test", "heldout", "heldout2", "heldout3", "heldout4"} <= splits
    assert set(f["article"] for f in figures) == set(articles)


def test_an_article_with_an_unknown_split_is_reported_with_its_file(tmp_path):
    (tmp_path / "x.md").write_text("---\nsplit: tuning\n---\nno figure\n", encoding="utf-8")
    with pytest.raises(
        devset.DevsetError,
        match=r"x.md: split must be one of dev, test, heldout, heldout2, heldout3, heldout4, heldout5, heldout6, heldout7, heldout8, heldout9, heldout10, heldout11, heldout12, heldout13, heldout14, unseen, got 'tuning'",
    ):
        devset.load_articles(tmp_path, need_split=True)


@pytest.mark.parametrize("second, verdict", [("pass", "unverifiable"), ("fail", "fail")])
def test_a_claims_consistency_result_is_scored_with_the_claim_not_as_another_figure(second, verdict):
    text = "In all, 67% back it and 22% oppose it."
    article = {"t": {"text": text, "split": "dev"}}
    rows = [
        {"article": "t", "claim_id": "c1", "quote": "22%", "sentence": text, "verdict": "unverifiable", "split": "dev"},
        {"article": "t", "claim_id": "c1", "quote": "22%", "sentence": text, "verdict": second, "split": "dev"},
    ]
    claims = devset.claim_spans(rows, article)
    assert [(c["quote"], c["verdict"]) for c in claims] == [("22%", verdict)]


def test_a_claims_quote_is_placed_as_a_whole_figure_not_inside_a_longer_one():
    text = "More than 17,000 people have died, 7,000 children among them."
    article = {"t": {"text": text, "split": "dev"}}
    rows = [{"article": "t", "claim_id": "c1", "quote": "7,000", "sentence": text, "verdict": "pass", "split": "dev"}]
    (claim,) = devset.claim_spans(rows, article)
    assert claim["span"] == (text.index(" 7,000") + 1, text.index(" 7,000") + 6)
