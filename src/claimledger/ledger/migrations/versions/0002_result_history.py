"""Ledger history: each distinct result stored once, runs linked to the results they produced or re-confirmed.

- check_results loses run_id and gains result_sha256 (unique); v1 rows that said the same thing in several runs
  become one row with one link per run.
- run_results(run_id, result_id) is the link.
- runs gain articles and new_results (results first seen in that run); claims gain share_base.

Revision ID: 0002
Revises: 0001
Create Date: 2025-05-20
"""

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen copy of claimledger.ledger.store.result_sha256 as of this revision: a migration must not change meaning
# when the store does. Same fields, same order, same encoding.
_RESULT_FIELDS = (
    "fingerprint",
    "claim_id",
    "check_kind",
    "verdict",
    "metric",
    "low",
    "high",
    "observed",
    "reference_date",
    "source",
    "snapshot_sha256",
    "tolerance",
    "explanation",
    "citation",
    "evidence",
)


def _result_sha256(row: Mapping[Any, Any]) -> str:  # a RowMapping
    return hashlib.sha256(json.dumps([row[k] for k in _RESULT_FIELDS], default=str).encode()).hexdigest()


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column("claims", sa.Column("share_base", sa.Text))
    op.add_column("runs", sa.Column("new_results", sa.Integer, nullable=False, server_default="0"))
    op.add_column("runs", sa.Column("articles", sa.Integer, nullable=False, server_default="0"))
    op.add_column("check_results", sa.Column("result_sha256", sa.String(64)))

    # Hash every v1 row, remember which run it belonged to, keep one row per distinct result.
    rows = conn.execute(sa.text("SELECT id, run_id, " + ", ".join(_RESULT_FIELDS) + " FROM check_results"))
    keyed = [(row.id, row.run_id, _result_sha256(row._mapping)) for row in rows]
    op.create_table("_v1_run_results", sa.Column("run_id", sa.String(36)), sa.Column("result_sha256", sa.String(64)))
    if keyed:
        conn.execute(
            sa.text("UPDATE check_results SET result_sha256 = :sha WHERE id = :id"),
            [{"sha": sha, "id": id_} for id_, _, sha in keyed],
        )
        conn.execute(
            sa.text("INSERT INTO _v1_run_results (run_id, result_sha256) VALUES (:run, :sha)"),
            [{"run": run, "sha": sha} for _, run, sha in keyed],
        )
    conn.execute(
        sa.text("DELETE FROM check_results WHERE id NOT IN (SELECT MIN(id) FROM check_results GROUP BY result_sha256)")
    )

    with op.batch_alter_table("check_results") as batch:
        batch.drop_constraint("one_result_per_claim_check_and_run", type_="unique")
        batch.drop_index("ix_check_results_run_id")
        batch.drop_column("run_id")
        batch.alter_column("result_sha256", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("one_row_per_distinct_result", ["result_sha256"])

    op.create_table(
        "run_results",
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("result_id", sa.Integer, sa.ForeignKey("check_results.id"), primary_key=True),
    )
    op.create_index("ix_run_results_result_id", "run_results", ["result_id"])
    conn.execute(
        sa.text(
            "INSERT INTO run_results (run_id, result_id) SELECT DISTINCT v.run_id, r.id FROM _v1_run_results v "
            "JOIN check_results r ON r.result_sha256 = v.result_sha256"
        )
    )
    op.drop_table("_v1_run_results")

    conn.execute(
        sa.text(
            "UPDATE runs SET articles = (SELECT COUNT(DISTINCT c.article_id) FROM run_results l "
            "JOIN check_results r ON r.id = l.result_id JOIN claims c ON c.id = r.claim_id WHERE l.run_id = runs.id)"
        )
    )
    conn.execute(
        sa.text(
            "UPDATE runs SET new_results = (SELECT COUNT(*) FROM run_results l WHERE l.run_id = runs.id AND NOT EXISTS "
            "(SELECT 1 FROM run_results e JOIN runs earlier ON earlier.id = e.run_id WHERE e.result_id = l.result_id "
            "AND (earlier.started_at < runs.started_at OR (earlier.started_at = runs.started_at AND earlier.id < runs.id))))"
        )
    )


def downgrade() -> None:
    raise NotImplementedError(
        "0002 merged identical results across runs; going back would invent rows: "
        "restore the ledger from a backup taken before the upgrade"
    )
