"""Year pairs inside a batch: each report next to the same unit's report of the year before.

``find_pairs`` (parent, from the records' identities only): reports of one unit (``units.unit_key``)
and consecutive years. ``compare_pairs`` is a second map stage, in worker processes: each worker
reads and compares one pair with ``textcheck.compare.compare_paths`` — exactly what
``textcheck compare OLD NEW`` does, so the ratios are the same — and sends back a small summary
(ratios per section and overall, the compare findings); the documents never reach the parent. The
side-by-side page is rendered in the worker by the ``page`` callable the caller gives (a renderer:
batch does not import render) and written to the cache folder (``pairs/KEY.html``), or kept in the
summary when there is no cache. Summaries are cached by both files' contents and the configuration.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Sequence

from textcheck.batch.units import unit_key
from textcheck.config import Config
from textcheck.errors import TextcheckError
from textcheck.finding import Finding
from textcheck.output import atomic_write_bytes

PAIR_VERSION = "pair-1"  # bump when the summary changes
# compare findings a batch reports on the new report; carryover-paragraph (one per carried paragraph)
# is summed up by the ratio and shown on the side-by-side page instead
PAIR_RULES = ("problems-carryover", "stale-year", "stale-number", "carried-over-mismatch")
FORMAT_PREFERENCE = (".docx", ".docm", ".pdf", ".html", ".htm", ".txt")

_P: dict[str, Any] = {}


def _format_rank(path: str) -> int:
    suffix = Path(path).suffix.lower()
    return FORMAT_PREFERENCE.index(suffix) if suffix in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)


def representative(records: list[dict[str, Any]], idxs: Sequence[int]) -> int:
    """The record that stands for a unit's year when it was submitted more than once: Word first,
    then PDF, web page, text; then by path."""
    return min(idxs, key=lambda i: (_format_rank(records[i]["path"]), records[i]["path"]))


def by_unit_year(records: list[dict[str, Any]]) -> dict[tuple[str, int], list[int]]:
    """(unit key, year) -> indices of the readable reports of that unit and year."""
    out: dict[tuple[str, int], list[int]] = {}
    for i, rec in enumerate(records):
        if rec.get("status") != "ok":
            continue
        year = (rec.get("head") or rec.get("result") or {}).get("year")
        key = unit_key(rec)
        if key is None or not isinstance(year, int):
            continue
        out.setdefault((key, year), []).append(i)
    return out


def find_pairs(records: list[dict[str, Any]], scored: Sequence[int]) -> list[tuple[int, int]]:
    """(old, new) record indices: every scored report with the same unit's report of the year
    before (its representative when that year was submitted more than once), sorted by new."""
    groups = by_unit_year(records)
    scored_set = set(scored)
    pairs = []
    for (key, year), idxs in groups.items():
        prev = groups.get((key, year - 1))
        if not prev:
            continue
        old = representative(records, prev)
        for new in idxs:
            if new in scored_set:
                pairs.append((old, new))
    return sorted(pairs, key=lambda p: (p[1], p[0]))


_PAIR_CODE: list[str] = []


def pair_code_fingerprint() -> str:
    """What a year pair's summary and side-by-side page depend on: the check code
    (``worker.code_fingerprint``: compare, alignment, rules...) and the renderers other than the batch's
    own tables and pages (an edit to the batch's index or tables does not redo every year pair)."""
    if not _PAIR_CODE:
        import textcheck
        from textcheck.batch.worker import code_fingerprint

        h = hashlib.sha256(code_fingerprint().encode())
        for p in sorted((Path(textcheck.__file__).parent / "render").glob("*.py")):
            if not p.name.startswith("batch_"):
                h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
        _PAIR_CODE.append(h.hexdigest())
    return _PAIR_CODE[0]


def _fingerprint(config: Config) -> str:
    """What a pair summary depends on besides the two files: tool version and configuration."""
    from textcheck import __version__
    blob = json.dumps({"version": __version__, "code": pair_code_fingerprint(), "disabled": sorted(config.disabled),
                       "severities": {k: v.value for k, v in sorted(config.severities.items())},
                       "options": config.options, "issuer": config.issuer},
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _init(state: dict[str, Any]) -> None:
    _P.clear()
    _P.update(state)


def _pair_key(old_sha: str | None, new_sha: str | None) -> str | None:
    if not old_sha or not new_sha:
        return None
    return hashlib.sha256(f"{PAIR_VERSION}|{old_sha}|{new_sha}|{_P['fingerprint']}".encode()).hexdigest()


def _summary(result, old_path: str) -> dict[str, Any]:
    """What the batch keeps of one comparison (JSON-ready)."""
    findings = []
    for f in result.findings:
        if f.rule not in PAIR_RULES:
            continue
        related = tuple(dataclasses.replace(r, path=r.path or old_path) for r in f.related)
        findings.append(dataclasses.replace(f, related=related).to_dict())
    t = result.total
    return {
        "old_path": old_path,
        "old_year": result.old.identity.year,
        "ratio": t["ratio"],
        "ratio_incl": t["ratio_incl"],
        "copied": t["copied"],
        "chars": t["chars"],
        "sections": [{"key": s["key"], "title": s["title"], "ratio": s["ratio"], "copied": s["copied"],
                      "chars": s["chars"]} for s in result.sections],
        "carried_paragraphs": sum(1 for f in result.findings if f.rule == "carryover-paragraph"),
        "findings": findings,
    }


def _cached(job: tuple[str, str, str | None, str | None]) -> dict[str, Any] | None:
    """The cached summary of one pair (with its page, when pages are wanted), or None."""
    old_path, new_path, old_sha, new_sha = job
    key = _pair_key(old_sha, new_sha)
    cache_dir = _P.get("cache_dir")
    if not (cache_dir and key and _P.get("use_cache")):
        return None
    cache = Path(cache_dir) / "pairs" / f"{key}.json"
    page_file = cache.with_suffix(".html")
    try:
        summary = json.loads(cache.read_text(encoding="utf-8"))
        if _P.get("page") is None or page_file.is_file():
            summary["old_path"] = old_path
            summary["page_file"] = str(page_file) if _P.get("page") else None
            for f in summary["findings"]:
                f["path"] = new_path
            return summary
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def compare_pair(job: tuple[str, str, str | None, str | None]) -> dict[str, Any] | None:
    """One pair (old path, new path, old sha256, new sha256): its summary, or None when either file
    cannot be read any more. Never raises for bad input."""
    from textcheck.compare import compare_paths

    old_path, new_path, old_sha, new_sha = job
    hit = _cached(job)
    if hit is not None:
        return hit
    key = _pair_key(old_sha, new_sha)
    cache_dir = _P.get("cache_dir")
    cache = Path(cache_dir) / "pairs" / f"{key}.json" if cache_dir and key else None
    page_file = cache.with_suffix(".html") if cache else None
    try:
        result = compare_paths(old_path, new_path, _P["config"], max_bytes=_P["max_bytes"])
    except TextcheckError:
        return None
    summary = _summary(result, old_path)
    page = _P.get("page")
    html = page(result).encode("utf-8") if page else None
    if cache:
        try:
            if html is not None:
                atomic_write_bytes(page_file, html, durable=False)
            atomic_write_bytes(cache, json.dumps(summary, ensure_ascii=False).encode("utf-8"), durable=False)
            summary["page_file"] = str(page_file) if html is not None else None
            return summary
        except TextcheckError:
            pass  # a read-only cache never stops the batch
    summary["page_html"] = html
    return summary


def compare_pairs(
    records: list[dict[str, Any]],
    pairs: Sequence[tuple[int, int]],
    config: Config,
    *,
    jobs: int = 1,
    cache_dir: str | None = None,
    use_cache: bool = True,
    max_bytes: int,
    page: Callable[[Any], str] | None = None,
) -> list[dict[str, Any] | None]:
    """The summaries of ``pairs``, in order (``compare_pair`` in worker processes when ``jobs`` > 1)."""
    state = {"config": config, "cache_dir": cache_dir, "use_cache": use_cache, "max_bytes": max_bytes,
             "page": page, "fingerprint": _fingerprint(config)}
    work = [(records[o]["path"], records[n]["path"], records[o].get("sha256"), records[n].get("sha256"))
            for o, n in pairs]
    _init(state)  # the parent reads the cached pairs itself: no worker starts when all are cached
    out = [_cached(w) for w in work]
    todo = [k for k, hit in enumerate(out) if hit is None]
    if jobs <= 1 or len(todo) <= 1:
        for k in todo:
            out[k] = compare_pair(work[k])
    else:
        _compare_in_workers(work, todo, out, state, jobs)
    return out


def _init_worker(state: dict[str, Any]) -> None:
    """In each pair worker: Ctrl-C is the parent's to handle, die with the parent, the shared state."""
    import signal

    from textcheck.batch.worker import _die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    _init(state)


def _compare_in_workers(work, todo: list[int], out: list, state: dict[str, Any], jobs: int) -> None:
    """``compare_pair`` of ``work[k]`` for ``k`` in ``todo`` into ``out[k]``, in worker processes.
    Ctrl-C / SIGTERM stops the workers at once and raises ``BatchInterrupted`` (the pairs compared so
    far are in the cache, a rerun reuses them)."""
    from pebble import ProcessPool

    from textcheck.batch.worker import BatchInterrupted, _Interrupt, _stop, _trap_signals

    restore = _trap_signals()
    pool = None
    done = 0
    try:
        pool = ProcessPool(max_workers=jobs, initializer=_init_worker, initargs=(state,))
        futures = [(k, pool.schedule(compare_pair, args=(work[k],))) for k in todo]
        for k, fut in futures:
            try:
                out[k] = fut.result()
            except Exception:  # noqa: BLE001 - a worker that crashed on one pair: that pair is left out
                out[k] = None
            done += 1
    except _Interrupt as exc:
        raise BatchInterrupted(exc.signum, done, len(todo), unit="对上年对照") from None
    finally:
        restore()
        if pool is not None:
            _stop(pool)


def pair_findings(summary: dict[str, Any] | None) -> list[Finding]:
    return [Finding.from_dict(d) for d in (summary or {}).get("findings", [])]
