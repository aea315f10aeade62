"""What a batch adds to each report for the reviewer: its unit and region, the fingerprints of its
findings with the decisions carried over, its own copy ratio (paragraphs it is the source of left
out), and the expected units of a region that sent no report (``--expect``)."""

from __future__ import annotations

from typing import Any, Sequence

from textcheck.batch.decisions import decide, fingerprints
from textcheck.batch.units import record_region, unit_key
from textcheck.finding import Finding
from textcheck.text import comparable


def year_and_date(rec: dict[str, Any]) -> dict[str, Any]:
    """The report year and the signature date (ISO), for the direction of a copy."""
    head = rec.get("head") or {}
    if "signature_date" in head:  # the cache summary: no result to load
        return {"year": head.get("year"), "date": head["signature_date"]}
    res = rec.get("result") or {}
    return {"year": res.get("year"), "date": (res.get("identity") or {}).get("signature_date")}


def own_copy_ratio(rec: dict[str, Any], batch_findings: Sequence[Finding]) -> float:
    """Share of the narrative in paragraphs shared with other units, leaving out those this report is
    the earlier source of (cross-report-copy findings with direction copied-by)."""
    total = rec.get("narrative_chars") or 0
    if not total:
        return 0.0
    by_line = {p["line"]: p for p in rec.get("paragraphs") or []}
    copied = 0
    for f in batch_findings:
        if f.rule != "cross-report-copy" or dict(f.evidence).get("direction") == "copied-by":
            continue
        para = by_line.get(f.line)
        copied += len(para["text"]) if para else len(comparable(f.text))
    return round(copied / total, 3)


def review_of(rec: dict[str, Any], findings: Sequence[Finding],
              decisions: dict[str, tuple[str, str]] | None) -> dict[str, Any]:
    """The reviewer's columns of one report: unit key, gazetteer code, region, signature date, one
    fingerprint and one (decision, comment) per finding."""
    key = unit_key(rec) if rec.get("status") == "ok" else None
    fps = fingerprints(findings, key, rec["path"])
    res = rec.get("head") or rec.get("result") or {}
    return {
        "unit_key": key,
        "code": (res.get("resolved_issuer") or {}).get("code"),
        "region": record_region(rec),
        "signature_date": year_and_date(rec)["date"],
        "fingerprints": fps,
        "decisions": decide(fps, decisions),
    }


def missing_units(expected: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]],
                  reports: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per ``--expect`` region: its units one level down, which of them sent a report (a report
    resolved to the unit or to a division inside it) and which did not."""
    from textcheck.gazetteer import gazetteer

    g = gazetteer()
    seen: set[str] = set()
    for r in reports:
        if r.get("status") == "ok" and r.get("code"):
            seen.add(r["code"])
            seen.update(g.ancestors(r["code"]))
    out = []
    for region, units in expected:
        missing = [u for u in units if u["code"] not in seen]
        out.append({**region, "expected": len(units), "submitted": len(units) - len(missing), "missing": missing})
    return out


def region_summary(reports: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows per region of the scored reports: each county (or city, province when that is the
    deepest level known), then the subtotal of its city and of its province, then the total:
    {"kind": county | city | province | total | unplaced, "province", "city", "county", "reports",
    "average", "lowest", "errors", "carryover_over"} — kind is the row's level; reports with no region
    are one "unplaced" row."""
    scored = [r for r in reports if r.get("score") is not None]

    def row(kind: str, key: tuple[str, str, str], rs: list[dict[str, Any]]) -> dict[str, Any]:
        scores = [r["score"] for r in rs]
        return {"kind": kind, "province": key[0], "city": key[1], "county": key[2], "reports": len(rs),
                "average": round(sum(scores) / len(scores), 1) if scores else None,
                "lowest": min(scores) if scores else None,
                "errors": sum(r["summary"]["error"] for r in rs),
                "carryover_over": sum(1 for r in rs if (r.get("breakdown") or {}).get("carryover") == 0
                                      and r.get("prior_ratio") is not None)}

    placed: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    unplaced = []
    for r in scored:
        reg = r.get("region") or {}
        if not reg:
            unplaced.append(r)
            continue
        placed.setdefault((reg.get("province", ""), reg.get("city", ""), reg.get("county", "")), []).append(r)
    out: list[dict[str, Any]] = []
    for prov in sorted({k[0] for k in placed}):
        cities = sorted({k[1] for k in placed if k[0] == prov})
        for city in cities:
            keys = sorted(k for k in placed if k[0] == prov and k[1] == city)
            for k in keys:
                out.append(row("county" if k[2] else "city" if k[1] else "province", k, placed[k]))
            if city and len(keys) > 1:
                out.append(row("city-total", (prov, city, ""), [r for k in keys for r in placed[k]]))
        in_prov = [r for k, rs in placed.items() if k[0] == prov for r in rs]
        if len(cities) > 1 or sum(1 for k in placed if k[0] == prov) > 1:
            out.append(row("province-total", (prov, "", ""), in_prov))
    if unplaced:
        out.append(row("unplaced", ("", "", ""), unplaced))
    if scored:
        out.append(row("total", ("", "", ""), scored))
    return out
