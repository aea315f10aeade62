"""The gazetteer's index cache (names and automaton in the user cache folder): the same gazetteer
whether built or read, rebuilt when a file is damaged, and no failure when the folder is unwritable."""

from __future__ import annotations

from pathlib import Path

import pytest

from textcheck import gazetteer as gz

TEXT = "大章镇人民政府和嵩县、洛阳市，四川省攀枝花市太平镇及城关街道，平潭综合实验区；投资阳光（为本测试所写）"


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TEXTCHECK_CACHE_DIR", str(folder))
    return folder


def _file(folder: Path) -> Path:
    files = sorted(folder.glob("gazetteer-*"))
    assert [f.suffix for f in files] == [".index"], files
    return files[0]


def _fields(u: gz.Unit) -> tuple:
    return (u.code, u.parent, u.name, u.level, u.former, u.abolished, u.short)


def _same(a: gz.Gazetteer, b: gz.Gazetteer) -> None:
    assert list(a.units) == list(b.units) and len(a.units) == len(b.units)
    assert [_fields(u) for u in a.units.values()] == [_fields(u) for u in b.units.values()]
    for missing in ("", "1100", "999999999999", None):
        assert missing not in a.units and a.units.get(missing) is None
    assert list(a.names.items()) == list(b.names.items())
    assert [a.lookup(n) for n in b.names] == list(b.names.values()) and a.lookup("不是地名") == ()
    assert a.short_forms == b.short_forms and a.zones == b.zones
    assert a.scan(TEXT) == b.scan(TEXT) and a.scan(TEXT)


def test_index_is_written_then_read_and_gives_the_built_gazetteer(cache, monkeypatch):
    built = gz.load(cache=False)
    first = gz.load()
    _file(cache)
    calls = []
    real = gz._build_index
    monkeypatch.setattr(gz, "_build_index", lambda *a: calls.append(1) or real(*a))
    second = gz.load()
    assert calls == []  # read from the cache, not built
    _same(built, first)
    _same(built, second)
    assert second.path(gz.gazetteer().lookup("大章镇")[0]) == ["河南省", "洛阳市", "嵩县", "大章镇"]


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "flipped-names", "flipped-automaton", "missing"])
def test_a_damaged_cache_is_rebuilt(cache, monkeypatch, damage):
    gz.load()
    index = _file(cache)
    data = bytearray(index.read_bytes())
    if damage == "garbage":
        index.write_bytes(b"not marshal data at all, and longer than a sha256 digest")
    elif damage == "empty":
        index.write_bytes(b"")
    elif damage == "truncated":
        index.write_bytes(bytes(data[: len(data) // 3]))
    elif damage == "flipped-names":  # a wrong name, still valid marshal: only the hash can tell
        pos = data.index("大章镇".encode("utf-8"))
        data[pos + 3 : pos + 6] = "小".encode("utf-8")
        index.write_bytes(bytes(data))
    elif damage == "flipped-automaton":
        data[-1000] ^= 0xFF
        index.write_bytes(bytes(data))
    else:
        index.unlink()
    calls = []
    real = gz._build_index
    monkeypatch.setattr(gz, "_build_index", lambda *a: calls.append(1) or real(*a))
    again = gz.load()
    assert calls == [1]  # the damaged cache was not used
    _same(gz.load(cache=False), again)
    monkeypatch.setattr(gz, "_build_index", real)
    assert gz._read_index(gz._cache_key(Path(gz.corpus_path("gazetteer.tsv.gz")).read_bytes(), gz.load_zones())) is not None


def test_an_unwritable_cache_folder_only_means_building(tmp_path, monkeypatch):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("TEXTCHECK_CACHE_DIR", str(blocker / "cache"))  # mkdir fails under a file
    g = gz.load()
    _same(gz.load(cache=False), g)
    assert blocker.read_text(encoding="utf-8") == "x"


def test_the_key_changes_with_the_data(cache):
    data = Path(gz.corpus_path("gazetteer.tsv.gz")).read_bytes()
    zones = gz.load_zones()
    key = gz._cache_key(data, zones)
    assert key == gz._cache_key(data, zones)
    assert key != gz._cache_key(data + b"\0", zones)
    assert key != gz._cache_key(data, {**zones, "某某新区": "110000000000"})


def test_index_files_left_by_other_versions_are_removed_once_stale(cache):
    import os
    import time

    cache.mkdir(parents=True)
    old = time.time() - (gz.STALE_DAYS + 1) * 86400
    stale = cache / "gazetteer-00000000000000000000000000000000.index"
    recent = cache / "gazetteer-11111111111111111111111111111111.index"  # another installation, in use
    other = cache / "jieba.cache"  # not ours to judge
    for f in (stale, recent, other):
        f.write_bytes(b"x")
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    gz.load()  # no index for this key yet: built, written, and the stale one removed
    assert not stale.exists() and recent.exists() and other.exists()
    ours = [f for f in cache.glob("gazetteer-*.index") if f != recent]
    assert len(ours) == 1
    os.utime(ours[0], (old, old))
    gz.load()  # read: an old index in use is touched, so that no other installation removes it
    assert time.time() - ours[0].stat().st_mtime < 3600
