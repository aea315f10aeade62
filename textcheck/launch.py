"""The first thing the ``textcheck`` command runs, before the command line module is even imported.

For the commands that segment text, the segmenter starts loading on another core at once
(``resources.preload_segmenter``, see textcheck/segment_worker.py): the ~0.1 s it takes then overlaps with
importing the command line, parsing the options and reading the report, instead of following them.
Nothing else happens here; the command calls ``preload_segmenter`` again itself, which then does nothing.
"""

from __future__ import annotations

import sys

SEGMENTING = frozenset({"check", "compare", "fix", "demo"})


def start_segmenter(args: list[str]) -> None:
    """Start the segmenter early when ``args`` (the command line after the program) name a command of
    ``SEGMENTING`` (the first word that is not an option)."""
    command = next((a for a in args if not a.startswith("-")), None)
    if command in SEGMENTING and not {"-h", "--help"} & set(args):
        from textcheck.resources import preload_segmenter

        preload_segmenter()


def main() -> None:
    """The ``textcheck`` command (pyproject's [project.scripts]) and ``python -m textcheck``."""
    start_segmenter(sys.argv[1:])
    from textcheck.cli import main as cli_main

    cli_main()
