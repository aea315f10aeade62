"""Who a report belongs to, for the reviewer: the unit (issuer) key that pairs years and decides
"another unit", and the report's place in the gazetteer hierarchy (province / city / county).

The unit key is the resolved gazetteer code plus the issuer's name with the names of its superiors
taken off the front: 淮安市洪泽区人民政府 and 洪泽区人民政府 (same code) are one unit, 洪泽区人民政府
and 洪泽区教育局 are two. Without a code the name alone; without a name no key (never paired).
"""

from __future__ import annotations

import functools
from typing import Any

from textcheck.text import comparable

REGION_LEVELS = ("province", "city", "county")


def _gazetteer():
    from textcheck.gazetteer import gazetteer

    return gazetteer()


@functools.lru_cache(maxsize=65536)
def normalised_name(name: str, code: str | None) -> str:
    """``name`` (punctuation and spaces removed) without the leading names of the superiors of
    ``code``: 江苏省淮安市洪泽区人民政府 -> 洪泽区人民政府."""
    text = comparable(name)
    if not code:
        return text
    g = _gazetteer()
    if g.get(code) is None:
        return text
    superiors = [g.units[c] for c in reversed(g.ancestors(g.get(code).code))]
    for unit in superiors:
        for form in (unit.name, *unit.short):
            if form and text.startswith(form) and len(text) > len(form):
                text = text[len(form):]
                break
    return text


def unit_key(rec: dict[str, Any]) -> str | None:
    """The unit that issued a record's report: ``code|name``, ``|name`` or None (unknown)."""
    res = rec.get("head") or rec.get("result") or {}  # "head": the cache summary's identity, no result loaded
    resolved = res.get("resolved_issuer") or {}
    code = resolved.get("code")
    name = res.get("issuer") or resolved.get("text")
    if not name and not code:
        return None
    return f"{code or ''}|{normalised_name(str(name or ''), code)}"


def region_of(code: str | None) -> dict[str, str]:
    """{"province": 四川省, "city": 攀枝花市, "county": …} of the division ``code`` (its own level
    included); empty for an unknown code. 直辖市's districts have no city."""
    if not code:
        return {}
    g = _gazetteer()
    unit = g.get(code)
    if unit is None:
        return {}
    out: dict[str, str] = {}
    for c in [unit.code, *g.ancestors(unit.code)]:
        u = g.units[c]
        if u.level in REGION_LEVELS and u.level not in out:
            out[u.level] = u.name
    return out


def record_region(rec: dict[str, Any]) -> dict[str, str]:
    res = rec.get("head") or rec.get("result") or {}
    return region_of((res.get("resolved_issuer") or {}).get("code"))


def expected_units(region: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The division named by ``region`` (a name or a 6/12-digit code) and the units under it one
    level down (a county's townships, a city's counties). ``ValueError`` (Chinese) when unknown or
    ambiguous."""
    g = _gazetteer()
    region = region.strip()
    if region.isdigit():
        codes: tuple[str, ...] = (g.get(region).code,) if g.get(region) else ()
    else:
        codes = tuple(c for c in g.lookup(region) if g.units[c].level != "placeholder")
    if not codes:
        raise ValueError(f"--expect {region}：行政区划中没有这个地方（可写全称，如“嵩县”，或 6 位、12 位区划代码）")
    if len(codes) > 1:
        options = "；".join(f"{'/'.join(g.path(c))}（{c}）" for c in codes[:8])
        raise ValueError(f"--expect {region}：有 {len(codes)} 个同名的地方，请改用区划代码：{options}")
    code = codes[0]
    unit = g.units[code]
    kids = [g.units[c] for c in g.children(code) if not g.units[c].abolished]
    return (
        {"code": code, "name": unit.name, "level": unit.level, "path": "/".join(g.path(code))},
        [{"code": k.code, "name": k.name, "level": k.level} for k in kids],
    )
