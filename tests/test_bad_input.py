"""Bad input: one clear Chinese message (InputError, exit code 2), never a traceback.

Each case is checked at the reader level (message) and through the CLI (``错误：<path>：<message>``
on stderr, exit code 2, no traceback). Output files are written atomically.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from textcheck.errors import InputError
from textcheck.readers import read_bytes, read_path

ROOT = Path(__file__).resolve().parents[1]
REPORT = "某某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n2021年，我县认真贯彻落实《条例》。\n"


def _docx_bytes(text: str = REPORT) -> bytes:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf_bytes(text: str = REPORT, **kw) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, **kw)
    c.setFont("STSong-Light", 11)
    for i, line in enumerate(text.splitlines()):
        c.drawString(72, 700 - 20 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def _corrupt_docx() -> bytes:
    """A docx whose document.xml bytes are damaged (CRC mismatch)."""
    data = bytearray(_docx_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + 40):
        data[k] ^= 0x5A
    return bytes(data)


def _bomb_members(n: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        for i in range(n):
            dst.writestr(f"word/media/x{i}.xml", b"")
    return buf.getvalue()


def _bomb_size(size: int) -> bytes:
    """A valid docx plus one member of ``size`` zero bytes (compresses ~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        with dst.open("word/media/zeros.bin", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(size // len(chunk)):
                fh.write(chunk)
    return buf.getvalue()


rng = random.Random(7)
RANDOM_BYTES = bytes(rng.randrange(256) for _ in range(4000))

# name -> (bytes, file name, expected message fragment)
CASES = {
    "empty": (b"", "r.txt", "文件是空的"),
    "whitespace": (b" \r\n\t\n  ", "r.txt", "文件是空的"),
    "nul_bytes": (b"abc\x00\x00\x00def\x00" * 50, "r.txt", "二进制数据"),
    "random_bytes": (RANDOM_BYTES, "r.txt", "二进制数据"),
    "random_no_suffix": (RANDOM_BYTES, "report", "二进制数据"),
    "control_chars": (bytes(rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 65]) for _ in range(600)), "r.txt", "二进制数据"),
    "unknown_encoding": (bytes([0x81, 0x20, 0xFF, 0x41]) * 200, "r.txt", "无法识别文件编码"),
    "truncated_docx": (_docx_bytes()[:3000], "r.docx", "已损坏或不完整"),
    "corrupt_docx": (_corrupt_docx(), "r.docx", "已损坏或不完整"),
    "docx_not_zip": (b"this is not a word file", "r.docx", "不是有效的 Word 文档"),
    "zip_bomb_members": (_bomb_members(2100), "r.docx", "疑似损坏或恶意构造"),
    "truncated_pdf": (_pdf_bytes()[:400], "r.pdf", "PDF 文件已损坏"),
    "garbage_pdf": (b"%PDF-1.7\n" + RANDOM_BYTES, "r.pdf", "PDF 文件已损坏"),
    "pdf_not_pdf": (b"hello", "r.pdf", "不是有效的 PDF"),
    "encrypted_pdf": (_pdf_bytes(encrypt="secret"), "r.pdf", "已加密"),
    "scanned_pdf": (None, "scan.pdf", "扫描件"),
    "ole_doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "r.doc", "另存为” .docx 或 .txt"),
    "ole_as_docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "r.docx", "加密的 Office 文档"),
    "wps": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "r.wps", "另存为” .docx 或 .txt"),
    "rtf": (b"{\\rtf1\\ansi {\\fonttbl} hello}", "r.rtf", "RTF"),
    "ofd": (b"PK\x05\x06" + b"\0" * 18, "r.ofd", "OFD"),
    "image": (b"\x89PNG\r\n\x1a\n" + RANDOM_BYTES, "r.txt", "图片"),
    "xlsx_suffix": (b"x", "r.xlsx", "Excel"),
    "empty_html": (b"<html><head><title>x</title><script>var a=1;</script></head><body> </body></html>", "r.html", "没有找到正文"),
}


def _scanned_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def _write(tmp_path: Path, name: str) -> tuple[Path, str]:
    data, fname, fragment = CASES[name]
    if data is None:
        data = _scanned_pdf()
    p = tmp_path / fname
    p.write_bytes(data)
    return p, fragment


@pytest.mark.parametrize("name", sorted(CASES))
def test_reader_raises_input_error_with_chinese_message(tmp_path, name):
    p, fragment = _write(tmp_path, name)
    with pytest.raises(InputError) as e:
        read_path(p)
    assert fragment in e.value.message
    assert e.value.path == str(p)
    assert e.value.exit_code == 2


def _cli(args: list[str]) -> tuple[int, str]:
    from typer.testing import CliRunner

    from textcheck.cli import app

    result = CliRunner().invoke(app, ["check", *args])
    err = getattr(result, "stderr", "") or result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"exception escaped the CLI: {result.exception!r}")
    return result.exit_code, err.replace("\n", "")


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_prints_message_and_exits_2(tmp_path, name):
    p, fragment = _write(tmp_path, name)
    code, err = _cli([str(p)])
    assert code == 2
    assert f"错误：{p}：" in err
    assert fragment in err
    assert "Traceback" not in err


def test_cli_real_process_no_traceback(tmp_path):
    p, _ = _write(tmp_path, "truncated_docx")
    proc = subprocess.run([sys.executable, "-m", "textcheck", "check", str(p)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert f"错误：{p}：" in proc.stderr.replace("\n", "") and "Traceback" not in proc.stderr


def test_zip_bomb_by_uncompressed_size(tmp_path):
    p = tmp_path / "bomb.docx"
    p.write_bytes(_bomb_size(101 * 1024 * 1024))
    assert p.stat().st_size < 1024 * 1024  # small on disk
    with pytest.raises(InputError) as e:
        read_path(p)
    assert "疑似损坏或恶意构造" in e.value.message and "100 MB" in e.value.message


def test_zip_bomb_with_lying_sizes_caught_while_streaming(monkeypatch, tmp_path):
    """Declared sizes are not trusted: real bytes are counted while decompressing."""
    from textcheck.readers import docx as docx_reader

    data = _bomb_size(3 * 1024 * 1024)
    real_infolist = zipfile.ZipFile.infolist

    def lying_infolist(self):
        infos = real_infolist(self)
        for i in infos:
            i.file_size = min(i.file_size, 1000)  # what a forged central directory would claim
        return infos

    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying_infolist)
    with pytest.raises(InputError) as e:
        docx_reader.check_zip(data, path="x.docx")
    # either the stream counter or zipfile's own size check stops it; never a silent success
    assert "解压后超过" in e.value.message or "已损坏" in e.value.message


def test_file_larger_than_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(("正文。" * 1000 + "\n").encode() * 5)
    with pytest.raises(InputError) as e:
        read_path(p, max_bytes=10_000)
    assert "超过上限" in e.value.message and "年度报告通常不超过 1 MB" in e.value.message
    code, err = _cli([str(p), "--max-size", "0.01"])
    assert code == 2 and "超过上限" in err


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(InputError, match="文件不存在"):
        read_path(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="文件夹"):
        read_path(tmp_path)
    code, err = _cli([str(tmp_path / "nope.txt")])
    assert code == 2 and "文件不存在" in err
    code, err = _cli([str(tmp_path)])
    assert code == 2 and "文件夹" in err


def test_unreadable_file_permission(tmp_path, monkeypatch):
    p = tmp_path / "secret.txt"
    p.write_text(REPORT, encoding="utf-8")
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        os.chmod(p, 0)
        try:
            with pytest.raises(InputError, match="没有读取该文件的权限"):
                read_path(p)
        finally:
            os.chmod(p, 0o644)
    else:  # root reads anything: simulate the operating system refusing
        real_open = os.open  # the reader opens with os.open (non-blocking, regular files only)

        def deny(file, *a, **k):
            if str(file) == str(p):
                raise PermissionError(13, "Permission denied", str(p))
            return real_open(file, *a, **k)

        monkeypatch.setattr(os, "open", deny)
        with pytest.raises(InputError, match="没有读取该文件的权限"):
            read_path(p)


def test_batch_style_one_bad_file_does_not_stop_others(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(REPORT, encoding="utf-8")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04broken")
    code, err = _cli([str(bad), str(good)])
    assert code == 2 and f"错误：{bad}：" in err and str(good) not in err


# ---------------------------------------------------------------------------------------------
# degenerate but valid reports go through parse and the engine


@pytest.mark.parametrize(
    "text",
    [
        "报告",
        "一、总体情况",
        "信息内容\t本年制发件数\n规章\t0\n行政规范性文件\t0\n",
        "某某县2021年政府信息公开工作年度报告。一、总体情况。" * 300,  # all one line
        "\t\t\t\n0\t0\t0\n",
        "一、\n二、\n（一）\n1.\n",
    ],
)
def test_degenerate_reports_parse_and_check(tmp_path, text):
    import json

    from textcheck.engine import check_source
    from textcheck.parse import parse

    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    src = read_path(p)
    doc = parse(src)
    assert len(doc.lines) == len(doc.norm_lines) >= 1
    json.dumps(check_source(src).to_dict(), ensure_ascii=False)


def test_read_bytes_wraps_unexpected_parser_errors(monkeypatch):
    """Last line of defence: a bug deep inside a third-party parser is still an InputError."""
    from textcheck.readers import html as html_reader

    def boom(*a, **k):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(html_reader, "_choose_container", boom)
    with pytest.raises(InputError, match="网页文件已损坏或格式异常"):
        read_bytes(b"<html><body><p>\xe6\xad\xa3\xe6\x96\x87</p></body></html>", path="x.html", suffix=".html")


# ---------------------------------------------------------------------------------------------
# atomic output


def test_atomic_write_leaves_no_partial_file_on_failure(tmp_path, monkeypatch):
    from textcheck import output

    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def fail_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", fail_replace)
    with pytest.raises(InputError, match="无法写入输出文件"):
        output.atomic_write_text(target, "new content")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.json"]  # temp file removed


def test_atomic_write_failure_mid_write(tmp_path, monkeypatch):
    from textcheck import output

    target = tmp_path / "out.txt"

    def fail_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(output.os, "fsync", fail_fsync)
    with pytest.raises(InputError):
        output.atomic_write_bytes(target, b"x" * 100_000)
    assert list(tmp_path.iterdir()) == []  # neither target nor temp file


def test_atomic_write_success_replaces_content(tmp_path):
    from textcheck import output

    target = tmp_path / "sub" / "out.txt"
    output.atomic_write_text(target, "报告结果")
    output.atomic_write_text(target, "新结果")
    assert target.read_text(encoding="utf-8") == "新结果"
    assert [x.name for x in target.parent.iterdir()] == ["out.txt"]


def test_atomic_write_gives_normal_permissions(tmp_path, monkeypatch):
    import os
    import stat

    from textcheck import output

    monkeypatch.setattr(output, "_UMASK", None)  # read afresh under the umask set here
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "new.html"
        output.atomic_write_bytes(fresh, b"<p>x</p>", durable=False)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # as open() would, not mkstemp's 0600
        kept = tmp_path / "kept.csv"
        kept.write_bytes(b"a")
        kept.chmod(0o640)
        output.atomic_write_text(kept, "b")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "b"
    finally:
        os.umask(old)
