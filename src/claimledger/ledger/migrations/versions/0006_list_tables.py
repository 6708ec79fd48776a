"""The tables the list pages read, so that no page aggregates the results table (issue 13).

- claim_checks: each claim's latest check (run, verdict, explanation, result ids), with the claim's article and position so
  that a list filters by verdict and pages in one index; claim_check_sources: the sources that check cited.
- flips: each run's results whose verdict differs from the same check of the same claim text in the newest earlier
  run that made it.
- runs gain verdicts (JSON): the run's results by verdict; and first_checked: how many of its results had no
  earlier result for the same claim text and check.
- indexes for the lists' orders: runs and articles newest first, claims in text order, a source's uses.

All three are filled here by replaying the runs already in the ledger, oldest first, through the writer's own code
(ledger/latest.py), so an old ledger reads exactly as one written from this revision on.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "claim_checks",
        sa.Column("claim_id", sa.String(16), primary_key=True),
        sa.Column("claim_sha256", sa.String(64), nullable=False),
        sa.Column("article_id", sa.String(200), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("run_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("result_ids", sa.JSON, nullable=False),
    )
    op.create_index("claim_checks_by_verdict", "claim_checks", ["verdict", "article_id", "start", "claim_id"])
    op.create_index("claim_checks_in_text_order", "claim_checks", ["article_id", "start", "claim_id"])
    op.create_index("ix_claim_checks_run_id", "claim_checks", ["run_id"])
    op.create_table(
        "claim_check_sources",
        sa.Column("source", sa.String(80), primary_key=True),
        sa.Column("article_id", sa.String(200), primary_key=True),
        sa.Column("start", sa.Integer, primary_key=True),
        sa.Column("claim_id", sa.String(16), sa.ForeignKey("claim_checks.claim_id"), primary_key=True),
    )
    op.create_index("ix_claim_check_sources_claim_id", "claim_check_sources", ["claim_id"])
    op.create_table(
        "flips",
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("article_id", sa.String(200), primary_key=True),
        sa.Column("start", sa.Integer, primary_key=True),
        sa.Column("result_id", sa.Integer, sa.ForeignKey("check_results.id"), primary_key=True),
        sa.Column("previous_result_id", sa.Integer, sa.ForeignKey("check_results.id"), nullable=False),
        sa.Column("previous_run_id", sa.String(36), sa.ForeignKey("runs.id"), nullable=False),
    )
    op.add_column("runs", sa.Column("verdicts", sa.JSON))
    op.add_column("runs", sa.Column("first_checked", sa.Integer))
    op.create_index("runs_newest_first", "runs", ["started_at", "id"])
    op.create_index("articles_newest_first", "articles", ["published", "id"])
    op.create_index("claims_in_text_order", "claims", ["article_id", "start", "id"])
    op.create_index("run_sources_by_source", "run_sources", ["source", "run_id"])
    _replay(op.get_bind())


def _replay(conn: sa.engine.Connection) -> None:
    from claimledger.ledger import latest, schema

    runs, results, claims = schema.runs, schema.check_results, schema.claims
    for run in conn.execute(sa.select(runs.c.id, runs.c.started_at).order_by(runs.c.started_at, runs.c.id)).all():
        query = (
            sa.select(
                results.c.id,
                results.c.claim_id,
                results.c.claim_sha256,
                results.c.check_kind,
                results.c.verdict,
                results.c.explanation,
                results.c.source,
                claims.c.article_id,
                claims.c.start,
            )
            .select_from(schema.results_by_run())
            .where(schema.run_results.c.run_id == run.id)
        )
        linked = [latest.LinkedResult(**row._mapping) for row in conn.execute(query)]
        first = latest.record(conn, run.id, run.started_at, linked, read_articles=())
        conn.execute(
            runs.update()
            .where(runs.c.id == run.id)
            .values(verdicts=latest.verdict_counts(r.verdict for r in linked), first_checked=first)
        )
    latest.drop_superseded(conn, conn.scalars(sa.select(schema.articles.c.id)).all())


def downgrade() -> None:
    op.drop_index("run_sources_by_source", "run_sources")
    op.drop_index("claims_in_text_order", "claims")
    op.drop_index("articles_newest_first", "articles")
    op.drop_index("runs_newest_first", "runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("first_checked")
        batch.drop_column("verdicts")
    op.drop_table("flips")
    op.drop_table("claim_check_sources")
    op.drop_table("claim_checks")
