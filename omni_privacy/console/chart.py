"""Geometry of a stacked bar chart, for the console's server-rendered SVG (no script, no
third-party resource: notice §2.3).

Pure: numbers in, rectangles out; the template only writes them down. Coordinates are SVG user
units, rounded to two decimals (integers stay integers, so the markup reads ``height="100"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Okabe-Ito colours, ordered for contrast on white (yellow last): distinguishable with the
# common colour-vision deficiencies. A series keeps its colour from its position.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#000000",
    "#F0E442",
)


@dataclass(frozen=True)
class Layout:
    width: float = 720
    plot_height: float = 200
    left: float = 44  # room for the value axis labels
    right: float = 8
    top: float = 16  # room for the total above the tallest bar
    axis_labels: float = 28  # under the plot: the bar labels
    legend_row: float = 20
    swatch: float = 12
    legend_columns: int = 2
    bar_ratio: float = 0.7  # bar width / slot width


@dataclass(frozen=True)
class Segment:
    series: int
    value: int
    colour: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    x: float
    width: float
    centre: float
    top: float
    total_y: float
    """Where the bar's total is written, just above it."""
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class LegendItem:
    series: int
    label: str
    colour: str
    x: float
    y: float
    """Top left corner of the colour swatch."""
    size: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class StackedBars:
    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    label_y: float
    """Baseline of the bar labels."""
    tick_x: float
    """Right edge of the value axis labels."""
    maximum: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[LegendItem, ...]


def _n(value: float) -> float:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def nice_maximum(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``value`` (and at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= value:
                return factor * step
        step *= 10


def ticks_for(maximum: int) -> tuple[int, ...]:
    """Axis values from 0 to ``maximum`` (a nice maximum), at most six, whole numbers."""
    for count in (5, 4, 2, 1):
        if maximum % count == 0:
            return tuple(maximum // count * index for index in range(count + 1))
    return (0, maximum)


def stacked_bars(
    values: Sequence[Sequence[int]],
    *,
    labels: Sequence[str],
    series: Sequence[str],
    layout: Layout | None = None,
) -> StackedBars:
    """One bar per row of ``values`` (labelled by ``labels``), stacked bottom-up in ``series``
    order; series *i* is drawn in ``PALETTE[i]``. Zero values draw no segment."""
    if len(values) != len(labels):
        raise ValueError("one label per bar")
    if any(len(row) != len(series) for row in values):
        raise ValueError("one value per series in every bar")
    if any(value < 0 for row in values for value in row):
        raise ValueError("values are counts: never negative")
    lay = layout or Layout()
    maximum = nice_maximum(max((sum(row) for row in values), default=0))
    plot_bottom = lay.top + lay.plot_height
    plot_right = lay.width - lay.right
    slot = (plot_right - lay.left) / max(len(values), 1)
    bar_width = slot * lay.bar_ratio
    scale = lay.plot_height / maximum
    bars = []
    for index, (row, label) in enumerate(zip(values, labels, strict=True)):
        x = lay.left + slot * index + (slot - bar_width) / 2
        base = plot_bottom
        segments = []
        for position, value in enumerate(row):
            if value == 0:
                continue
            height = value * scale
            base -= height
            segments.append(
                Segment(
                    series=position,
                    value=value,
                    colour=PALETTE[position % len(PALETTE)],
                    x=_n(x),
                    y=_n(base),
                    width=_n(bar_width),
                    height=_n(height),
                )
            )
        bars.append(
            Bar(
                label=label,
                total=sum(row),
                x=_n(x),
                width=_n(bar_width),
                centre=_n(x + bar_width / 2),
                top=_n(base),
                total_y=_n(base - 4),
                segments=tuple(segments),
            )
        )
    ticks = tuple(
        Tick(value=value, y=_n(plot_bottom - value * scale)) for value in ticks_for(maximum)
    )
    legend_top = plot_bottom + lay.axis_labels
    column_width = (lay.width - lay.left) / lay.legend_columns
    legend = []
    for position, name in enumerate(series):
        x = lay.left + column_width * (position % lay.legend_columns)
        y = legend_top + lay.legend_row * (position // lay.legend_columns)
        legend.append(
            LegendItem(
                series=position,
                label=name,
                colour=PALETTE[position % len(PALETTE)],
                x=_n(x),
                y=_n(y),
                size=_n(lay.swatch),
                text_x=_n(x + lay.swatch + 6),
                text_y=_n(y + lay.swatch / 2),
            )
        )
    legend_rows = -(-len(series) // lay.legend_columns)
    return StackedBars(
        width=_n(lay.width),
        height=_n(plot_bottom + lay.axis_labels + lay.legend_row * legend_rows + 4),
        plot_left=_n(lay.left),
        plot_right=_n(plot_right),
        plot_top=_n(lay.top),
        plot_bottom=_n(plot_bottom),
        label_y=_n(plot_bottom + lay.axis_labels * 0.6),
        tick_x=_n(lay.left - 6),
        maximum=maximum,
        bars=tuple(bars),
        ticks=ticks,
        legend=tuple(legend),
    )
