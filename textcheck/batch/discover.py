"""The files a batch checks: every file under the given folders that the readers read or recognise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from textcheck.batch.outdir import is_output_folder
from textcheck.readers import REPORT_SUFFIXES


def discover(paths: Sequence[str], exclude: Sequence[Path] = ()) -> tuple[list[str], list[str]]:
    """(files, missing): every file to check, sorted and de-duplicated; paths that do not exist.

    Folders are walked recursively (hidden files and folders skipped, ``exclude`` folders skipped,
    and every folder holding the batch output marker ``.textcheck-output``: a batch never reads what
    a batch wrote, wherever ``-o`` pointed); a file named explicitly is always included, whatever its
    suffix. Entries are listed, never opened: a FIFO, a symlink loop or a folder that cannot be
    listed is returned as a file, which the worker reports as unreadable.
    """
    suffixes = REPORT_SUFFIXES
    excl = {p.resolve() for p in exclude}
    found: dict[str, str] = {}
    missing: list[str] = []
    for p in paths:
        pp = Path(p)
        if pp.is_dir():
            if is_output_folder(pp) or pp.resolve() in excl:
                continue

            def unlistable(exc: OSError) -> None:  # reported as unreadable, not silently dropped
                if exc.filename:
                    fp = os.path.normpath(exc.filename)
                    found.setdefault(os.path.realpath(fp), fp)

            for root, dirs, files in os.walk(pp, onerror=unlistable):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and Path(root, d).resolve() not in excl
                                 and not is_output_folder(os.path.join(root, d)))
                for name in files:
                    if name.startswith(".") or Path(name).suffix.lower() not in suffixes:
                        continue
                    fp = os.path.normpath(os.path.join(root, name))
                    found.setdefault(os.path.realpath(fp), fp)
        elif pp.is_file() or os.path.lexists(pp):  # a FIFO or a dangling or looping symlink: unreadable
            fp = os.path.normpath(p)
            found.setdefault(os.path.realpath(fp), fp)
        else:
            missing.append(p)
    return sorted(found.values()), missing
