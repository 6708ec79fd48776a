"""Charts of the reference data behind a verdict: Altair specs rendered to SVG on the server by vl-convert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas
import vl_convert

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


def claim_chart(claim: RecordedClaim, result: RecordedResult, article_date: date | None,
                settings: Settings) -> Chart:
    """The chart that best shows one check of a claim, chosen by the kind of check."""
    kind, source = result.check_kind, result.source
    if kind == "internal_consistency":
        return Chart(None, "No chart: this check holds the article's own figures against each other.")
    if source is None or result.verdict == "unverifiable" and result.observed is None:
        return Chart(None, "No chart: no reference data was compared for this check.")
    if kind in ("value_at_date", "share_at_date"):
        return _daily_series(claim, result, article_date, settings)
    if kind == "poll":
        return _dated_points(claim, result, article_date, settings)
    if kind == "count_entities":
        return _running_count(claim, result, article_date, settings)
    if kind in ("annual_value", "annual_change"):
        return _annual_bars(claim, result)
    return Chart(None, f"No chart: a {kind.replace('_', ' ')} check rests on the single figure in the evidence "
                       "table below.")


def check_parameters(claim: RecordedClaim, result: RecordedResult) -> dict | None:
    """The check parameters the result was decided with (recorded with it since ledger revision 0005), else, for an
    older result, today's metrics.toml's; None when its metric is not in the vocabulary any more."""
    if result.parameters:
        return result.parameters
    rule = load_vocabulary().metrics.get(claim.metric or "")
    return {**rule.check, "label": rule.label} if rule else None


def _daily_series(claim: RecordedClaim, result: RecordedResult, article_date: date | None,
                  settings: Settings) -> Chart:
    check = check_parameters(claim, result)
    if check is None or article_date is None:
        return Chart(None, "No chart: the claim has no metric or the article no date to centre the series on.")
    try:
        source, frame = snapshot_frame(settings, result.source or "", result.snapshot_sha256 or "")
    except (RegistryError, SnapshotError, LoadError, KeyError) as exc:
        return Chart(None, f"No chart: the snapshot this verdict cites cannot be read ({exc}).")
    dates = pandas.to_datetime(frame[source.date_column])
    near = frame[(dates >= pandas.Timestamp(article_date - timedelta(days=DAYS_AROUND)))
                 & (dates <= pandas.Timestamp(article_date + timedelta(days=DAYS_AROUND)))]
    if "field" in check:
        values = near[check["field"]]
        described = f"{check['field']}"
    else:
        parts, total = list(check["numerator"]), check["denominator"]
        values = near[parts].sum(axis=1, min_count=len(parts)) / near[total] * 100
        described = f"({' + '.join(parts)}) / {total}, in percent"
    points = [{"date": day(d), "value": float(v)}
              for d, v in zip(pandas.to_datetime(near[source.date_column]), values) if pandas.notna(v)]
    if not points:
        return Chart(None, f"No chart: {source.name} has no values within {DAYS_AROUND} days of {article_date}.")
    svg = render(_layers(points, claim, result, article_date, check["label"], line=True))
    return Chart(svg, f"{source.title}: {described}, {DAYS_AROUND} days either side of the article date. "
                      + _legend(claim, article_date))


def _dated_points(claim: RecordedClaim, result: RecordedResult, article_date: date | None,
                  settings: Settings) -> Chart:
    check = check_parameters(claim, result)
    registry = load_registry(settings.registry_path)
    source = registry.get(result.source or "")
    field = check.get("field") if check else None
    rows = result.evidence_rows()
    if source is None or not source.date_column or field is None:
        return Chart(None, "No chart: the evidence rows have no dates to plot.")
    points = [{"date": day(r.get(source.date_column)), "value": float(r[field])}
              for r in rows if r.get(field) is not None and r.get(source.date_column)]
    if not points:
        return Chart(None, "No chart: the evidence rows hold no values to plot.")
    svg = render(_layers(points, claim, result, article_date, check["label"], line=False))
    return Chart(svg, f"Each dot is a published figure from {source.title}. " + _legend(claim, article_date))


def _running_count(claim: RecordedClaim, result: RecordedResult, article_date: date | None,
                  settings: Settings) -> Chart:
    source = load_registry(settings.registry_path).get(result.source or "")
    check = check_parameters(claim, result)
    column = check.get("entity_column") if check else None
    if source is None or not source.date_column or column is None:
        return Chart(None, "No chart: the evidence rows have no dates or names to count.")
    rows = sorted((r for r in result.evidence_rows() if r.get(source.date_column) and r.get(column) is not None),
                  key=lambda r: str(r[source.date_column]))
    points, seen = [], set()
    for row in rows:  # the check counts distinct names: a second action by the same country adds nothing
        if row[column] not in seen:
            seen.add(row[column])
            points.append({"date": day(row[source.date_column]), "value": float(len(seen))})
    if not points:
        return Chart(None, "No chart: the evidence rows have no dates to count along.")
    counted = claim.counted or f"distinct {column} values"
    svg = render(_layers(points, claim, result, article_date, f"{counted} listed so far", line=True, step=True))
    return Chart(svg, f"{counted.capitalize()} listed in {source.name} by each date (each {column} counted once). "
                      + _legend(claim, article_date))


def _annual_bars(claim: RecordedClaim, result: RecordedResult) -> Chart:
    check = check_parameters(claim, result)
    field = check.get("field") if check else None
    period = (check.get("period_column") if check else None) or "year"
    bars = [{"year": str(r[period]), "value": float(r[field])}
            for r in result.evidence_rows() if field and r.get(field) is not None and r.get(period) is not None]
    if not bars:
        return Chart(None, "No chart: the evidence rows hold no yearly values.")
    chart = alt.Chart(alt.Data(values=bars)).mark_bar(color=LINE_COLOR, size=48).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",~r")),
    ).properties(width=WIDTH // 2, height=HEIGHT, title=_title(check["label"]))
    note = (" The claim is a change between years, so it is not drawn as a band."
            if claim.unit == "percent_change" else "")
    return Chart(render(chart), f"The yearly values the verdict compares.{note}")


def _layers(points: list[dict], claim: RecordedClaim, result: RecordedResult, article_date: date | None, title: str,
            *, line: bool, step: bool = False):
    """The series (line or dots), the claim's interval as a band, the article date as a rule, the value used."""
    values = [p["value"] for p in points]
    if result.observed is not None:
        values.append(float(result.observed))
    bounds = [b for b in (claim.low, claim.high) if b is not None]
    lowest, highest = min(values + bounds), max(values + bounds)
    pad = (highest - lowest) * 0.08 or abs(highest) * 0.05 or 1.0
    domain = [lowest - pad, highest + pad]
    band = {"low": claim.low if claim.low is not None else domain[0],
            "high": claim.high if claim.high is not None else domain[1]}
    y = alt.Y("value:Q", title=None, scale=alt.Scale(domain=domain, nice=False, zero=False),
              axis=alt.Axis(format="~s" if highest >= 10_000 else ",~r"))
    first, last, marker_at = _time_span(points, article_date)
    x = alt.X("date:T", title=None, scale=alt.Scale(domain=[first, last]),
              axis=alt.Axis(format="%d %b %Y", labelAngle=0, tickCount=6))
    layers = [alt.Chart(alt.Data(values=[band])).mark_rect(color=BAND_COLOR, opacity=0.18, clip=True).encode(
        y=alt.Y("low:Q", scale=alt.Scale(domain=domain, nice=False, zero=False)), y2="high:Q")]
    series = alt.Chart(alt.Data(values=points))
    if line:
        layers.append(series.mark_line(color=LINE_COLOR, interpolate="step-after" if step else "linear",
                                       point=len(points) <= 40).encode(x=x, y=y))
    else:
        layers.append(series.mark_point(color=LINE_COLOR, filled=True, size=60).encode(x=x, y=y))
    if article_date is not None:
        marker = alt.Data(values=[{"date": article_date.isoformat(), "label": f"article {article_date}"}])
        layers.append(alt.Chart(marker).mark_rule(color=MARK_COLOR, strokeDash=[5, 4], strokeWidth=1.5)
                      .encode(x=x))
        right_side = marker_at > 0.75  # near the right edge the label goes left of the line
        layers.append(alt.Chart(marker).mark_text(color=MARK_COLOR, align="right" if right_side else "left",
                                                  dx=-4 if right_side else 4, y=8, fontSize=11)
                      .encode(x=x, text="label:N"))
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
    return (f"Blue band: the interval the claim commits to ({interval(claim.as_dict())}).{marked} "
            "Red circle: the value the verdict used.")


def render(chart) -> str:
    """Vega-Lite to SVG in-process: no browser JavaScript, no network (no external data URL is allowed)."""
    spec = chart.to_dict()
    spec.setdefault("config", {}).update({"font": "DejaVu Sans, Liberation Sans, Arial, sans-serif",
                                          "view": {"stroke": "#d1d5db"}})
    return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])


def snapshot_frame(settings: Settings, source_name: str, sha256: str) -> tuple[Source, pandas.DataFrame]:
    """The table of the exact snapshot a verdict cites, loaded the way the run loaded it."""
    return _cached_frame(str(settings.registry_path), str(settings.snapshots_dir), source_name, sha256)


@lru_cache(maxsize=8)
def _cached_frame(registry_path: str, snapshots_dir: str, source_name: str,
                  sha256: str) -> tuple[Source, pandas.DataFrame]:
    registry = load_registry(Path(registry_path))
    if source_name not in registry:
        raise RegistryError(f"no source {source_name!r} in {registry_path}")
    store = SnapshotStore(Path(snapshots_dir))
    snapshot = store.get(source_name, sha256)
    if snapshot is None:
        raise SnapshotError(f"{source_name} snapshot {sha256[:12]} is not under {snapshots_dir}")
    source = registry[source_name]
    return source, load_frame(source, store.read(snapshot))
