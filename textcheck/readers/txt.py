"""Plain text: UTF-8 (with or without BOM), GBK/GB18030, UTF-16, detected with charset-normalizer."""

from __future__ import annotations

import codecs

from textcheck.errors import InputError


def decode(data: bytes, *, path: str) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding name)."""
    if not data.strip():
        raise InputError("文件是空的", path=path)
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("无法识别文件编码，可能是二进制文件；请另存为 UTF-8 文本、Word（.docx）或 PDF", path=path)
    enc = best.encoding
    # GBK-family guesses are widened to GB18030, a strict superset used by government files.
    if enc in {"gbk", "gb2312", "cp936"}:
        enc = "gb18030"
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"无法按 {enc} 解码文件", path=path) from exc
