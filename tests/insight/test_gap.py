"""The gap analysis: a hand-made set whose answer is known, and the real Utrecht set."""
from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from tests.insight.conftest import NEWCOMERS
from webapp.insight import services

# Hand-made buurten in gemeente Groningen (GM0014, no real buurten loaded there), in RD New metres.
X0, Y0 = 233_000, 580_000
NO_PLACE = box(X0 - 3000, Y0, X0 - 2000, Y0 + 1000)          # 1 km², no place within reach
SPLIT = box(X0, Y0, X0 + 2000, Y0 + 1000)                      # 2 km², split by the reach of its places
OUTSIDE = box(X0 + 4000, Y0, X0 + 5000, Y0 + 1000)             # a place 805 m west of it
INSIDE = box(X0 + 4000, Y0 + 3000, X0 + 5000, Y0 + 4000)       # a place 795 m west of it
ACCESS_AT = (X0, Y0 + 500)                 # on the west edge of SPLIT, wheelchair accessible
NEWCOMERS_AT = (X0 + 2000, Y0 + 300)       # on the east edge of SPLIT, welcomes newcomers (not accessible)


def _expected_share(area, *centres, reach=800):
    """Computed independently of PostGIS: Shapely in the RD plane, circles of 2048 segments."""
    circles = Point(centres[0]).buffer(reach, quad_segs=512)
    for centre in centres[1:]:
        circles = circles.union(Point(centre).buffer(reach, quad_segs=512))
    return area.intersection(circles).area / area.area


@pytest.fixture
def hand_made(make_place, buurten_file):
    path = buurten_file([
        ("BU00140001", "Zonder plek", 1200, NO_PLACE.wkt),
        ("BU00140002", "Gedeeld", 1000, SPLIT.wkt),
        ("BU00140003", "Net buiten bereik", 500, OUTSIDE.wkt),
        ("BU00140004", "Net binnen bereik", 400, INSIDE.wkt),
    ])
    report = services.load_buurten(path)
    assert (report.inserted, report.rejected) == (4, [])
    make_place(rd=ACCESS_AT, wheelchair="yes", gemeente_code="GM0014")
    make_place(rd=NEWCOMERS_AT, wheelchair="limited", gemeente_code="GM0014", **NEWCOMERS)
    make_place(rd=(X0 + 4000 - 805, Y0 + 500), wheelchair="yes", gemeente_code="GM0014", **NEWCOMERS)
    make_place(rd=(X0 + 4000 - 795, Y0 + 3500), wheelchair="yes", gemeente_code="GM0014")
    # Not public, or not accessible: they must not count.
    make_place(rd=(X0 - 2500, Y0 + 500), wheelchair="yes", status="proposed", gemeente_code="GM0014", **NEWCOMERS)
    make_place(rd=(X0 - 2500, Y0 + 600), wheelchair="yes", hidden=True, gemeente_code="GM0014", **NEWCOMERS)
    make_place(rd=(X0 - 2500, Y0 + 700), wheelchair="no", gemeente_code="GM0014")
    return {b.code: b for b in services.gap_report("GM0014").buurten}


def test_buurt_without_a_place_in_reach_has_share_zero(hand_made):
    buurt = hand_made["BU00140001"]
    assert (buurt.share_access, buurt.share_newcomers, buurt.reached_access) == (0, 0, 0)


def test_place_just_outside_800_m_does_not_count(hand_made):
    buurt = hand_made["BU00140003"]
    assert buurt.share_access == 0 and buurt.share_newcomers == 0


def test_place_just_inside_800_m_counts_for_the_sliver_it_reaches(hand_made):
    buurt = hand_made["BU00140004"]
    expected = _expected_share(INSIDE, (X0 + 4000 - 795, Y0 + 3500))
    assert 0 < expected < 0.01
    # A 5 m deep sliver: the 256-segment circle lies up to 6 cm inside the true one, so a few % less.
    assert buurt.share_access == pytest.approx(expected, rel=0.05)


def test_buurt_split_by_reach_matches_independent_geometry(hand_made):
    buurt = hand_made["BU00140002"]
    access, newcomers = _expected_share(SPLIT, ACCESS_AT), _expected_share(SPLIT, NEWCOMERS_AT)
    assert 0.2 < access < 0.8 and 0.2 < newcomers < 0.8
    assert buurt.share_access == pytest.approx(access, rel=0.002)
    assert buurt.share_newcomers == pytest.approx(newcomers, rel=0.002)
    assert buurt.reached_access == round(access * 1000)
    assert buurt.area_m2 == pytest.approx(2_000_000, rel=1e-6)


def test_buurten_with_none_are_listed(hand_made, make_place):
    report = services.gap_report("GM0014")
    assert {b.code for b in report.without_access} == {"BU00140001", "BU00140003"}
    assert {b.code for b in report.without_newcomers} == {"BU00140001", "BU00140003", "BU00140004"}


def test_reach_is_a_setting(hand_made, app):
    app.config["INSIGHT_WALK_REACH_M"] = 810
    try:
        buurt = {b.code: b for b in services.gap_report("GM0014").buurten}["BU00140003"]
    finally:
        app.config["INSIGHT_WALK_REACH_M"] = 800
    expected = _expected_share(OUTSIDE, (X0 + 4000 - 805, Y0 + 500), reach=810)
    assert buurt.share_access == pytest.approx(expected, rel=0.05)
    assert buurt.share_access > 0


def test_utrecht_has_111_buurten_and_361525_inhabitants():
    report = services.gap_report("GM0344")
    assert len(report.buurten) == 111
    assert report.inhabitants == 361_525
    # No places in this test: nobody is within reach, every buurt is listed as having none.
    assert report.reached_access == 0 and len(report.without_access) == 111


def test_gap_is_one_sql_statement(hand_made, count_queries):
    with count_queries() as counter:
        services.gap_report("GM0014")
    assert counter.count == 1
