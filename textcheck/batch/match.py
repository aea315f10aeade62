"""Cross-report matching: paragraphs shared between reports of different issuers.

Exact duplicates are grouped by text; MinHash LSH banding (``BANDS`` x ``ROWS`` of the signatures)
over the distinct texts gives candidate pairs, verified with ``rapidfuzz.fuzz.ratio``; union-find
gives clusters of shared paragraphs; clusters shared by many issuers are boilerplate and dropped.
Memory stays bounded: candidates are generated and verified band by band, in chunks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from textcheck.batch.signatures import decode_signatures

BANDS, ROWS = 25, 5  # 25 bands x 5 rows (125 of the 128 values): LSH threshold ~ (1/25)^(1/5) = 0.53 Jaccard


_MIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)


def band_hashes(sig):
    """The LSH band keys of MinHash signatures: ``(n, BANDS)`` uint64, one 64-bit hash of each band's
    ``ROWS`` values (what the matcher groups by; 200 bytes per paragraph instead of the 512 of the
    signature). A hash collision can only add a candidate pair, which is then verified."""
    import numpy as np

    sig = np.asarray(sig)
    if sig.ndim == 2 and sig.shape[1] == BANDS and sig.dtype == np.uint64:
        return sig
    n = sig.shape[0]
    out = np.empty((n, BANDS), dtype=np.uint64)
    vals = sig[:, : BANDS * ROWS].astype(np.uint64)
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            h = np.full(n, np.uint64(band + 1) * np.uint64(_MIX[0]), dtype=np.uint64)
            for r in range(ROWS):
                h ^= vals[:, band * ROWS + r]
                h *= np.uint64(_MIX[1])
                h ^= h >> np.uint64(31)
            h *= np.uint64(_MIX[2])
            h ^= h >> np.uint64(29)
            out[:, band] = h
    return out


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
    """Who issued a report, for "different issuers": the unit (``units.unit_key``: the division code
    and the issuer's name without its superiors' names; a city's 办公室 and its departments resolve to
    the same division but are different issuers), else the file."""
    from textcheck.batch.units import unit_key  # one unit: 淮安市洪泽区人民政府 = 洪泽区人民政府

    key = unit_key(rec)
    return "unit:" + key if key else "path:" + rec["path"]


def issuer_name(rec: dict[str, Any]) -> str | None:
    res = rec.get("head") or rec.get("result") or {}
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
    para_ids: list[tuple[int, int]] = field(default_factory=list)  # global id -> (rec, para)
    node_of: Any = None  # keep_graph: global id -> node (distinct text)
    edges: set[tuple[int, int]] | None = None  # keep_graph: verified node pairs (u < v)

    def matched(self, a: int, b: int) -> bool:
        """Whether global paragraphs ``a`` and ``b`` were found to match (``keep_graph`` only)."""
        u, v = int(self.node_of[a]), int(self.node_of[b])
        return u == v or (min(u, v), max(u, v)) in self.edges


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

    hashes = band_hashes(sig)  # full signatures or already their band hashes
    nu = hashes.shape[0]
    # per band: bucket id per row, or a value unique to the row when it is alone or in a crowd
    # int32 when the ids fit (half the memory of int64: 100 bytes per distinct text)
    key_type = np.int32 if nu < 2**31 - 1 else np.int64
    band_keys = np.empty((BANDS, nu), dtype=key_type)
    lone = -1 - np.arange(nu, dtype=key_type)
    for band in range(BANDS):
        _, inv, counts = np.unique(hashes[:, band], return_inverse=True, return_counts=True)
        inv = inv.ravel().astype(key_type)
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


def cross_match(records, opts: dict[str, Any], *, keep_graph: bool = False) -> CrossMatch:
    """Find paragraphs shared between reports of different issuers (see module docstring).

    ``records``: a sequence of record mappings (``store.Records`` streams them from the cache).
    ``keep_graph``: keep in ``CrossMatch.node_of`` / ``edges`` which paragraphs were found to match,
    whatever the issuers (``CrossMatch.matched``): what scripts/bench_batch.py measures recall on."""
    import numpy as np
    from rapidfuzz import fuzz, process

    threshold = float(opts["threshold"])
    cm = CrossMatch()
    ok = [i for i, r in enumerate(records) if r.get("status") == "ok"]
    issuer_of = {i: issuer_key(records[i]) for i in ok}
    n_issuers = len(set(issuer_of.values()))
    crowd = boilerplate_crowd(opts, n_issuers)

    # global paragraph ids over non-template paragraphs; one node per distinct text (exact duplicates
    # merged as they stream in: the parent holds each distinct text once and 25 band hashes per node)
    uniq: dict[str, int] = {}
    members: list[list[int]] = []
    utext: list[str] = []
    band_parts = []
    share = float(opts["template_share"])
    pid_issuer: list[str] = []
    for i in ok:
        rec = records[i]
        paras = rec.get("paragraphs") or []
        if not paras:
            continue
        s = decode_signatures(rec)
        fresh_rows = []
        for j, p in enumerate(paras):
            cm.paragraphs += 1
            if p.get("template", 0.0) >= share:
                cm.template_paragraphs += 1
                continue
            g = len(cm.para_ids)
            cm.para_ids.append((i, j))
            pid_issuer.append(issuer_of[i])
            t = p["text"]
            u = uniq.setdefault(t, len(uniq))
            if u == len(members):
                members.append([])
                utext.append(t)
                fresh_rows.append(j)
            members[u].append(g)
        if fresh_rows:
            band_parts.append(band_hashes(s[fresh_rows]))
    del uniq
    nu = len(members)
    crowded = [False] * nu
    for u, m in enumerate(members):
        if len(m) >= crowd and len({pid_issuer[g] for g in m}) >= crowd:
            crowded[u] = True

    # 2. LSH banding over distinct texts, verified band by band (memory stays bounded)
    edges: dict[tuple[int, int], float] = {}
    if nu > 1:
        sig = np.concatenate(band_parts)
        del band_parts
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
    if keep_graph:
        node_of = np.empty(len(cm.para_ids), dtype=np.int64)
        for u, m in enumerate(members):
            node_of[m] = u
        cm.node_of, cm.edges = node_of, set(edges)

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
        if i not in matches:
            cm.copy_ratio[i] = 0.0
            continue
        rec = records[i]
        total = rec.get("narrative_chars") or 0
        copied = sum(len(rec["paragraphs"][p]["text"]) for p in matches[i])
        cm.copy_ratio[i] = round(copied / total, 3) if total else 0.0

    cm.groups = _groups(records, cm.para_ids, group_paras)
    return cm


def _groups(records: list[dict[str, Any]], para_ids: list[tuple[int, int]],
            group_paras: dict[tuple[int, ...], list[list[int]]]) -> list[dict[str, Any]]:
    """Copy groups G1, G2...: the reports sharing one text (largest first) and the texts they share."""
    groups = []
    for recs, shared_paras in group_paras.items():
        shared = []
        for gl in shared_paras:
            locs = sorted({(records[para_ids[g][0]]["path"], records[para_ids[g][0]]["paragraphs"][para_ids[g][1]]["line"],
                            para_ids[g][0]) for g in gl})
            r0, p0 = para_ids[gl[0]]
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
    return groups
