"""The knowledge chart: an instrument's phase across valid time (columns) as known at each
moment its sources changed (rows, one per distinct publication date) — when the world learned
what. An HTML table, so that it is the screen reader's view too; each row's equal cells are
merged, and each cell names its phase in words, so colour is never all that tells them apart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from policytrack.timeline import engine
from policytrack.timeline.wording import PHASE_LABELS, human_date

COLUMNS = 40
ROWS = 20
ENDED = {"rescinded", "vacated", "expired", "superseded", "withdrawn"}
HELD = {"not_enforced", "suspended", "stayed"}


@dataclass
class Cell:
    phase: str
    label: str
    span: int  # columns merged
    title: str  # the stretch of valid time it covers, in words
    pattern: str  # "ended" or "held", as the drawing's bands


@dataclass
class Column:
    day: datetime.date
    label: str  # shown above every few columns; every column's date is in its header for screen readers
    text: str


def _evenly(items, most):
    """At most ``most`` of ``items``, evenly spread, keeping the first and the last."""
    if len(items) <= most:
        return list(items)
    step = (len(items) - 1) / (most - 1)
    return [items[round(n * step)] for n in range(most)]


def _phase_on(periods, day):
    for period in periods:
        if (period.valid_from is None or period.valid_from <= day) and (
            period.valid_to is None or day < period.valid_to
        ):
            return period.phase
    return "not_yet_issued"


def knowledge_chart(events, known=None):
    """``(columns, rows)``: rows of (knowledge date, cells), or None without sources. Limited to
    sources published by ``known`` if given (no hindsight). At most ROWS engine runs (one
    ``engine.periods`` per row), each read at COLUMNS dates."""
    published = sorted(
        {
            claim.published_on
            for event in events
            for claim in event.claims
            if known is None or claim.published_on <= known
        }
    )
    if not published:
        return None
    dates = [item.date for item in engine.timeline(events, known)] or published
    first, last = min(dates), max(dates)
    pad = datetime.timedelta(days=max(15, (last - first).days // 20))
    start, end = first - pad, last + pad
    step = max((end - start).days / (COLUMNS - 1), 1)
    days = sorted(
        {
            start + datetime.timedelta(days=round(n * step))
            for n in range(COLUMNS)
            if start + datetime.timedelta(days=round(n * step)) <= end
        }
    )
    every = max(1, len(days) // 6)
    columns = [
        Column(day, day.strftime("%b %Y") if n % every == 0 else "", human_date(day)) for n, day in enumerate(days)
    ]
    rows = []
    for row_known in _evenly(published, ROWS):
        periods = engine.periods(events, row_known)
        cells = []
        for day in days:
            phase = _phase_on(periods, day)
            if cells and cells[-1].phase == phase:
                cells[-1].span += 1
                cells[-1].last = day
            else:
                cell = Cell(
                    phase, PHASE_LABELS[phase], 1, "", "ended" if phase in ENDED else "held" if phase in HELD else ""
                )
                cell.first = cell.last = day
                cells.append(cell)
        for cell in cells:
            cell.title = f"{cell.label}, {human_date(cell.first)} to {human_date(cell.last)}"
        rows.append((row_known, cells))
    return columns, rows
