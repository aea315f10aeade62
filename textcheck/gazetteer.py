"""China's administrative divisions down to township level, and fast place-name matching.

Data: ``corpora/gazetteer.tsv.gz`` (built by ``scripts/build_gazetteer.py``; source and licence in
corpora/README.md). Loaded once, lazily, by :func:`gazetteer`.

Matching is an Aho-Corasick automaton over the names, independent of word segmentation,
longest-match and non-overlapping. What is matchable:

* provinces, cities, counties: the full name (四川省, 攀枝花市, 嵩县) and the short forms the build
  kept because they are unambiguous and not common words (四川, 攀枝花, 雁江, 黔南州);
* townships: the full name with its suffix only (太平镇, 城关街道, 某某苏木) and only when the stem has
  at least two characters — 太平、新华 are words, 太平镇 is a place;
* never the placeholders of 直辖市 / 省直辖县级行政区划 (市辖区, 县), which stay in the hierarchy;
* the functional zones of ``corpora/zones.tsv`` (西咸新区, 平潭综合实验区), matched to the division they
  are (``same``) or lie in (``within``, read as a superior of the units there).

A name one character away from a division (雎宁县 for 睢宁县, an OCR confusion) is found by
:meth:`Gazetteer.near_misses`, for the issuer only (the index is built on first use).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import marshal
import os
import sys
import time
import zlib
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from textcheck.resources import corpus_path, user_cache_dir

LEVEL_RANK = {"province": 1, "city": 2, "county": 3, "township": 4}  # placeholders have none
TOWNSHIP_SUFFIXES = ("街道办事处", "办事处", "街道", "苏木", "镇", "乡")
# county-level names that are also generic words
GENERIC_COUNTY_NAMES = frozenset({"城区", "郊区", "矿区", "新区", "市区", "市辖区", "县"})
# a 乡/镇 name followed by one of these is part of a word: 振兴乡村, 团结乡亲
_BAD_AFTER = {"乡": "村亲愁情音贤里土镇", "镇": "江压守"}


class Unit:
    """One division. A plain slotted class: 45,000 of them are built at load time."""

    __slots__ = ("code", "parent", "name", "level", "former", "abolished", "short")

    def __init__(self, code, parent, name, level, former=(), abolished=False, short=()):
        self.code: str = code
        self.parent: str = parent
        self.name: str = name
        self.level: str = level  # province | city | county | township | placeholder
        self.former: tuple[str, ...] = former
        self.abolished: bool = abolished
        self.short: tuple[str, ...] = short

    def __repr__(self) -> str:
        return f"Unit({self.code}, {self.name}, {self.level})"

    @property
    def kind(self) -> str:
        """The unit's type word, for messages: 镇 / 乡 / 街道 / 县 / 区 / 市 / 省 ..."""
        for suf in ("自治区", "自治州", "自治县", "自治旗", "特别行政区", "街道", "苏木", "地区", "盟", "省", "市", "区", "县", "旗", "镇", "乡"):
            if self.name.endswith(suf):
                return suf
        return {"province": "省级行政区", "city": "地级行政区", "county": "县级行政区"}.get(self.level, "乡级行政区")


@dataclass(frozen=True)
class Match:
    start: int
    end: int  # exclusive
    surface: str
    codes: tuple[str, ...]  # every unit that carries this name, sorted


class Gazetteer:
    def __init__(self, units: Mapping[str, Unit], bigrams: frozenset[str] = frozenset(), zones: dict[str, str] | None = None,
                 *, index: tuple | None = None):
        """``index``: what :func:`_build_index` derives from ``units`` and ``zones`` (names -> codes as a
        dict, or as the packed :class:`_Entries` the cache holds), read from the cache by :func:`load`;
        built here when not given."""
        self.units = units
        self.bigrams = bigrams
        names, short, zone_names, auto = index if index is not None else _build_index(units, zones or {})
        self.short_forms: frozenset[str] = short
        self.zones: frozenset[str] = zone_names
        # the automaton stores each name's position: no Python objects inside, so that it can be saved
        # and loaded without pickle; position -> (surface, codes, is_short)
        if isinstance(names, dict):
            self._names: dict[str, tuple[str, ...]] | None = names
            self._entries = [(surface, codes, surface in short) for surface, codes in names.items()]
        else:
            self._names = None  # made on first use of ``names``
            self._entries = names
        self._auto = auto
        self._fast = None  # an ahocorasick_rs matcher, once speed_up() built one
        self._children: dict[str, list[str]] | None = None
        self._by_shape: dict[tuple[int, str], list[str]] | None = None

    @property
    def names(self) -> dict[str, tuple[str, ...]]:
        """Every matchable name -> the codes of the units that carry it (in code order)."""
        if self._names is None:
            self._names = {e[0]: e[1] for e in self._entries}
        return self._names

    # -- matching -------------------------------------------------------------------------

    def speed_up(self) -> bool:
        """Match with ahocorasick_rs (Rust) from now on: the same matches (leftmost longest,
        non-overlapping: tests/test_gazetteer_fast.py), a scan ~25 times cheaper than pyahocorasick's
        (whose search at the root grows with the 2,500 first characters of the names: ~0.5 µs per
        character), for ~0.08 s of building it, which no cache can keep (the matcher cannot be saved).
        So for processes that check many reports (batch workers, ``textcheck serve``), not for one
        ``textcheck check``, which reads pyahocorasick's automaton from the cache instead.
        False where the library is missing (pyahocorasick goes on matching)."""
        if self._fast is not None:
            return True
        try:
            import ahocorasick_rs
        except ImportError:
            return False
        surfaces = self._entries.surfaces() if isinstance(self._entries, _Entries) else [e[0] for e in self._entries]
        self._fast = ahocorasick_rs.AhoCorasick(surfaces, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                                                store_patterns=False)
        return True

    def _matches(self, text: str):
        """(end index, automaton position) of each longest non-overlapping name, left to right."""
        if self._fast is not None:
            return [(end - 1, pos) for pos, _start, end in self._fast.find_matches_as_indexes(text)]
        return self._auto.iter_long(text)

    def scan(self, text: str) -> list[Match]:
        """Place names in ``text``: longest match, non-overlapping, left to right."""
        out = []
        n = len(text)
        bigrams = self.bigrams
        entries = self._entries
        for end_idx, pos in self._matches(text):
            surface, codes, is_short = entries[pos]
            start = end_idx - len(surface) + 1
            nxt = text[end_idx + 1] if end_idx + 1 < n else ""
            if is_short:
                # a short form must not cut a word: 投资阳 (投资), 和政务 (政务)
                if nxt and surface[-1] + nxt in bigrams:
                    continue
                if start and text[start - 1] + surface[0] in bigrams:
                    continue
            else:
                bad = _BAD_AFTER.get(surface[-1])
                if bad and nxt and nxt in bad:
                    continue
            out.append(Match(start, end_idx + 1, surface, codes))
        return out

    def near_misses(self, token: str) -> list[str]:
        """Names one character away from ``token`` with the same length and the same last character
        (雎宁县 -> 睢宁县, 丰宁县, …), sorted; the caller decides among them by the superiors it knows."""
        from rapidfuzz import process
        from rapidfuzz.distance import Hamming

        if len(token) < 3:
            return []
        if self._by_shape is None:
            shapes: dict[tuple[int, str], list[str]] = {}
            for n in self.names:
                if n not in self.short_forms and n not in self.zones:
                    shapes.setdefault((len(n), n[-1]), []).append(n)
            self._by_shape = {k: sorted(v) for k, v in shapes.items()}
        choices = self._by_shape.get((len(token), token[-1]), [])
        found = process.extract(token, choices, scorer=Hamming.distance, score_cutoff=1, limit=None)
        return sorted(n for n, dist, _ in found if dist == 1)

    def lookup(self, name: str) -> tuple[str, ...]:
        """Codes of the units called exactly ``name`` (full, former or short name)."""
        pos = self._auto.get(name, None) if name else None
        return () if pos is None else self._entries[pos][1]

    # -- hierarchy ------------------------------------------------------------------------

    def get(self, code: str) -> Unit | None:
        return self.units.get(normalize_code(code))

    def ancestors(self, code: str) -> list[str]:
        """Real ancestors, nearest first (placeholders such as 市辖区 skipped)."""
        out = []
        u = self.units.get(code)
        while u is not None and u.parent:
            p = self.units.get(u.parent)
            if p is None:
                break
            if p.level != "placeholder":
                out.append(p.code)
            u = p
        return out

    def parent(self, code: str) -> str | None:
        anc = self.ancestors(code)
        return anc[0] if anc else None

    def children(self, code: str) -> list[str]:
        if self._children is None:
            kids: dict[str, list[str]] = {}
            for u in self.units.values():
                p = self.parent(u.code)
                if p:
                    kids.setdefault(p, []).append(u.code)
            self._children = {k: sorted(v) for k, v in kids.items()}
        return self._children.get(code, [])

    def path(self, code: str) -> list[str]:
        """Names from the province down to the unit: ['河南省', '洛阳市', '嵩县', '大章镇']."""
        chain = [code, *self.ancestors(code)]
        return [self.units[c].name for c in reversed(chain)]

    def relation(self, issuer: str, other: str) -> tuple[str, str | None]:
        """How ``other`` relates to ``issuer``: (self | ancestor | descendant | sibling | cousin | unrelated,
        code of the nearest common ancestor or None)."""
        if issuer == other:
            return "self", issuer
        a_anc = self.ancestors(issuer)
        b_anc = self.ancestors(other)
        if other in a_anc:
            return "ancestor", other
        if issuer in b_anc:
            return "descendant", issuer
        common = next((c for c in a_anc if c in set(b_anc)), None)
        if common is None:
            return "unrelated", None
        if a_anc and b_anc and a_anc[0] == b_anc[0]:
            return "sibling", common
        return "cousin", common


def _build_index(units: Mapping[str, Unit], zones: dict[str, str]) -> tuple:
    """(names -> codes, short forms, zone names, automaton over the names) of ``units``."""
    import ahocorasick

    names: dict[str, list[str]] = {}
    short: set[str] = set()
    full: set[str] = set()
    suffixes = TOWNSHIP_SUFFIXES
    for u in units.values():  # in code order, so every name's codes come out sorted
        level = u.level
        if level == "township":
            n = u.name
            if (len(n) >= 4 or (len(n) == 3 and n[-1] in "镇乡")) and n.endswith(suffixes):
                names.setdefault(n, []).append(u.code)
            for n in u.former:
                if (len(n) >= 4 or (len(n) == 3 and n[-1] in "镇乡")) and n.endswith(suffixes):
                    names.setdefault(n, []).append(u.code)
            continue
        if level == "placeholder":
            continue
        for n in (u.name, *u.former):
            if len(n) >= 2 and n not in GENERIC_COUNTY_NAMES:
                names.setdefault(n, []).append(u.code)
                full.add(n)
        for n in u.short:
            names.setdefault(n, []).append(u.code)
            short.add(n)
    short -= full
    zones = {n: c for n, c in zones.items() if c in units}
    for n, c in zones.items():
        names.setdefault(n, []).append(c)
    frozen = {k: tuple(v) if len(v) == 1 else tuple(dict.fromkeys(v)) for k, v in names.items()}
    auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    # Positions are the names' order; the order of adding them only decides the order of each trie
    # node's children, which pyahocorasick searches one by one — at the root, 2,500 first characters
    # for every character of the text. Names whose first character is frequent in reports go first
    # (frequencies of the shipped sample reports): the same automaton and matches, a scan in half the time.
    freq = _sample_char_counts()
    for pos, surface in sorted(enumerate(frozen), key=lambda ps: (-freq.get(ps[1][0], 0), ps[0])):
        auto.add_word(surface, pos)
    auto.make_automaton()
    return frozen, frozenset(short), frozenset(zones), auto


def _sample_char_counts() -> dict[str, int]:
    """How often each character occurs in the shipped sample reports (corpora/samples)."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for f in sorted(corpus_path("samples").glob("*.txt")):
        counts.update(f.read_text(encoding="utf-8"))
    return dict(counts)


def normalize_code(code: str) -> str:
    code = code.strip()
    return code.ljust(12, "0") if code.isdigit() and len(code) in (2, 4, 6, 9, 12) else code


def _unit(row: str) -> Unit:
    code, parent, name, level, former, short = row.split("\t")
    if former or short:
        return Unit(
            code,
            parent,
            name,
            level,
            tuple(former.split("|")) if former and former != "*" else (),
            former == "*",
            tuple(short.split("|")) if short else (),
        )
    return Unit(code, parent, name, level)


class Units(Mapping):
    """code -> :class:`Unit`, each made from its row of the TSV when first asked for: a check looks at
    a few dozen of the 45,000 units, and making them all was a third of the gazetteer's start-up."""

    __slots__ = ("_rows", "_made")

    def __init__(self, rows: "dict[str, str] | _PackedRows"):
        self._rows = rows
        self._made: dict[str, Unit] = {}

    def __getitem__(self, code: str) -> Unit:
        u = self._made.get(code)
        if u is None:
            u = self._made[code] = _unit(self._rows[code])
        return u

    def get(self, code, default=None):
        u = self._made.get(code)
        if u is None:
            row = self._rows.get(code)
            if row is None:
                return default
            u = self._made[code] = _unit(row)
        return u

    def __contains__(self, code) -> bool:
        return code in self._rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def _parse_units(data: bytes) -> Units:
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return Units({row[: row.index("\t")]: row for row in lines[1:] if row})


class _PackedRows:
    """code -> TSV row, over one string of rows sorted by their fixed-width code (binary search): the
    cache is read without making an object per unit. Only the ``dict`` methods Units uses."""

    __slots__ = ("_blob", "_off", "_n", "_w")

    def __init__(self, blob: str, offsets: array, width: int):
        self._blob, self._off, self._n, self._w = blob, offsets, len(offsets) - 1, width

    @staticmethod
    def pack(rows: dict[str, str]) -> tuple[str, bytes, int] | None:
        """(rows, offsets, code width), or None when the codes are not of one width in increasing order."""
        codes = list(rows)
        width = len(codes[0]) if codes else 0
        if not codes or any(len(c) != width for c in codes) or any(b <= a for a, b in zip(codes, codes[1:])):
            return None
        offsets = array("I", [0])
        for row in rows.values():
            offsets.append(offsets[-1] + len(row) + 1)
        return "\n".join(rows.values()) + "\n", offsets.tobytes(), width

    def _code(self, i: int) -> str:
        o = self._off[i]
        return self._blob[o : o + self._w]

    def _find(self, code) -> int:
        if not isinstance(code, str) or len(code) != self._w:
            return -1
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if self._code(mid) < code:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < self._n and self._code(lo) == code else -1

    def get(self, code, default=None):
        i = self._find(code)
        return default if i < 0 else self._blob[self._off[i] : self._off[i + 1] - 1]

    def __getitem__(self, code: str) -> str:
        row = self.get(code)
        if row is None:
            raise KeyError(code)
        return row

    def __contains__(self, code) -> bool:
        return self._find(code) >= 0

    def __iter__(self):
        return (self._code(i) for i in range(self._n))

    def __len__(self) -> int:
        return self._n


def load(path=None, bigram_path=None, zones_path=None, *, cache: bool = True) -> Gazetteer:
    """The gazetteer of ``path`` (default: the shipped one). With ``cache``, the index derived from the
    data (names, automaton: most of the start-up cost) is read from the user cache folder when a valid
    one is there for these exact data files, this module and this pyahocorasick, and written there
    after building it otherwise (see :func:`_read_index`)."""
    path = path or corpus_path("gazetteer.tsv.gz")
    bigram_path = bigram_path or corpus_path("gazetteer.bigrams.txt.gz")
    zones_path = zones_path or corpus_path("zones.tsv")
    data = Path(path).read_bytes()
    bigrams: frozenset[str] = frozenset()
    try:
        with gzip.open(bigram_path, "rt", encoding="utf-8") as fh:
            bigrams = frozenset(fh.read().split())
    except FileNotFoundError:  # pragma: no cover - shipped with the package
        pass
    zones = load_zones(zones_path)
    if not cache:
        return Gazetteer(_parse_units(data), bigrams, zones)
    key = _cache_key(data, zones)
    cached = _read_index(key)
    if cached is not None:
        rows, index = cached
        return Gazetteer(Units(rows) if rows is not None else _parse_units(data), bigrams, zones, index=index)
    units = _parse_units(data)
    index = _build_index(units, zones)
    _write_index(key, units, index)
    return Gazetteer(units, bigrams, zones, index=index)


# -- the index cache ------------------------------------------------------------------------------
#
# One file per key in the user cache folder (resources.user_cache_dir), ``gazetteer-KEY.index``: the
# CRC-32 of the rest (4 bytes, little-endian: it tells damage, at a fifth of sha256's cost on each
# start; a stronger hash kept in the same file would not stop a deliberate change either), then marshal of (format, key, the packed unit rows, the packed names, short
# forms, zone names, the automaton's state). The automaton holds integers only, and its state is the documented pickling
# state (``Automaton.__reduce__``: bytes and integers), stored with marshal and handed back to the
# constructor: no pickle, so no code can come out of the file. The key hashes the data, the zones, this
# module's source and the pyahocorasick build, so a change to any of them builds a new index.
# Whatever does not match its hash or cannot be read is rebuilt (never handed to the C constructor);
# a folder that cannot be written means building each time (the result is the same, only slower).
# Files of other keys are left alone while in use (another installation may use them: a file that is
# read is touched once a week); when a new index is written, files of other keys untouched for
# STALE_DAYS are removed (left behind by upgrades).

INDEX_FORMAT = 6
STALE_DAYS = 30
_TOUCH_AFTER = 7 * 86400


class _Entries:
    """The names of the cache, packed: one string (``surface\tcode|code``, one line per name, in
    automaton position order) and the offsets of its lines; an entry is unpacked when a scan or a
    lookup first reaches it. Loading 36,000 names as Python objects cost more than the rest of the
    cached gazetteer."""

    __slots__ = ("_blob", "_offsets", "_short", "_made")

    def __init__(self, blob: str, offsets: array, short: frozenset[str]):
        self._blob, self._offsets, self._short = blob, offsets, short
        self._made: dict[int, tuple[str, tuple[str, ...], bool]] = {}

    @staticmethod
    def pack(names: dict[str, tuple[str, ...]]) -> tuple[str, bytes]:
        lines = [f"{surface}\t{'|'.join(codes)}" for surface, codes in names.items()]
        offsets = array("I", [0])
        for line in lines:
            offsets.append(offsets[-1] + len(line) + 1)
        return "\n".join(lines) + "\n", offsets.tobytes()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, pos: int) -> tuple[str, tuple[str, ...], bool]:
        e = self._made.get(pos)
        if e is None:
            if not 0 <= pos < len(self._offsets) - 1:
                raise IndexError(pos)
            surface, codes = self._blob[self._offsets[pos] : self._offsets[pos + 1] - 1].split("\t")
            e = self._made[pos] = (surface, tuple(codes.split("|")), surface in self._short)
        return e

    def __iter__(self):
        return (self[pos] for pos in range(len(self)))

    def surfaces(self) -> list[str]:
        """Every name, in automaton position order (without unpacking the entries)."""
        lines = self._blob.split("\n")
        lines.pop()  # the blob ends with a newline
        return [line.partition("\t")[0] for line in lines]


def _cache_key(data: bytes, zones: dict[str, str]) -> str:
    import ahocorasick

    h = hashlib.sha256()
    so = Path(ahocorasick.__file__)
    try:
        st = so.stat()
        build = f"{so.name}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:  # pragma: no cover
        build = so.name
    h.update(f"{INDEX_FORMAT}|{sys.version_info[:2]}|{build}\n".encode())
    h.update(Path(__file__).read_bytes())
    h.update(data)
    h.update(repr(sorted(zones.items())).encode("utf-8"))
    return h.hexdigest()[:32]


def _cache_path(key: str) -> Path:
    return user_cache_dir() / f"gazetteer-{key}.index"


def _read_index(key: str) -> tuple | None:
    """(unit rows or None, index) from the cache, or None."""
    import ahocorasick

    path = _cache_path(key)
    try:
        raw = path.read_bytes()
        if len(raw) < 4 or zlib.crc32(raw[4:]) != int.from_bytes(raw[:4], "little"):
            return None  # damaged (its names would be wrong without any error) or not ours
        fmt, k, units, blob, offsets, short, zone_names, state = marshal.loads(raw[4:])
        if fmt != INDEX_FORMAT or k != key or not isinstance(blob, str) or not isinstance(offsets, bytes):
            return None
        table = _offsets(offsets, blob)
        rows = None
        if units is not None:
            rows_blob, rows_offsets, width = units
            rows = _PackedRows(rows_blob, _offsets(rows_offsets, rows_blob), width)
        auto = ahocorasick.Automaton(*state)
        if auto.store != ahocorasick.STORE_INTS or len(auto) != len(table) - 1:
            return None
        short = frozenset(short)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    _touch(path)
    return rows, (_Entries(blob, table, short), short, frozenset(zone_names), auto)


def _touch(path: Path) -> None:
    """Mark an index in use (its modification time), at most once a week: see STALE_DAYS."""
    try:
        if time.time() - path.stat().st_mtime > _TOUCH_AFTER:
            os.utime(path)
    except OSError:  # a read-only cache folder: the file simply ages
        pass


def _prune(keep: Path) -> None:
    """Remove the index files of other keys not used for STALE_DAYS (see above)."""
    cutoff = time.time() - STALE_DAYS * 86400
    try:
        for f in keep.parent.glob("gazetteer-*.index"):
            try:
                if f != keep and f.stat().st_mtime < cutoff:
                    f.unlink()
            except OSError:  # another process removed it, or no right to: leave it
                pass
    except OSError:  # pragma: no cover - the folder went away
        pass


def _offsets(data: bytes, blob: str) -> array:
    table = array("I")
    table.frombytes(data)
    if not table or table[0] != 0 or table[-1] != len(blob):
        raise ValueError("gazetteer cache: offsets do not fit")
    return table


def _write_index(key: str, units: Units, index: tuple) -> None:
    from textcheck.errors import TextcheckError
    from textcheck.output import atomic_write_bytes

    names, short, zone_names, auto = index
    text, offsets = _Entries.pack(names)
    rows = units._rows if isinstance(units, Units) and isinstance(units._rows, dict) else None
    try:
        payload = marshal.dumps((INDEX_FORMAT, key, _PackedRows.pack(rows) if rows else None, text, offsets,
                                 tuple(sorted(short)), tuple(sorted(zone_names)), auto.__reduce__()[1]))
        atomic_write_bytes(_cache_path(key), zlib.crc32(payload).to_bytes(4, "little") + payload, durable=False)
    except (OSError, ValueError, TextcheckError):
        return  # read-only or full cache folder: build each time
    _prune(_cache_path(key))


def load_zones(path=None) -> dict[str, str]:
    """``corpora/zones.tsv``: zone name -> code of the division it is matched to."""
    path = path or corpus_path("zones.tsv")
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:  # pragma: no cover - shipped with the package
        return out
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, code, _how = line.split("\t")[:3]
            out[name] = code
    return out


@functools.lru_cache(maxsize=None)
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded on first use and kept for the process (its index from the user
    cache folder: ~0.1 s; built, the first time: ~0.25 s)."""
    return load()
