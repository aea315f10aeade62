"""Plain text: UTF-8 (with or without BOM), GBK/GB18030, UTF-16/32, detected.

Order of attempts (deterministic, first success wins):

1. a byte-order mark (UTF-8, UTF-32, UTF-16);
2. UTF-16 without BOM when every other byte is NUL (ASCII-heavy text saved as "Unicode");
3. strict UTF-8;
4. strict GB18030 when the result looks like Chinese text (the usual "ANSI" of Chinese Windows);
5. charset-normalizer's best guess, accepted only if the result looks like text.

Any other NUL bytes, or many control characters after decoding, mean binary data.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections import Counter

from textcheck.errors import InputError

# encodings a Chinese report plausibly uses; other guesses must look like text to be accepted
_CJK_FRIENDLY = {"utf_8", "utf-8", "gb18030", "gbk", "gb2312", "cp936", "big5", "big5hkscs", "hz", "utf_16", "utf_32", "ascii"}

_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v", "\x1a"}  # \x1a: DOS end-of-file mark

MSG_BINARY = "文件内容是二进制数据，不是文字（可能是图片、压缩包或已损坏的文件）；请提供 .txt、.docx、.pdf 或 .html 格式的报告"
MSG_UNKNOWN_ENCODING = "无法识别文件编码；请用记事本或 WPS 另存为 UTF-8 编码的 .txt 文件后再检查"
MSG_EMPTY = "文件是空的（没有任何文字）"


def _cjk_ratio(text: str) -> float:
    """Share of non-ASCII, non-space characters that are CJK ideographs or CJK/full-width punctuation."""
    total = cjk = 0
    for ch in text:
        o = ord(ch)
        if o < 128 or ch.isspace():
            continue
        total += 1
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or o in (0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2014, 0x00B7):
            cjk += 1
    return 1.0 if total == 0 else cjk / total


def control_ratio(text: str) -> float:
    """Share of characters that are control/unassigned/private-use (signs of binary data)."""
    if not text:
        return 0.0
    bad = 0
    for ch, n in Counter(text).items():  # each distinct character once (a report has ~1,000 of ~15,000)
        if ch in _ALLOWED_CONTROLS:
            continue
        if ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"):
            bad += n
    return bad / len(text)


def check_text(text: str, *, path: str) -> str:
    """Reject empty or binary-looking decoded text; return the text unchanged otherwise."""
    if not text.strip():
        raise InputError(MSG_EMPTY, path=path)
    if "\x00" in text or control_ratio(text) > 0.02:
        raise InputError(MSG_BINARY, path=path)
    return text


def _looks_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit at every other byte, as in BOM-less UTF-16 text."""
    n = len(data) - (len(data) % 2)
    if n < 4:
        return None
    even = data[0:n:2].count(0)
    odd = data[1:n:2].count(0)
    half = n // 2
    if odd >= 0.3 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _utf16_chinese(data: bytes) -> tuple[str, str] | None:
    """BOM-less UTF-16 of Chinese text: most characters have no NUL byte, so the every-other-byte
    pattern of ``_looks_utf16`` does not show; accepted when one byte order decodes strictly to text
    that is Chinese (CJK share as for GB18030) with no control characters."""
    if len(data) % 2:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if (len(text) >= 8 and "\x00" not in text and control_ratio(text) == 0.0 and _cjk_ratio(text) >= 0.9
                and sum(1 for c in text if "\u4e00" <= c <= "\u9fff") >= 0.3 * len(text.strip())):
            return text, enc
    return None


# UTF-8 with a few damaged bytes (a bad sector, a truncated copy, one stray GBK character) is read
# with U+FFFD in their place when they are at most this share of the text (rule decode-replaced then
# says how many); a GBK file read as UTF-8 gives a replacement for nearly every Chinese character.
MAX_REPLACED_SHARE = 0.001


def _mostly_utf8(data: bytes) -> str | None:
    text = data.decode("utf-8", "replace")
    replaced = text.count("\ufffd")
    if replaced and replaced <= MAX_REPLACED_SHARE * len(text) and _cjk_ratio(text.replace("\ufffd", "")) >= 0.5:
        return text
    return None


def decode(data: bytes, *, path: str) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding name). Raises ``InputError`` only."""
    if not data.strip(b" \t\r\n\f\v\x00"):
        raise InputError(MSG_EMPTY, path=path)
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
    )
    for bom, codec, name in boms:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"文件以 {name} 标记开头，但内容无法按 {name} 解码（文件可能已损坏）", path=path) from exc
            return check_text(text, path=path), name
    if b"\x00" in data:
        enc = _looks_utf16(data)
        if enc:
            try:
                return check_text(data.decode(enc), path=path), enc
            except UnicodeDecodeError:
                pass
        chinese = _utf16_chinese(data)
        if chinese is not None:
            return chinese
        raise InputError(MSG_BINARY, path=path)
    try:
        return check_text(data.decode("utf-8"), path=path), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return check_text(mostly, path=path), "utf-8"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _cjk_ratio(text) >= 0.9 and control_ratio(text) <= 0.02:
        return check_text(text, path=path), "gb18030"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # noqa: BLE001 - a detector failure is an unknown encoding, not a crash
        best = None
    if best is None:
        if text is not None:  # valid GB18030 but not clearly Chinese: still the most likely reading
            return check_text(text, path=path), "gb18030"
        raise InputError(MSG_UNKNOWN_ENCODING, path=path)
    enc = codecs.lookup(best.encoding).name if _known(best.encoding) else best.encoding
    # GBK-family guesses are widened to GB18030, a strict superset used by government files.
    if enc in {"gbk", "gb2312", "cp936"}:
        enc = "gb18030"
    try:
        decoded = data.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(MSG_UNKNOWN_ENCODING, path=path) from exc
    if enc.replace("-", "_") not in _CJK_FRIENDLY and _cjk_ratio(decoded) < 0.5:
        # e.g. random bytes "decoded" as cp1252/koi8-r: text a Chinese report never is
        if control_ratio(decoded) > 0.0 or _non_ascii_share(decoded) > 0.2:
            raise InputError(MSG_UNKNOWN_ENCODING, path=path)
    return check_text(decoded, path=path), enc


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
        return True
    except LookupError:
        return False


def _non_ascii_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if ord(c) > 127) / len(chars)
