"""Writing a batch's outputs into its folder: summary.csv, summary.xlsx, findings.jsonl, index.html and
one page per report (reports/NNN.html), each atomically (``textcheck.output``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from textcheck.render import batch_html, batch_tables

if TYPE_CHECKING:  # pragma: no cover
    from textcheck.batch.run import BatchResult

_SUMMARY_FILES = ("summary.csv", "summary.xlsx", "findings.jsonl", "index.html")


def output_count(result: "BatchResult") -> int:
    """How many files ``write_outputs`` writes: the summary files and one page per report."""
    return len(_SUMMARY_FILES) + len(result.reports)


def write_outputs(result: "BatchResult", outdir: Path, progress: Callable[[int], None] | None = None) -> list[Path]:
    """summary.csv, summary.xlsx, findings.jsonl, index.html and reports/NNN.html; all atomic.
    ``progress(n)`` after each file written (``output_count(result)`` in all).

    The pages first, one report at a time, the summaries next and index.html last: after a crash
    the index never links to a page that was not written. A file whose bytes are unchanged is not
    rewritten (``batch.outdir.write_if_changed``)."""
    from textcheck.batch.outdir import write_chunks_if_changed, write_if_changed

    written = []
    pages = outdir / "reports"
    keep = set()
    for k, rep in enumerate(result.reports):
        name = batch_html.page_name(k, len(result.reports))
        keep.add(name)
        write_if_changed(pages / name, batch_html.render_report(result, k).encode("utf-8"), durable=False)
        if progress:
            progress(1)
    render = {
        "summary.csv": batch_tables.render_csv,
        "summary.xlsx": batch_tables.render_xlsx,
        "index.html": lambda r: batch_html.render_index(r).encode("utf-8"),
    }
    for name in _SUMMARY_FILES:  # index.html last
        if name == "findings.jsonl":
            write_chunks_if_changed(outdir / name, batch_tables.jsonl_chunks(result))
        else:
            write_if_changed(outdir / name, render[name](result))
        written.append(outdir / name)
        if progress:
            progress(1)
    if pages.is_dir():  # pages left over from an earlier, larger batch
        for old in pages.glob("*.html"):
            if old.name not in keep:
                try:
                    old.unlink()
                except OSError:
                    pass
    return written
