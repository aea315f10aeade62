"""The numeric cells of two reports' statistical tables, compared one by one (``textcheck compare``).

A cell is keyed by the last label before it, which occurrence of that label it is, and its position
after the label, so the same cell is found in both years whatever the layout."""

from __future__ import annotations

import re
from typing import Any

from textcheck.document import Document
from textcheck.parse import SECTION_TITLE

_NUMERIC_CELL = re.compile(r"^-?\d+(?:\.\d+)?%?$")


def _cells(doc: Document, section: str) -> dict[tuple[str, int, int], str]:
    """Numeric table cells keyed by (last label, occurrence of that label, position after it)."""
    out: dict[tuple[str, int, int], str] = {}
    label, occ, pos = "", 0, 0
    seen: dict[str, int] = {}
    for b in doc.blocks:
        if b.kind.value != "table" or b.section != section:
            continue
        for row in b.rows:
            for cell in row:
                c = re.sub(r"\s+", "", cell).strip("|")
                if not c:
                    continue
                if _NUMERIC_CELL.match(c):
                    pos += 1
                    out[(label, occ, pos)] = c
                else:
                    label = c
                    seen[c] = seen.get(c, 0) + 1
                    occ, pos = seen[c], 0
    return out


def compare_tables(old: Document, new: Document) -> list[dict[str, Any]]:
    out = []
    for key in ("active", "requests", "review"):
        a, b = _cells(old, key), _cells(new, key)
        common = sorted(set(a) & set(b))
        if not b:
            continue
        same = [k for k in common if a[k] == b[k]]
        nonzero_same = [k for k in same if b[k] not in ("0", "0.0", "0%")]
        changed = [k for k in common if a[k] != b[k]]
        out.append({
            "section": SECTION_TITLE[key],
            "cells": len(b),
            "compared": len(common),
            "identical": len(same),
            "identical_nonzero": len(nonzero_same),
            "changed": len(changed),
            "changes": [{"label": k[0], "position": k[2], "old": a[k], "new": b[k]} for k in changed[:50]],
        })
    return out
