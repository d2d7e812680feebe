"""The stacked bar geometry behind the retention chart (pure: no database)."""

from __future__ import annotations

import pytest

from omni_privacy.console.chart import (
    PALETTE,
    Layout,
    nice_maximum,
    stacked_bars,
    ticks_for,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1), (1, 1), (2, 2), (3, 5), (5, 5), (6, 10), (11, 20), (21, 50), (51, 100), (999, 1000)],
)
def test_nice_maximum(value: int, expected: int) -> None:
    assert nice_maximum(value) == expected


def test_ticks_are_whole_numbers_from_zero_to_the_maximum() -> None:
    assert [ticks_for(m) for m in (1, 2, 5, 10, 20, 50)] == [
        (0, 1),
        (0, 1, 2),
        (0, 1, 2, 3, 4, 5),
        (0, 2, 4, 6, 8, 10),
        (0, 4, 8, 12, 16, 20),
        (0, 10, 20, 30, 40, 50),
    ]


def test_bars_stack_bottom_up_in_series_order_and_scale_to_the_nice_maximum() -> None:
    layout = Layout(width=340, left=40, right=0, plot_height=200, top=10, bar_ratio=0.5)
    chart = stacked_bars(
        [[1, 0, 2], [0, 0, 0], [0, 4, 0]],
        labels=["a", "b", "c"],
        series=["one", "two", "three"],
        layout=layout,
    )
    assert chart.maximum == 5  # tallest bar 4
    assert (chart.plot_top, chart.plot_bottom, chart.plot_left, chart.plot_right) == (
        10,
        210,
        40,
        340,
    )
    first, empty, third = chart.bars
    # Slot 100 wide, bar 50 wide and centred; 40 units of height per holding.
    assert [(s.series, s.value, s.x, s.y, s.width, s.height, s.colour) for s in first.segments] == [
        (0, 1, 65, 170, 50, 40, PALETTE[0]),
        (2, 2, 65, 90, 50, 80, PALETTE[2]),
    ]
    assert (first.total, first.top, first.total_y, first.centre) == (3, 90, 86, 90)
    assert (empty.total, empty.segments, empty.top) == (0, (), 210)
    assert [(s.series, s.y, s.height) for s in third.segments] == [(1, 50, 160)]
    assert [(t.value, t.y) for t in chart.ticks] == [
        (0, 210),
        (1, 170),
        (2, 130),
        (3, 90),
        (4, 50),
        (5, 10),
    ]
    assert [(item.label, item.colour, item.x, item.y) for item in chart.legend] == [
        ("one", PALETTE[0], 40, 238),
        ("two", PALETTE[1], 190, 238),
        ("three", PALETTE[2], 40, 258),
    ]
    assert chart.height == 210 + 28 + 2 * 20 + 4


def test_an_empty_chart_still_has_an_axis() -> None:
    chart = stacked_bars([[0, 0]], labels=["w1"], series=["x", "y"])
    assert chart.maximum == 1
    assert [t.value for t in chart.ticks] == [0, 1]
    assert chart.bars[0].segments == ()


def test_fractional_coordinates_are_rounded_to_two_decimals() -> None:
    chart = stacked_bars([[1]] * 13, labels=[str(n) for n in range(13)], series=["s"])
    # (720 - 44 - 8) / 13 = 51.3846 per slot, 70 % of it per bar.
    assert (chart.bars[0].x, chart.bars[0].width, chart.bars[1].x) == (51.71, 35.97, 103.09)


@pytest.mark.parametrize(
    ("values", "labels", "series", "message"),
    [
        ([[1]], ["a", "b"], ["s"], "one label per bar"),
        ([[1, 2]], ["a"], ["s"], "one value per series in every bar"),
        ([[-1]], ["a"], ["s"], "values are counts: never negative"),
    ],
)
def test_bad_input_is_refused(values, labels, series, message) -> None:
    with pytest.raises(ValueError, match=message):
        stacked_bars(values, labels=labels, series=series)
