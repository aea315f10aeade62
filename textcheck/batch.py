"""``textcheck batch``: check a whole folder, score every report, find text copied between reports.

Pipeline (docs/batch.md):

1. ``discover``: every readable or known-unreadable file under the given paths, sorted.
2. ``_process`` (in worker processes, ``ProcessPoolExecutor.map`` with chunks, so results come back
   in input order): read bytes -> sha256 -> cache hit, or ``check_document`` + paragraph
   signatures (datasketch MinHash over char 3-grams hashed with crc32), written to the cache.
3. ``cross_match`` (parent): exact duplicates grouped by text, then MinHash LSH banding over the
   distinct texts for candidate pairs, verified with ``rapidfuzz.fuzz.ratio``; union-find gives
   clusters of shared paragraphs; clusters shared by many issuers are boilerplate and dropped.
4. ``score``: the rubric of docs/scoring.md.

Nothing here prints; progress is reported through a callback.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from textcheck import __version__
from textcheck.config import Config
from textcheck.errors import ConfigError, InputError, TextcheckError
from textcheck.output import atomic_write_bytes
from textcheck.text import comparable, template_phrases, template_share

ALGO_VERSION = "batch-2"  # bump when signatures or paragraph extraction change (2: datasketch MinHash)
NUM_PERM = 128
BANDS, ROWS = 25, 5  # 25 bands x 5 rows (125 of the 128 values): LSH threshold ~ (1/25)^(1/5) = 0.53 Jaccard
SHINGLE = 3

READ_SUFFIXES = (".txt", ".text", ".docx", ".docm", ".dotx", ".pdf", ".html", ".htm", ".shtml", ".xhtml")
UNREADABLE_SUFFIXES = (".doc", ".dot", ".wps", ".wpt", ".ofd", ".rtf", ".odt", ".mht", ".mhtml", ".caj")

STATUS_LABEL = {"ok": "已检查", "not-report": "不是年度报告", "unreadable": "无法读取"}

# [batch] options in the config file
BATCH_DEFAULTS: dict[str, Any] = {
    "min_chars": 40,  # paragraphs shorter than this (punctuation removed) are not compared
    "threshold": 90.0,  # rapidfuzz ratio (0-100) for two paragraphs to count as the same text
    "template_share": 0.6,  # paragraphs whose text is at least this share template wording are skipped
    "boilerplate_fraction": 0.1,  # text shared by at least this share of issuers is boilerplate...
    "boilerplate_min": 20,  # ...and by at least this many issuers...
    "boilerplate_max": 100,  # ...and always when shared by this many
    "max_related": 10,  # at most this many other reports listed per finding
}

def batch_options(config: Config) -> dict[str, Any]:
    table = dict((config.extra or {}).get("batch") or {})
    opts = dict(BATCH_DEFAULTS)
    for key, value in table.items():
        k = key.replace("-", "_")
        if k not in BATCH_DEFAULTS:
            raise ConfigError(f"[batch] 没有选项 {key}（可用选项：{'、'.join(BATCH_DEFAULTS)}）", path=config.source)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ConfigError(f"[batch] {key} 应是数字", path=config.source)
        opts[k] = value
    return opts


# ---------------------------------------------------------------------------------------------
# discovery


def discover(paths: Sequence[str], exclude: Sequence[Path] = ()) -> tuple[list[str], list[str]]:
    """(files, missing): every file to check, sorted and de-duplicated; paths that do not exist.

    Folders are walked recursively (hidden files and folders skipped, ``exclude`` folders skipped);
    a file named explicitly is always included, whatever its suffix.
    """
    suffixes = set(READ_SUFFIXES) | set(UNREADABLE_SUFFIXES)
    excl = {p.resolve() for p in exclude}
    found: dict[str, str] = {}
    missing: list[str] = []
    for p in paths:
        pp = Path(p)
        if pp.is_dir():
            for root, dirs, files in os.walk(pp):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and Path(root, d).resolve() not in excl)
                for name in files:
                    if name.startswith(".") or Path(name).suffix.lower() not in suffixes:
                        continue
                    fp = os.path.normpath(os.path.join(root, name))
                    found.setdefault(os.path.realpath(fp), fp)
        elif pp.is_file():
            fp = os.path.normpath(p)
            found.setdefault(os.path.realpath(fp), fp)
        else:
            missing.append(p)
    return sorted(found.values()), missing


# ---------------------------------------------------------------------------------------------
# MinHash signatures: datasketch's MinHash (affine32 scheme) over crc32 hashes of char 3-grams

MINHASH_SEED = 20240607


def _shingles(text: str) -> set[bytes]:
    return {text[i : i + SHINGLE].encode("utf-8") for i in range(max(1, len(text) - SHINGLE + 1))}


def signatures(texts: Sequence[str]):
    """MinHash signatures (``len(texts)`` x NUM_PERM uint32 array) of the char 3-gram sets of ``texts``."""
    import numpy as np
    from datasketch import MinHash

    if not texts:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    sketches = MinHash.bulk((_shingles(t) for t in texts), num_perm=NUM_PERM, seed=MINHASH_SEED,
                            hashfunc=zlib.crc32, scheme="affine32")
    return np.stack([m.hashvalues for m in sketches]).astype(np.uint32)


# ---------------------------------------------------------------------------------------------
# per-file work (runs in worker processes)

_W: dict[str, Any] = {}


def config_fingerprint(config: Config, opts: dict[str, Any], template: list[str]) -> str:
    blob = json.dumps(
        {
            "version": __version__,
            "algo": ALGO_VERSION,
            "disabled": sorted(config.disabled),
            "severities": {k: v.value for k, v in sorted(config.severities.items())},
            "options": config.options,
            "issuer": config.issuer,
            "batch": {k: opts[k] for k in ("min_chars",)},
            "template": template,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _init_worker(state: dict[str, Any]) -> None:
    _W.clear()
    _W.update(state)


def _cache_file(cache_dir: str, key: str) -> Path:
    return Path(cache_dir) / key[:2] / f"{key}.json"


def _read(path: str, max_bytes: int) -> bytes:
    from textcheck.readers import read_path

    try:
        size = os.path.getsize(path)
        if size <= max_bytes:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
            if len(data) <= max_bytes:
                return data
    except OSError:
        pass
    read_path(path, max_bytes=max_bytes)  # raises the reader's InputError with its Chinese message
    raise InputError("无法读取文件", path=path)  # pragma: no cover


def _unreadable(path: str, message: str) -> dict[str, Any]:
    return {"path": path, "status": "unreadable", "error": message, "cached": False, "sha256": None}


def process_file(path: str) -> dict[str, Any]:
    """Check one file: a record dict (result, paragraphs, signatures). Never raises for bad input."""
    try:
        data = _read(path, _W["max_bytes"])
    except TextcheckError as exc:
        return _unreadable(path, exc.message)
    sha = hashlib.sha256(data).hexdigest()
    key = hashlib.sha256((sha + _W["fingerprint"]).encode()).hexdigest()
    cache_dir = _W.get("cache_dir")
    if cache_dir and _W.get("use_cache"):
        try:
            rec = json.loads(_cache_file(cache_dir, key).read_text(encoding="utf-8"))
            _set_path(rec, path)
            rec["cached"] = True
            return rec
        except (OSError, ValueError, KeyError, TypeError):
            pass
    rec = _check_bytes(data, path)
    rec["sha256"] = sha
    if cache_dir:
        try:
            atomic_write_bytes(_cache_file(cache_dir, key), json.dumps(rec, ensure_ascii=False).encode("utf-8"),
                               durable=False)
        except TextcheckError:
            pass  # a read-only cache never stops the batch
    rec["cached"] = False
    return rec


def _set_path(rec: dict[str, Any], path: str) -> None:
    rec["path"] = path
    res = rec.get("result")
    if res:
        res["path"] = path
        for f in res.get("findings", []):
            f["path"] = path


def _check_bytes(data: bytes, path: str) -> dict[str, Any]:
    from textcheck.document import BlockKind
    from textcheck.engine import check_document
    from textcheck.parse import parse
    from textcheck.readers import read_bytes

    try:
        source = read_bytes(data, path=path, suffix=Path(path).suffix)
    except TextcheckError as exc:
        return _unreadable(path, exc.message)
    result = check_document(parse(source), _W["config"])
    doc = result.document
    min_chars = int(_W["min_chars"])
    paras = []
    narrative_chars = 0
    if result.is_report:
        for b in doc.blocks:
            if b.kind is not BlockKind.PARAGRAPH:
                continue
            comp = comparable(b.text)
            narrative_chars += len(comp)
            if len(comp) < min_chars:
                continue
            paras.append(
                {"line": b.line, "end_line": b.end_line, "section": b.section, "text": comp,
                 "raw": " ".join(b.raw.split())[:300], "template": template_share(comp)}
            )
    sig_b64 = ""
    if paras:
        sig_b64 = base64.b64encode(signatures([p["text"] for p in paras]).astype("<u4").tobytes()).decode("ascii")
    return {
        "path": path,
        "status": "ok" if result.is_report else "not-report",
        "error": None,
        "result": result.to_dict(),
        "lines": list(doc.lines),
        "narrative_chars": narrative_chars,
        "paragraphs": paras,
        "signatures": sig_b64,
    }


def decode_signatures(rec: dict[str, Any]):
    import numpy as np

    raw = base64.b64decode(rec.get("signatures") or "")
    return np.frombuffer(raw, dtype="<u4").reshape(-1, NUM_PERM) if raw else np.zeros((0, NUM_PERM), dtype=np.uint32)


def run_checks(
    files: Sequence[str],
    config: Config,
    *,
    jobs: int = 1,
    cache_dir: str | None = None,
    use_cache: bool = True,
    max_bytes: int = 20 * 1024 * 1024,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Records for ``files``, in the same order; ``progress(n)`` after each file."""
    opts = batch_options(config)
    template = list(template_phrases())
    state = {
        "config": config,
        "max_bytes": max_bytes,
        "min_chars": opts["min_chars"],
        "cache_dir": cache_dir,
        "use_cache": use_cache,
        "fingerprint": config_fingerprint(config, opts, template),
    }
    out: list[dict[str, Any]] = []
    if jobs <= 1 or len(files) <= 1:
        _init_worker(state)
        for f in files:
            out.append(process_file(f))
            if progress:
                progress(1)
        return out
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(32, len(files) // (jobs * 8) or 1))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(state,)) as ex:
        for rec in ex.map(process_file, files, chunksize=chunk):
            out.append(rec)
            if progress:
                progress(1)
    return out


# ---------------------------------------------------------------------------------------------
# cross-report matching


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def issuer_key(rec: dict[str, Any]) -> str:
    """Who issued a report, for "different issuers": the issuer as written (a city's 办公室 and its
    departments resolve to the same division but are different issuers), else the division code."""
    res = rec.get("result") or {}
    resolved = res.get("resolved_issuer") or {}
    if res.get("issuer"):
        return "name:" + comparable(str(res["issuer"]))
    if resolved.get("code"):
        return "code:" + str(resolved["code"])
    return "path:" + rec["path"]


def issuer_name(rec: dict[str, Any]) -> str | None:
    res = rec.get("result") or {}
    return res.get("issuer") or (res.get("resolved_issuer") or {}).get("name")


@dataclass
class CrossMatch:
    """Outcome of cross-report matching over the readable reports of a batch."""

    # per record index: {para index: [(other rec, other para, similarity), ...]}
    matches: dict[int, dict[int, list[tuple[int, int, float]]]] = field(default_factory=dict)
    copy_ratio: dict[int, float] = field(default_factory=dict)
    groups: list[dict[str, Any]] = field(default_factory=list)  # report groups
    boilerplate_paragraphs: int = 0
    template_paragraphs: int = 0
    paragraphs: int = 0
    candidates: int = 0
    skipped_buckets: int = 0
    verified_pairs: set[tuple[int, int]] = field(default_factory=set)  # global para ids, found pairs
    para_ids: list[tuple[int, int]] = field(default_factory=list)  # global id -> (rec, para)


def boilerplate_crowd(opts: dict[str, Any], n_issuers: int) -> int:
    """How many issuers sharing a text make it boilerplate: a share of the batch's issuers, at least
    ``boilerplate_min`` and at most ``boilerplate_max`` (text used by a hundred units was handed down,
    not copied, however big the batch)."""
    share = math.ceil(float(opts["boilerplate_fraction"]) * n_issuers)
    return max(int(opts["boilerplate_min"]), min(int(opts["boilerplate_max"]), share))


_PAIR_CHUNK = 1_000_000  # candidate pairs generated and verified at a time


def _lsh_candidates(sig, crowd: int, cm: CrossMatch):
    """Candidate pairs ``(us, vs)`` (arrays, ``us < vs``) of rows of ``sig`` sharing an LSH band.

    Yields in chunks of at most ~``_PAIR_CHUNK`` pairs. Buckets with more than ``crowd`` rows are
    common phrasing and give no pairs (true copies meet again in other, smaller buckets). A pair is
    yielded only in the first band where it shares a usable bucket, so no pair is verified twice and
    no set of all pairs is ever held.
    """
    import numpy as np

    nu = sig.shape[0]
    # per band: bucket id per row, or a value unique to the row when it is alone or in a crowd
    band_keys = np.empty((BANDS, nu), dtype=np.int64)
    lone = -1 - np.arange(nu, dtype=np.int64)
    for band in range(BANDS):
        part = np.ascontiguousarray(sig[:, band * ROWS : (band + 1) * ROWS])
        keys = part.view(np.dtype((np.void, 4 * ROWS))).ravel()
        _, inv, counts = np.unique(keys, return_inverse=True, return_counts=True)
        inv = inv.ravel().astype(np.int64)
        size = counts[inv]
        cm.skipped_buckets += int(np.count_nonzero(counts > crowd))
        band_keys[band] = np.where((size > 1) & (size <= crowd), inv, lone)

    for band in range(BANDS):
        keys = band_keys[band]
        rows = np.nonzero(keys >= 0)[0]
        if len(rows) == 0:
            continue
        order = rows[np.argsort(keys[rows], kind="stable")]
        bk = keys[order]
        starts = np.flatnonzero(np.r_[True, bk[1:] != bk[:-1]])
        ends = np.r_[starts[1:], len(order)]
        # position k in `order` pairs with every later position of its bucket
        bucket_end = np.repeat(ends, ends - starts)
        later = bucket_end - np.arange(len(order)) - 1
        cum = np.cumsum(later)
        lo = 0
        while lo < len(order):
            base = cum[lo - 1] if lo else 0
            hi = int(np.searchsorted(cum, base + _PAIR_CHUNK, side="right"))
            hi = max(hi, lo + 1)
            counts = later[lo:hi]
            total = int(counts.sum())
            if total:
                left = np.repeat(np.arange(lo, hi), counts)
                offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
                a, b = order[left], order[left + 1 + offsets]
                fresh = np.ones(total, dtype=bool)
                for earlier in range(band):  # already yielded in an earlier band
                    ek = band_keys[earlier]
                    fresh &= ek[a] != ek[b]
                a, b = a[fresh], b[fresh]
                if len(a):
                    cm.candidates += int(len(a))
                    yield np.minimum(a, b), np.maximum(a, b)
            lo = hi


def cross_match(records: list[dict[str, Any]], opts: dict[str, Any], sigs: dict[int, Any] | None = None,
                collect_pairs: bool = False) -> CrossMatch:
    """Find paragraphs shared between reports of different issuers (see module docstring)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    threshold = float(opts["threshold"])
    cm = CrossMatch()
    ok = [i for i, r in enumerate(records) if r.get("status") == "ok"]
    issuer_of = {i: issuer_key(records[i]) for i in ok}
    n_issuers = len(set(issuer_of.values()))
    crowd = boilerplate_crowd(opts, n_issuers)

    # global paragraph ids over non-template paragraphs
    texts: list[str] = []
    sig_rows = []
    for i in ok:
        rec = records[i]
        s = sigs[i] if sigs is not None and i in sigs else decode_signatures(rec)
        for j, p in enumerate(rec.get("paragraphs", [])):
            cm.paragraphs += 1
            if p.get("template", 0.0) >= float(opts["template_share"]):
                cm.template_paragraphs += 1
                continue
            cm.para_ids.append((i, j))
            texts.append(p["text"])
            sig_rows.append(s[j])
    n = len(texts)
    pid_issuer = [issuer_of[i] for i, _ in cm.para_ids]

    # 1. exact duplicates: one node per distinct text
    uniq: dict[str, int] = {}
    members: list[list[int]] = []
    node_of = [0] * n
    for g, t in enumerate(texts):
        u = uniq.setdefault(t, len(uniq))
        if u == len(members):
            members.append([])
        members[u].append(g)
        node_of[g] = u
    nu = len(members)
    utext = [texts[m[0]] for m in members]
    crowded = [False] * nu
    for u, m in enumerate(members):
        if len({pid_issuer[g] for g in m}) >= crowd:
            crowded[u] = True

    # 2. LSH banding over distinct texts, verified band by band (memory stays bounded)
    edges: dict[tuple[int, int], float] = {}
    if nu > 1:
        sig = np.stack([sig_rows[m[0]] for m in members]).astype(np.uint32)
        lengths = np.fromiter((len(t) for t in utext), dtype=np.int64, count=nu)
        lim = threshold / (200.0 - threshold)  # ratio >= t needs the shorter text >= lim * the longer
        for us, vs in _lsh_candidates(sig, crowd, cm):
            la, lb = lengths[us], lengths[vs]
            keep = np.minimum(la, lb) >= lim * np.maximum(la, lb)
            us, vs = us[keep].tolist(), vs[keep].tolist()
            scores = process.cpdist([utext[u] for u in us], [utext[v] for v in vs], scorer=fuzz.ratio,
                                    score_cutoff=threshold, workers=-1)
            for idx in np.nonzero(scores >= threshold)[0].tolist():
                edges[(us[idx], vs[idx])] = round(float(scores[idx]), 1)

    # 3. clusters of nodes; boilerplate when crowded or shared by too many issuers
    uf = _UnionFind(nu)
    for u, v in edges:
        uf.union(u, v)
    clusters: dict[int, list[int]] = {}
    for u in range(nu):
        clusters.setdefault(uf.find(u), []).append(u)
    cluster_edges: dict[int, list[tuple[int, int, float]]] = {}
    for (u, v), sim in sorted(edges.items()):
        cluster_edges.setdefault(uf.find(u), []).append((u, v, sim))
    if collect_pairs:  # every matched paragraph pair (for measuring recall)
        for u, v in edges:
            for a in members[u]:
                for b in members[v]:
                    cm.verified_pairs.add((a, b) if a < b else (b, a))
        for m in members:
            for x in range(len(m)):
                for y in range(x + 1, len(m)):
                    cm.verified_pairs.add((m[x], m[y]))

    matches: dict[int, dict[int, list[tuple[int, int, float]]]] = {}
    # report groups: the reports sharing one text; texts shared by exactly the same reports are one group
    # (linking reports transitively instead would chain a big batch into one meaningless group)
    group_paras: dict[tuple[int, ...], list[list[int]]] = {}
    for root, nodes in sorted(clusters.items()):
        gids = [g for u in nodes for g in members[u]]
        issuers = {pid_issuer[g] for g in gids}
        if len(issuers) < 2:
            continue
        if len(issuers) >= crowd or any(crowded[u] for u in nodes):
            cm.boilerplate_paragraphs += len(gids)
            continue
        linked: list[int] = []
        node_pairs = [(u, u, 100.0) for u in nodes if len(members[u]) > 1]
        node_pairs += [(u, v, sim) for u, v, sim in cluster_edges.get(root, [])]
        for ua, ub, sim in node_pairs:  # direct matches only: similarity is not transitive
            for x, ga in enumerate(members[ua]):
                for gb in (members[ub][x + 1 :] if ua == ub else members[ub]):
                    if pid_issuer[ga] == pid_issuer[gb]:
                        continue
                    (ra, pa), (rb, pb) = cm.para_ids[ga], cm.para_ids[gb]
                    matches.setdefault(ra, {}).setdefault(pa, []).append((rb, pb, sim))
                    matches.setdefault(rb, {}).setdefault(pb, []).append((ra, pa, sim))
                    linked.extend((ga, gb))
        if linked:
            paras = sorted(set(linked))
            group_paras.setdefault(tuple(sorted({cm.para_ids[g][0] for g in paras})), []).append(paras)
    for r in matches:
        for p in matches[r]:
            matches[r][p].sort(key=lambda t: (-t[2], records[t[0]]["path"], t[1]))
    cm.matches = matches

    for i in ok:
        rec = records[i]
        total = rec.get("narrative_chars") or 0
        copied = sum(len(rec["paragraphs"][p]["text"]) for p in matches.get(i, {}))
        cm.copy_ratio[i] = round(copied / total, 3) if total else 0.0

    groups = []
    for recs, shared_paras in group_paras.items():
        shared = []
        for gl in shared_paras:
            locs = sorted({(records[cm.para_ids[g][0]]["path"], records[cm.para_ids[g][0]]["paragraphs"][cm.para_ids[g][1]]["line"],
                            cm.para_ids[g][0]) for g in gl})
            r0, p0 = cm.para_ids[gl[0]]
            shared.append({
                "text": records[r0]["paragraphs"][p0]["raw"][:160],
                "locations": [{"path": p, "line": ln} for p, ln, _ in locs],
            })
        shared.sort(key=lambda s: (-len(s["locations"]), s["locations"][0]["path"], s["locations"][0]["line"]))
        groups.append({
            "records": sorted(recs, key=lambda r: records[r]["path"]),
            "reports": sorted(records[r]["path"] for r in recs),
            "issuers": sorted({issuer_name(records[r]) or "（未识别）" for r in recs}),
            "shared": shared,
        })
    groups.sort(key=lambda g: (-len(g["reports"]), g["reports"]))
    for k, g in enumerate(groups, 1):
        g["id"] = f"G{k}"
    cm.groups = groups
    return cm


# ---------------------------------------------------------------------------------------------
# scoring (docs/scoring.md)

SCORE_WEIGHTS: dict[str, float] = {
    "structure": 25,
    "subtopics": 20,
    "duplication": 15,
    "identity": 10,
    "fee": 10,
    "length": 10,
    "copying": 10,
    "other_error": 2,  # points off per error of a rule not covered above
    "other_warning": 1,  # points off per warning of a rule not covered above
    "other_max": 20,  # at most this many points off for those
}
SCORE_LABEL = {
    "structure": "结构完整",
    "subtopics": "总体情况五个方面",
    "duplication": "无重复段落",
    "identity": "发布机关和年度",
    "fee": "信息处理费说明",
    "length": "篇幅",
    "copying": "未抄袭其他单位",
    "other": "其他问题扣分",
}
_COVERED_RULES = {
    "section-missing", "section-duplicate", "section-order", "subtopic-missing", "duplicate-paragraph",
    "fee-statement-missing", "overview-too-long", "not-a-report", "cross-report-copy",
}
_IDENTITY_CATEGORIES = {"identity"}
MIN_NARRATIVE_CHARS = 800


def score_weights(config: Config) -> dict[str, float]:
    weights = dict(SCORE_WEIGHTS)
    for key, value in (config.score or {}).items():
        k = key.replace("-", "_")
        if k not in weights:
            raise ConfigError(f"[score] 没有权重 {key}（可用：{'、'.join(SCORE_WEIGHTS)}）", path=config.source)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"[score] {key} 应是不小于 0 的数字", path=config.source)
        weights[k] = float(value)
    return weights


def score(result: dict[str, Any], narrative_chars: int, copy_ratio: float, weights: dict[str, float],
          categories: dict[str, str]) -> tuple[float, dict[str, float]]:
    """(score 0-100, points per component). Each component is a fraction 0..1 times its weight."""
    findings = result.get("findings", [])
    count: dict[tuple[str, str], int] = {}
    for f in findings:
        count[(f["rule"], f["severity"])] = count.get((f["rule"], f["severity"]), 0) + 1

    def n(rule: str, sev: str | None = None) -> int:
        return sum(v for (r, s), v in count.items() if r == rule and (sev is None or s == sev))

    present = sum(1 for s in result.get("sections", []) if s.get("present"))
    frac = {
        "structure": present / 6 - 0.25 * n("section-duplicate") - 0.15 * n("section-order"),
        "subtopics": (sum(1 for s in result.get("subtopics", []) if s.get("covered")) / 5) if result.get("subtopics") else 0.0,
        "duplication": 1 - 0.2 * n("duplicate-paragraph", "error") - 0.1 * n("duplicate-paragraph", "warning")
        - 0.1 * n("duplicate-paragraph", "info"),
        "identity": 0.5 * bool(result.get("issuer")) + 0.5 * bool(result.get("year"))
        - 0.25 * sum(1 for f in findings if categories.get(f["rule"]) in _IDENTITY_CATEGORIES),
        "fee": 0.0 if n("fee-statement-missing") else 1.0,
        "length": min(1.0, narrative_chars / MIN_NARRATIVE_CHARS) - 0.5 * bool(n("overview-too-long")),
        "copying": 1 - 2 * copy_ratio,
    }
    total_w = sum(weights[k] for k in frac) or 1.0
    parts = {k: round(100.0 * weights[k] * max(0.0, min(1.0, v)) / total_w, 1) for k, v in frac.items()}
    other = [f for f in findings if f["rule"] not in _COVERED_RULES
             and categories.get(f["rule"]) not in _IDENTITY_CATEGORIES]
    penalty = sum(weights["other_error"] if f["severity"] == "error" else weights["other_warning"] if f["severity"] == "warning" else 0
                  for f in other)
    parts["other"] = -round(float(min(penalty, weights["other_max"])), 1)
    total = max(0.0, min(100.0, sum(parts.values())))
    return round(total, 1), parts


# ---------------------------------------------------------------------------------------------
# the whole batch


@dataclass
class BatchResult:
    reports: list[dict[str, Any]]  # one row per file, in path order (see _report_row)
    groups: list[dict[str, Any]]
    rule_ids: list[str]
    stats: dict[str, Any]

    def findings(self) -> Iterable[dict[str, Any]]:
        for r in self.reports:
            yield from r["findings"]

    @functools.cached_property
    def index_of(self) -> dict[str, int]:
        """Report path -> its position in ``reports`` (built once, for links between pages)."""
        return {r["path"]: k for k, r in enumerate(self.reports)}

    @functools.cached_property
    def group_position(self) -> dict[str, int]:
        """Copy group id -> its position in ``groups``."""
        return {g["id"]: k for k, g in enumerate(self.groups)}


def run_batch(
    files: Sequence[str],
    config: Config,
    *,
    jobs: int = 1,
    cache_dir: str | None = None,
    use_cache: bool = True,
    max_bytes: int = 20 * 1024 * 1024,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> BatchResult:
    """Check ``files``, match them against each other, score them. ``progress(n)`` after each checked
    file; ``stage(name)`` when a later stage starts ("match", then "score")."""
    from textcheck.rules import all_rules
    from textcheck.rules.cross_report_copy import copy_findings

    opts = batch_options(config)
    weights = score_weights(config)
    records = run_checks(files, config, jobs=jobs, cache_dir=cache_dir, use_cache=use_cache,
                         max_bytes=max_bytes, progress=progress)
    specs = all_rules()
    categories = {s.id: s.category for s in specs}
    rule_ids = [s.id for s in specs if s.scope == "report" and s.id not in config.disabled]
    copy_enabled = "cross-report-copy" not in config.disabled
    if copy_enabled:
        rule_ids.append("cross-report-copy")
    if stage:
        stage("match")
    cm = cross_match(records, opts) if copy_enabled else CrossMatch()
    if stage:
        stage("score")
    group_of: dict[int, list[str]] = {}
    for g in cm.groups:
        for r in g["records"]:
            group_of.setdefault(r, []).append(g["id"])
        del g["records"]
    reports = []
    for i, rec in enumerate(records):
        res = rec.get("result") or {}
        findings = list(res.get("findings", []))
        if rec.get("status") == "ok" and copy_enabled:
            findings.extend(copy_findings(rec, i, cm.matches.get(i, {}), records, config, int(opts["max_related"])))
            findings.sort(key=lambda f: (f.get("line") or 0, -_SEV_RANK[f["severity"]], f["rule"], f["message"]))
        counts = {rid: 0 for rid in rule_ids}
        for f in findings:
            counts[f["rule"]] = counts.get(f["rule"], 0) + 1
        total = parts = None
        ratio = cm.copy_ratio.get(i) if rec.get("status") == "ok" else None
        if rec.get("status") == "ok":
            total, parts = score(dict(res, findings=findings), rec.get("narrative_chars", 0), ratio or 0.0, weights, categories)
        shared_with: dict[str, int] = {}
        for plist in cm.matches.get(i, {}).values():
            for other in {o for o, _, _ in plist}:
                shared_with[records[other]["path"]] = shared_with.get(records[other]["path"], 0) + 1
        resolved = res.get("resolved_issuer") or {}
        reports.append({
            "path": rec["path"],
            "status": rec["status"],
            "status_label": STATUS_LABEL[rec["status"]],
            "error": rec.get("error"),
            "cached": bool(rec.get("cached")),
            "issuer": issuer_name(rec),
            "level": resolved.get("level"),
            "year": res.get("year"),
            "score": total,
            "breakdown": parts,
            "counts": counts,
            "copy_ratio": ratio,
            "shared_with": dict(sorted(shared_with.items())),
            "groups": group_of.get(i, []),
            "findings": findings,
            "lines": rec.get("lines") or [],
            "summary": {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "info")},
        })
    stats = {
        "files": len(records),
        "checked": sum(1 for r in records if not r.get("cached")),
        "cached": sum(1 for r in records if r.get("cached")),
        "reports": sum(1 for r in records if r.get("status") == "ok"),
        "not_reports": sum(1 for r in records if r.get("status") == "not-report"),
        "unreadable": sum(1 for r in records if r.get("status") == "unreadable"),
        "paragraphs": cm.paragraphs,
        "template_paragraphs": cm.template_paragraphs,
        "boilerplate_paragraphs": cm.boilerplate_paragraphs,
        "candidate_pairs": cm.candidates,
        "copy_groups": len(cm.groups),
    }
    return BatchResult(reports=reports, groups=cm.groups, rule_ids=rule_ids, stats=stats)


_SEV_RANK = {"info": 0, "warning": 1, "error": 2}


_SUMMARY_FILES = ("summary.csv", "summary.xlsx", "findings.jsonl", "index.html")


def output_count(result: BatchResult) -> int:
    """How many files ``write_outputs`` writes: the summary files and one page per report."""
    return len(_SUMMARY_FILES) + len(result.reports)


def write_outputs(result: BatchResult, outdir: Path, progress: Callable[[int], None] | None = None) -> list[Path]:
    """summary.csv, summary.xlsx, findings.jsonl, index.html and reports/NNN.html; all atomic.
    ``progress(n)`` after each file written (``output_count(result)`` in all)."""
    from textcheck.render import batch_html, table

    written = []
    render = {
        "summary.csv": table.render_csv,
        "summary.xlsx": table.render_xlsx,
        "findings.jsonl": table.render_jsonl,
        "index.html": lambda r: batch_html.render_index(r).encode("utf-8"),
    }
    for name in _SUMMARY_FILES:
        data = render[name](result)
        atomic_write_bytes(outdir / name, data)
        written.append(outdir / name)
        if progress:
            progress(1)
    pages = outdir / "reports"
    keep = set()
    for k, rep in enumerate(result.reports):
        name = batch_html.page_name(k, len(result.reports))
        keep.add(name)
        atomic_write_bytes(pages / name, batch_html.render_report(result, k).encode("utf-8"), durable=False)
        if progress:
            progress(1)
    if pages.is_dir():  # pages left over from an earlier, larger batch
        for old in pages.glob("*.html"):
            if old.name not in keep:
                try:
                    old.unlink()
                except OSError:
                    pass
    return written
