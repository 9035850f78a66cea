"""Column values as plain JSON for the revision log, and back (points as 'POINT(lon lat)')."""
from __future__ import annotations

from typing import Any

from geoalchemy2.elements import WKTElement, _SpatialElement
from geoalchemy2.shape import to_shape


def point_text(value: Any) -> str | None:
    """'POINT(lon lat)' with 6 decimals, for revisions and comparisons."""
    if value is None:
        return None
    shape: Any = to_shape(value)
    return f"POINT({shape.x:.6f} {shape.y:.6f})"


def make_point(lon: float, lat: float) -> WKTElement:
    return WKTElement(f"POINT({float(lon):.6f} {float(lat):.6f})", srid=4326)


def lon_lat(subject: Any) -> tuple[float, float] | None:
    if getattr(subject, "location", None) is None:
        return None
    shape: Any = to_shape(subject.location)
    return shape.x, shape.y


def plain(value: Any) -> Any:
    """A JSON-safe form of a column value for the revision log."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, _SpatialElement):
        return point_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def restorable(value: Any, field_name: str) -> Any:
    """A value from the revision log as a column value again (for a revert)."""
    if field_name == "location" and isinstance(value, str):
        return WKTElement(value.replace("POINT (", "POINT("), srid=4326)
    return value
