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


def _files(folder: Path) -> tuple[Path, Path]:
    index = sorted(folder.glob("gazetteer-*.index"))
    auto = sorted(folder.glob("gazetteer-*.automaton"))
    assert len(index) == 1 and len(auto) == 1, (index, auto)
    return index[0], auto[0]


def _same(a: gz.Gazetteer, b: gz.Gazetteer) -> None:
    assert list(a.names.items()) == list(b.names.items())
    assert a.short_forms == b.short_forms and a.zones == b.zones
    assert a.scan(TEXT) == b.scan(TEXT) and a.scan(TEXT)


def test_index_is_written_then_read_and_gives_the_built_gazetteer(cache, monkeypatch):
    built = gz.load(cache=False)
    first = gz.load()
    index, auto = _files(cache)
    calls = []
    real = gz._build_index
    monkeypatch.setattr(gz, "_build_index", lambda *a: calls.append(1) or real(*a))
    second = gz.load()
    assert calls == []  # read from the cache, not built
    _same(built, first)
    _same(built, second)
    assert second.path(gz.gazetteer().lookup("大章镇")[0]) == ["河南省", "洛阳市", "嵩县", "大章镇"]


@pytest.mark.parametrize("damage", ["index-garbage", "index-truncated", "automaton-truncated", "automaton-flipped", "automaton-missing"])
def test_a_damaged_cache_is_rebuilt(cache, monkeypatch, damage):
    gz.load()
    index, auto = _files(cache)
    if damage == "index-garbage":
        index.write_bytes(b"not marshal data")
    elif damage == "index-truncated":
        index.write_bytes(index.read_bytes()[:1000])
    elif damage == "automaton-truncated":
        auto.write_bytes(auto.read_bytes()[:5000])
    elif damage == "automaton-flipped":
        data = bytearray(auto.read_bytes())
        data[len(data) // 2] ^= 0xFF
        auto.write_bytes(bytes(data))
    else:
        auto.unlink()
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
