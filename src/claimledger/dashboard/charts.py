"""Charts of the reference data behind a verdict: Altair specs rendered to SVG on the server by vl-convert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas
import vl_convert

from claimledger.checks.kind import Plot, Table
from claimledger.checks.kinds import KINDS
from claimledger.checks.rows import plain_records
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.dashboard.display import day, interval
from claimledger.ledger.rows import RecordedClaim, RecordedResult
from claimledger.settings import Settings
from claimledger.sources.loaders import LoadError, load_frame
from claimledger.sources.registry import RegistryError, Source, load_registry
from claimledger.sources.snapshots import SnapshotError, SnapshotStore

DAYS_AROUND = 60  # the daily series is drawn this many days either side of the article date
WIDTH, HEIGHT = 680, 260
BAND_COLOR, LINE_COLOR, MARK_COLOR = "#3b82f6", "#1f2937", "#b91c1c"


@dataclass(frozen=True)
class Chart:
    """An SVG of the reference data, or None with the sentence a reader sees instead; `caption` explains marks."""

    svg: str | None
    caption: str


def claim_chart(claim: RecordedClaim, result: RecordedResult, article_date: date | None, settings: Settings) -> Chart:
    """The chart of one check of a claim: its check kind says which rows to plot and how (checks/kind.py's Plot),
    this module reads the rows and draws the plot's mark."""
    if result.source is None or result.verdict == "unverifiable" and result.observed is None:
        return Chart(None, "No chart: no reference data was compared for this check.")
    kind = KINDS.get(result.check_kind)
    if kind is None or kind.chart_rows is None:
        why = kind.no_chart() if kind else f"no check kind {result.check_kind!r} draws this result"
        return Chart(None, f"No chart: {why}.")
    params = check_parameters(claim, result)
    try:
        source = load_registry(settings.registry_path).get(result.source)
    except RegistryError as exc:
        return Chart(None, f"No chart: the source registry cannot be read ({exc}).")
    if params is None or source is None:
        return Chart(None, "No chart: neither the result nor today's vocabulary and registry say what to draw.")
    table = Table(source.name, source.title, source.date_column)
    if kind.chart_rows == "around":
        if article_date is None or not source.date_column:
            return Chart(None, "No chart: the article has no date, or the source no dates, to centre the series on.")
        try:
            records = _rows_around(settings, result, source.date_column, article_date)
        except (RegistryError, SnapshotError, LoadError, KeyError) as exc:
            return Chart(None, f"No chart: the snapshot this verdict cites cannot be read ({exc}).")
    else:
        records = result.evidence_rows()
    plot = kind.plot(params, claim.as_dict(), records, table)
    if not plot.points:
        return Chart(None, f"No chart: {plot.empty}.")
    caption = plot.caption + (
        f" Drawn {DAYS_AROUND} days either side of the article date." if kind.chart_rows == "around" else ""
    )
    if plot.mark == "bars":
        return Chart(render(_bars(plot)), caption)
    chart = _layers(
        [{"date": day(when), "value": value} for when, value in plot.points],
        claim,
        result,
        article_date,
        plot.title,
        mark=plot.mark,
    )
    return Chart(render(chart), f"{caption} {_legend(claim, article_date)}")


def check_parameters(claim: RecordedClaim, result: RecordedResult) -> dict | None:
    """The check parameters the result was decided with (recorded with it since ledger revision 0005), else, for an
    older result, today's metrics.toml's; None when its metric is not in the vocabulary any more."""
    if result.parameters:
        return result.parameters
    rule = load_vocabulary().metrics.get(claim.metric or "")
    return {**rule.check, "label": rule.label} if rule else None


def _rows_around(settings: Settings, result: RecordedResult, date_column: str, article_date: date) -> list[dict]:
    """The rows of the snapshot the verdict cites dated within DAYS_AROUND days of the article."""
    _, frame = snapshot_frame(settings, result.source or "", result.snapshot_sha256 or "")
    dates = pandas.to_datetime(frame[date_column])
    near = frame[
        (dates >= pandas.Timestamp(article_date - timedelta(days=DAYS_AROUND)))
        & (dates <= pandas.Timestamp(article_date + timedelta(days=DAYS_AROUND)))
    ].copy()
    near[date_column] = pandas.to_datetime(near[date_column])
    return plain_records(near)


def _bars(plot: Plot):
    """Values by year, as bars."""
    bars = [{"year": str(year), "value": value} for year, value in plot.points]
    return (
        alt.Chart(alt.Data(values=bars))
        .mark_bar(color=LINE_COLOR, size=48)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",~r")),
        )
        .properties(width=WIDTH // 2, height=HEIGHT, title=_title(plot.title))
    )


def _layers(
    points: list[dict],
    claim: RecordedClaim,
    result: RecordedResult,
    article_date: date | None,
    title: str,
    *,
    mark: str,
):
    """The series (a line, steps or dots), the claim's interval as a band, the article date as a rule, the value
    used."""
    values = [p["value"] for p in points]
    if result.observed is not None:
        values.append(float(result.observed))
    bounds = [b for b in (claim.low, claim.high) if b is not None]
    lowest, highest = min(values + bounds), max(values + bounds)
    pad = (highest - lowest) * 0.08 or abs(highest) * 0.05 or 1.0
    domain = [lowest - pad, highest + pad]
    band = {
        "low": claim.low if claim.low is not None else domain[0],
        "high": claim.high if claim.high is not None else domain[1],
    }
    y = alt.Y(
        "value:Q",
        title=None,
        scale=alt.Scale(domain=domain, nice=False, zero=False),
        axis=alt.Axis(format="~s" if highest >= 10_000 else ",~r"),
    )
    first, last, marker_at = _time_span(points, article_date)
    x = alt.X(
        "date:T",
        title=None,
        scale=alt.Scale(domain=[first, last]),
        axis=alt.Axis(format="%d %b %Y", labelAngle=0, tickCount=6),
    )
    layers = [
        alt.Chart(alt.Data(values=[band]))
        .mark_rect(color=BAND_COLOR, opacity=0.18, clip=True)
        .encode(y=alt.Y("low:Q", scale=alt.Scale(domain=domain, nice=False, zero=False)), y2="high:Q")
    ]
    series = alt.Chart(alt.Data(values=points))
    if mark == "dots":
        layers.append(series.mark_point(color=LINE_COLOR, filled=True, size=60).encode(x=x, y=y))
    else:
        layers.append(
            series.mark_line(
                color=LINE_COLOR, interpolate="step-after" if mark == "steps" else "linear", point=len(points) <= 40
            ).encode(x=x, y=y)
        )
    if article_date is not None:
        marker = alt.Data(values=[{"date": article_date.isoformat(), "label": f"article {article_date}"}])
        layers.append(alt.Chart(marker).mark_rule(color=MARK_COLOR, strokeDash=[5, 4], strokeWidth=1.5).encode(x=x))
        right_side = marker_at > 0.75  # near the right edge the label goes left of the line
        layers.append(
            alt.Chart(marker)
            .mark_text(
                color=MARK_COLOR, align="right" if right_side else "left", dx=-4 if right_side else 4, y=8, fontSize=11
            )
            .encode(x=x, text="label:N")
        )
    if result.observed is not None and result.reference_date is not None:
        used = alt.Data(values=[{"date": day(result.reference_date), "value": float(result.observed)}])
        layers.append(alt.Chart(used).mark_point(color=MARK_COLOR, size=120, strokeWidth=2.5).encode(x=x, y=y))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=_title(title))


def _time_span(points: list[dict], article_date: date | None) -> tuple[str, str, float]:
    """The x range (the data and the article date, with a little room) and where the article date falls in it."""
    days = [date.fromisoformat(p["date"]) for p in points] + ([article_date] if article_date else [])
    first, last = min(days), max(days)
    room = timedelta(days=max(1, (last - first).days // 30))
    first, last = first - room, last + room
    marker_at = (article_date - first).days / max(1, (last - first).days) if article_date else 0.0
    return first.isoformat(), last.isoformat(), marker_at


def _title(text: str):
    return alt.TitleParams(text=text, anchor="start", fontSize=13, fontWeight="normal", color=LINE_COLOR)


def _legend(claim: RecordedClaim, article_date: date | None) -> str:
    marked = f" Dashed red line: the article date ({article_date})." if article_date else ""
    return (
        f"Blue band: the interval the claim commits to ({interval(claim.as_dict())}).{marked} "
        "Red circle: the value the verdict used."
    )


def render(chart) -> str:
    """Vega-Lite to SVG in-process: no browser JavaScript, no network (no external data URL is allowed)."""
    spec = chart.to_dict(validate=False)  # schema validation cost twice the drawing; vl-convert refuses a bad spec
    spec.setdefault("config", {}).update(
        {"font": "DejaVu Sans, Liberation Sans, Arial, sans-serif", "view": {"stroke": "#d1d5db"}}
    )
    return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])


def snapshot_frame(settings: Settings, source_name: str, sha256: str) -> tuple[Source, pandas.DataFrame]:
    """The table of the exact snapshot a verdict cites, loaded the way the run loaded it."""
    return _cached_frame(str(settings.registry_path), str(settings.snapshots_dir), source_name, sha256)


@lru_cache(maxsize=8)
def _cached_frame(
    registry_path: str, snapshots_dir: str, source_name: str, sha256: str
) -> tuple[Source, pandas.DataFrame]:
    registry = load_registry(Path(registry_path))
    if source_name not in registry:
        raise RegistryError(f"no source {source_name!r} in {registry_path}")
    store = SnapshotStore(Path(snapshots_dir))
    snapshot = store.get(source_name, sha256)
    if snapshot is None:
        raise SnapshotError(f"{source_name} snapshot {sha256[:12]} is not under {snapshots_dir}")
    source = registry[source_name]
    return source, load_frame(source, store.read(snapshot))
