"""Readers: any input format -> ``Source`` (decoded text; tables as tab-separated lines).

One reader per format behind one interface (``read(data, path) -> Source``). The rest of the
tool sees only ``Source``. Every failure is an ``InputError`` with a Chinese message; nothing
else escapes ``read_path`` / ``read_bytes``.

Dispatch: the content is sniffed first (PDF magic, ZIP/OOXML, OLE2 compound file, RTF, HTML,
images); the file suffix decides only when the content is not recognisably one of those.
So a ``.txt`` that is really a PDF is read as PDF, and a ``.doc`` that Word saved as a web page
is read as HTML. Heavy libraries (python-docx, pypdfium2, bs4) are imported only by the reader
that needs them.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from pathlib import Path

from textcheck.document import Source
from textcheck.errors import InputError
from textcheck.text import visible_path

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# suffix -> format name (content sniffing takes precedence, see ``detect_format``)
FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".csv": "txt",
    ".docx": "docx",
    ".docm": "docx",
    ".dotx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
}

_CONVERT = "请用 WPS 或 Microsoft Word 打开后“另存为” .docx 或 .txt 格式再检查"
# suffix -> message for documents in formats we recognise but do not read
UNSUPPORTED_DOCUMENTS = {
    ".doc": f"不支持旧版 Word 文档（.doc）；{_CONVERT}",
    ".dot": f"不支持旧版 Word 模板（.dot）；{_CONVERT}",
    ".wps": f"不支持 WPS 文字文档（.wps）；{_CONVERT}",
    ".wpt": f"不支持 WPS 模板（.wpt）；{_CONVERT}",
    ".rtf": f"不支持 RTF 格式；{_CONVERT}",
    ".odt": f"不支持 OpenDocument 文档（.odt）；{_CONVERT}",
    ".ofd": "不支持 OFD 版式文件；请用数科阅读器或福昕 OFD 阅读器导出为 PDF 或 .txt，或提供原始 Word 文件",
    ".mht": "不支持 MHT 单文件网页；请在浏览器中另存为“网页，仅 HTML”（.html）或 .txt",
    ".mhtml": "不支持 MHT 单文件网页；请在浏览器中另存为“网页，仅 HTML”（.html）或 .txt",
    ".caj": "不支持 CAJ 格式；请提供 .docx、.pdf、.txt 或网页文件",
}
# suffix -> message for files that are not documents at all (spreadsheets, slides, archives)
NOT_DOCUMENTS = {
    ".xls": "这是 Excel 表格文件，不是报告正文；请提供报告的 .docx、.pdf、.txt 或网页文件",
    ".xlsx": "这是 Excel 表格文件，不是报告正文；请提供报告的 .docx、.pdf、.txt 或网页文件",
    ".et": "这是 WPS 表格文件，不是报告正文；请提供报告的 .docx、.pdf、.txt 或网页文件",
    ".ppt": "这是演示文稿文件，不是报告正文；请提供报告的 .docx、.pdf、.txt 或网页文件",
    ".pptx": "这是演示文稿文件，不是报告正文；请提供报告的 .docx、.pdf、.txt 或网页文件",
    ".zip": "这是压缩包；请先解压，再检查其中的报告文件",
    ".rar": "这是压缩包；请先解压，再检查其中的报告文件",
    ".7z": "这是压缩包；请先解压，再检查其中的报告文件",
}
UNSUPPORTED = {**UNSUPPORTED_DOCUMENTS, **NOT_DOCUMENTS}
# what a folder of reports is searched for (textcheck batch): every suffix read, and the document
# formats recognised but not read (listed as unreadable, with what to do)
REPORT_SUFFIXES = frozenset(FORMATS) | frozenset(UNSUPPORTED_DOCUMENTS)
_IMAGE = "这是图片文件；本工具不做文字识别（OCR），请提供报告的 .docx、.txt、带文字层的 PDF 或网页文件"
_OLE = (
    "这是旧版 Word/WPS 文档（.doc/.wps）或加密的 Office 文档，无法直接读取；"
    "请用 WPS 或 Microsoft Word 打开后（如有密码先取消加密）“另存为” .docx 或 .txt 格式再检查"
)


MSG_SPECIAL = (
    "这不是普通文件（是设备、管道或其他特殊文件），不会读取；要从管道读取报告请用“-”表示标准输入"
)


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f}".rstrip("0").rstrip(".")


def _too_large(size: int | None, max_bytes: int, path: str) -> InputError:
    what = f"文件大小 {_mb(size)} MB" if size is not None else "文件大小"
    return InputError(
        f"{what}超过上限 {_mb(max_bytes)} MB；年度报告通常不超过 1 MB，请确认文件是否正确"
        "（为防止误读超大文件而设此上限，可用 --max-size 调整）",
        path=path,
    )


def _os_error(exc: OSError, path: str) -> InputError:
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return InputError("没有读取该文件的权限", path=path)
    if code == errno.ENOENT:
        return InputError("文件不存在", path=path)
    if code == errno.EISDIR:
        return InputError("这是一个文件夹，不是文件（检查整个文件夹请用 textcheck batch）", path=path)
    if code == errno.ENAMETOOLONG:
        return InputError("文件路径过长", path=path)
    detail = exc.strerror or type(exc).__name__
    return InputError(f"无法读取文件（{detail}）", path=path)


def read_path(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read a report from ``path`` ('-' for standard input). Never modifies the input.

    Raises ``InputError`` (Chinese message) for anything that is not a readable report.
    """
    p = os.fspath(path) if not isinstance(path, str) else path
    if isinstance(p, bytes):
        p = os.fsdecode(p)
    if p == "-":
        try:
            data = sys.stdin.buffer.read(max_bytes + 1)
        except (OSError, ValueError, AttributeError) as exc:
            raise InputError("无法读取标准输入", path="-") from exc
        if len(data) > max_bytes:
            raise _too_large(None, max_bytes, "-")
        return read_bytes(data, path="-", suffix="", max_bytes=max_bytes)
    return read_bytes(read_file_bytes(p, max_bytes=max_bytes), path=p, suffix=Path(p).suffix, max_bytes=max_bytes)



def read_file_bytes(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the file at ``path`` (read-only), or ``InputError`` with a Chinese message
    (missing, a folder, no permission, larger than ``max_bytes``). Messages name the file by its
    visible form (``textcheck.text.visible_path``)."""
    p = os.fspath(path) if not isinstance(path, str) else path
    if isinstance(p, bytes):
        p = os.fsdecode(p)
    try:
        return _read_file_bytes(p, max_bytes)
    except InputError as exc:
        exc.path = visible_path(exc.path) if exc.path else exc.path
        raise


def _read_file_bytes(p: str, max_bytes: int) -> bytes:
    try:
        fp = Path(p)
        if fp.is_dir():
            raise InputError("这是一个文件夹，不是文件（检查整个文件夹请用 textcheck batch）", path=p)
        if not fp.exists():
            raise InputError("文件不存在", path=p)
        st = fp.stat()
    except InputError:
        raise
    except OSError as exc:
        raise _os_error(exc, p) from exc
    except ValueError as exc:  # e.g. NUL character in the path
        raise InputError("文件路径无效", path=p) from exc
    if not stat.S_ISREG(st.st_mode):
        raise InputError(MSG_SPECIAL, path=p)
    if st.st_size > max_bytes:
        raise _too_large(st.st_size, max_bytes, p)
    try:
        # read-only; non-blocking, so that a file swapped for a FIFO after the check cannot hang us
        fd = os.open(fp, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb", closefd=True) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError(MSG_SPECIAL, path=p)
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _os_error(exc, p) from exc
    if len(data) > max_bytes:  # grew while reading, or a special file
        raise _too_large(None, max_bytes, p)
    return data


_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|meta\s)", re.I | re.S)


def detect_format(data: bytes, suffix: str) -> str:
    """Format of ``data``: txt, docx, pdf, html, or 'unsupported:<message>'. Content beats suffix."""
    suffix = suffix.lower()
    head = data[:2048]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"  # refined by _zip_kind (docx / ofd / xlsx / plain zip)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "unsupported:" + _OLE
    if head.lstrip().startswith(b"{\\rtf"):
        return "unsupported:" + UNSUPPORTED[".rtf"]
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")):
        return "unsupported:" + _IMAGE
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "unsupported:" + UNSUPPORTED[".zip"]
    text_head = _ascii_view(head)
    if _HTML_START.match(text_head) or (suffix in (".html", ".htm", ".shtml", ".xhtml")):
        return "html"
    fmt = FORMATS.get(suffix)
    if fmt in ("docx", "pdf"):
        # the suffix promises a binary format the content is not
        return "corrupt:" + fmt
    if suffix in UNSUPPORTED and fmt is None:
        if suffix in (".doc", ".wps") and _is_texty(data):
            return "txt"  # plain text saved under a Word name by some export tools: just read it
        return "unsupported:" + UNSUPPORTED[suffix]
    return "txt"


def _ascii_view(head: bytes) -> bytes:
    """The first bytes with UTF-16/UTF-8 BOMs and UTF-16 NULs removed, for markup sniffing."""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    if head[:200].count(0) > 40:
        head = head.replace(b"\x00", b"")
    return head


def _is_texty(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" not in sample and sum(1 for b in sample if b < 9 or 13 < b < 32) < 0.01 * max(len(sample), 1)


_ZIP_KIND = (
    ("word/document.xml", "docx"),
    ("OFD.xml", "unsupported:" + UNSUPPORTED[".ofd"]),
    ("xl/workbook.xml", "unsupported:" + UNSUPPORTED[".xlsx"]),
    ("ppt/presentation.xml", "unsupported:" + UNSUPPORTED[".pptx"]),
    ("content.xml", "unsupported:" + UNSUPPORTED[".odt"]),
)


def _zip_kind(data: bytes, path: str, suffix: str) -> str:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        if suffix.lower() in (".docx", ".docm", ".dotx") or b"word/" in data[:4096]:
            raise InputError("Word 文档（.docx）已损坏或不完整，无法打开；请重新导出或重新下载该文件", path=path) from exc
        raise InputError("文件是损坏的压缩包（ZIP）格式，无法读取；请提供 .docx、.pdf、.txt 或网页文件", path=path) from exc
    for member, kind in _ZIP_KIND:
        if member in names:
            return kind
    if any(n.startswith("Doc_") or n.endswith("/OFD.xml") for n in names):
        return "unsupported:" + UNSUPPORTED[".ofd"]
    if suffix.lower() in (".docx", ".docm", ".dotx"):
        return "corrupt:docx"
    return "unsupported:" + UNSUPPORTED.get(suffix.lower(), UNSUPPORTED[".zip"])


_CORRUPT = {
    "docx": "文件扩展名是 .docx，但内容不是有效的 Word 文档（可能已损坏、下载不完整或被改了扩展名）",
    "pdf": "文件扩展名是 .pdf，但内容不是有效的 PDF（可能已损坏、下载不完整或被改了扩展名）",
}


# Decoded text is capped too: a 19 MB plain text (under the size limit) has millions of characters
# and every later stage is at least linear in them. Both caps grow with --max-size (per MB of the
# limit: 100,000 characters, 2,500 lines); the default 20 MB gives about 2 million characters and
# 52,000 lines, some 40 times the longest real report.
CHARS_PER_MB = 100_000
LINES_PER_MB = 2_500


def text_limits(max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[int, int]:
    """(characters, lines) a decoded report may have when files may have ``max_bytes``."""
    mb = max_bytes / 1048576
    return max(1000, int(CHARS_PER_MB * mb)), max(100, int(LINES_PER_MB * mb))


def check_text_limits(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """``source``, or ``InputError`` when its text has more characters or lines than ``text_limits``."""
    max_chars, max_lines = text_limits(max_bytes)
    n_chars = len(source.text)
    if n_chars > max_chars:
        raise InputError(f"文字过多（约 {n_chars // 10000} 万字，上限 {max_chars // 10000} 万字）；年度报告通常不超过 5 万字，"
                         "请确认文件是否正确（上限随 --max-size 调整）", path=source.path)
    n_lines = source.text.count("\n") + 1
    if n_lines > max_lines:
        raise InputError(f"段落过多（{n_lines} 行，上限 {max_lines} 行）；年度报告通常不超过 2000 行，"
                         "请确认文件是否正确（上限随 --max-size 调整）", path=source.path)
    return source


def read_bytes(data: bytes, *, path: str, suffix: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read already-loaded bytes into a ``Source`` (see ``_read_bytes``), within ``text_limits``."""
    return check_text_limits(_read_bytes(data, path=path, suffix=suffix), max_bytes)


def _read_bytes(data: bytes, *, path: str, suffix: str = "") -> Source:
    """Read already-loaded bytes (file content or standard input) into a ``Source``.

    ``Source.path`` and the path of every error are the visible form of ``path``
    (``textcheck.text.visible_path``: undecodable bytes and control characters escaped), so every
    output shows the same name and can always be written as UTF-8."""
    path = visible_path(path)
    if not data or not data.strip(b" \t\r\n\f\v\x00"):
        from textcheck.readers.txt import MSG_EMPTY

        raise InputError(MSG_EMPTY, path=path)
    fmt = detect_format(data, suffix)
    if fmt == "zip":
        fmt = _zip_kind(data, path, suffix)
    if fmt.startswith("unsupported:"):
        raise InputError(fmt.split(":", 1)[1], path=path)
    if fmt.startswith("corrupt:"):
        raise InputError(_CORRUPT[fmt.split(":", 1)[1]], path=path)
    try:
        if fmt == "docx":
            from textcheck.readers.docx import read_docx

            return read_docx(data, path=path)
        if fmt == "pdf":
            from textcheck.readers.pdf import read_pdf

            return read_pdf(data, path=path)
        if fmt == "html":
            from textcheck.readers.html import read_html

            return read_html(data, path=path)
        from textcheck.readers.txt import decode

        text, enc = decode(data, path=path)
        return Source(text=text, path=path, format="stdin" if path == "-" else "txt", encoding=enc)
    except InputError:
        raise
    except RecursionError as exc:
        raise InputError("文件结构嵌套过深，无法解析（文件可能已损坏或是恶意构造的）", path=path) from exc
    except MemoryError as exc:
        raise InputError("文件解析所需内存过大，无法读取（文件可能已损坏或是恶意构造的）", path=path) from exc
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback for bad input
        name = {"docx": "Word 文档", "pdf": "PDF 文件", "html": "网页文件"}.get(fmt, "文件")
        raise InputError(f"{name}已损坏或格式异常，无法读取（{type(exc).__name__}）", path=path) from exc
