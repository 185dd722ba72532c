"""Grouped bar charts drawn as inline SVG (the dashboard's quarters, the proposals report's years): the geometry,
computed here once; the templates draw the bars and ticks."""
from __future__ import annotations

from dataclasses import dataclass

TOP, BOTTOM, SIDE = 20, 26, 8  # room for the values above the bars, the labels below, and the sides


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    kind: str


def grouped_bars(groups: list[tuple[str, list[tuple[str, int]]]], box: tuple[int, int], *, bar_share: float,
                 gap_share: float, max_bar: float | None = None
                 ) -> tuple[list[Bar], list[tuple[float, str]], float]:
    """(bars, ticks, baseline) in a `box` (width, height): per group (its label, then (kind, value) per bar) its bars
    side by side, centred under the label, each `bar_share` of the group's width (at most `max_bar`) with
    `gap_share` between them, scaled to the tallest value."""
    width, height = box
    plot = height - TOP - BOTTOM
    peak = max([1] + [value for _label, series in groups for _kind, value in series])
    group = (width - 2 * SIDE) / max(1, len(groups))
    bar = group * bar_share if max_bar is None else min(group * bar_share, max_bar)
    gap = group * gap_share
    bars, ticks = [], []
    for i, (label, series) in enumerate(groups):
        centre = SIDE + i * group + group / 2
        left = centre - (len(series) * bar + (len(series) - 1) * gap) / 2
        for j, (kind, value) in enumerate(series):
            tall = plot * value / peak
            bars.append(Bar(round(left + j * (bar + gap), 1), round(TOP + plot - tall, 1), round(bar, 1),
                            round(tall, 1), value, kind))
        ticks.append((round(centre, 1), label))
    return bars, ticks, TOP + plot
