"""The Chinese label of a place in a report, in the unit that fits its format.

Word documents have paragraphs (第 N 段) and tables (第 T 个表格第 R 行), PDF files pages (第 P 页),
text and web pages lines (第 L 行). A ``Finding`` or ``Related`` carries them all (docs/schema.md);
``location_label`` picks the one the drafter can find in the file they opened. The labels are made in
``textcheck.finding`` (rules write them into messages too); renderers use this module.
"""

from __future__ import annotations

from typing import Any

from textcheck.finding import location_label, places_label

__all__ = ["location_label", "places_label", "line_label"]


def line_label(doc: Any, line: int, end_line: int | None = None) -> str:
    """The label of lines ``line``..``end_line`` of a ``Document`` (for places that are not findings:
    compare's paragraphs, subtopic evidence)."""
    return doc.label(line, end_line)
