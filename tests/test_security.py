"""Security: names cannot escape their folders, configured URLs stay on their allowed hosts, fetched data is never
unpickled or evaluated."""

from __future__ import annotations

import ast
import html
import warnings
from pathlib import Path

import pytest
from builders import small_project, timeline_event
from data_docs_payload import NOTES_PAYLOAD, build_hostile_docs, payloads
from test_dashboard import ARTICLE, FakeRunner, dashboard_project, record_run

from claimledger.articles import ArticleError, read_article
from claimledger.dashboard import create_app
from claimledger.settings import Settings
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


@pytest.mark.parametrize(
    "url, hosts, extra",
    [
        ("https://169.254.169.254/latest/meta-data", '["data.example.org"]', ""),  # cloud metadata
        ("http://localhost:5432/", '["data.example.org"]', ""),  # a local service
        ("https://data.example.org.evil.net/x.json", '["data.example.org"]', ""),  # look-alike host
        ("https://data.example.org/x.json", "[]", ""),  # no hosts listed
        ("https://data.example.org/x.json", '["data.example.org"]', 'mirrors = ["https://evil.net/x.json"]'),
    ],
)
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
            assert not any(n and n.split(".")[0] in ("pickle", "marshal", "shelve", "dill") for n in names), (
                f"{path}:{node.lineno}: imports {names}"
            )
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("read_pickle", "load")
            and isinstance(node.value, ast.Name)
            and node.value.id in ("pd", "pandas", "yaml")
        ):
            assert node.attr != "read_pickle", f"{path}:{node.lineno}: pandas.read_pickle"
            assert node.attr != "load", f"{path}:{node.lineno}: yaml.load (use yaml.safe_load)"


# ---- issue 16: rows 1 (Data Docs run no script on the dashboard's origin) and 10 (Host header checked) ----


with warnings.catch_warnings():  # Starlette suggests httpx2 over httpx; the TestClient works the same
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def hostile_docs(tmp_path_factory):
    """A small project of one source, the dated events, whose Data Docs were built by `claimledger fetch` from a
    download with script in its values."""
    home = small_project(
        tmp_path_factory.mktemp("hostile"),
        tables={"timeline_events": [timeline_event("war_start", "2023-10-07", "Start of the war")]},
    )
    return home, build_hostile_docs(home, ARTICLE)


@pytest.mark.parametrize(
    "payload, page",
    [
        *[(value, "validations/**/*.html") for value in payloads(ARTICLE)],  # GX writes unexpected values raw
        (NOTES_PAYLOAD, "expectations/*.html"),  # an expectation's notes (markdown)
    ],
)
def test_data_docs_show_html_in_values_and_notes_as_text(hostile_docs, payload, page):
    home, _ = hostile_docs
    docs = home / "data" / "gx" / "docs"
    for path in docs.rglob("*.html"):
        assert payload not in path.read_text(encoding="utf-8"), f"{path}: the payload is in the page unescaped"
    shown = "".join(path.read_text(encoding="utf-8") for path in docs.glob(page))
    assert payload in html.unescape(shown), f"the payload is not shown, as text, in {page}"


def test_data_docs_are_served_sandboxed_with_nothing_from_elsewhere(hostile_docs):
    home, pages = hostile_docs
    client = TestClient(create_app(Settings(home=home), allowed_hosts=["testserver"], runner=FakeRunner()))
    docs = home / "data" / "gx" / "docs"
    for url in ("/gx-docs/", "/gx-docs/" + pages[0].relative_to(docs).as_posix(), "/gx-docs/missing.html"):
        response = client.get(url)
        policy = [part.strip() for part in response.headers["content-security-policy"].split(";")]
        assert "sandbox" in policy and "allow-same-origin" not in response.headers["content-security-policy"], url
        assert "default-src 'none'" in policy and not any("script-src" in part for part in policy), url
        assert "http" not in response.headers["content-security-policy"], url  # no outside host allowed
    assert client.get("/gx-docs/").status_code == 200


@pytest.fixture
def ledger_home(tmp_path):
    """The dashboard tests' small project, its article checked once."""
    home = dashboard_project(tmp_path)
    record_run(home, [home / "articles"])
    return home


@pytest.mark.parametrize(
    "bind, configured, host, method, path, refused",
    [
        ("127.0.0.1", "", "evil.example", "GET", "/api/claims", True),  # DNS rebinding: every claim readable
        ("127.0.0.1", "", "evil.example", "POST", f"/articles/{ARTICLE}/recheck", True),  # ... and a recheck started
        ("127.0.0.1", "", "evil.example:8000", "POST", f"/articles/{ARTICLE}/recheck", True),
        ("127.0.0.1", "", "localhost.evil.example", "GET", "/api/claims", True),  # a look-alike name
        ("127.0.0.1", "", "evil.example", "GET", "/gx-docs/", True),
        ("0.0.0.0", "", "evil.example", "GET", "/api/claims", True),  # bound everywhere, name not configured
        ("0.0.0.0", "ledger.example.org", "evil.example", "GET", "/api/claims", True),
        ("127.0.0.1", "", "127.0.0.1:8000", "GET", "/api/claims", False),
        ("127.0.0.1", "", "localhost:8000", "POST", f"/articles/{ARTICLE}/recheck", False),
        ("::1", "", "[::1]:8000", "GET", "/api/claims", False),
        ("0.0.0.0", "ledger.example.org", "ledger.example.org:8000", "GET", "/api/claims", False),
        ("0.0.0.0", "*.example.org", "ledger.example.org", "GET", "/api/claims", False),
    ],
)
def test_a_foreign_host_header_is_refused(ledger_home, monkeypatch, bind, configured, host, method, path, refused):
    monkeypatch.setenv("CLAIMLEDGER_DASHBOARD_HOSTS", configured)
    runner = FakeRunner()
    settings = Settings(home=ledger_home)
    client = TestClient(create_app(settings, host=bind, runner=runner, token="s3cret"), base_url=f"http://{host}")
    headers = {"Origin": f"http://{host}", "Accept": "application/json", "X-Claimledger-Token": "s3cret"}
    response = client.request(method, path, headers=headers, follow_redirects=False)
    if refused:
        assert (response.status_code, response.text) == (400, "Invalid host header")
        assert runner.requests == []
    else:
        assert response.status_code in (200, 202), response.text
        assert (method == "POST") == (len(runner.requests) == 1)


@pytest.mark.parametrize(
    "configured, problem",
    [
        ("ledger.example.org:8000", "has a port"),
        ("ledger.*.org", "not a host name or a pattern"),
        ("**.example.org", "not a host name or a pattern"),
    ],
)
def test_configured_dashboard_hosts_must_be_names_or_patterns(configured, problem):
    from claimledger.dashboard.security import HostsError, trusted_hosts

    with pytest.raises(HostsError, match=problem):
        trusted_hosts("0.0.0.0", [configured])


def test_dashboard_refuses_to_start_with_a_malformed_hosts_setting(project, monkeypatch):
    from typer.testing import CliRunner

    from claimledger.cli import app

    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: pytest.fail("served despite a malformed setting"))
    result = CliRunner().invoke(
        app,
        ["dashboard", "--host", "0.0.0.0"],
        env={"CLAIMLEDGER_HOME": str(project), "CLAIMLEDGER_DASHBOARD_HOSTS": "ledger.example.org:8000"},
    )
    assert result.exit_code == 2
    assert "CLAIMLEDGER_DASHBOARD_HOSTS: 'ledger.example.org:8000' has a port" in result.output


# ---- issue 16: row 5 (YAML alias bomb in front matter) ----
# The "billion laughs": nine levels of nine aliases, 9**9 strings once expanded, in under 500 bytes.
BILLION_LAUGHS = (
    "---\n"
    + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n" for prev, name in zip("abcdefg", "bcdefgh"))
    + "title: ["
    + ",".join(["*h"] * 9)
    + "]\n---\nMore than 52,000 people were killed.\n"
)


def test_a_yaml_alias_bomb_in_front_matter_is_refused_with_one_line_naming_the_file(tmp_path):
    path = tmp_path / "laughs.md"
    path.write_text(BILLION_LAUGHS)
    assert len(path.read_bytes()) < 500
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert str(caught.value) == f"{path}:3: front matter uses YAML aliases (*a), refused: write the value out"
