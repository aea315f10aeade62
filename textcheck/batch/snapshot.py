"""The snapshot of a finished batch: rerunning an unchanged batch rewrites nothing and checks nothing.

After a batch has written all its outputs, ``save`` records in the cache folder (``snapshot-HASH.json``,
one per output folder):

- the run's key (``run_key``): the identity of every input file — path, device, inode, size,
  modification and status-change times (``os.stat``; the status-change time moves on every write and
  cannot be set back, as in git's index) — in input order, the history files likewise, the
  configuration, the reviewer's decisions, ``--expect``, ``--max-size``, the output folder, the tool
  version and the fingerprint of every module and data file of the package;
- the outputs as written: each file's size, modification time and inode (the "manifest");
- what the command line prints at the end (the statistics, the missing units) and the most severe
  finding (the exit code of ``--fail-on``).

``fresh`` answers whether a rerun can stop there: the key is the same and every output file is still
exactly as written (same manifest, no page added or removed). Anything else — a changed, added or
removed input, another configuration, a page deleted or edited by hand — and the batch runs as usual
(from the record cache), and ``save`` records the new snapshot. The snapshot is removed before the
outputs are (re)written (``clear``), so an interrupted write never leaves a snapshot that vouches
for half-written outputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

from textcheck.config import Config
from textcheck.output import atomic_write_bytes

SNAPSHOT = "snapshot.json"
VERSION = 1
PAGE_FOLDERS = ("reports", "review", "compare")


def _identity(path: str) -> list[Any]:
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        return [path, type(exc).__name__, getattr(exc, "errno", None)]
    return [path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode]


def _config_blob(config: Config) -> Any:
    def plain(v: Any) -> Any:
        if isinstance(v, (set, frozenset)):
            return sorted(plain(x) for x in v)
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in sorted(v.items(), key=lambda kv: str(kv[0]))}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if hasattr(v, "value"):  # Severity
            return v.value
        return v

    return {f.name: plain(getattr(config, f.name)) for f in dataclasses.fields(config) if f.name != "source"}


def run_key(files: Sequence[str], history: Sequence[str], config: Config, *, outdir: str | os.PathLike,
            max_bytes: int, decisions: dict[str, Any] | None, expect: Sequence[str]) -> str:
    """What a batch's outputs depend on (see the module docstring), hashed."""
    from textcheck import __version__
    from textcheck.batch.worker import package_fingerprint

    h = hashlib.sha256()
    head = {"v": VERSION, "version": __version__, "code": package_fingerprint(), "config": _config_blob(config),
            "max_bytes": max_bytes, "expect": list(expect), "outdir": os.path.realpath(outdir),
            "decisions": sorted((k, list(v)) for k, v in (decisions or {}).items())}
    h.update(json.dumps(head, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8", "surrogateescape"))
    for kind, paths in (("files", files), ("history", history)):
        h.update(f"\0{kind}\0".encode())
        for p in paths:
            h.update(json.dumps(_identity(p), ensure_ascii=False).encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def _manifest(outdir: Path, names: Iterable[str]) -> dict[str, list[int]] | None:
    """Every output file (the summary files ``names`` and the pages) -> [size, mtime_ns, inode];
    None when a summary file is missing."""
    out: dict[str, list[int]] = {}
    for name in names:
        try:
            st = os.stat(outdir / name)
        except OSError:
            return None
        out[name] = [st.st_size, st.st_mtime_ns, st.st_ino]
    for folder in PAGE_FOLDERS:
        try:
            entries = list(os.scandir(outdir / folder))
        except OSError:
            continue
        for e in entries:
            if e.name.endswith(".html"):
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    return None
                out[f"{folder}/{e.name}"] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return out


def _path(cache_dir: str, outdir: str | os.PathLike) -> Path:
    """One snapshot per output folder (several may share a --cache-dir): snapshot-HASH.json."""
    tag = hashlib.sha256(os.path.realpath(outdir).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(cache_dir) / SNAPSHOT.replace(".json", f"-{tag}.json")


def fresh(cache_dir: str, outdir: Path, key: str, names: Iterable[str]) -> dict[str, Any] | None:
    """The snapshot when the outputs in ``outdir`` are exactly those of a run with this ``key``, else None."""
    try:
        snap = json.loads(_path(cache_dir, outdir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(snap, dict) or snap.get("version") != VERSION or snap.get("key") != key:
        return None
    if _manifest(outdir, names) != snap.get("manifest"):
        return None
    return snap


def clear(cache_dir: str, outdir: str | os.PathLike) -> None:
    """Forget the snapshot of ``outdir`` (before its outputs are rewritten)."""
    try:
        os.unlink(_path(cache_dir, outdir))
    except OSError:
        pass


def save(cache_dir: str, outdir: Path, key: str, names: Iterable[str], *, stats: dict[str, Any],
         expected: list[dict[str, Any]], worst: str | None) -> None:
    """Record the snapshot of a batch whose outputs have all been written. ``worst``: the most
    severe finding's severity ("error", "warning", "info") or None. Never fails the batch."""
    manifest = _manifest(outdir, names)
    if manifest is None:
        return
    snap = {"version": VERSION, "key": key, "manifest": manifest, "stats": stats, "expected": expected,
            "worst": worst}
    try:
        atomic_write_bytes(_path(cache_dir, outdir), json.dumps(snap, ensure_ascii=False, default=str).encode("utf-8"),
                           durable=False)
    except Exception:  # noqa: BLE001 - a read-only cache only means the next rerun does the work
        pass
