"""Geometry of the index's SVG charts; the templates draw them, so every label is escaped there.

No JavaScript and no external library: a bar is a rectangle whose width is
its value, and every value is also written as text beside it.
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

CHART_WIDTH = 640
LABEL_WIDTH = 150  # room for a street's name left of the bars
VALUE_WIDTH = 80  # room for the value right of the longest bar
ROW_HEIGHT = 28
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: object  # as written beside the bar; None: no value
    y: float
    width: float

    @property
    def text_y(self):
        return self.y + BAR_HEIGHT / 2

    @property
    def value_x(self):
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    bars: list
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self):
        return max(len(self.bars), 1) * ROW_HEIGHT + 8


def bar_chart(rows, maximum):
    """``rows``: [(label, value)] with values from 0 to ``maximum`` (None: drawn empty)."""
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for position, (label, value) in enumerate(rows):
        width = room * float(value) / maximum if value is not None and maximum else 0
        bars.append(Bar(label, value, 4 + position * ROW_HEIGHT, max(width, 0)))
    return BarChart(bars)


def score_chart(readouts):
    return bar_chart([(str(item.figure.street.name), item.figure.score) for item in readouts], 100)


def distribution_chart(readout):
    bars = readout.distribution_bars
    top = max(count for _stars, count, _percent in bars) or 1
    chart = bar_chart([(f"{stars} ★", count) for stars, count, _percent in bars], top)
    # The count and its share are written beside each bar, so the chart reads without the table.
    return BarChart(
        [
            Bar(bar.label, f"{count} ({share:.0f}%)", bar.y, bar.width)
            for bar, (_stars, count, share) in zip(chart.bars, bars, strict=True)
        ]
    )


# The coverage map

MAP_WIDTH = 640
MAP_MARGIN = 24
POINT_RADIUS = 9
MAX_ASPECT = 3  # height / width

COVERAGE_CLASSES = (
    # (key, fill, legend): white numbers on each fill have at least 4.5:1 contrast.
    ("all", "#1e6b34", _("every sector")),
    ("most", "#0a4f9e", _("half or more of the sectors")),
    ("few", "#a14a07", _("fewer than half of the sectors")),
    ("none", "#b3261e", _("no sector")),
)
_FILL = {key: fill for key, fill, _legend in COVERAGE_CLASSES}


def coverage_class(covered, total):
    if total and covered >= total:
        return "all"
    if covered == 0:
        return "none"
    return "most" if 2 * covered >= total else "few"


@dataclass(frozen=True)
class MapPoint:
    community: object
    covered: int
    total: int
    x: float
    y: float

    @property
    def css_class(self):
        return coverage_class(self.covered, self.total)

    @property
    def fill(self):
        return _FILL[self.css_class]


@dataclass(frozen=True)
class CoverageMap:
    points: list
    width: int
    height: int
    radius: int = POINT_RADIUS
    legend: tuple = COVERAGE_CLASSES


def coverage_map(communities, total_sectors):
    """Community centres, equirectangular with cos(latitude) so east–west distances are not stretched.

    The map keeps the district's own shape at a fixed width (a long, narrow
    district gives a tall map) so that neighbouring communities in town stay
    apart. ``communities``: objects with ``community`` (``latitude``/``longitude``)
    and ``covered_sectors``; those without a centre are left off (the table still lists them).
    """
    placed = [item for item in communities if item.community.latitude is not None and item.community.longitude]
    if not placed:
        return CoverageMap([], MAP_WIDTH, 2 * MAP_MARGIN)
    lats = [float(item.community.latitude) for item in placed]
    lons = [float(item.community.longitude) for item in placed]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * squeeze
    span_y = max(lats) - min(lats)
    inner = MAP_WIDTH - 2 * MAP_MARGIN
    # Fit the width; a district taller than MAX_ASPECT times its width is fitted by its height instead.
    scale = inner / max(span_x, span_y / MAX_ASPECT, 1e-6)
    height = round(span_y * scale + 2 * MAP_MARGIN)
    offset_x = (inner - span_x * scale) / 2  # centred when fitted by height
    points = [
        MapPoint(
            item.community,
            item.covered_sectors,
            total_sectors,
            round(MAP_MARGIN + offset_x + (lon - min(lons)) * squeeze * scale, 1),
            round(MAP_MARGIN + (max(lats) - lat) * scale, 1),
        )
        for item, lat, lon in zip(placed, lats, lons, strict=True)
    ]
    return CoverageMap(points, MAP_WIDTH, height)
