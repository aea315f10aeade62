"""The work done for each file of a batch, in worker processes: read, check, extract the paragraphs
to match and their signatures; cached on disk by content and configuration (``OUTDIR/.cache``).

A record is a plain dict (JSON in the cache): path, status (ok | not-report | unreadable), error,
the check result (``CheckResult.to_dict``), the lines, the paragraphs to match and their signatures.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Sequence

from textcheck import __version__
from textcheck.batch.options import batch_options
from textcheck.batch.signatures import encode_signatures
from textcheck.config import Config
from textcheck.document import BlockKind
from textcheck.engine import check_document
from textcheck.errors import TextcheckError
from textcheck.output import atomic_write_bytes
from textcheck.parse import parse
from textcheck.readers import DEFAULT_MAX_BYTES, read_bytes, read_file_bytes
from textcheck.text import comparable, template_phrases, template_share

ALGO_VERSION = "batch-2"  # bump when signatures or paragraph extraction change (2: datasketch MinHash)

_W: dict[str, Any] = {}


def config_fingerprint(config: Config, opts: dict[str, Any], template: list[str]) -> str:
    """What a cached record depends on besides the file's bytes: tool and algorithm versions, the
    configuration, the paragraph length limit, the template wording."""
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


def _unreadable(path: str, message: str) -> dict[str, Any]:
    return {"path": path, "status": "unreadable", "error": message, "cached": False, "sha256": None}


def process_file(path: str) -> dict[str, Any]:
    """Check one file: a record dict (result, paragraphs, signatures). Never raises for bad input."""
    try:
        data = read_file_bytes(path, max_bytes=_W["max_bytes"])
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
    sig_b64 = encode_signatures([p["text"] for p in paras])
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


def run_checks(
    files: Sequence[str],
    config: Config,
    *,
    jobs: int = 1,
    cache_dir: str | None = None,
    use_cache: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
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
