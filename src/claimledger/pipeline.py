"""The verify and recheck jobs in plain Python: `verify(request, settings, steps)` and `recheck(plan, settings, steps)`.

A run is five steps (load, extract, prepare sources, check, record), given as a `Steps` object: `PlainSteps` runs
them in this process (tests, scripts, `pipeline.verify(request, Settings())` from a notebook); flows/verify.py supplies
the same steps as Prefect tasks, chunked over a Dask cluster. Either way the job below is the same code.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib import metadata
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from claimledger.articles import ArticleError, article_paths, read_article
from claimledger.checks.engine import check_claims, sources_needed
from claimledger.checks.invariants import check_invariants, raise_if_broken
from claimledger.checks.model import CheckResult, Reference, Unavailable
from claimledger.claims.extract import FigureLimits, read_claims
from claimledger.claims.model import Article, Claim
from claimledger.claims.quantities import quantities_in
from claimledger.claims.text import normalise, sentences, without_zero_width_in_numbers
from claimledger.claims.vocabulary import load_vocabulary, vocabulary_sha256
from claimledger.gx import Validation
from claimledger.ledger.engine import redacted
from claimledger.ledger.store import LedgerStore, PartRows, RunWriter, SourceUse, part_rows
from claimledger.runs.recheck import RecheckPlan, RecheckScope, RecheckTarget, keep_claims, plan_recheck
from claimledger.runs.recheck import recorded_claims as _recorded_claims
from claimledger.runs.spool import RunSpool
from claimledger.settings import Settings
from claimledger.sources.docs import DocsError, RunValidation, build_data_docs, run_name
from claimledger.sources.reference import ReferenceTable, SourceUnavailable, prepare_sources
from claimledger.sources.registry import RegistryError, load_registry, parse_overrides

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifyRequest:
    """What the user asked for: the articles, the date to check against, source overrides (the ledger it is written
    to is the settings')."""

    paths: tuple[str, ...]
    as_of: date | None = None
    source_overrides: tuple[str, ...] = ()
    recheck: dict[str, Any] | None = field(default=None, compare=False)  # a recheck: what of, and what started it
    # what the caller reads back of the run (runs/spool.py): "objects" (outcome.articles, .claims, .results),
    # "rows" (outcome.rows(): what the command prints) or "none" (counts)
    keep: str = field(default="objects", compare=False)

    def arguments(self, ledger: str) -> dict[str, Any]:
        """What the run records of how it was asked for, with the ledger URL it was written to (password hidden)."""
        values = {
            "paths": list(self.paths),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "sources": list(self.source_overrides),
            "ledger": redacted(ledger),
        }
        return {**values, "recheck": self.recheck} if self.recheck else values


class Batch(list):
    """Articles or claims in order, plus what was skipped on the way: one {"article", "path", "reason"} per article
    that could not be read or extracted, or per run of figures past a limit. The run reports and records them."""

    def __init__(self, items: Iterable[Any] = (), skipped: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(items)
        self.skipped: tuple[dict[str, Any], ...] = tuple(skipped)


def skipped_in(*batches: list) -> tuple[dict[str, Any], ...]:
    """Everything the batches skipped, in order; a plain list (a recheck's recorded claims) skipped nothing."""
    return tuple(entry for batch in batches for entry in getattr(batch, "skipped", ()))


def joined(chunks: list[list[Claim]]) -> Batch:
    """The claims of chunks extracted apart, in order, with everything each skipped."""
    return Batch((claim for chunk in chunks for claim in chunk), skipped_in(*chunks))


class VerifyOutcome:
    """A finished run: its id, what was read and decided (its spool: `parts()` a part at a time; `articles`,
    `claims` and `results` read it all back, for small runs and tests), and the sources it used.

    A plain class, not a dataclass: Prefect walks a flow's dataclass return value object by object looking for
    futures, seconds of work for a run of thousands of articles.
    """

    __slots__ = ("run_id", "spool", "sources")

    def __init__(self, run_id: str, spool: RunSpool, sources: list[SourceUse]):
        self.run_id, self.spool, self.sources = run_id, spool, sources

    def parts(self) -> Iterator[tuple[list[Article], list[Claim], list[CheckResult]]]:
        return iter(self.spool)

    def rows(self) -> Iterator[dict[str, Any]]:
        """The `--format json` rows of the run (result_rows), in order."""
        return self.spool.rows()

    @property
    def articles(self) -> list[Article]:
        return [a for articles, _, _ in self.spool for a in articles]

    @property
    def claims(self) -> list[Claim]:
        return [c for _, claims, _ in self.spool for c in claims]

    @property
    def results(self) -> list[CheckResult]:
        return [r for _, _, results in self.spool for r in results]

    @property
    def skipped(self) -> tuple[dict[str, Any], ...]:
        """Articles not read and figures not read, each with its file and why."""
        return tuple(self.spool.skipped)


def load_articles(paths: tuple[str, ...]) -> Batch:
    """Every article under the paths that can be read; each bad file is skipped with its path and reason, so one
    bad file costs only itself. Raises ArticleError when a path is missing or no article at all can be read."""
    batch = read_articles(tuple(str(p) for p in article_paths([Path(p) for p in paths])))
    if not batch:
        raise nothing_readable(batch.skipped)
    return batch


def nothing_readable(skipped: Iterable[dict[str, Any]]) -> ArticleError:
    return ArticleError("no article could be read: " + "; ".join(entry["reason"] for entry in skipped))


def read_articles(files: tuple[str, ...]) -> Batch:
    """The articles of these files (a run's part), each bad file skipped with its path and reason, and one id in
    two files caught (pipeline.verify catches it across parts: _unseen)."""
    articles: list[Article] = []
    skipped: list[dict[str, Any]] = []
    seen: dict[str, Path] = {}
    for path in map(Path, files):
        try:
            article = read_article(path)
            if article.id in seen and seen[article.id] != path.resolve():
                raise ArticleError(_also(path, article.id, seen[article.id]))
        except ArticleError as exc:
            skipped.append({"article": None, "path": str(path), "reason": str(exc)})
            continue
        if article.id not in seen:
            seen[article.id] = path.resolve()
            articles.append(article)
    return Batch(articles, skipped)


def _also(path: str | Path | None, article_id: str, other: Path) -> str:
    return f"{path}: article id {article_id!r} is also {other}"


def first_readable(paths: tuple[str, ...]) -> None:
    """Raise ArticleError when a path is missing or none of its files is an article (a check before a run starts:
    it reads files only until one is readable)."""
    skipped = []
    for path in article_paths([Path(p) for p in paths]):
        try:
            read_article(path)
            return
        except ArticleError as exc:
            skipped.append({"reason": str(exc)})
    raise nothing_readable(skipped)


def extract(articles: list[Article], settings: Settings) -> Batch:
    """All claims of all articles, in article then text order. Figures past the limits (settings) and an article
    whose extraction fails are skipped with the file and why, not the whole batch."""
    vocabulary = load_vocabulary()
    limits = FigureLimits.of(settings)
    claims, skipped = [], []
    for article in articles:
        where = article.path or article.id
        try:
            found = read_claims(article, vocabulary, limits)
        except Exception as exc:  # a bug meeting odd text: this article is named and skipped, the rest are checked
            _log.exception("extraction failed on %s", where)
            skipped.append(
                {
                    "article": article.id,
                    "path": article.path,
                    "reason": f"{where}: extraction failed ({type(exc).__name__}: {exc}); none of its claims checked",
                }
            )
            continue
        claims.extend(found.claims)
        skipped.extend(
            {"article": article.id, "path": article.path, "reason": f"{where}: {note}"} for note in found.unread
        )
    return Batch(claims, skipped)


def prepare_references(
    claims: list[Claim], overrides: tuple[str, ...], settings: Settings, ready: frozenset[str] = frozenset()
) -> tuple[dict[str, Reference | Unavailable], list[SourceUse]]:
    """Fetch, snapshot and validate the sources the claims need (but those `ready` from an earlier part of the
    run); fall back or say why a source is missing."""
    registry = load_registry(settings.registry_path)
    wanted = sorted(sources_needed(claims, load_vocabulary()) - ready)
    prepared = prepare_sources(wanted, registry, parse_overrides(list(overrides), registry), settings)
    references: dict[str, Reference | Unavailable] = {}
    uses: list[SourceUse] = []
    for name, table in prepared.items():
        if isinstance(table, SourceUnavailable):
            references[name] = Unavailable(name, table.reason)
            uses.append(SourceUse(name, "unavailable", None, (table.reason,)))
            continue
        references[name] = _reference(table)
        uses.append(
            SourceUse(name, "used", {**table.snapshot.metadata(), "fetched_from": table.fetched_from}, table.notes)
        )
    return references, uses


def _reference(table: ReferenceTable) -> Reference:
    s = table.source
    return Reference(
        source=s.name,
        title=s.title,
        frame=table.frame,
        snapshot_sha256=table.snapshot.sha256,
        date_column=s.date_column,
        publication_lag_days=s.publication_lag_days,
        citation_column=s.citation_column,
        notes=table.notes,
    )


def check(
    claims: list[Claim], references: dict[str, Reference | Unavailable], as_of: date | None, settings: Settings
) -> list[CheckResult]:
    """One verdict per claim (and per consistency rule), as the pure check rules decide it."""
    return check_claims(claims, references, load_vocabulary(), as_of)


def run_writer(
    request: VerifyRequest,
    settings: Settings,
    started_at: datetime,
    run_id: str,
    before_commit: Callable[[str], None] | None = None,
) -> RunWriter:
    """The run's ledger transaction (ledger/store.py's RunWriter): each part is written into it as soon as it is
    checked, and the run is committed whole at the end, or rolled back."""
    return LedgerStore(settings.ledger, before_commit).writer(
        run_id, started_at, request.as_of, request.arguments(settings.ledger), run_basis(settings)
    )


def record_part(
    writer: RunWriter,
    articles: list[Article],
    claims: list[Claim],
    results: list[CheckResult],
    sources: list[SourceUse],
) -> None:
    """A checked part into the run's transaction, with the snapshots it cites (written once); a worker's results
    come with their rows made."""
    writer.sources(sources)
    writer.part(articles, claims, results, getattr(results, "rows", None))


def record(
    writer: RunWriter, sources: list[SourceUse], skipped: list[dict[str, Any]], invariants: dict[str, Any]
) -> str:
    """Commit the run: its row (counts, what it skipped, what its results were held to) and its sources."""
    writer.commit(sources, skipped, invariants, datetime.now(timezone.utc))
    return writer.run_id


def _publish_all(validations: list[Validation], run_id: str, settings: Settings) -> None:
    """The run's invariant validations (one per part) into the Data Docs site, in one build. Docs are a view of the
    validation: a site that cannot be written is logged, and neither stops nor changes the run."""
    parts = len(validations)
    try:
        build_data_docs(
            [RunValidation(run_id, v.result, part=i + 1 if parts > 1 else None) for i, v in enumerate(validations)],
            settings,
            run_name(kind="verify"),
        )
    except DocsError as exc:
        _log.warning("%s", exc)


def _invariants(validations: list[Validation], suite: Path, rows: int) -> dict[str, Any]:
    """What the run's results were held to, summed over its parts (runs.basis.invariants)."""
    return {
        "suite": suite.name,
        "success": all(v.success for v in validations),
        "failures": [f for v in validations for f in v.failures],
        "warnings": list(dict.fromkeys(w for v in validations for w in v.warnings)),
        "evaluated": sum(v.evaluated for v in validations),
        "rows": rows,
        **({"parts": len(validations)} if len(validations) > 1 else {}),
    }


def run_basis(settings: Settings) -> dict[str, str]:
    """What a run decides with: the package version and, by sha256, the vocabulary and the expectation suites.
    Recorded on the run and part of every result's fingerprint: a changed rule or suite is something new to learn."""
    suites = hashlib.sha256()
    for path in sorted(settings.expectations_dir.glob("*.json")):
        suites.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return {
        "version": metadata.version("claimledger"),
        "vocabulary_sha256": vocabulary_sha256(),
        "suites_sha256": suites.hexdigest(),
    }


def recorded(ledger_url: str, target: RecheckTarget) -> list[Claim]:
    """The claims a recheck of given claims re-asks, as the ledger recorded them (no article read again)."""
    with LedgerStore(ledger_url) as store:
        return _recorded_claims(store, target, load_vocabulary())


class Steps(Protocol):
    """The steps of a run, taken part by part (settings.run_part_articles articles at a time): read and extract,
    prepare (the sources no earlier part needed), check, record the part; then commit the run and report.
    `parts` returns each part's claims in chunks and `check` takes them so, so a runner that spreads work
    (flows/verify.py: worker processes or a Dask cluster) can read and extract the next parts while this one is
    checked and written."""

    def parts(
        self,
        groups: list[tuple[str, ...]],
        settings: Settings,
        references: dict[str, Reference | Unavailable],
        as_of: date | None,
    ) -> Iterator[Part]:
        """Each group of files read and extracted, in order: (the articles, their claims in chunks, their results
        or None). A runner that reads ahead may check a part too, when every source it needs is among the
        `references` prepared so far (the job's own dict, which grows as parts need more); None: the job checks it."""
        ...

    def recorded(self, ledger_url: str, target: RecheckTarget) -> list[Claim]: ...

    def prepare(
        self, claims: list[Claim], overrides: tuple[str, ...], settings: Settings, ready: frozenset[str]
    ) -> tuple[dict[str, Reference | Unavailable], list[SourceUse]]: ...

    def check(
        self,
        chunks: list[list[Claim]],
        references: dict[str, Reference | Unavailable],
        as_of: date | None,
        settings: Settings,
    ) -> list[CheckResult]: ...

    def writer(self, request: VerifyRequest, settings: Settings, started_at: datetime, run_id: str) -> RunWriter: ...

    def record_part(
        self,
        writer: RunWriter,
        articles: list[Article],
        claims: list[Claim],
        results: list[CheckResult],
        sources: list[SourceUse],
    ) -> None: ...

    def record(
        self, writer: RunWriter, sources: list[SourceUse], skipped: list[dict[str, Any]], invariants: dict[str, Any]
    ) -> str: ...

    def report(self, ledger_url: str, run_id: str) -> None: ...

    def settle(self) -> None:
        """A part is written: let go of anything the runner keeps of it (its tasks' results)."""


Part = tuple[Batch, list[list[Claim]], list[CheckResult] | None]  # articles, claims in chunks, results if checked


def read_and_extract(files: tuple[str, ...], settings: Settings) -> tuple[Batch, Batch]:
    """A part's articles (ids unique within the part) and their claims."""
    articles = read_articles(files)
    return articles, extract(articles, settings)


class Checked(list):
    """A part's results, checked by a worker with the ledger rows made of them (ledger/store.py's part_rows), so the
    flow's process, which writes every part, only writes them."""

    def __init__(self, results: Iterable[CheckResult] = (), rows: PartRows | None = None):
        super().__init__(results)
        self.rows = rows


def read_extract_check(
    files: tuple[str, ...],
    settings: Settings,
    references: dict[str, Reference | Unavailable],
    as_of: date | None,
    basis: dict[str, Any],
) -> tuple[Batch, Batch, Checked | None]:
    """A part read and extracted, and checked when the references hold every source its claims need (None when
    not: the job prepares the missing sources and checks it), its ledger rows made for the run's `basis`: the work a
    runner with worker processes hands out."""
    articles, claims = read_and_extract(files, settings)
    if sources_needed(claims, load_vocabulary()) <= references.keys():
        results = check(claims, references, as_of, settings)
        return articles, claims, Checked(results, part_rows(claims, results, as_of, basis))
    return articles, claims, None


class PlainSteps:
    """Every step in this process, one part after the other, one chunk, no report beyond the ledger itself."""

    def parts(self, groups, settings, references, as_of):
        for files in groups:
            articles, claims = read_and_extract(files, settings)
            yield articles, [claims], None

    def recorded(self, ledger_url, target):
        return recorded(ledger_url, target)

    def prepare(self, claims, overrides, settings, ready):
        return prepare_references(claims, overrides, settings, ready)

    def check(self, chunks, references, as_of, settings):
        return check(joined(chunks), references, as_of, settings)

    def writer(self, request, settings, started_at, run_id):
        return run_writer(request, settings, started_at, run_id)

    def record_part(self, writer, articles, claims, results, sources):
        record_part(writer, articles, claims, results, sources)

    def record(self, writer, sources, skipped, invariants):
        return record(writer, sources, skipped, invariants)

    def report(self, ledger_url, run_id):
        return None

    def settle(self):
        return None


PLAIN = PlainSteps()


def verify(
    request: VerifyRequest, settings: Settings, steps: Steps = PLAIN, target: RecheckTarget | None = None
) -> VerifyOutcome:
    """One run: read the articles, extract, fetch the sources the claims need, check, and write it all to the ledger
    in one transaction. With a recheck target only its claims are checked and recorded (read from the ledger when
    the target names claims, not whole articles).

    The articles are taken settings.run_part_articles at a time: each part is read, extracted, checked, held to the
    claim checks suite and written into the run's open transaction, so memory does not grow with the corpus; the
    run is committed whole at the end, or rolled back (a broken invariant, an error; a killed process never
    commits). The spool keeps what the caller reads back (request.keep)."""
    started_at = datetime.now(timezone.utc)
    run_id = str(uuid.uuid4())
    suite = settings.expectations_dir / "claim_checks.json"
    vocabulary = load_vocabulary()
    spool = RunSpool(request.keep, result_rows)
    references: dict[str, Reference | Unavailable] = {}
    sources: list[SourceUse] = []
    validations: list[Validation] = []
    try:
        with steps.writer(request, settings, started_at, run_id) as writer:
            for articles, chunks, results in _parts(request, settings, steps, target, references):
                if target is not None:  # a recheck: only the target's claims are checked again
                    chunks = [kept for chunk in chunks if (kept := keep_claims(chunk, target, vocabulary))]
                    results = None
                claims = joined(chunks)  # with the figures each chunk skipped
                if results is None:
                    if not validations or sources_needed(claims, vocabulary) - references.keys():
                        more, uses = steps.prepare(claims, request.source_overrides, settings, frozenset(references))
                        references.update(more)
                        sources += uses
                    results = steps.check(chunks, references, request.as_of, settings)
                validations.append(check_invariants(results, claims, request.as_of, suite))
                if not validations[-1].success:
                    _publish_all(validations, run_id, settings)
                    raise_if_broken(validations[-1], suite, run_id)
                if articles or claims:
                    steps.record_part(writer, articles, claims, results, sources)
                spool.add(articles, claims, results, list(skipped_in(articles, claims)))
                del articles, chunks, claims, results
                steps.settle()
            if target is None and spool.articles == 0:
                raise nothing_readable(spool.skipped)
            _publish_all(validations, run_id, settings)
            steps.record(writer, sources, list(spool.skipped), _invariants(validations, suite, spool.results))
    except BaseException:
        spool.close()
        raise
    steps.report(settings.ledger, run_id)
    return VerifyOutcome(run_id, spool, sources)


def _parts(
    request: VerifyRequest,
    settings: Settings,
    steps: Steps,
    target: RecheckTarget | None,
    references: dict[str, Reference | Unavailable],
) -> Iterator[Part]:
    """The run's parts: (articles, their claims in chunks, their results if the runner checked them),
    run_part_articles files at a time; a recheck of given claims is one part, the claims read from the ledger. An
    article id already read from another file in an earlier part is skipped here, with its claims and results (each
    part is read on its own, maybe in another process)."""
    if target is not None and not target.whole_articles:
        yield Batch(), [steps.recorded(settings.ledger, target)], None
        return
    files = [str(path) for path in article_paths([Path(p) for p in request.paths])]
    size = settings.run_part_articles
    groups = [tuple(files[i : i + size]) for i in range(0, len(files), size)]
    seen: dict[str, Path] = {}
    for part in steps.parts(groups, settings, references, request.as_of):
        yield _unseen(*part, seen)


def _unseen(
    articles: Batch, chunks: list[list[Claim]], results: list[CheckResult] | None, seen: dict[str, Path]
) -> Part:
    """The part without the articles (and their claims and results) whose id an earlier part read from another file;
    each is skipped with both files named. `seen` gains the part's ids."""
    kept, skipped, dropped = [], list(articles.skipped), set()
    for article in articles:
        where = Path(article.path).resolve() if article.path else Path(article.id)
        if article.id in seen:
            dropped.add(article.id)
            if seen[article.id] != where:
                reason = _also(article.path, article.id, seen[article.id])
                skipped.append({"article": None, "path": article.path, "reason": reason})
            continue
        seen[article.id] = where
        kept.append(article)
    if not dropped:
        return articles, chunks, results
    chunks = [
        Batch([c for c in chunk if c.article_id not in dropped], getattr(chunk, "skipped", ())) for chunk in chunks
    ]
    # a consistency result names one of its claims: its article is the claim's
    return Batch(kept, skipped), chunks, None if results is None else _results_of(results, chunks)


def _results_of(results: list[CheckResult], chunks: list[list[Claim]]) -> list[CheckResult]:
    kept = {c.id for chunk in chunks for c in chunk}
    return [r for r in results if r.claim_id in kept]


def plan(scope: RecheckScope, overrides: list[str], settings: Settings) -> RecheckPlan:
    """The runs a recheck of the scope makes. Unknown sources, articles or claims and bad overrides raise with a
    message (the CLI shows the plan and asks before running it)."""
    registry = load_registry(settings.registry_path)
    unknown = sorted(set(scope.sources) - set(registry))
    if unknown:
        raise RegistryError(f"no such source {', '.join(map(repr, unknown))} (known: {', '.join(sorted(registry))})")
    parse_overrides(list(overrides), registry)
    with LedgerStore(settings.ledger) as store:
        return plan_recheck(store, scope, load_vocabulary(), settings.home, overrides)


def recheck(recheck_plan: RecheckPlan, settings: Settings, steps: Steps = PLAIN) -> list[VerifyOutcome]:
    """Make the plan's runs, each recorded with what was rechecked and why (`recheck` in its arguments)."""
    arguments = recheck_plan.scope.arguments()
    return [
        verify(
            VerifyRequest(
                paths=target.paths, as_of=target.as_of, source_overrides=target.source_overrides, recheck=arguments
            ),
            settings,
            steps,
            target,
        )
        for target in recheck_plan.targets
    ]


def claim_fields(c: Claim) -> dict[str, Any]:
    """The claim part of the JSON contract, shared by `verify --format json` and `extract --format json`."""
    return {
        "article": c.article_id,
        "claim_id": c.id,
        "quote": c.quote,
        "sentence": c.sentence,
        "metric": c.metric,
        "value": c.value,
        "unit": c.unit,
        "qualifier": c.qualifier,
        "low": c.low,
        "high": c.high,
        "frame": c.frame.as_dict() if c.frame else None,
    }


# Why a quantity the quantity layer offered as a claim has none: read_claims drops just these ("the two leaders").
_SMALL_IN_WORDS = "a small number in words that no metric names"


def quantity_rows(articles: list[Article], claims: list[Claim], settings: Settings) -> list[dict[str, Any]]:
    """The `extract --quantities` contract: every quantity of every article, claim or not, in text order; is_claim
    says whether a claim was read from it (a from-to range: from its ends), not_claim_reason why not."""
    claimed = {(c.article_id, c.start, c.end) for c in claims}
    room = settings.max_figures_per_sentence
    rows = []
    for article in articles:
        compact = without_zero_width_in_numbers(article.text)
        for sentence in sentences(normalise(compact.text)):
            for q in quantities_in(sentence.text, room)[0]:
                spans = [
                    (compact.original(sentence.start + p.start), compact.original_end(sentence.start + p.end))
                    for p in q.claims()
                ]
                is_claim = any((article.id, *span) in claimed for span in spans)
                start = compact.original(sentence.start + q.start)
                end = compact.original_end(sentence.start + q.end)
                rows.append(
                    {
                        "article": article.id,
                        "quote": article.text[start:end],
                        "value": q.value,
                        "low": q.low,
                        "high": q.high,
                        "unit": q.unit,
                        "qualifier": q.qualifier,
                        "change": q.change,
                        "direction": q.direction,
                        "is_claim": is_claim,
                        "not_claim_reason": None if is_claim else q.not_claim_reason or _SMALL_IN_WORDS,
                    }
                )
    return rows


def result_rows(articles: list[Article], claims: list[Claim], results: list[CheckResult]) -> list[dict[str, Any]]:
    """The `--format json` contract: one object per check result (of a run's part: its articles, claims, results)."""
    by_id = {c.id: c for c in claims}
    rows = []
    for r in results:
        c = by_id[r.claim_id]
        rows.append(
            {
                **claim_fields(c),
                "verdict": r.verdict,
                "reference": r.reference(),
                "explanation": r.explanation,
                "matched_on": list(r.matched_on),
            }
        )
    return rows


def skipped_rows(skipped: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """The JSON for what a run skipped: one object per file or run of figures, `error` saying what and where."""
    return [{"article": entry["article"], "path": entry["path"], "error": entry["reason"]} for entry in skipped]
