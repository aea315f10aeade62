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
import tempfile
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
        """``index``: what :func:`_build_index` derives from ``units`` and ``zones``, read from the cache
        by :func:`load`; built here when not given."""
        self.units = units
        self.bigrams = bigrams
        names, short, zone_names, auto = index if index is not None else _build_index(units, zones or {})
        self.names: dict[str, tuple[str, ...]] = names
        self.short_forms: frozenset[str] = short
        self.zones: frozenset[str] = zone_names
        # the automaton stores each name's position in ``names``: no Python objects inside, so that
        # it can be saved and loaded without pickle
        self._entries = [(surface, codes, surface in short) for surface, codes in names.items()]
        self._auto = auto
        self._children: dict[str, list[str]] | None = None
        self._by_shape: dict[tuple[int, str], list[str]] | None = None

    # -- matching -------------------------------------------------------------------------

    def scan(self, text: str) -> list[Match]:
        """Place names in ``text``: longest match, non-overlapping, left to right."""
        out = []
        n = len(text)
        bigrams = self.bigrams
        entries = self._entries
        for end_idx, pos in self._auto.iter_long(text):
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
        return self.names.get(name, ())

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
    for pos, surface in enumerate(frozen):
        auto.add_word(surface, pos)
    auto.make_automaton()
    return frozen, frozenset(short), frozenset(zones), auto


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

    def __init__(self, rows: dict[str, str]):
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


def load(path=None, bigram_path=None, zones_path=None, *, cache: bool = True) -> Gazetteer:
    """The gazetteer of ``path`` (default: the shipped one). With ``cache``, the index derived from the
    data (names, automaton: most of the start-up cost) is read from the user cache folder when a valid
    one is there for these exact data files, this module and this pyahocorasick, and written there
    after building it otherwise (see :func:`_read_index`)."""
    path = path or corpus_path("gazetteer.tsv.gz")
    bigram_path = bigram_path or corpus_path("gazetteer.bigrams.txt.gz")
    zones_path = zones_path or corpus_path("zones.tsv")
    data = Path(path).read_bytes()
    units = _parse_units(data)
    bigrams: frozenset[str] = frozenset()
    try:
        with gzip.open(bigram_path, "rt", encoding="utf-8") as fh:
            bigrams = frozenset(fh.read().split())
    except FileNotFoundError:  # pragma: no cover - shipped with the package
        pass
    zones = load_zones(zones_path)
    if not cache:
        return Gazetteer(units, bigrams, zones)
    key = _cache_key(data, zones)
    index = _read_index(key)
    if index is None:
        index = _build_index(units, zones)
        _write_index(key, index)
    return Gazetteer(units, bigrams, zones, index=index)


# -- the index cache ------------------------------------------------------------------------------
#
# Two files per key in the user cache folder (resources.user_cache_dir): ``gazetteer-KEY.index``
# (marshal: format, key, names, short forms, zone names, the automaton file's sha256) and
# ``gazetteer-KEY.automaton`` (pyahocorasick's own save format, integers only). The key hashes the
# data, the zones, this module's source and the pyahocorasick build, so a change to any of them
# builds a new index. Whatever cannot be read, or does not match its hash, is rebuilt; a folder that
# cannot be written means building each time (the result is the same, only slower). Files of other
# keys are left alone (another installation may use them).

INDEX_FORMAT = 1


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


def _cache_paths(key: str) -> tuple[Path, Path]:
    folder = user_cache_dir()
    return folder / f"gazetteer-{key}.index", folder / f"gazetteer-{key}.automaton"


def _no_objects(_data: bytes):  # pragma: no cover - an integer automaton holds no objects
    raise ValueError("unexpected object in the gazetteer automaton")


def _read_index(key: str) -> tuple | None:
    import ahocorasick

    index_path, auto_path = _cache_paths(key)
    try:
        fmt, k, names, short, zone_names, auto_hash = marshal.loads(index_path.read_bytes())
        if fmt != INDEX_FORMAT or k != key or not isinstance(names, dict) or not isinstance(short, frozenset):
            return None
        if hashlib.sha256(auto_path.read_bytes()).hexdigest() != auto_hash:
            return None  # truncated or altered: never hand it to the C loader
        auto = ahocorasick.load(str(auto_path), _no_objects)
        if auto.store != ahocorasick.STORE_INTS or len(auto) != len(names):
            return None
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return names, short, frozenset(zone_names), auto


def _write_index(key: str, index: tuple) -> None:
    from textcheck.errors import TextcheckError
    from textcheck.output import atomic_write_bytes

    names, short, zone_names, auto = index
    index_path, auto_path = _cache_paths(key)
    try:
        index_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{auto_path.name}.", suffix=".tmp", dir=index_path.parent)
        os.close(fd)
        try:
            auto.save(tmp)  # pyahocorasick writes to a path; renamed into place below
            blob = Path(tmp).read_bytes()
            os.replace(tmp, auto_path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        atomic_write_bytes(index_path, marshal.dumps((INDEX_FORMAT, key, names, short, zone_names,
                                                      hashlib.sha256(blob).hexdigest())), durable=False)
    except (OSError, ValueError, TextcheckError):
        pass  # read-only or full cache folder: build each time


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
