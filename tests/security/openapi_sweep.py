"""The per-operation schemathesis sweep both OpenAPI test files use: every operation in the app's document,
each with at most `max_examples` generated requests through Hypothesis (schemathesis' own pytest plugin is
not used: see test_schemathesis.py)."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from hypothesis import HealthCheck, Phase, given, settings


def operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def describe(exc: BaseException) -> str:
    inner = getattr(exc, "exceptions", None)
    if inner:
        return " | ".join(describe(e) for e in inner)[:3000]
    return f"{type(exc).__name__}: {exc}"[:1500]


def sweep(schema, checks: Sequence[Callable], headers: Mapping[str, str], max_examples: int,
          min_operations: int = 10) -> dict[str, str]:
    """Run `checks` on every operation's answers; the failures by operation label (empty: all passed).
    Every operation is tried even when an earlier one fails."""
    found = operations(schema)
    assert len(found) >= min_operations
    failures: dict[str, str] = {}
    for operation in found:
        @given(case=operation.as_strategy())
        @settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def call(case):
            response = case.call(headers=dict(headers))
            case.validate_response(response, checks=list(checks))

        try:
            call()
        except (Exception, BaseExceptionGroup) as exc:  # failed checks: collect them, go on with the others
            failures[operation.label] = describe(exc)
    return failures
