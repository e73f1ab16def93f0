"""Distances between points given as latitude and longitude (WGS-84 degrees)."""

import math

EARTH_RADIUS_METRES = 6_371_000


def great_circle_metres(lat1, lon1, lat2, lon2):
    """Distance on the earth's surface (haversine), in metres."""
    lat1, lon1, lat2, lon2 = (math.radians(float(value)) for value in (lat1, lon1, lat2, lon2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))
