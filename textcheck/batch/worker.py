"""The work done for each file of a batch: read it safely (parent), check it and extract the paragraphs
to match and their signatures (worker processes), cache the result on disk (``store``).

A record has a compact summary (path, key, status ok | not-report | unreadable, error, issuer head,
narrative size) kept in the parent, and parts kept in the cache database: the check result
(``CheckResult.to_dict``), the lines, the paragraphs to match and their signatures.

Only regular files are opened (``read_regular``): a FIFO, a device, a socket, a symlink loop or a
file that cannot be read is listed as unreadable, never waited on. Each file is checked in a worker
process (``pebble.ProcessPool``) under a time budget (``[batch] file_timeout``) and a memory budget
(``[batch] file_memory_mb``, ``RLIMIT_AS``): a worker over budget is replaced, that file is marked
unreadable with the reason, and the batch goes on. Ctrl-C or SIGTERM stops the workers, commits
what is done to the cache and raises ``BatchInterrupted``; a rerun resumes from the cache.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import stat
import threading
from concurrent.futures import FIRST_COMPLETED, TimeoutError as FutureTimeout, wait
from pathlib import Path
from typing import Any, Callable, Sequence

from textcheck import __version__
from textcheck.batch.options import batch_options
from textcheck.batch.signatures import signatures
from textcheck.batch.store import Records, Store, pack
from textcheck.config import Config
from textcheck.document import BlockKind
from textcheck.engine import check_document
from textcheck.errors import InputError, TextcheckError
from textcheck.parse import parse
from textcheck.readers import DEFAULT_MAX_BYTES, read_bytes
from textcheck.text import comparable, template_phrases, template_share

ALGO_VERSION = "batch-3"  # bump when signatures, paragraph extraction or the record layout change

_W: dict[str, Any] = {}


class BatchInterrupted(TextcheckError):
    """The batch was stopped (Ctrl-C, SIGTERM); what was checked is in the cache."""

    def __init__(self, signum: int, done: int | None = None, total: int | None = None, unit: str = "个文件"):
        name = "Ctrl-C" if signum == signal.SIGINT else f"信号 {signal.Signals(signum).name}"
        what = f"已完成 {done}/{total} {unit}并存入缓存" if done is not None else "检查结果都已存入缓存，输出文件可能没有写完"
        super().__init__(f"批量检查已被中断（{name}）：{what}，再次运行同一命令会从缓存继续")
        self.signum = signum


# ------------------------------------------------------------------------------------------------
# cache key


_FINGERPRINTS: dict[bool, str] = {}


def code_fingerprint(*, everything: bool = False) -> str:
    """Hash of the code and data a single check depends on (readers, parse, analysis, rules, engine
    and the batch's own extraction, the shipped corpora and models): "rule versions" that change
    whenever any rule or what it relies on changes, not only with the release number.
    ``everything``: every module of the package (renderers, CLI too): what a batch's outputs depend on."""
    if everything not in _FINGERPRINTS:
        import textcheck
        from textcheck.resources import corpus_path

        pkg = Path(textcheck.__file__).parent
        h = hashlib.sha256()
        skip = set() if everything else {"cli", "serve", "render"}
        for p in sorted(pkg.rglob("*.py")):
            rel = p.relative_to(pkg)
            if rel.parts[0] in skip or (not everything and rel.parts[0] == "batch"
                                        and rel.name not in ("worker.py", "signatures.py")):
                continue
            h.update(str(rel).encode() + b"\0" + p.read_bytes() + b"\0")
        for root in sorted({corpus_path().resolve(), (pkg / "models").resolve(), (pkg.parent / "models").resolve()}):
            if root.is_dir():
                for p in sorted(root.rglob("*")):
                    if p.is_file():
                        h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
        _FINGERPRINTS[everything] = h.hexdigest()
    return _FINGERPRINTS[everything]


def package_fingerprint() -> str:
    """``code_fingerprint`` of the whole package: what year-pair pages and a batch's outputs depend on."""
    return code_fingerprint(everything=True)


def config_fingerprint(config: Config, opts: dict[str, Any], template: list[str]) -> str:
    """What a cached record depends on besides the file's bytes and format: tool, algorithm and
    code versions, the configuration, the paragraph length limit, the template wording."""
    blob = json.dumps(
        {
            "version": __version__,
            "algo": ALGO_VERSION,
            "code": code_fingerprint(),
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


def cache_key(sha256: str, path: str, fingerprint: str) -> str:
    """The cache key of a file: its content, its format (the suffix the readers go by), the
    fingerprint of tool, rules and configuration. The same bytes as ``a.pdf`` and ``b.txt`` are two
    records."""
    suffix = Path(path).suffix.lower()
    return hashlib.sha256(f"{sha256}\0{suffix}\0{fingerprint}".encode("utf-8", "surrogateescape")).hexdigest()


# ------------------------------------------------------------------------------------------------
# reading (parent): regular files only


def read_regular(path: str, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file (or a symlink to one) no larger than
    ``max_bytes``; ``InputError`` (Chinese) otherwise. Never opens a FIFO, device or socket, never
    blocks: the file is opened with ``O_NONBLOCK`` and checked again with ``fstat`` once open."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            st = os.stat(path)
    except OSError as exc:
        raise _os_error(exc, path) from exc
    except ValueError as exc:
        raise InputError("文件路径无效", path=path) from exc
    if stat.S_ISDIR(st.st_mode):
        raise InputError("文件夹无法读取（没有权限列出其中的文件）", path=path)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"这不是普通文件（{_kind(st.st_mode)}），不读取", path=path)
    if st.st_size > max_bytes:
        raise _too_large(st.st_size, max_bytes, path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_error(exc, path) from exc
    try:
        fst = os.fstat(fd)
        if not stat.S_ISREG(fst.st_mode):  # replaced between lstat and open
            raise InputError(f"这不是普通文件（{_kind(fst.st_mode)}），不读取", path=path)
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _os_error(exc, path) from exc
    finally:
        os.close(fd)
    if size > max_bytes:
        raise _too_large(None, max_bytes, path)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "命名管道 FIFO"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def _os_error(exc: OSError, path: str) -> InputError:
    if exc.errno == errno.ELOOP:
        return InputError("符号链接循环，无法读取", path=path)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return InputError("没有读取该文件的权限", path=path)
    if exc.errno == errno.ENOENT:
        return InputError("文件不存在（或是指向不存在文件的符号链接）", path=path)
    return InputError(f"无法读取文件：{exc.strerror or exc}", path=path)


def _too_large(size: int | None, max_bytes: int, path: str) -> InputError:
    from textcheck.readers import _too_large as readers_too_large

    return readers_too_large(size, max_bytes, path)


# ------------------------------------------------------------------------------------------------
# checking (workers)


def _init_worker(state: dict[str, Any]) -> None:
    """In each worker: the shared state; Ctrl-C is the parent's to handle; die with the parent;
    the memory budget."""
    _W.clear()
    _W.update(state)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    from textcheck.gazetteer import gazetteer

    gazetteer().speed_up()  # a worker scans hundreds of reports: the Rust matcher pays for itself
    mb = state.get("memory_mb")
    if mb:
        _warm_up()
        import resource

        limit = _vm_size() + int(mb) * 1024 * 1024
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            pass


def _warm_up() -> None:
    """Load what a check loads lazily (libraries, dictionaries, models) by checking a shipped sample
    once: the memory budget then counts what a file costs, not the worker's own start-up."""
    try:
        import numpy  # noqa: F401 - rapidfuzz imports it lazily

        from textcheck.resources import corpus_path

        sample = corpus_path("samples", "004_b4d69b5948b33890.txt")
        _check_bytes(sample.read_bytes(), str(sample))
    except (OSError, TextcheckError):
        pass


def _vm_size() -> int:
    """The worker's current address space (bytes): the budget is counted on top of what it already maps."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker if the parent dies (even by kill -9): no orphans."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _unreadable(path: str, message: str, key: str | None = None) -> dict[str, Any]:
    return {"path": path, "key": key, "status": "unreadable", "error": message, "cached": False}


_EXIT_MEMORY = 75  # a worker that ran out of its memory budget exits with this code and is replaced


def check_task(path: str, data: bytes) -> dict[str, Any]:
    """Check one file's bytes: the record's parts (summary, and packed paragraphs, signatures,
    result, lines). Never raises for bad input. Out of memory: the worker exits at once (its state
    may be half-built) and the pool replaces it; the parent marks the file unreadable."""
    try:
        return _check_bytes(data, path)
    except MemoryError:
        os._exit(_EXIT_MEMORY)
    except SystemError as exc:
        # under the memory budget (RLIMIT_AS) a C extension whose allocation fails may return an error
        # without setting one: "error return without exception set" is then the memory budget too
        if _W.get("memory_mb") and "without exception set" in str(exc):
            os._exit(_EXIT_MEMORY)
        raise


MSG_TIMEOUT = "检查超过 {s:g} 秒仍未完成，已跳过（可在配置文件 [batch] file_timeout 中调大单个文件的时间上限）"
MSG_MEMORY = "检查所需内存超过上限 {mb} MB，已跳过（可在配置文件 [batch] file_memory_mb 中调大单个文件的内存上限）"
MSG_BUG = "检查这个文件时出现内部错误（{detail}），已跳过；请把这个文件和错误信息报告给维护者"
MSG_CRASH = "检查这个文件时工作进程意外退出（退出码 {code}），已跳过"


def _check_bytes(data: bytes, path: str) -> dict[str, Any]:
    try:
        source = read_bytes(data, path=path, suffix=Path(path).suffix,
                            max_bytes=int(_W.get("max_bytes") or DEFAULT_MAX_BYTES))
    except TextcheckError as exc:
        return {"summary": {"status": "unreadable", "error": exc.message}}
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
    sigs = signatures([p["text"] for p in paras]).astype("<u4").tobytes() if paras else b""
    res = result.to_dict()
    head = {k: res.get(k) for k in ("issuer", "resolved_issuer", "year")}
    head["signature_date"] = (res.get("identity") or {}).get("signature_date")  # the copy's direction
    return {
        "summary": {"status": "ok" if result.is_report else "not-report", "error": None, "head": head,
                    "narrative_chars": narrative_chars, "n_paragraphs": len(paras)},
        "paragraphs": pack(paras),
        "signatures": sigs,
        "result": pack(res),
        "lines": pack(list(doc.lines)),
    }


# ------------------------------------------------------------------------------------------------
# the batch


def run_checks(
    files: Sequence[str],
    config: Config,
    *,
    jobs: int = 1,
    cache_dir: str | None = None,
    use_cache: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int], None] | None = None,
) -> Records:
    """Records for ``files``, in the same order (``store.Records``); ``progress(n)`` after each file.

    Files whose record is in the cache are not checked again; the others are checked in ``jobs``
    worker processes and their records written to the cache as they arrive. Raises
    ``BatchInterrupted`` on Ctrl-C / SIGTERM after stopping the workers and committing the cache."""
    opts = batch_options(config)
    template = list(template_phrases())
    fingerprint = config_fingerprint(config, opts, template)
    store = Store(cache_dir)
    state = {
        "config": config,
        "min_chars": opts["min_chars"],
        "memory_mb": int(opts["file_memory_mb"]) or None,
        "max_bytes": max_bytes,  # the reader's text limits scale with --max-size (docs/limits.md)
    }
    timeout = float(opts["file_timeout"]) or None
    summaries: list[dict[str, Any]] = [None] * len(files)  # type: ignore[list-item]
    done = 0

    def finish(i: int, summary: dict[str, Any]) -> None:
        nonlocal done
        summaries[i] = summary
        done += 1
        if progress:
            progress(1)

    pool = None
    pending: dict[Any, tuple[int, str, str]] = {}
    restore = _trap_signals()
    try:
        for i, path in enumerate(files):
            try:
                data = read_regular(path, max_bytes)
            except TextcheckError as exc:
                finish(i, _unreadable(path, exc.message))
                continue
            sha = hashlib.sha256(data).hexdigest()
            key = cache_key(sha, path, fingerprint)
            hit = store.summary(key) if use_cache else None
            if hit is not None:
                finish(i, dict(hit, path=path, key=key, sha256=sha, cached=True))
                continue
            if pool is None:
                from pebble import ProcessPool

                pool = ProcessPool(max_workers=max(1, jobs), initializer=_init_worker, initargs=(state,))
            while len(pending) >= max(2, jobs * 3):
                _collect(pending, store, finish, timeout, state, block=True)
            fut = pool.schedule(check_task, args=(path, data), timeout=timeout)
            pending[fut] = (i, key, path, sha)
            del data
        while pending:
            _collect(pending, store, finish, timeout, state, block=True)
    except _Interrupt as exc:
        _stop(pool)
        pool = None
        store.commit()
        raise BatchInterrupted(exc.signum, done, len(files)) from None
    finally:
        restore()
        if pool is not None:
            _stop(pool)
        store.commit()
    return Records(store, summaries)


def _collect(pending: dict, store: Store, finish, timeout: float | None, state: dict, *, block: bool) -> None:
    ready, _ = wait(list(pending), timeout=None if block else 0, return_when=FIRST_COMPLETED)
    for fut in sorted(ready, key=lambda f: pending[f][0]):
        i, key, path, sha = pending.pop(fut)
        try:
            parts = fut.result()
        except FutureTimeout:
            parts = {"summary": {"status": "unreadable", "error": MSG_TIMEOUT.format(s=timeout), "budget": True}}
        except MemoryError:
            parts = {"summary": {"status": "unreadable", "error": MSG_MEMORY.format(mb=state.get("memory_mb")),
                                 "budget": True}}
        except Exception as exc:  # noqa: BLE001 - one file's failure never stops a national batch
            from pebble import ProcessExpired

            if not isinstance(exc, ProcessExpired):
                detail = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:200]
                parts = {"summary": {"status": "unreadable", "error": MSG_BUG.format(detail=detail), "budget": True}}
                summary = parts["summary"]
                summary.pop("budget")
                finish(i, dict(summary, path=path, key=key, sha256=sha, cached=False))
                continue
            code = exc.exitcode
            if code == _EXIT_MEMORY:
                msg = MSG_MEMORY.format(mb=state.get("memory_mb"))
            elif state.get("memory_mb") and code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, 1):
                msg = MSG_MEMORY.format(mb=state.get("memory_mb")) + f"（工作进程退出码 {code}）"
            else:
                msg = MSG_CRASH.format(code=code)
            parts = {"summary": {"status": "unreadable", "error": msg, "budget": True}}
        summary = parts["summary"]
        if not summary.pop("budget", False):  # a budget overrun is not cached: a larger budget retries
            store.put(key, parts)
        finish(i, dict(summary, path=path, key=key, sha256=sha, cached=False))


def _stop(pool) -> None:
    """Stop every worker now (running tasks are abandoned) and wait for them to exit."""
    pool.stop()
    pool.join(timeout=10)


class _Interrupt(BaseException):
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _trap_signals() -> Callable[[], None]:
    """SIGINT and SIGTERM raise ``_Interrupt`` in the main thread while the batch runs."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum, frame):  # noqa: ARG001
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break the clean-up
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise _Interrupt(signum)

    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in old:
        signal.signal(s, handler)

    def restore() -> None:
        for s, h in old.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)

    return restore
