"""The dashboard's bar chart geometry (presentation, webapp/grants/charts.py)."""
from webapp.grants.charts import bar_chart
from webapp.grants.services import Figures


def test_bars_scale_to_the_largest_request_and_rows_stack():
    rows = [Figures(label="Noord", requested_cents=40_000, granted_cents=10_000),
            Figures(label="Zuid", requested_cents=20_000, granted_cents=20_000)]
    chart = bar_chart(rows, "Titel", "Uitleg")
    assert chart["title"] == "Titel" and chart["desc"] == "Uitleg" and chart["height"] == 20 + 2 * 72
    assert [(b["label"], b["y"], b["requested_w"], b["granted_w"]) for b in chart["bars"]] == [
        ("Noord", 10, 500.0, 125.0), ("Zuid", 82, 250.0, 250.0)]


def test_no_money_at_all_draws_empty_bars():
    chart = bar_chart([Figures(label="Hele regeling")], "T", "D")
    assert chart["bars"][0]["requested_w"] == 0 and chart["bars"][0]["granted_w"] == 0
