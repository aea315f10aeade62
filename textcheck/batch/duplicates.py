"""Second submissions: one unit's report of one year handed in as two files (docx and pdf) with
(nearly) the same text. Not copying: the file reviewed is ``years.representative`` (Word first),
the others get rule duplicate-submission (重复提交, info)."""

from __future__ import annotations

from typing import Any

from textcheck.batch.years import by_unit_year, representative
from textcheck.text import comparable


def _body(rec: dict[str, Any]) -> str:
    return comparable("".join(rec.get("lines") or []))


def _narrative(rec: dict[str, Any]) -> str:
    return "".join(p["text"] for p in rec.get("paragraphs") or [])


def find_duplicates(records: list[dict[str, Any]], threshold: float) -> dict[int, list[dict[str, Any]]]:
    """record index -> [{"path": file to review instead, "similarity": …}] for every second submission:
    same unit, same year, whole text or narrative at least ``threshold`` (rapidfuzz ratio) alike."""
    from rapidfuzz import fuzz

    out: dict[int, list[dict[str, Any]]] = {}
    for (_unit, _year), idxs in sorted(by_unit_year(records).items()):
        if len(idxs) < 2:
            continue
        primary = representative(records, idxs)
        for i in sorted(idxs):
            if i == primary:
                continue
            sim = max(fuzz.ratio(_body(records[i]), _body(records[primary])),
                      fuzz.ratio(_narrative(records[i]), _narrative(records[primary])))
            if sim >= threshold:
                out[i] = [{"path": records[primary]["path"], "similarity": round(float(sim), 1)}]
    return out
