"""Demo co-beheer: each registered subject type loads its own (co-owners, revisions, suggestions, join
requests, reports, proposals). All fictional. Runs after the accounts demo and the subject domains' demos."""
from __future__ import annotations

from typing import Any

from webapp.stewardship import registry


def load(rng: Any) -> str:
    summaries = [f"{kind.name}: {kind.demo(rng)}" for kind in registry.all_types() if kind.demo is not None]
    return "; ".join(summaries) or "skipped (no subject type has demo data)"
