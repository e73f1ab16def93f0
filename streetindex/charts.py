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


@dataclass(frozen=True)
class ScoreRow:
    """One street in the score chart; the bar is drawn on a 0–100 scale, so its width is the score."""

    street: object
    score: object  # None: no score could be computed
    rank: int | None = None
    reason: str = ""  # why an unranked street is not ranked

    @property
    def width(self):
        return 0 if self.score is None else max(0, min(100, float(self.score)))


@dataclass(frozen=True)
class ScoreChart:
    ranked: list
    unranked: list

    @property
    def rows(self):
        return self.ranked + self.unranked


def score_chart(ranked, unranked):
    """The streets' scores in two groups: the ranked by rank, then apart the unranked, each with its reason.

    Drawn alike they would read as one ranking, and an unranked street with a high score from a
    handful of bookings would look like the best. ``ranked``, ``unranked``: readouts.
    """
    return ScoreChart(
        [ScoreRow(item.figure.street, item.figure.score, rank=item.figure.rank) for item in ranked],
        [ScoreRow(item.figure.street, item.figure.score, reason=item.unranked_reason) for item in unranked],
    )


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


# The coverage map: a tile map

COVERAGE_CLASSES = (
    # (key, colour, legend): the edge of a community's tile; its text says the count, so colour only adds.
    ("all", "#1e6b34", _("every sector")),
    ("most", "#0a4f9e", _("half or more of the sectors")),
    ("few", "#a14a07", _("fewer than half of the sectors")),
    ("none", "#b3261e", _("no sector")),
)


def coverage_class(covered, total):
    if total and covered >= total:
        return "all"
    if covered == 0:
        return "none"
    return "most" if 2 * covered >= total else "few"


@dataclass(frozen=True)
class CommunityTile:
    community: object
    covered: int
    total: int

    @property
    def css_class(self):
        return coverage_class(self.covered, self.total)


@dataclass(frozen=True)
class StreetTile:
    street: object
    communities: list  # CommunityTile, north-west first
    covered_cells: int
    cells: int


@dataclass(frozen=True)
class TileMap:
    streets: list  # StreetTile, in reading order: north to south in rows, west to east within a row
    columns: int  # street tiles per row on a wide screen
    legend: tuple = COVERAGE_CLASSES


MAX_COLUMNS = 4


def _centre(items):
    """The mean (latitude, longitude) of the located ``items`` (objects with a ``community``), or None."""
    placed = [item.community for item in items if item.community.latitude is not None and item.community.longitude]
    if not placed:
        return None
    return (
        sum(float(community.latitude) for community in placed) / len(placed),
        sum(float(community.longitude) for community in placed) / len(placed),
    )


def _in_rows(items, centre_of, columns):
    """``items`` north to south in rows of ``columns``, each row west to east; those without a centre last."""
    located = sorted((item for item in items if centre_of(item)), key=lambda item: -centre_of(item)[0])
    rows = [located[index : index + columns] for index in range(0, len(located), columns)]
    ordered = [item for row in rows for item in sorted(row, key=lambda item: centre_of(item)[1])]
    return ordered + [item for item in items if not centre_of(item)]


def coverage_tile_map(streets, total_sectors):
    """A tile map: one labelled tile per street, its communities' tiles inside, placed roughly as on the ground.

    No outlines are drawn, because no boundary geometry is kept: tiles are placed by the centres of
    the communities (``Community.latitude``/``longitude``), a street at the mean of its communities'.
    The streets are cut into rows from north to south, each row read west to east, so the tiles
    keep the district's rough shape on a wide screen and fall into one column, in the same order,
    on a phone. ``streets``: ``readouts.StreetCoverage`` items.
    """
    centres = {street.street.pk: _centre(street.communities) for street in streets}
    located = sum(1 for centre in centres.values() if centre)
    columns = _columns(streets, centres, located)
    tiles = []
    for street in _in_rows(streets, lambda street: centres[street.street.pk], columns):
        communities = _in_rows(
            street.communities,
            lambda item: _centre([item]),
            max(1, math.ceil(math.sqrt(len(street.communities)))),
        )
        tiles.append(
            StreetTile(
                street.street,
                [CommunityTile(item.community, item.covered_sectors, total_sectors) for item in communities],
                street.covered_cells,
                street.cells,
            )
        )
    return TileMap(tiles, columns)


def _columns(streets, centres, located):
    """As many columns as the district is wide for its height (a tall district, few), from 1 to MAX_COLUMNS."""
    points = [centre for centre in centres.values() if centre]
    if located < 2:
        return 1
    lats = [lat for lat, _lon in points]
    lons = [lon for _lat, lon in points]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    width = (max(lons) - min(lons)) * squeeze
    height = max(lats) - min(lats)
    aspect = width / height if height else MAX_COLUMNS
    return max(1, min(MAX_COLUMNS, round(math.sqrt(len(streets) * aspect)), len(streets)))
