"""Security: names cannot escape their folders, configured URLs stay on their allowed hosts, fetched data is never
unpickled or evaluated."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from claimledger.articles import ArticleError, read_article
from claimledger.sources.registry import RegistryError, load_registry
from claimledger.sources.snapshots import SnapshotError, SnapshotStore

SRC = Path(__file__).resolve().parents[1] / "src" / "claimledger"
FLOWS = Path(__file__).resolve().parents[1] / "flows"

ENTRY = """
[sources.{name}]
url = "{url}"
format = "json"
loader = "records"
suite = "gaza_casualties_daily"
allowed_hosts = {hosts}
{extra}
"""


def registry(tmp_path, name="demo", url="https://data.example.org/x.json", hosts='["data.example.org"]', extra=""):
    path = tmp_path / "sources.toml"
    path.write_text(ENTRY.format(name=name, url=url, hosts=hosts, extra=extra))
    return path


@pytest.mark.parametrize("url, hosts, extra", [
    ("https://169.254.169.254/latest/meta-data", '["data.example.org"]', ""),      # cloud metadata
    ("http://localhost:5432/", '["data.example.org"]', ""),                        # a local service
    ("https://data.example.org.evil.net/x.json", '["data.example.org"]', ""),     # look-alike host
    ("https://data.example.org/x.json", "[]", ""),                                 # no hosts listed
    ("https://data.example.org/x.json", '["data.example.org"]', 'mirrors = ["https://evil.net/x.json"]'),
])
def test_configured_urls_must_be_on_the_allowed_hosts(tmp_path, url, hosts, extra):
    with pytest.raises(RegistryError, match="not on its allowed_hosts"):
        load_registry(registry(tmp_path, url=url, hosts=hosts, extra=extra))


def test_an_allowed_host_and_local_files_are_fine(tmp_path):
    sources = load_registry(registry(tmp_path, extra='mirrors = ["file:../shared/x.json"]'))
    assert sources["demo"].url == "https://data.example.org/x.json"


@pytest.mark.parametrize("name", ["../etc", "a/b", "Demo", "x.y"])
def test_source_names_cannot_name_other_folders(tmp_path, name):
    with pytest.raises(RegistryError, match="may hold only"):
        load_registry(registry(tmp_path, name=f'"{name}"'))


@pytest.mark.parametrize("name", ["../etc", "a/b", "..", "/abs", "x\n"])
def test_snapshot_store_refuses_traversing_source_names(tmp_path, name):
    store = SnapshotStore(tmp_path / "snapshots")
    with pytest.raises(SnapshotError):
        store.latest_good(name)


@pytest.mark.parametrize("article_id", ["../../etc/passwd", "a/b", "/abs", ".hidden", "x y"])
def test_article_ids_cannot_name_other_folders(tmp_path, article_id):
    path = tmp_path / "a.md"
    path.write_text(f"---\nid: {article_id!r}\n---\nSome 12 people were hurt.")
    with pytest.raises(ArticleError, match="may hold only"):
        read_article(path)


def _python_files():
    return sorted([*SRC.rglob("*.py"), *FLOWS.rglob("*.py")])


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(p.parents[2])))
def test_no_code_evaluates_or_unpickles_data(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("eval", "exec", "compile"), f"{path}:{node.lineno}: {node.func.id}()"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n and n.split(".")[0] in ("pickle", "marshal", "shelve", "dill") for n in names), \
                f"{path}:{node.lineno}: imports {names}"
        if isinstance(node, ast.Attribute) and node.attr in ("read_pickle", "load") and \
                isinstance(node.value, ast.Name) and node.value.id in ("pd", "pandas", "yaml"):
            assert node.attr != "read_pickle", f"{path}:{node.lineno}: pandas.read_pickle"
            assert node.attr != "load", f"{path}:{node.lineno}: yaml.load (use yaml.safe_load)"


# ---- issue 16: row 5 (YAML alias bomb in front matter) ----
# The "billion laughs": nine levels of nine aliases, 9**9 strings once expanded, in under 500 bytes.
BILLION_LAUGHS = "---\n" + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n" for prev, name in zip("abcdefg", "bcdefgh")
) + "title: [" + ",".join(["*h"] * 9) + "]\n---\nMore than 52,000 people were killed.\n"


def test_a_yaml_alias_bomb_in_front_matter_is_refused_with_one_line_naming_the_file(tmp_path):
    path = tmp_path / "laughs.md"
    path.write_text(BILLION_LAUGHS)
    assert len(path.read_bytes()) < 500
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert str(caught.value) == f"{path}:3: front matter uses YAML aliases (*a), refused: write the value out"
