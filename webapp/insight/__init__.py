"""Insight for the gemeente: where residents lack an accessible meeting place nearby (per buurt), and
how welcome places feel ("Hoe voelde het?", anonymous, shown only in aggregate). See docs/insight.md."""
