"""Satisfaction as published: the count, the 1–5 distribution, and an average only from a minimum sample."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q


def average_stars(distribution, min_sample):
    """The mean of the stars of ``distribution`` ([n1, …, n5]), or ``None`` below ``min_sample`` ratings."""
    count = sum(distribution)
    if count == 0 or count < min_sample:
        return None
    return sum(stars * n for stars, n in enumerate(distribution, start=1)) / count


@dataclass(frozen=True)
class Satisfaction:
    distribution: tuple  # visible ratings with 1, 2, 3, 4, 5 stars
    min_sample: int

    @property
    def count(self):
        return sum(self.distribution)

    @property
    def average(self):
        return average_stars(self.distribution, self.min_sample)

    @property
    def shown(self):
        return self.average is not None

    def bars(self):
        """[(stars, count, share 0–1)] from 5 stars down, for a distribution chart."""
        total = self.count or 1
        return [
            (stars, self.distribution[stars - 1], self.distribution[stars - 1] / total) for stars in (5, 4, 3, 2, 1)
        ]


DISTRIBUTION = {f"n{stars}": Count("pk", filter=Q(stars=stars)) for stars in range(1, 6)}


def distribution_row(row):
    return tuple(row[f"n{stars}"] for stars in range(1, 6))


def satisfaction_of(ratings, min_sample=None):
    """The satisfaction of a queryset of ratings (one query); pass visible ratings only."""
    min_sample = settings.SATISFACTION_MIN_SAMPLE if min_sample is None else min_sample
    return Satisfaction(distribution_row(ratings.aggregate(**DISTRIBUTION)), min_sample)


def satisfaction_by(ratings, key, min_sample=None):
    """``{key value: Satisfaction}`` grouped by ``key`` (e.g. ``"booking__slot__offering"``), in one query;
    a key without ratings reads as no ratings yet."""
    return satisfaction_of_rows(distribution_rows(ratings, key), min_sample)


def distribution_rows(ratings, key):
    """(key value, stars, how many) of ``ratings``: what ``satisfaction_by`` reads."""
    # One count per (key, stars) rather than five filtered counts per key: the same numbers from a
    # query that Django builds in two-thirds of the time (the service page asks on every request).
    return ratings.order_by().values_list(key, "stars").annotate(n=Count("pk"))


def satisfaction_of_rows(rows, min_sample=None):
    """``{key value: Satisfaction}`` of ``distribution_rows``; a key without ratings reads as no ratings yet."""
    min_sample = settings.SATISFACTION_MIN_SAMPLE if min_sample is None else min_sample
    counts = defaultdict(lambda: [0, 0, 0, 0, 0])
    for value, stars, n in rows:
        counts[value][stars - 1] = n
    grouped = defaultdict(lambda: Satisfaction((0, 0, 0, 0, 0), min_sample))
    grouped.update({value: Satisfaction(tuple(distribution), min_sample) for value, distribution in counts.items()})
    return grouped
