"""Article and claim versions, and the articles a run could not read.

- article_versions(article_id, text_sha256, first_run_id, title, ...): every text read under an article id, filled
  with each article's one known version; run_articles(run_id, article_id, article_sha256): which version a run read,
  filled from the articles of each run's results.
- claims are keyed by (id, text_sha256), the hash of the claim's quote and sentence, and gain article_sha256 (the
  article version last read); check_results gain claim_sha256, the version they judged. A ledger from before this
  revision kept only the last quote of each claim id, so its results all point at that one version.
- runs gain skipped (JSON, nullable).

On SQLite the claims and check_results tables are copied (batch mode) with foreign keys off for the copy
(migrate.upgrade does that and checks them before commit): dropping a table other tables point at would fail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import hashlib
import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Unnamed constraints get these names when SQLite batch mode reflects them, so they can be dropped by name.
_NAMES = {"pk": "pk_%(table_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _claim_text_sha256(quote: str, sentence: str) -> str:
    """Frozen copy of claimledger.ledger.store.claim_text_sha256 as of this revision."""
    return hashlib.sha256(json.dumps([quote, sentence]).encode()).hexdigest()


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    op.add_column("runs", sa.Column("skipped", sa.JSON))

    op.create_table(
        "article_versions",
        sa.Column("article_id", sa.String(200), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("text_sha256", sa.String(64), primary_key=True),
        sa.Column("first_run_id", sa.String(36)),
        sa.Column("title", sa.Text),
        sa.Column("publisher", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("path", sa.Text),
    )
    first_run = (
        "(SELECT l.run_id FROM run_results l JOIN check_results r ON r.id = l.result_id "
        "JOIN claims c ON c.id = r.claim_id JOIN runs ON runs.id = l.run_id WHERE c.article_id = a.id "
        "ORDER BY runs.started_at, runs.id LIMIT 1)"
    )
    conn.execute(
        sa.text(
            "INSERT INTO article_versions (article_id, text_sha256, first_run_id, title, publisher, url, published, path) "
            f"SELECT a.id, a.text_sha256, {first_run}, a.title, a.publisher, a.url, a.published, a.path FROM articles a"
        )
    )

    op.add_column("claims", sa.Column("text_sha256", sa.String(64)))
    op.add_column("claims", sa.Column("article_sha256", sa.String(64)))
    rows = conn.execute(sa.text("SELECT id, quote, sentence FROM claims")).all()
    if rows:
        conn.execute(
            sa.text("UPDATE claims SET text_sha256 = :sha WHERE id = :id"),
            [{"sha": _claim_text_sha256(r.quote, r.sentence), "id": r.id} for r in rows],
        )
    conn.execute(
        sa.text(
            "UPDATE claims SET article_sha256 = (SELECT a.text_sha256 FROM articles a WHERE a.id = claims.article_id)"
        )
    )
    op.add_column("check_results", sa.Column("claim_sha256", sa.String(64)))
    conn.execute(
        sa.text(
            "UPDATE check_results SET claim_sha256 = "
            "(SELECT c.text_sha256 FROM claims c WHERE c.id = check_results.claim_id)"
        )
    )

    # The old key and the foreign key that leans on it go; the version key and the foreign key to it come.
    old_fk = "fk_check_results_claim_id_claims" if sqlite else _foreign_key(conn, "check_results", "claims")
    with op.batch_alter_table("check_results", naming_convention=_NAMES) as batch:
        batch.drop_constraint(old_fk, type_="foreignkey")
        batch.alter_column("claim_sha256", existing_type=sa.String(64), nullable=False)
    with op.batch_alter_table("claims", naming_convention=_NAMES) as batch:
        batch.drop_constraint("pk_claims" if sqlite else _primary_key(conn, "claims"), type_="primary")
        batch.alter_column("text_sha256", existing_type=sa.String(64), nullable=False)
        batch.alter_column("article_sha256", existing_type=sa.String(64), nullable=False)
        batch.create_primary_key("pk_claims", ["id", "text_sha256"])
    with op.batch_alter_table("check_results") as batch:
        batch.create_foreign_key(
            "result_judges_a_claim_version", "claims", ["claim_id", "claim_sha256"], ["id", "text_sha256"]
        )

    op.create_table(
        "run_articles",
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("article_id", sa.String(200), primary_key=True),
        sa.Column("article_sha256", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id", "article_sha256"],
            ["article_versions.article_id", "article_versions.text_sha256"],
            name="run_read_an_article_version",
        ),
    )
    conn.execute(
        sa.text(
            "INSERT INTO run_articles (run_id, article_id, article_sha256) SELECT DISTINCT l.run_id, a.id, a.text_sha256 "
            "FROM run_results l JOIN check_results r ON r.id = l.result_id JOIN claims c ON c.id = r.claim_id "
            "JOIN articles a ON a.id = c.article_id"
        )
    )


def _foreign_key(conn: Connection, table: str, referred: str) -> str:
    """The name PostgreSQL gave the foreign key from table to referred (0001 left it unnamed)."""
    name = next(fk["name"] for fk in sa.inspect(conn).get_foreign_keys(table) if fk["referred_table"] == referred)
    return _named(name, f"{table}'s foreign key to {referred}")


def _primary_key(conn: Connection, table: str) -> str:
    return _named(sa.inspect(conn).get_pk_constraint(table)["name"], f"{table}'s primary key")


def _named(name: str | None, what: str) -> str:
    """A constraint's name as the database reports it; one without a name cannot be dropped by name."""
    if name is None:
        raise RuntimeError(f"migration 0003: {what} has no name to drop it by; the ledger is unchanged")
    return name


def downgrade() -> None:
    raise NotImplementedError(
        "0003 keeps several versions of a claim under one id; going back would lose all but "
        "one: restore the ledger from a backup taken before the upgrade"
    )
