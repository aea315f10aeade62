"""Shared resources, loaded lazily and once per process.

Heavy libraries (jieba's dictionary, scikit-learn) are imported here on first use only, so that
``textcheck --help`` and ``textcheck rules`` start instantly and ``check`` pays for them once.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from array import array
from itertools import accumulate, chain
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


def user_cache_dir() -> Path:
    """Where textcheck keeps what it derives once per installation (jieba's dictionary cache, the
    gazetteer's index): ``$TEXTCHECK_CACHE_DIR``, else ``~/.cache/textcheck``. Not created here."""
    return Path(os.environ.get("TEXTCHECK_CACHE_DIR") or Path.home() / ".cache" / "textcheck")


def _import_jieba():
    """``import jieba`` without ``pkg_resources``.

    jieba's ``_compat`` imports ``pkg_resources`` (setuptools, ~0.2 s here) only to open its own data
    files, and opens them with ``open()`` when that import fails. A ``None`` entry in ``sys.modules``
    makes the import fail for the duration of jieba's import; the entry is removed again afterwards,
    so anything that needs ``pkg_resources`` later imports it as usual."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    hide = "pkg_resources" not in sys.modules
    if hide:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if hide and sys.modules.get("pkg_resources", False) is None:
            del sys.modules["pkg_resources"]
    return jieba


@functools.lru_cache(maxsize=None)
def tokenizer():
    """The jieba tokenizer (the reference segmenter), initialised once, silently."""
    import logging

    jieba = _import_jieba()
    jieba.setLogLevel(logging.ERROR)
    tk = jieba.Tokenizer()
    cache_dir = user_cache_dir()
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


# -- segmentation ---------------------------------------------------------------------------
#
# Words come from jieba's dictionary and algorithm. Two implementations are used: ``rjieba`` (the
# Rust port, jieba-rs: same dictionary, same DAG + HMM; several times faster, and its dictionary loads
# in ~0.1 s instead of ~0.3-1 s) when its wheel is installed, else jieba itself, the reference.
# ``TEXTCHECK_TOKENIZER=jieba`` forces the reference, ``=rjieba`` requires the port.
# tests/test_tokenizer.py checks that both give the same words on the seeds and the corpus.

TOKENIZER_ENV = "TEXTCHECK_TOKENIZER"

# jieba sends a run of letters, digits and ``+#&._%-`` that is not a dictionary word to its HMM
# module, which splits the run by this pattern (jieba.finalseg's ``re_skip``): 163.com -> 163 . com,
# 0591-2316 -> 0591 - 2316, 12.5% stays whole. jieba-rs keeps such a run whole; it is re-split here
# the same way, so that both implementations give the same words.
_ASCII_RUN = re.compile(r"[A-Za-z0-9+#&._%\-]{2,}")
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


# Where the two implementations differ by construction, the text goes to jieba itself (and where their
# HMM may break a tie differently, see _hmm_tie_possible): jieba-rs reads
# characters outside jieba's Han range (U+4E00-U+9FD5: extension A, U+9FD6-U+9FFF, compatibility
# ideographs, the supplementary planes) as Han, and it splits + # & off the dictionary's words that
# contain them (C++, C#, AT&T). Tested in two parts (a plain character class scans several times faster
# than one alternation of both; each of the three words holds + # or &, so a text without those cannot
# hold one); tests/test_tokenizer.py holds the two to the single pattern.
_JIEBA_ONLY_CHAR = re.compile(r"[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00010000-\U0010ffff]")
_JIEBA_ONLY_WORD = re.compile(r"(?i:c\+\+|c#|at&t)")


def _jieba_only(text: str) -> bool:
    """Whether ``text`` holds a character or a word where jieba-rs and jieba differ by construction."""
    if _JIEBA_ONLY_CHAR.search(text):
        return True
    return ("+" in text or "#" in text or "&" in text) and _JIEBA_ONLY_WORD.search(text) is not None


# a letter or digit beside one of + # & . _ % - (or two of those): only a text with one can hold a run
# that jieba-rs keeps whole and jieba splits; every other text takes jieba-rs's words as they are
_ASCII_JOIN = re.compile(r"[A-Za-z0-9+#&._%\-][+#&._%\-]|[+#&._%\-][A-Za-z0-9]")


# a Han character written twice in a row (overlapping: 信信信 gives two)
_DOUBLED = re.compile(r"(?=([\u4e00-\u9fd5])\1)")
_DOUBLED_NEAR = 6  # two doubled characters this close (in characters) may share one HMM run


def _hmm_tie_possible(text: str) -> bool:
    """Whether jieba's and jieba-rs's HMM may choose differently here. Their HMM (for runs of characters
    that form no dictionary word) scores some segmentations of repeated characters (nearly) the same
    and each picks its own: 镇信信信政, 镇镇信信镇镇信, 开作作作告. Over 360,000 random strings of a few
    characters that happened only where a character is written three times in a row or two doubled
    characters stand within a few characters of each other; one doubled character (做到件件有回应)
    never differed. Such a text is segmented by jieba itself."""
    last = -99
    for m in _DOUBLED.finditer(text):
        if m.start() - last <= _DOUBLED_NEAR:
            return True
        last = m.start()
    return False


def _rjieba_segmenter(rcut):
    """jieba's words from jieba-rs's ``rcut`` (text -> words): routed to jieba and re-split as above."""
    jieba_only = _jieba_only
    ascii_join = _ASCII_JOIN.search

    def segment(text: str) -> list[str]:
        if jieba_only(text):
            return tokenizer().lcut(text)
        if _hmm_tie_possible(text):
            return tokenizer().lcut(text)
        words = rcut(text)
        if not ascii_join(text):
            return words
        # only an ASCII word can need splitting; most texts have a few (figures) and none to split
        if not any(len(w) > 1 and not w.isalnum() and _ASCII_RUN.fullmatch(w) for w in filter(str.isascii, words)):
            return words
        out: list[str] = []
        for w in words:
            if len(w) > 1 and w.isascii() and not w.isalnum() and _ASCII_RUN.fullmatch(w):
                out.extend(p for p in _JIEBA_SKIP.split(w) if p)
            else:
                out.append(w)
        return out

    return segment


_worker = None  # segment_worker.Worker, when preload_segmenter started one


def preload_segmenter() -> None:
    """Start segmenting in a second process (once per process, see textcheck/segment_worker.py), so
    that building jieba-rs's dictionary overlaps with the command's start-up instead of adding to it.
    Called by the command line's check, compare, fix and demo only (textcheck/launch.py, then the command
    itself); a no-op where the worker does not pay or cannot run (then the first segmentation imports
    rjieba here, as before). Words are the same either way."""
    global _worker
    if _worker is not None or segmenter.cache_info().currsize or "rjieba" in sys.modules:
        return
    if os.environ.get(TOKENIZER_ENV, "").strip().lower() == "jieba":
        return
    from textcheck import segment_worker

    _worker = segment_worker.start()


def prefetch(*docs) -> None:
    """Have the worker (if any) segment the paragraphs of ``docs`` ahead of their use; returns at once."""
    if _worker is not None:
        _worker.forget_answered()  # the previous report's leftovers
        _worker.send([b.text for d in docs for b in d.narrative()])


def _worker_cut(text: str) -> list[str]:
    lengths = _worker.lengths(text) if _worker is not None else None
    if lengths is None:  # no worker, or it could not answer: the same words from rjieba here
        import rjieba

        return rjieba.cut(text)
    ends = list(accumulate(lengths))
    return [text[s:e] for s, e in zip(chain((0,), ends), ends)]


@functools.lru_cache(maxsize=None)
def segmenter() -> tuple[str, Any]:
    """(name, function text -> words) of the segmenter in use: ``rjieba`` or ``jieba``."""
    choice = os.environ.get(TOKENIZER_ENV, "").strip().lower()
    if choice != "jieba":
        if _worker is not None:
            return "rjieba", _rjieba_segmenter(_worker_cut)
        try:
            import rjieba
        except ImportError:
            if choice == "rjieba":
                raise
        else:
            return "rjieba", _rjieba_segmenter(rjieba.cut)
    return "jieba", tokenizer().lcut


# Each text is segmented once per process and its words shared by every analysis and rule that asks
# (the overview's paragraphs are read by the subtopic analysis twice and by the duplicate rule).
# Only the word ends are kept (words are contiguous), a few bytes per word; 2,048 texts at most.
@functools.lru_cache(maxsize=2048)
def _ends(text: str) -> array:
    global _fresh
    words = segmenter()[1](text)
    _fresh = (text, words)
    return array("I", accumulate(map(len, words)))


# The words ``_ends`` has just segmented (text, words): ``cut`` takes them as they are instead of
# slicing them out of the text again, when they are the text's own (same object, contiguous). Anything
# else (another thread's text, an older one, a cache hit) slices.
_fresh: tuple[str, list[str]] | None = None


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` with their character offsets (jieba, precise mode, HMM on)."""
    ends = _ends(text)
    return [(text[s:e], s, e) for s, e in zip(chain((0,), ends), ends)]


def cut(text: str) -> list[str]:
    """Words of ``text`` (jieba, precise mode, HMM on)."""
    global _fresh
    _fresh = None
    ends = _ends(text)
    fresh, _fresh = _fresh, None
    if fresh is not None and fresh[0] is text and "".join(fresh[1]) == text:
        return fresh[1]
    return [text[s:e] for s, e in zip(chain((0,), ends), ends)]


def word_bounds(text: str) -> set[int]:
    """Offsets where a word of ``text`` starts or ends (0 and ``len(text)`` included)."""
    bounds = set(_ends(text))
    bounds.add(0)
    bounds.add(len(text))
    return bounds
