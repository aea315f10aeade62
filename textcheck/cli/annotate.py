"""``check --annotate 批注版.docx``: the annotated copy of the one checked report (render/docx_annotate.py)."""

from __future__ import annotations

from pathlib import Path

from textcheck.cli.common import console, escape, fail


def write_annotated(result, output: Path) -> None:
    """Write the annotated copy of ``result``'s report to ``output`` (atomically); exit 2 on failure."""
    from textcheck.errors import TextcheckError
    from textcheck.output import atomic_write_bytes
    from textcheck.render.docx_annotate import annotate

    doc = result.document
    original = None
    if doc.source.format == "docx" and doc.path != "-":
        try:
            original = Path(doc.path).read_bytes()
        except OSError as exc:
            fail(f"无法再次读取原文件以生成批注版：{exc.strerror or exc}")
    try:
        data = annotate(doc, result.findings, original)
        atomic_write_bytes(output, data)
    except TextcheckError as exc:
        fail(str(exc))
    console(stderr=True).print(f"已写入批注版 {escape(str(output))}（{len(result.findings)} 条批注）")
