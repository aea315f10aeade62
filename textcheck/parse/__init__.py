"""Parse decoded text into a ``Document``: normalised lines, blocks, the parts, identity.

``normalize`` cleans what real files carry (per line: NFKC, zero-width characters, Markdown marks,
spaces next to CJK characters; over the document: traditional characters, page chrome and metadata, pipe
junk, a body flattened onto one line split into segments); line numbers always refer to the input.
``blocks`` groups segments into tables, headings and paragraphs; ``sections`` finds the parts and where
they run; ``identity`` reads the issuer and the year.
"""

from __future__ import annotations

from textcheck.document import Block, BlockKind, Document, Source
from textcheck.parse.blocks import build_blocks, inline_heading, inline_level, join_lines, table_rows
from textcheck.parse.identity import extract_identity
from textcheck.parse.normalize import normalize_document
from textcheck.parse.sections import SECTION_INDEX, SECTION_TITLE, SECTIONS, find_sections, section_key
from textcheck.text import normalize_line

__all__ = ["SECTIONS", "SECTION_TITLE", "SECTION_INDEX", "normalize_line", "parse", "parse_text", "section_key"]


def parse(source: Source) -> Document:
    """Parse a decoded ``Source`` into a ``Document``."""
    text = source.text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    nd = normalize_document(lines)
    norm = list(nd.norm)
    segs = nd.segments
    seg_text = [sg.text for sg in segs]
    seg_raw = [lines[sg.line] if sg.whole else "" for sg in segs]
    raw_blocks = build_blocks(seg_text, seg_raw, [not sg.whole for sg in segs])

    texts: list[str] = []
    for kind, a, b, _lvl, _body in raw_blocks:
        if kind is BlockKind.TABLE:
            texts.append("\n".join(x for x in seg_text[a : b + 1] if x.strip()))
        else:
            texts.append(join_lines(seg_text[a : b + 1]))
    block_lines = [(segs[a].line + 1, segs[b].line + 1) for _k, a, b, _l, _b in raw_blocks]

    sections, headings, outline, part_of_block, overview_items = find_sections(raw_blocks, texts, block_lines, len(lines))

    blocks: list[Block] = []
    sub = ""
    cur_section = None
    for idx, ((kind, a, b, lvl, body), t) in enumerate(zip(raw_blocks, texts)):
        if idx in overview_items:
            lvl = 2  # an item of 总体情况 numbered like a part: a sub-heading of 总体情况
        sec = part_of_block[idx]
        if sec != cur_section:
            cur_section, sub = sec, ""
        inline = inline_heading(t) if kind is BlockKind.PARAGRAPH else ""
        if kind is BlockKind.HEADING and lvl >= 2:
            sub = t
        elif inline:
            sub = inline
        first, last = block_lines[idx]
        if all(sg.whole for sg in segs[a : b + 1]):
            raw = "\n".join(x for x in lines[first - 1 : last] if x.strip())
        else:
            raw = "\n".join(x for x in seg_text[a : b + 1] if x.strip())
        blocks.append(
            Block(
                kind=kind,
                text=t,
                raw=raw,
                line=first,
                end_line=last,
                section=sec,
                heading_level=lvl if kind is BlockKind.HEADING else 0,
                inline_heading=inline,
                inline_level=inline_level(t) if inline else 0,
                subheading=sub if kind is not BlockKind.HEADING or lvl >= 2 else "",
                rows=table_rows(seg_text[a : b + 1]) if kind is BlockKind.TABLE else (),
            )
        )

    line_blocks = [(k, segs[a].line, segs[b].line, lvl, body) for k, a, b, lvl, body in raw_blocks]
    identity = extract_identity(list(nd.unblanked), line_blocks, texts)
    return Document(
        source=source,
        lines=tuple(lines),
        norm_lines=tuple(norm),
        blocks=tuple(blocks),
        sections=tuple(sections),
        identity=identity,
        section_headings=tuple(headings),
        outline=outline,
        meta=nd.meta,
        chrome_lines=nd.chrome,
        notes=nd.notes,
    )


def parse_text(text: str, path: str = "<text>") -> Document:
    return parse(Source(text=text, path=path, format="txt", encoding="utf-8"))
