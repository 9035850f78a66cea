"""The rules of insight, one module per subject; this module names them all in one place, for the routes,
the command line and other domains (`from webapp.insight import services`).

- `buurten`: loading buurten (CBS-style GeoJSON), which gemeenten have them, the buurt at a point;
- `gap`: the gap analysis (one PostGIS statement per gemeente) and its GeoJSON;
- `checkins`: "Hoe voelde het?": one answer per resident per place per month, unlinking, removal;
- `figures`: the averages, shown from MIN_RESIDENTS residents on, and who sees a place's figures per month.

The acting user is passed in; nothing here reads the Flask request. Errors are the one family of
`webapp/domain_errors.py`; callers commit.
"""
from __future__ import annotations

from webapp.areas.services import LoadError
from webapp.insight.buurten import (
    BUURTCODE_RE,
    GEMEENTE_RE,
    BuurtLoadReport,
    GemeenteWithBuurten,
    buurt_at,
    buurt_choices,
    gemeente,
    gemeenten_with_buurten,
    load_buurten,
)
from webapp.insight.checkins import (
    LINKED_FOR,
    can_remove_checkins,
    check_in,
    export_checkins,
    has_checked_in,
    month_of,
    public_place,
    remove_checkins_of,
    unlink_checkins,
    unlink_checkins_of,
)
from webapp.insight.figures import (
    HIDDEN,
    MIN_RESIDENTS,
    Figures,
    MonthFigures,
    buurt_figures,
    buurt_of_place,
    can_see_place_figures,
    gemeente_figures,
    place_figures,
    place_figures_by_month,
)
from webapp.insight.gap import (
    QUAD_SEGS,
    BuurtGap,
    GapReport,
    buurt_gap_at,
    buurten_geojson,
    gap_report,
    gap_statement,
    walk_reach_m,
)

__all__ = [
    "BUURTCODE_RE", "GEMEENTE_RE", "HIDDEN", "LINKED_FOR", "MIN_RESIDENTS", "QUAD_SEGS", "BuurtGap",
    "BuurtLoadReport", "Figures", "GapReport", "GemeenteWithBuurten", "LoadError", "MonthFigures", "buurt_at",
    "buurt_choices", "buurt_figures", "buurt_gap_at", "buurt_of_place", "buurten_geojson", "can_remove_checkins",
    "can_see_place_figures", "check_in", "export_checkins", "gap_report", "gap_statement", "gemeente",
    "gemeente_figures", "gemeenten_with_buurten", "has_checked_in", "load_buurten", "month_of", "place_figures",
    "place_figures_by_month", "public_place", "remove_checkins_of", "unlink_checkins", "unlink_checkins_of",
    "walk_reach_m",
]
