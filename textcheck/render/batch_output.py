"""Writing a batch's outputs into its folder: summary.csv, summary.xlsx, decisions.csv, findings.jsonl,
index.html, one page per report (reports/NNN.html), its printable 审核意见 (review/NNN.html) and,
for a report paired with the year before, the side-by-side page (compare/NNN.html); each atomically
(``textcheck.output``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from textcheck.render import batch_html, batch_tables

if TYPE_CHECKING:  # pragma: no cover
    from textcheck.batch.run import BatchResult

_SUMMARY_FILES = ("summary.csv", "summary.xlsx", "decisions.csv", "findings.jsonl", "index.html")


def pair_page(result) -> str:
    """The side-by-side page of a year pair (``textcheck compare -f html``): what ``run_batch``'s
    ``pair_page`` renders in the worker processes."""
    from textcheck.render.compare_html import render

    return render(result)


def output_count(result: "BatchResult") -> int:
    """How many files ``write_outputs`` writes (progress): the summary files and the pages of each report."""
    return len(_SUMMARY_FILES) + len(result.reports)


def write_outputs(result: "BatchResult", outdir: Path, progress: Callable[[int], None] | None = None) -> list[Path]:
    """summary.csv, summary.xlsx, findings.jsonl, index.html and reports/NNN.html; all atomic.
    ``progress(n)`` after each file written (``output_count(result)`` in all).

    The pages first, one report at a time, the summaries next and index.html last: after a crash
    the index never links to a page that was not written. A file whose bytes are unchanged is not
    rewritten (``batch.outdir.write_if_changed``)."""
    from textcheck.batch.outdir import write_chunks_if_changed, write_if_changed

    written = []
    folders = {"reports": outdir / "reports", "review": outdir / "review", "compare": outdir / "compare"}
    keep: dict[str, set[str]] = {k: set() for k in folders}
    for k, rep in enumerate(result.reports):  # the pages first, one report at a time
        name = batch_html.page_name(k, len(result.reports))
        keep["reports"].add(name)
        write_if_changed(folders["reports"] / name, batch_html.render_report(result, k).encode("utf-8"), durable=False)
        if rep["score"] is not None:
            keep["review"].add(name)
            write_if_changed(folders["review"] / name, batch_html.render_review(result, k).encode("utf-8"),
                             durable=False)
        page = _compare_page(rep.get("previous"))
        if page is not None:
            keep["compare"].add(name)
            write_if_changed(folders["compare"] / name, page, durable=False)
        if progress:
            progress(1)
    for name in _SUMMARY_FILES:  # index.html last
        if name == "findings.jsonl":
            write_chunks_if_changed(outdir / name, batch_tables.jsonl_chunks(result))
        elif name == "summary.csv":
            write_chunks_if_changed(outdir / name, batch_tables.summary_csv_chunks(result))
        elif name == "decisions.csv":
            write_chunks_if_changed(outdir / name, batch_tables.decisions_csv_chunks(result, batch_html.page_name))
        elif name == "index.html":  # a row at a time
            write_chunks_if_changed(outdir / name, (c.encode("utf-8") for c in batch_html.index_chunks(result)))
        else:
            write_if_changed(outdir / name, batch_tables.render_xlsx(result))
        written.append(outdir / name)
        if progress:
            progress(1)
    for key, folder in folders.items():  # pages left over from an earlier, larger batch
        if folder.is_dir():
            for old in folder.glob("*.html"):
                if old.name not in keep[key]:
                    try:
                        old.unlink()
                    except OSError:
                        pass
    return written


def _compare_page(prev) -> bytes | None:
    """The year pair's page as the worker rendered it: from the cache folder or kept in memory."""
    if not prev:
        return None
    if prev.get("page_html") is not None:
        return prev["page_html"]
    if prev.get("page_file"):
        try:
            return Path(prev["page_file"]).read_bytes()
        except OSError:
            return None
    return None
