"""Property-based: whatever the input, only InputError escapes, and results serialise to JSON."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from textcheck.document import Source
from textcheck.errors import InputError
from textcheck.readers import read_bytes, read_path
from textcheck.readers.txt import _cjk_ratio, control_ratio

SUFFIXES = ["", ".txt", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps", ".ofd", ".rtf", ".md", ".xyz"]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# bytes that look like the start of each format, so the fuzzing reaches the format readers
MAGIC = st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf1", b"<html><body>", b"\xef\xbb\xbf", b"\xff\xfe", b"\x89PNG"])

report_like = st.lists(
    st.one_of(
        st.sampled_from(["一、总体情况", "二、主动公开政府信息情况", "（一）主动公开", "信息内容\t本年制发件数", "规章\t0\t1", "", "无", "2021年1月1日"]),
        st.text(max_size=60),
    ),
    max_size=25,
).map("\n".join)


def _read_file(data: bytes, suffix: str) -> Source | None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"input{suffix}"
        p.write_bytes(data)
        try:
            return read_path(p)
        except InputError as exc:
            assert exc.message and exc.exit_code == 2
            return None


@FAST
@given(prefix=MAGIC, body=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_only_input_error(prefix, body, suffix):
    src = _read_file(prefix + body, suffix)
    if src is not None:
        assert isinstance(src.text, str) and src.text.strip()
        assert "\x00" not in src.text


@FAST
@given(text=st.text(max_size=400), enc=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
@example(text="褬", enc="gb18030")  # GB18030 bytes that are also valid UTF-8: ambiguous, read as UTF-8
def test_arbitrary_text_round_trips_or_input_error(text, enc):
    try:
        data = text.encode(enc)
    except UnicodeEncodeError:  # lone surrogates cannot be written by any editor either
        return
    src = _read_file(data, ".txt")
    # a text a person could have written (something visible, no binary control characters)
    # must come back unchanged, whatever the encoding
    if not (text.strip() and control_ratio(text) == 0 and "\x00" not in text):
        return
    if enc != "gb18030":
        assert src is not None, text
        assert src.text == text
    elif _cjk_ratio(text) >= 0.9 and any("\u4e00" <= c <= "\u9fff" for c in text):
        # GB18030 has no signature: only text that looks Chinese is promised to be recognised —
        # and not when its bytes are also valid UTF-8 (e.g. '褬' is b'\xd1\x9d', 'ѝ' in UTF-8):
        # such bytes are ambiguous and UTF-8 is the documented first choice
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return
        assert src is not None, text
        assert src.text == text


@FAST
@given(text=report_like)
def test_parse_and_check_never_crash(text):
    from textcheck.engine import check_source
    from textcheck.parse import parse

    src = Source(text=text, path="<t>", format="txt", encoding="utf-8")
    doc = parse(src)
    assert len(doc.lines) == len(doc.norm_lines)
    json.dumps(check_source(src).to_dict(), ensure_ascii=False)


@settings(max_examples=25, deadline=None)
@given(text=report_like, suffix=st.sampled_from([".html", ".txt", ".docx"]))
def test_read_then_check_pipeline(text, suffix):
    """Text wrapped as HTML/txt/docx goes reader -> parse -> engine -> JSON without crashing."""
    import html
    import io

    from textcheck.engine import check_source

    if suffix == ".html":
        data = ("<html><body><div id='zoom'>" + "".join(f"<p>{html.escape(x)}</p>" for x in text.splitlines()) + "</div></body></html>").encode("utf-8")
    elif suffix == ".docx":
        import docx

        d = docx.Document()
        for line in text.splitlines():
            try:
                d.add_paragraph(line)
            except ValueError:  # XML-incompatible characters cannot be in a docx at all
                return
        buf = io.BytesIO()
        d.save(buf)
        data = buf.getvalue()
    else:
        data = text.encode("utf-8", "replace")
    try:
        src = read_bytes(data, path=f"x{suffix}", suffix=suffix)
    except InputError:
        return
    json.dumps(check_source(src).to_dict(), ensure_ascii=False)
