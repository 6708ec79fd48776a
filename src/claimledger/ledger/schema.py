"""The ledger's tables: runs, the articles and claims they read, the snapshots they used, and every verdict.

The ledger is append-only. How a run lands, which is what every reader of the ledger relies on:

- A run row is written only when the run is over, in the same transaction as its links to results, its sources,
  and the claims, articles and snapshots it read. There is no `started` state: a process killed mid-run (SIGKILL,
  power loss) leaves no trace, because SQLite's journal or the PostgreSQL server rolls the open transaction back.
  Every run in the ledger is whole; `status` is `completed`.
- A check result is stored once (`result_sha256` is unique): the hash of its fingerprint (the claim, the check kind,
  the snapshot it used, the as-of date, the checks version) and of everything the check said. `run_results` links
  each run to the results it produced or re-confirmed, so a rerun against the same snapshot adds a run and links,
  and no result row; a new snapshot gives a new fingerprint and so a new result.
- Articles and snapshots are keyed by their stable ids and upserted; `articles` holds each article's latest
  version (the text the newest run read) and `article_versions` every text ever read under that id, never
  overwritten; `run_articles` says which version each run read.
- A claim's id is a hash of its article and character span, so a new text under an old article id gives claims with
  the same ids and other quotes: a claim row is one version of a claim, keyed by its id and the hash of its text
  (quote and sentence), and a result names the version it judged. A claim's quote is never overwritten, and a
  verdict history compares only results on the same claim text. The claims of an article's latest version are those
  whose `article_sha256` is the article's `text_sha256` (`latest_claims`).

The schema changes only through the Alembic migrations in `migrations/versions/` (applied on open); this module is
the target they must match (tests compare the two).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.sql.expression import Join

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(20), nullable=False),
    Column("as_of", Date),
    Column("arguments", Text, nullable=False),  # JSON: paths, overrides, options as given
    Column("checks_version", String(20), nullable=False),
    Column("claims", Integer, nullable=False, default=0),
    Column("results", Integer, nullable=False, default=0),  # results linked: produced or re-confirmed
    Column("new_results", Integer, nullable=False, default=0, server_default="0"),  # of which first seen here
    Column("articles", Integer, nullable=False, default=0, server_default="0"),
    Column("skipped", JSON),  # [{"path", "reason"}]: the articles the run could not read
    # {"version", "vocabulary_sha256", "suites_sha256"}: what the run decided with; and "invariants": the outcome of
    # expectations/claim_checks.json on its results, validated before the write ({"suite", "success", "evaluated", ...})
    Column("basis", JSON),
    # {"pass": n, "fail": n, "unverifiable": n}: the run's results by verdict, counted when it was written
    Column("verdicts", JSON),
    Column("first_checked", Integer),  # results whose claim text and check had no result in any earlier run
)
Index("runs_newest_first", runs.c.started_at, runs.c.id)

articles = Table(
    "articles",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("title", Text),
    Column("publisher", Text),
    Column("url", Text),
    Column("published", Date),
    Column("path", Text),
    Column("text_sha256", String(64), nullable=False),  # of the latest version
)
Index("articles_newest_first", articles.c.published, articles.c.id)

article_versions = Table(
    "article_versions",
    metadata,
    Column("article_id", String(200), ForeignKey("articles.id"), primary_key=True),
    Column("text_sha256", String(64), primary_key=True),
    Column("first_run_id", String(36)),  # the run that first read this text (none for ledgers from before 0003)
    Column("title", Text),
    Column("publisher", Text),
    Column("url", Text),
    Column("published", Date),
    Column("path", Text),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("text_sha256", String(64), primary_key=True),  # claim_text_sha256(quote, sentence): this version
    Column("article_sha256", String(64), nullable=False),  # the article version it was last read from
    Column("article_id", String(200), ForeignKey("articles.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("quote", Text, nullable=False),
    Column("sentence", Text, nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("qualifier", String(20), nullable=False),
    Column("low", Float),
    Column("high", Float),
    Column("low_inclusive", Boolean, nullable=False),
    Column("high_inclusive", Boolean, nullable=False),
    Column("form", String(20), nullable=False),
    Column("metric", String(80), index=True),
    Column("subject", String(80)),
    Column("period", String(20)),
    Column("counted", String(80)),
    Column("share_base", Text),  # for a share, the quote of the figure it is a share of
    Column("frame", JSON),  # Claim.frame as a dict: what the figure was taken to mean (the latest reading of it)
)
Index("claims_in_text_order", claims.c.article_id, claims.c.start, claims.c.id)

snapshots = Table(
    "snapshots",
    metadata,
    Column("source", String(80), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("url", Text, nullable=False),
    Column("retrieved_at", String(40), nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("license", Text),
    Column("validation", Text),  # JSON outcome of the source's expectation suite
)

run_sources = Table(
    "run_sources",
    metadata,
    Column("run_id", String(36), ForeignKey("runs.id"), primary_key=True),
    Column("source", String(80), primary_key=True),
    Column("snapshot_sha256", String(64)),
    Column("status", String(20), nullable=False),  # used | unavailable
    Column("notes", Text),
)
Index("run_sources_by_source", run_sources.c.source, run_sources.c.run_id)

check_results = Table(
    "check_results",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(16), nullable=False, index=True),
    Column("claim_sha256", String(64), nullable=False),  # the claim version judged: its text_sha256
    Column("check_kind", String(40), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("metric", String(80)),
    Column("low", Float),
    Column("high", Float),
    Column("observed", Float),
    Column("reference_date", Date),
    Column("source", String(80)),
    Column("snapshot_sha256", String(64)),
    Column("tolerance", Text),
    Column("explanation", Text, nullable=False),
    Column("citation", Text),
    Column("evidence", Text),  # JSON rows of the reference the verdict rests on
    Column("matched_on", JSON),  # ["measure=killed", "place=Gaza", ...]: the frame slots the metric was chosen on
    Column("parameters", JSON),  # the metric's check parameters the result was decided with (window_days, field...)
    Column("fingerprint", String(64), nullable=False, index=True),  # what went in: same inputs, nothing to redo
    Column("result_sha256", String(64), nullable=False),  # fingerprint + what came out: one row per distinct result
    UniqueConstraint("result_sha256", name="one_row_per_distinct_result"),
    ForeignKeyConstraint(
        ["claim_id", "claim_sha256"], ["claims.id", "claims.text_sha256"], name="result_judges_a_claim_version"
    ),
)

run_results = Table(
    "run_results",
    metadata,
    Column("run_id", String(36), ForeignKey("runs.id"), primary_key=True),
    Column("result_id", Integer, ForeignKey("check_results.id"), primary_key=True, index=True),
)

run_articles = Table(
    "run_articles",
    metadata,
    Column("run_id", String(36), ForeignKey("runs.id"), primary_key=True),
    Column("article_id", String(200), primary_key=True),
    Column("article_sha256", String(64), nullable=False),
    ForeignKeyConstraint(
        ["article_id", "article_sha256"],
        ["article_versions.article_id", "article_versions.text_sha256"],
        name="run_read_an_article_version",
    ),
)

# What every list page reads, kept by the writer in the run's own transaction (store.py) so that no page aggregates
# the results table: each claim's latest check (the newest run that checked it, by start time: its verdict, the
# worst of that run's results for it, and the explanation of the result that gave it), the sources that check cited,
# and each run's flips (a result whose verdict differs from the same check of the same claim text in the newest
# earlier run that made it). Rows of a claim no longer in its article's latest text are dropped when that text is
# written. article_id and start are copied from the claim so that lists filter and page in one index.
claim_checks = Table(
    "claim_checks",
    metadata,
    Column("claim_id", String(16), primary_key=True),
    Column("claim_sha256", String(64), nullable=False),  # the claim version that run judged
    Column("article_id", String(200), nullable=False),
    Column("start", Integer, nullable=False),
    Column("run_id", String(36), ForeignKey("runs.id"), nullable=False, index=True),
    Column("run_started_at", DateTime(timezone=True), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("explanation", Text, nullable=False),
    Column("result_ids", JSON, nullable=False),  # that run's results for the claim, in check kind order
    Index("claim_checks_by_verdict", "verdict", "article_id", "start", "claim_id"),
    Index("claim_checks_in_text_order", "article_id", "start", "claim_id"),
)

claim_check_sources = Table(
    "claim_check_sources",
    metadata,
    Column("source", String(80), primary_key=True),
    Column("article_id", String(200), primary_key=True),
    Column("start", Integer, primary_key=True),
    Column("claim_id", String(16), ForeignKey("claim_checks.claim_id"), primary_key=True, index=True),
)

flips = Table(
    "flips",
    metadata,
    Column("run_id", String(36), ForeignKey("runs.id"), primary_key=True),
    Column("article_id", String(200), primary_key=True),
    Column("start", Integer, primary_key=True),
    Column("result_id", Integer, ForeignKey("check_results.id"), primary_key=True),
    Column("previous_result_id", Integer, ForeignKey("check_results.id"), nullable=False),
    Column("previous_run_id", String(36), ForeignKey("runs.id"), nullable=False),
)

# Join conditions every reader shares: a result with the claim version it judged; a claim with its article, only
# when the claim belongs to the article's latest version.
result_claim = and_(check_results.c.claim_id == claims.c.id, check_results.c.claim_sha256 == claims.c.text_sha256)
latest_claims = and_(claims.c.article_id == articles.c.id, claims.c.article_sha256 == articles.c.text_sha256)


def results_by_run() -> Join:
    """Results with each run that produced or re-confirmed them (run_results) and the claim version they judge.

    A result stored once can belong to many runs: read through this join, it appears once per run. Every read that
    puts a result beside its run goes through it."""
    return (
        check_results.join(run_results, run_results.c.result_id == check_results.c.id)
        .join(runs, runs.c.id == run_results.c.run_id)
        .join(claims, result_claim)
    )
