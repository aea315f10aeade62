"""Shared resources, loaded lazily and once per process.

Heavy libraries (jieba's dictionary, scikit-learn) are imported here on first use only, so that
``textcheck --help`` and ``textcheck rules`` start instantly and ``check`` pays for them once.
"""

from __future__ import annotations

import functools
import os
from importlib import resources as _ir
from pathlib import Path


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


def model_path(*parts: str) -> Path:
    return data_dir("models").joinpath(*parts)


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
    tk.initialize()
    return tk


def cut(text: str) -> list[str]:
    """Words of ``text`` (jieba, precise mode, HMM on)."""
    return tokenizer().lcut(text)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` with their character offsets."""
    return list(tokenizer().tokenize(text))
