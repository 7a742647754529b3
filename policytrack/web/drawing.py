"""The drawn timeline: status bands, a marker per event and a line for the requested date,
laid out here and rendered as SVG by ``timeline/_drawing.html`` (no JavaScript)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from policytrack.timeline import engine
from policytrack.timeline.wording import PHASE_LABELS, human_date

WIDTH = 1000
MARGIN = 12
BAND_TOP, BAND_HEIGHT = 26, 30
MARKER_Y = 88
AXIS_Y = 106
HEIGHT = 130
ENDED = {"rescinded", "vacated", "expired", "superseded", "withdrawn"}
HELD = {"not_enforced", "suspended", "stayed"}


@dataclass
class Band:
    x: float
    width: float
    label_x: float
    phase: str
    label: str  # shown inside the band when it fits
    title: str  # always available as a tooltip and to screen readers
    pattern: str = ""  # "ended" (hatched) or "held" (dotted): so that colour is not all that tells them apart


@dataclass
class Marker:
    x: float
    y: float
    state: str
    key: str
    title: str


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Drawing:
    width: int
    height: int
    bands: list
    markers: list
    ticks: list
    on_x: float
    on_label: str
    on_anchor: str
    description: str
    band_top: int = BAND_TOP
    band_height: int = BAND_HEIGHT
    axis_y: int = AXIS_Y
    band_label_y: int = BAND_TOP + BAND_HEIGHT // 2 + 5


def _month_starts(start, end, step):
    year, month = start.year, start.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        day = datetime.date(year, month, 1)
        if day > end:
            return
        if (month - 1) % step == 0:
            yield day


def _ticks(start, end, x):
    span_days = (end - start).days
    if span_days > 365 * 4:
        years = range(start.year + 1, end.year + 1)
        every = max(1, len(years) // 8)
        return [Tick(x(datetime.date(y, 1, 1)), str(y)) for y in years if y % every == 0]
    step = next(s for s in (1, 2, 3, 6, 12) if span_days / 30 / s <= 10)
    return [
        Tick(x(day), day.strftime("%b %Y") if day.month == 1 or step < 12 else str(day.year))
        for day in _month_starts(start, end, step)
    ]


def draw(rows, periods, on):
    """Lay out the timeline rows (``web.timeline.timeline_rows``) and the engine's periods."""
    dates = [row.date for row in rows] + [on]
    first, last = min(dates), max(dates)
    pad = datetime.timedelta(days=max(20, (last - first).days // 12))
    start, end = first - pad, last + pad
    span = (end - start).days or 1

    def x(day):
        day = min(max(day, start), end)
        return round(MARGIN + (WIDTH - 2 * MARGIN) * (day - start).days / span, 1)

    bands = []
    for period in periods:
        lo = max(period.valid_from or start, start)
        hi = min(period.valid_to or end, end)
        if lo >= hi:
            continue
        label = PHASE_LABELS[period.phase]
        since = f"from {human_date(period.valid_from)}" if period.valid_from else "before the first event"
        until = f" to {human_date(period.valid_to - datetime.timedelta(days=1))}" if period.valid_to else " onwards"
        width = x(hi) - x(lo)
        bands.append(Band(x(lo), width, x(lo) + 6, period.phase, label if width > 7.5 * len(label) else "",
                          f"{label}: {since}{until}",
                          "ended" if period.phase in ENDED else "held" if period.phase in HELD else ""))

    markers = []
    seen = {}
    for row in rows:
        if row.kind == "delayed":
            continue
        offset = seen.get(row.date, 0)
        seen[row.date] = offset + 1
        state = row.state if row.state != "applied" else ("disputed" if row.disputed else "applied")
        title = f"{row.date_text}: {row.label}"
        if row.state == "preempted":
            title += f" (did not apply: pre-empted by {row.preempted_by})"
        elif row.state == "scheduled":
            title += " (scheduled)"
        elif row.state == "later":
            title += f" (reported after {human_date(on)})"
        if row.disputed:
            title += " — dates disputed"
        markers.append(Marker(x(row.date), MARKER_Y - 12 * (offset % 3), state, row.key, title))

    on_x = x(on)
    anchor = "end" if on_x > WIDTH - 120 else ("start" if on_x < 120 else "middle")
    description = "; ".join(band.title for band in bands)
    return Drawing(WIDTH, HEIGHT, bands, markers, _ticks(start, end, x), on_x, human_date(on), anchor, description)


def draw_instrument(rows, events, on, known):
    return draw(rows, engine.periods(events, known), on) if rows else None
