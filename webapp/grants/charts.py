"""Presentation: the geometry of the dashboard's SVG bar chart (the template draws it)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from webapp.grants.services.budget import Figures

BAR_WIDTH = 300   # px for the largest requested amount
ROW_HEIGHT = 44   # px per row: two bars and a label


def bar_chart(rows: Sequence[Figures], title: str, desc: str) -> dict[str, Any]:
    """Geometry for a horizontal SVG bar chart of requested and granted money per row."""
    top = max([r.requested_cents for r in rows] + [1])
    bars = []
    for i, r in enumerate(rows):
        bars.append({"label": r.label, "y": 10 + i * ROW_HEIGHT,
                     "requested": r.requested_cents, "granted": r.granted_cents,
                     "requested_w": round(BAR_WIDTH * r.requested_cents / top, 1),
                     "granted_w": round(BAR_WIDTH * r.granted_cents / top, 1)})
    return {"title": title, "desc": desc, "bars": bars, "height": 20 + len(rows) * ROW_HEIGHT}
