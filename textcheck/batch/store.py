"""The batch cache on disk: one SQLite database (``CACHE_DIR/records.sqlite``, stdlib ``sqlite3``).

One row per checked file content (the key: ``worker.cache_key``), in parts that are loaded only when
needed: a small JSON ``summary`` (status, error, issuer, year, narrative size), and zlib-compressed
JSON ``paragraphs``, ``result`` (``CheckResult.to_dict``), ``lines``, plus the raw MinHash
``signatures`` (little-endian uint32). The parent process of a batch keeps only the summaries: the
paragraphs and signatures are streamed from here for matching, results and lines one report at a
time for scoring and for the pages (``Records``, ``LazyRecord``).

Only the parent writes (workers send their parts back), in transactions of a few hundred rows or two seconds:
SQLite's atomic commit keeps the cache consistent whatever stops the batch (Ctrl-C, SIGTERM,
kill -9), and a rerun reuses every committed row.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Iterator

DB_NAME = "records.sqlite"
SCHEMA = 1
_PARTS = ("paragraphs", "signatures", "result", "lines")
_EMPTY: dict[str, Any] = {"paragraphs": [], "signatures": b"", "result": None, "lines": []}


def pack(value: Any) -> bytes:
    """zlib-compressed compact JSON (what the workers send and the cache stores)."""
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


def unpack(blob: bytes | None) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8")) if blob else None


class Store:
    """The records database. ``path=None``: a temporary database, removed with the object."""

    def __init__(self, cache_dir: str | None):
        self._tmp = None
        if cache_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="textcheck-batch-")
            cache_dir = self._tmp.name
        os.makedirs(cache_dir, exist_ok=True)
        self.path = os.path.join(cache_dir, DB_NAME)
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level="DEFERRED")
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:  # e.g. a file system without shared memory: default journal
            pass
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT)")
        row = self.db.execute("SELECT v FROM meta WHERE k='schema'").fetchone()
        if row is None or row[0] != str(SCHEMA):
            self.db.execute("DROP TABLE IF EXISTS records")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES('schema', ?)", (str(SCHEMA),))
        self.db.execute("CREATE TABLE IF NOT EXISTS records(key TEXT PRIMARY KEY, summary TEXT NOT NULL,"
                        " paragraphs BLOB, signatures BLOB, result BLOB, lines BLOB)")
        self.db.commit()
        self.pending = 0
        self.committed = time.monotonic()
        weakref.finalize(self, self.db.close)

    def summary(self, key: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT summary FROM records WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, parts: dict[str, Any]) -> None:
        """Store one record (``parts`` as ``worker.check_task`` returns them); committed in batches."""
        self.db.execute(
            "INSERT OR REPLACE INTO records VALUES(?,?,?,?,?,?)",
            (key, json.dumps(parts["summary"], ensure_ascii=False, sort_keys=True),
             parts.get("paragraphs"), parts.get("signatures"), parts.get("result"), parts.get("lines")),
        )
        self.pending += 1
        if self.pending >= 256 or time.monotonic() - self.committed > 2.0:
            self.commit()

    def commit(self) -> None:
        self.db.commit()
        self.pending = 0
        self.committed = time.monotonic()

    def part(self, key: str, name: str) -> Any:
        """One part of a record, decoded: paragraphs, result, lines (JSON) or signatures (bytes)."""
        if name not in _PARTS:
            raise KeyError(name)
        row = self.db.execute(f"SELECT {name} FROM records WHERE key=?", (key,)).fetchone()
        if row is None:
            return _EMPTY[name]
        if name == "signatures":
            return row[0] or b""
        value = unpack(row[0])
        return _EMPTY[name] if value is None else value


class LazyRecord(Mapping):
    """A batch record as the matcher, the scorer and the pages see it (a read-only mapping): the
    summary fields are in memory, ``paragraphs``, ``signatures``, ``result`` and ``lines`` are read
    from the store on first access (and kept by this object only)."""

    __slots__ = ("_store", "_summary", "_loaded")

    def __init__(self, store: Store, summary: dict[str, Any]):
        self._store = store
        self._summary = summary
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._summary:
            return self._summary[name]
        if name not in _PARTS:
            raise KeyError(name)
        if name not in self._loaded:
            key = self._summary.get("key")
            value = self._store.part(key, name) if key else _EMPTY[name]
            if name == "result" and value:
                _set_path(value, self._summary["path"])
            self._loaded[name] = value
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._summary
        yield from (p for p in _PARTS if p not in self._summary)

    def __len__(self) -> int:
        return len(self._summary) + sum(1 for p in _PARTS if p not in self._summary)


def _set_path(res: dict[str, Any], path: str) -> None:
    """A cached result carries the path it was checked under; show it under the current one."""
    res["path"] = path
    for f in res.get("findings", []):
        f["path"] = path


class Records(Sequence):
    """The records of a batch, in input order: compact summaries in memory, the rest in the store.
    ``records[i]`` is a ``LazyRecord``; the last few are kept so that nearby accesses read once."""

    def __init__(self, store: Store, summaries: list[dict[str, Any]], keep: int = 16):
        self.store = store
        self.summaries = summaries
        self._recent: OrderedDict[int, LazyRecord] = OrderedDict()
        self._keep = keep

    def __len__(self) -> int:
        return len(self.summaries)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        rec = self._recent.get(i)
        if rec is None:
            rec = LazyRecord(self.store, self.summaries[i])
            self._recent[i] = rec
            if len(self._recent) > self._keep:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(i)
        return rec

    def __iter__(self) -> Iterator[LazyRecord]:
        for i in range(len(self)):
            yield self[i]


class Spill:
    """What a batch computed per report and the pages read back one at a time (each report's final
    findings): packed blobs appended to an anonymous temporary file, only their offsets in memory."""

    def __init__(self, keep: int = 8):
        self._fh = tempfile.TemporaryFile(prefix="textcheck-batch-")
        self._spans: list[tuple[int, int]] = []
        self._end = 0
        self._recent: OrderedDict[int, Any] = OrderedDict()
        self._made: OrderedDict[tuple[int, str], Any] = OrderedDict()
        self._keep = keep
        weakref.finalize(self, self._fh.close)

    def append(self, value: Any) -> int:
        blob = pack(value)
        self._fh.seek(self._end)
        self._fh.write(blob)
        self._spans.append((self._end, len(blob)))
        self._end += len(blob)
        return len(self._spans) - 1

    def __getitem__(self, i: int) -> Any:
        """The value appended ``i``-th (the last few kept decoded: a page reads its report's several times)."""
        if i in self._recent:
            self._recent.move_to_end(i)
            return self._recent[i]
        start, size = self._spans[i]
        self._fh.seek(start)
        value = unpack(self._fh.read(size))
        self._recent[i] = value
        if len(self._recent) > self._keep:
            self._recent.popitem(last=False)
        return value

    def derived(self, i: int, name: str, make: Any) -> Any:
        """``make(self[i])``, kept for the last few ``(i, name)``: a report's page reads its findings
        several times, each read would otherwise build the same objects again."""
        k = (i, name)
        if k in self._made:
            self._made.move_to_end(k)
            return self._made[k]
        value = make(self[i])
        self._made[k] = value
        if len(self._made) > self._keep:
            self._made.popitem(last=False)
        return value


class ReportRow(dict):
    """A row of ``BatchResult.reports``: a plain dict of the compact fields (scores, counts, status...)
    plus fields computed on access from the cache (``lazy``: name -> function), e.g. ``findings`` and
    ``lines``: a national batch's rows fit in memory, each page reads its report when it is rendered.
    ``row["lines"]``, ``row.get("lines")`` and ``"lines" in row`` work as for a plain dict; iterating
    or copying the row gives the compact fields only."""

    __slots__ = ("_lazy",)

    def __init__(self, fields: dict[str, Any], lazy: dict[str, Any]):
        super().__init__(fields)
        self._lazy = lazy

    def __missing__(self, key: str) -> Any:
        if key in self._lazy:
            return self._lazy[key]()
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self._lazy

    def materialise(self) -> dict[str, Any]:
        """A plain dict with every field, the lazy ones read now (for small batches that copy rows)."""
        return {**self, **{k: f() for k, f in self._lazy.items()}}
