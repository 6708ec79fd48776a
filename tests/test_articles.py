"""Reading article files: front matter, dates, and errors that name the file and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claimledger.articles import ArticleError, read_article
from claimledger.pipeline import load_articles

REPO = Path(__file__).resolve().parents[1]
SHARED_SEED = REPO.parent / "shared" / "seeds" / "000_5db7eb8e4e27ce12.txt"


def test_seed_has_front_matter_and_the_unchanged_body():
    article = read_article(REPO / "seeds" / "netanyahu-isolation-deepens.md")
    assert (article.publisher, article.published) == ("TRT World", date(2025, 5, 16))
    assert article.title.startswith("Netanyahu")
    assert article.text == SHARED_SEED.read_text(encoding="utf-8")


def test_date_found_in_text_without_front_matter(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("Headline\nMarch 3, 2024\n\nMore than 100 people were killed in Gaza.")
    assert read_article(path).published == date(2024, 3, 3)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"---\ntitle: [unclosed\n---\nBody", r"bad\.md:\d+: malformed front matter"),
        (b"---\ntitle: x\nBody without a closing line", r"bad\.md:1: front matter opened with '---' is never closed"),
        (b"---\npublished: someday\n---\nBody", r"'published' is 'someday'"),
        (b"---\n- a list\n---\nBody", r"bad\.md:2: front matter must be a mapping"),
        (b"\xff\xfe\x00binary", r"bad\.md: binary file"),
        (b"caf\xe9 ole", r"bad\.md: not UTF-8 text \(byte 3"),
        (b"---\ntitle: x\n---\n   \n", r"bad\.md: the article has no text"),
        (b"---\nid: ../../etc/passwd\n---\nBody", r"article id '\.\./\.\./etc/passwd' may hold only"),
        (
            b"---\npublished: 2025-02-30\n---\nBody",
            r"bad\.md: front matter 'published' is '2025-02-30', expected a date",
        ),
        (b"---\nid: " + b"7" * 5000 + b"\n---\nBody", r"bad\.md:1: malformed front matter: .*integer"),
        (b"---\ntitle: " + b"[" * 20000 + b"\n---\nBody", r"bad\.md:1: front matter is 20 KB, above the 16 KB limit"),
        (b"---\ntitle: " + b"[" * 5000 + b"\n---\nBody", r"bad\.md:[12]: malformed front matter"),
    ],
)
def test_bad_articles_fail_with_file_and_reason(tmp_path, content, message):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match=message):
        read_article(path)


def test_bad_files_are_skipped_each_with_its_reason_and_the_good_ones_read(tmp_path):
    (tmp_path / "a.md").write_bytes(b"---\ntitle: [\n---\nx")
    (tmp_path / "b.md").write_bytes(b"\xff\xfe")
    (tmp_path / "c.md").write_text("fine, 12 people")
    batch = load_articles((str(tmp_path),))
    assert [a.id for a in batch] == ["c"]
    assert [(Path(s["path"]).name, s["reason"].split(": ")[0]) for s in batch.skipped] == [
        ("a.md", f"{tmp_path / 'a.md'}:3"),
        ("b.md", str(tmp_path / "b.md")),
    ]


def test_no_readable_article_at_all_is_an_error_naming_every_file(tmp_path):
    (tmp_path / "a.md").write_bytes(b"---\ntitle: [\n---\nx")
    (tmp_path / "b.md").write_bytes(b"\xff\xfe")
    with pytest.raises(ArticleError, match="no article could be read") as caught:
        load_articles((str(tmp_path),))
    assert "a.md" in str(caught.value) and "b.md" in str(caught.value)


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(ArticleError, match="no such file or folder"):
        load_articles((str(tmp_path / "nope"),))
