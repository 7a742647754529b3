"""The drawn timeline: status bands, a marker per event and a line for the requested date,
laid out here and rendered as SVG by ``timeline/_drawing.html`` (no JavaScript)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from policytrack.timeline import engine
from policytrack.timeline.wording import PHASE_LABELS, human_date, span_text

# Drawn one user unit to one CSS pixel at the drawing's narrowest (the wide drawing scrolls below
# WIDTH pixels, the narrow one is NARROW_WIDTH across a phone), so that text set at 12 units
# is never smaller than 12 px: at 1000 units in a 640 px box it was 7.7 px.
WIDTH = 720
NARROW_WIDTH = 340
NARROW_WINDOW = datetime.timedelta(days=150)  # each side of ``on`` on a phone
MARGIN = 12
BAND_TOP, BAND_HEIGHT = 26, 30
LANE_TOP, LANE_HEIGHT = 76, 22  # marker rows below the bands, one per lane
RADIUS = 9  # a marker holds its number (11 px text)
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
    number: int  # also shown beside the event's row in the timeline below
    span_x: float | None = None  # a disputed date: the range its sources claim, drawn as a bar
    span_width: float = 0


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
    axis_y: int
    prefix: str = "wide"  # ids are unique per drawing: a page holds a wide one and a narrow one
    band_top: int = BAND_TOP
    band_height: int = BAND_HEIGHT
    band_label_y: int = BAND_TOP + BAND_HEIGHT // 2 + 5


def _lanes(intervals):
    """Greedy interval stacking: for each (lo, hi) in order, the first lane whose last interval
    ends before ``lo`` — so no marker or range is drawn over another."""
    ends, lanes = [], []
    for lo, hi in intervals:
        lane = next((n for n, end in enumerate(ends) if end < lo), len(ends))
        if lane == len(ends):
            ends.append(hi)
        else:
            ends[lane] = hi
        lanes.append(lane)
    return lanes


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


def _ticks(start, end, x, width=WIDTH):
    span_days = (end - start).days
    most = max(3, width // 80)  # labels about 80 units apart at most
    if span_days > 365 * 4:
        years = range(start.year + 1, end.year + 1)
        every = max(1, len(years) // most)
        return [Tick(x(datetime.date(y, 1, 1)), str(y)) for y in years if y % every == 0]
    step = next((s for s in (1, 2, 3, 6, 12) if span_days / 30 / s <= most), 12)
    ticks = [
        Tick(x(day), day.strftime("%b %Y") if day.month == 1 or step < 12 else str(day.year))
        for day in _month_starts(start, end, step)
    ]
    return [tick for tick in ticks if 28 <= tick.x <= width - 28]  # a label centred on it fits


def draw(rows, periods, on, width=WIDTH, window=None, prefix="wide"):
    """Lay out the timeline rows (``web.timeline.timeline_rows``, each with its ``number`` and
    ``span``) and the engine's periods, ``width`` units across; with ``window`` (a timedelta),
    only the days that far either side of ``on``."""
    if window is not None:
        start, end = on - window, on + window
    else:
        dates = [row.date for row in rows] + [on]
        first, last = min(dates), max(dates)
        pad = datetime.timedelta(days=max(20, (last - first).days // 12))
        start, end = first - pad, last + pad
    span = (end - start).days or 1

    def x(day):
        day = min(max(day, start), end)
        return round(MARGIN + (width - 2 * MARGIN) * (day - start).days / span, 1)

    bands = []
    for period in periods:
        lo = max(period.valid_from or start, start)
        hi = min(period.valid_to or end, end)
        if lo >= hi:
            continue
        label = PHASE_LABELS[period.phase]
        since = f"from {human_date(period.valid_from)}" if period.valid_from else "before the first event"
        until = f" to {human_date(period.valid_to - datetime.timedelta(days=1))}" if period.valid_to else " onwards"
        band_width = x(hi) - x(lo)
        bands.append(
            Band(
                x(lo),
                band_width,
                x(lo) + 6,
                period.phase,
                label if band_width > 7.5 * len(label) else "",
                f"{label}: {since}{until}",
                "ended" if period.phase in ENDED else "held" if period.phase in HELD else "",
            )
        )

    drawn = [
        row for row in rows if row.kind != "delayed" and row.number and (window is None or start <= row.date <= end)
    ]
    markers = []
    for row in drawn:
        state = row.state if row.state != "applied" else ("disputed" if row.disputed else "applied")
        title = f"{row.number}. {row.date_text}: {row.label}"
        if row.state == "preempted":
            title += f" (did not apply: pre-empted by {row.preempted_by})"
        elif row.state == "scheduled":
            title += " (scheduled)"
        elif row.state == "later":
            title += f" (reported after {human_date(on)})"
        marker = Marker(x(row.date), 0, state, row.key, title, row.number)
        if row.span is not None:
            marker.span_x, marker.span_width = x(row.span.start), max(x(row.span.end) - x(row.span.start), 2)
            title += f" — dates disputed: {span_text(row.span)}"
            marker.title = title
        markers.append(marker)
    markers.sort(key=lambda m: (min(m.x, m.span_x if m.span_x is not None else m.x), m.number))
    intervals = [
        (
            min(m.x, m.span_x if m.span_x is not None else m.x) - RADIUS - 2,
            max(m.x, (m.span_x or 0) + m.span_width) + RADIUS + 2,
        )
        for m in markers
    ]
    lanes = _lanes(intervals)
    for marker, lane in zip(markers, lanes):
        marker.y = LANE_TOP + LANE_HEIGHT * lane
    axis_y = LANE_TOP + LANE_HEIGHT * max(lanes, default=0) + RADIUS + 8
    on_x = x(on)
    anchor = "end" if on_x > width - 90 else ("start" if on_x < 90 else "middle")
    description = "; ".join(band.title for band in bands)
    return Drawing(
        width,
        axis_y + 24,
        bands,
        markers,
        _ticks(start, end, x, width),
        on_x,
        human_date(on),
        anchor,
        description,
        axis_y,
        prefix,
    )


def draw_instrument(rows, events, on, known):
    """The wide drawing of the instrument's whole life and the narrow one (a phone's) of the
    months around ``on``, so that the date asked about is in view without scrolling."""
    if not rows:
        return None
    periods = engine.periods(events, known)
    return draw(rows, periods, on), draw(rows, periods, on, NARROW_WIDTH, NARROW_WINDOW, "narrow")
