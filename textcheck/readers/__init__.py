"""Readers: any input format -> ``Source`` (decoded text; tables as tab-separated lines).

One reader per format behind one interface. The rest of the tool sees only ``Source``.
Every failure is an ``InputError`` with a Chinese message; nothing else escapes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from textcheck.errors import InputError
from textcheck.model import Source

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# suffix -> format name
FORMATS = {".txt": "txt", ".text": "txt", ".md": "txt"}


def read_path(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read a report from ``path`` ('-' for standard input). Never modifies the input."""
    p = str(path)
    if p == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(f"标准输入超过大小上限（{max_bytes // (1024 * 1024)} MB）", path="-")
        from textcheck.readers.txt import decode

        text, enc = decode(data, path="-")
        return Source(text=text, path="-", format="stdin", encoding=enc)
    fp = Path(p)
    if not fp.exists():
        raise InputError("文件不存在", path=p)
    if fp.is_dir():
        raise InputError("这是一个文件夹，不是文件（检查整个文件夹请用 textcheck batch）", path=p)
    try:
        size = fp.stat().st_size
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror or exc}", path=p) from exc
    if size > max_bytes:
        raise InputError(
            f"文件大小 {size / 1048576:.1f} MB 超过上限 {max_bytes / 1048576:.0f} MB；"
            "年度报告通常不超过 1 MB，请确认文件是否正确（可用 --max-size 调整上限）",
            path=p,
        )
    fmt = FORMATS.get(fp.suffix.lower(), "txt")
    try:
        data = fp.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror or exc}", path=p) from exc
    from textcheck.readers.txt import decode

    text, enc = decode(data, path=p)
    return Source(text=text, path=p, format=fmt, encoding=enc)
