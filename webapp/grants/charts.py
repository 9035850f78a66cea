"""Presentation: the geometry of the dashboard's SVG bar chart (the template draws it)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from webapp.grants.services.budget import Figures

# The label stands on its own line above its two bars, so it can be large on a narrow screen (grants.css
# sets a bigger font in user units below 600 px) without running into the bars.
BAR_WIDTH = 500   # units for the largest requested amount (viewBox 520 wide)
ROW_HEIGHT = 72   # units per row: a label line and two bars


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
