"""The registry (data/sources.toml) and the metric vocabulary (metrics.toml) describe the same sources and metrics."""

from __future__ import annotations

from collections import defaultdict

import pytest

from conftest import REPO

from claimledger.claims.vocabulary import load_vocabulary
from claimledger.sources.registry import RegistryError, load_registry

REGISTRY = load_registry(REPO / "data" / "sources.toml")


def _served_by_vocabulary() -> dict[str, set[str]]:
    served: dict[str, set[str]] = defaultdict(set)
    for name, rule in load_vocabulary().metrics.items():
        served[rule.check["source"]].add(name)
    return served


def test_every_metric_names_a_registered_source_that_lists_it():
    for source, metrics in _served_by_vocabulary().items():
        assert source in REGISTRY, f"metrics.toml: {sorted(metrics)} name source {source!r}, not in the registry"
        assert metrics <= set(REGISTRY[source].metrics), f"sources.toml: {source} does not list {sorted(metrics)}"


def test_every_metric_a_source_lists_is_one_metrics_toml_gives_it():
    served = _served_by_vocabulary()
    for name, source in REGISTRY.items():
        extra = set(source.metrics) - served.get(name, set())
        assert not extra, f"sources.toml: {name} lists {sorted(extra)}, which metrics.toml gives to no such metric"
        assert len(source.metrics) == len(set(source.metrics)), f"sources.toml: {name} lists a metric twice"


@pytest.mark.parametrize(
    "entry, key_columns",
    [
        ('date_column = "date"', ("date",)),
        ('date_column = "date"\nkey = "poll_id"', ("poll_id",)),
        ('key = ["country", "date", "action"]', ("country", "date", "action")),
        ("", ()),
    ],
    ids=["date-column", "single-key", "composite-key", "none"],
)
def test_key_columns_default_to_the_date_column(tmp_path, entry, key_columns):
    path = tmp_path / "sources.toml"
    path.write_text(f'[sources.s]\nurl = "file:s.csv"\nformat = "csv"\nloader = "csv"\nsuite = "s"\n{entry}\n')
    assert load_registry(path)["s"].key_columns == key_columns


def test_a_key_that_is_not_column_names_is_rejected(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[sources.s]\nurl = "file:s.csv"\nformat = "csv"\nloader = "csv"\nsuite = "s"\nkey = [1]\n')
    with pytest.raises(RegistryError, match="source 's': key must be a column name or a list of column names"):
        load_registry(path)
