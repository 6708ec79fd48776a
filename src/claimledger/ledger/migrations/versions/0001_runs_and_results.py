"""Ledger v1: runs, articles, claims, snapshots, run sources, and check results keyed by run.

This is the schema that `metadata.create_all` made before the ledger had migrations; a ledger made that way (tables,
no alembic_version) is stamped at this revision and upgraded from here.

Revision ID: 0001
Revises:
Create Date: 2025-05-20
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("as_of", sa.Date),
        sa.Column("arguments", sa.Text, nullable=False),
        sa.Column("checks_version", sa.String(20), nullable=False),
        sa.Column("claims", sa.Integer, nullable=False),
        sa.Column("results", sa.Integer, nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("publisher", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("path", sa.Text),
        sa.Column("text_sha256", sa.String(64), nullable=False),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("article_id", sa.String(200), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("qualifier", sa.String(20), nullable=False),
        sa.Column("low", sa.Float),
        sa.Column("high", sa.Float),
        sa.Column("low_inclusive", sa.Boolean, nullable=False),
        sa.Column("high_inclusive", sa.Boolean, nullable=False),
        sa.Column("form", sa.String(20), nullable=False),
        sa.Column("metric", sa.String(80)),
        sa.Column("subject", sa.String(80)),
        sa.Column("period", sa.String(20)),
        sa.Column("counted", sa.String(80)),
    )
    op.create_index("ix_claims_article_id", "claims", ["article_id"])
    op.create_index("ix_claims_metric", "claims", ["metric"])
    op.create_table(
        "snapshots",
        sa.Column("source", sa.String(80), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("retrieved_at", sa.String(40), nullable=False),
        sa.Column("bytes", sa.Integer, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("license", sa.Text),
        sa.Column("validation", sa.Text),
    )
    op.create_table(
        "run_sources",
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("source", sa.String(80), primary_key=True),
        sa.Column("snapshot_sha256", sa.String(64)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text),
    )
    op.create_table(
        "check_results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("claim_id", sa.String(16), sa.ForeignKey("claims.id"), nullable=False),
        sa.Column("check_kind", sa.String(40), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("metric", sa.String(80)),
        sa.Column("low", sa.Float),
        sa.Column("high", sa.Float),
        sa.Column("observed", sa.Float),
        sa.Column("reference_date", sa.Date),
        sa.Column("source", sa.String(80)),
        sa.Column("snapshot_sha256", sa.String(64)),
        sa.Column("tolerance", sa.Text),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("citation", sa.Text),
        sa.Column("evidence", sa.Text),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.UniqueConstraint("run_id", "claim_id", "check_kind", name="one_result_per_claim_check_and_run"),
    )
    op.create_index("ix_check_results_run_id", "check_results", ["run_id"])
    op.create_index("ix_check_results_claim_id", "check_results", ["claim_id"])
    op.create_index("ix_check_results_fingerprint", "check_results", ["fingerprint"])


def downgrade() -> None:
    for table in ("check_results", "run_sources", "snapshots", "claims", "articles", "runs"):
        op.drop_table(table)
