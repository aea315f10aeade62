"""JSON: one object per report; several reports -> an array. Schema: docs/schema.md."""

from __future__ import annotations

import json
from typing import Any


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render(results: list, *, single: bool) -> str:
    data = [r.to_dict() for r in results]
    return dumps(data[0] if single and len(data) == 1 else data)
