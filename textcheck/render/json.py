"""JSON of ``check`` (and of ``serve``'s /api/check): one object whatever the number of reports.

``{"schema": "2.0", "reports": [report, ...], "summary": {...}}`` — the same shape for one file and
for many, so that a consumer never branches on the count (docs/schema.md says why).
"""

from __future__ import annotations

import json
from typing import Any


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def report_set(results: list) -> dict[str, Any]:
    """The output object of one or several ``CheckResult``s: the reports and the total per severity."""
    from textcheck.engine import SCHEMA_VERSION
    from textcheck.finding import count_by_severity

    return {
        "schema": SCHEMA_VERSION,
        "reports": [r.to_dict() for r in results],
        "summary": count_by_severity(f for r in results for f in r.findings),
    }


def render(results: list) -> str:
    return dumps(report_set(results))
