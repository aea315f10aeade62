"""The files a batch checks: every file under the given folders that the readers read or recognise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from textcheck.readers import REPORT_SUFFIXES


def discover(paths: Sequence[str], exclude: Sequence[Path] = ()) -> tuple[list[str], list[str]]:
    """(files, missing): every file to check, sorted and de-duplicated; paths that do not exist.

    Folders are walked recursively (hidden files and folders skipped, ``exclude`` folders skipped);
    a file named explicitly is always included, whatever its suffix.
    """
    suffixes = REPORT_SUFFIXES
    excl = {p.resolve() for p in exclude}
    found: dict[str, str] = {}
    missing: list[str] = []
    for p in paths:
        pp = Path(p)
        if pp.is_dir():
            for root, dirs, files in os.walk(pp):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and Path(root, d).resolve() not in excl)
                for name in files:
                    if name.startswith(".") or Path(name).suffix.lower() not in suffixes:
                        continue
                    fp = os.path.normpath(os.path.join(root, name))
                    found.setdefault(os.path.realpath(fp), fp)
        elif pp.is_file():
            fp = os.path.normpath(p)
            found.setdefault(os.path.realpath(fp), fp)
        else:
            missing.append(p)
    return sorted(found.values()), missing
