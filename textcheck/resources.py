"""Shared resources, loaded lazily and once per process.

Heavy libraries (jieba's dictionary, scikit-learn) are imported here on first use only, so that
``textcheck --help`` and ``textcheck rules`` start instantly and ``check`` pays for them once.
"""

from __future__ import annotations

import functools
import os
import sys
from importlib import resources as _ir
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@functools.lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """Directory of shipped data: ``corpora`` or ``models``.

    In an installed wheel they live inside the package (``textcheck/corpora``); in a source
    checkout (editable install, tests) they are the top-level folders of the repository.
    """
    packaged = Path(str(_ir.files("textcheck"))) / name
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parent.parent / name
    if repo.is_dir():
        return repo
    raise FileNotFoundError(f"textcheck data folder '{name}' is missing from the installation")


def corpus_path(*parts: str) -> Path:
    return data_dir("corpora").joinpath(*parts)


@functools.lru_cache(maxsize=None)
def corpus_toml(name: str) -> dict[str, Any]:
    """A TOML lexicon of ``corpora/``, parsed once per process (callers must not modify it)."""
    return tomllib.loads(corpus_path(name).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def tokenizer():
    """The jieba tokenizer, initialised once, silently."""
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    tk = jieba.Tokenizer()
    cache_dir = Path(os.environ.get("TEXTCHECK_CACHE_DIR") or Path.home() / ".cache" / "textcheck")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tk.tmp_dir = str(cache_dir)
    except OSError:
        pass  # read-only home: jieba falls back to the system temp dir
    # jieba reads its 9 MB dictionary cache with marshal.load on a file object (~0.65 s here);
    # reading the bytes in one go and unmarshalling them is ~0.2 s. Same file, same data.
    cache = Path(tk.tmp_dir or "") / "jieba.cache" if tk.tmp_dir else None
    if cache is not None and cache.is_file():
        import marshal

        try:
            freq, total = marshal.loads(cache.read_bytes())
            tk.FREQ, tk.total, tk.initialized = freq, total, True
        except (ValueError, EOFError, TypeError, OSError):
            tk.initialized = False
    if not tk.initialized:
        tk.initialize()  # builds and writes the cache on first use (~1 s, once)
    return tk


def cut(text: str) -> list[str]:
    """Words of ``text`` (jieba, precise mode, HMM on)."""
    return tokenizer().lcut(text)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` with their character offsets."""
    return list(tokenizer().tokenize(text))
