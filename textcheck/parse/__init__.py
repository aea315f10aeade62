"""Parse decoded text into a ``Document``: normalised lines, blocks, the six sections, identity.

Normalisation is per line (``textcheck.text.normalize_line``), so line numbers always refer to the
input: NFKC (full-width ASCII -> half-width, ideographic/no-break spaces -> space), zero-width
characters removed, Markdown emphasis (``**bold**``) and heading marks removed, spaces next to CJK
characters removed (PDF artefacts such as ``2021 年``). Tabs are kept: they separate table cells.

``blocks`` groups lines into tables, headings and paragraphs; ``sections`` finds the six sections;
``identity`` reads the issuer and the year.
"""

from __future__ import annotations

from textcheck.document import Block, BlockKind, Document, Source
from textcheck.parse.blocks import build_blocks, inline_heading, join_lines, table_rows
from textcheck.parse.identity import extract_identity
from textcheck.parse.sections import SECTION_INDEX, SECTION_TITLE, SECTIONS, find_sections, section_at, section_key
from textcheck.text import normalize_line

__all__ = ["SECTIONS", "SECTION_TITLE", "SECTION_INDEX", "normalize_line", "parse", "parse_text", "section_key"]


def parse(source: Source) -> Document:
    """Parse a decoded ``Source`` into a ``Document``."""
    text = source.text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    norm = [normalize_line(x) for x in lines]
    raw_blocks = build_blocks(lines, norm)

    texts: list[str] = []
    for kind, a, b, _lvl, _body in raw_blocks:
        if kind is BlockKind.TABLE:
            texts.append("\n".join(x for x in norm[a : b + 1] if x.strip()))
        else:
            texts.append(join_lines(norm[a : b + 1]))

    sections, headings = find_sections(raw_blocks, texts, len(lines))

    blocks: list[Block] = []
    sub = ""
    cur_section = None
    for (kind, a, b, lvl, body), t in zip(raw_blocks, texts):
        sec = section_at(headings, a + 1)
        if sec != cur_section:
            cur_section, sub = sec, ""
        inline = inline_heading(t) if kind is BlockKind.PARAGRAPH else ""
        if kind is BlockKind.HEADING and lvl >= 2:
            sub = t
        elif inline:
            sub = inline
        raw = "\n".join(x for x in lines[a : b + 1] if x.strip())
        blocks.append(
            Block(
                kind=kind,
                text=t,
                raw=raw,
                line=a + 1,
                end_line=b + 1,
                section=sec,
                heading_level=lvl if kind is BlockKind.HEADING else 0,
                inline_heading=inline,
                subheading=sub if kind is not BlockKind.HEADING or lvl >= 2 else "",
                rows=table_rows(norm[a : b + 1]) if kind is BlockKind.TABLE else (),
            )
        )

    identity = extract_identity(norm, raw_blocks, texts)
    return Document(
        source=source,
        lines=tuple(lines),
        norm_lines=tuple(norm),
        blocks=tuple(blocks),
        sections=tuple(sections),
        identity=identity,
        section_headings=tuple(headings),
    )


def parse_text(text: str, path: str = "<text>") -> Document:
    return parse(Source(text=text, path=path, format="txt", encoding="utf-8"))
