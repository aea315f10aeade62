"""``textcheck serve`` without a browser: the API equals the CLI, limits, errors, confinement, escaping."""

from __future__ import annotations

import json
import re
import shutil

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install '.[serve]')")
pytest.importorskip("httpx", reason="httpx (Starlette's test client) is not installed")

from serve_support import corrupt_docx_bytes, seed_docx, xss_report_text  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402
from support import FIXTURES, seed_path, seed_text  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from textcheck.cli import app as cli_app  # noqa: E402
from textcheck.config import Config  # noqa: E402
from textcheck.serve.app import Settings, create_app  # noqa: E402
from textcheck.serve.core import confine, display_name  # noqa: E402

BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    r = tmp_path_factory.mktemp("root")
    (r / "报告").mkdir()
    for num, name in (("001", "资阳市2020.txt"), ("003", "大章镇2021.txt"), ("004", "攀枝花市2021.txt")):
        shutil.copy(seed_path(num), r / "报告" / name)
    (r / "报告" / "说明.xlsx").write_bytes(b"not a report")
    return r


@pytest.fixture(scope="module")
def client(root):
    with TestClient(create_app(Settings(root=root, config=Config())), base_url=BASE) as c:
        yield c


@pytest.fixture(scope="module")
def small(root):
    """An app with a 50 KB upload limit (start-up warm-up skipped: it has nothing to check)."""
    with TestClient(create_app(Settings(root=root, max_bytes=50_000, config=Config(), warm_up=False)), base_url=BASE) as c:
        yield c


def cli_json(monkeypatch, folder, *args) -> str:
    monkeypatch.chdir(folder)
    res = CliRunner().invoke(cli_app, list(args))
    assert res.exit_code in (0, 1), res.output
    return res.stdout


def test_api_check_equals_cli_json_for_docx(client, tmp_path, monkeypatch):
    path = seed_docx("003", tmp_path / "大章镇2021年报告.docx")
    expected = cli_json(monkeypatch, tmp_path, "check", path.name, "-f", "json")
    res = client.post("/api/check", files={"file": (path.name, path.read_bytes())})
    assert res.status_code == 200 and res.headers["content-type"].startswith("application/json")
    assert res.content == expected.encode("utf-8")
    data = json.loads(res.content)["reports"][0]
    assert data["path"] == "大章镇2021年报告.docx" and data["format"] == "docx"
    assert any(f["rule"] == "name-mismatch" and "纸房镇" in f["message"] for f in data["findings"])


def test_api_check_equals_cli_json_for_gbk_text(client, tmp_path, monkeypatch):
    path = tmp_path / "攀枝花.txt"
    path.write_bytes(seed_text("004").encode("gb18030"))
    expected = cli_json(monkeypatch, tmp_path, "check", path.name, "-f", "json")
    res = client.post("/api/check", files={"file": (path.name, path.read_bytes())})
    assert res.content == expected.encode("utf-8")
    assert json.loads(res.content)["reports"][0]["encoding"] not in ("utf-8", None)


def test_api_compare_equals_cli_json(client, tmp_path, monkeypatch):
    old = tmp_path / "资阳2020.txt"
    new = tmp_path / "资阳2021.txt"
    shutil.copy(seed_path("001"), old)
    shutil.copy(FIXTURES / "compare" / "ziyang_2021.txt", new)
    expected = cli_json(monkeypatch, tmp_path, "compare", old.name, new.name, "-f", "json")
    res = client.post("/api/compare", files={"old": (old.name, old.read_bytes()), "new": (new.name, new.read_bytes())})
    assert res.status_code == 200
    assert res.content == expected.encode("utf-8")
    assert json.loads(res.content)["carryover"]["sections"]


def test_upload_over_max_size_is_413_with_the_cli_message(small, tmp_path, monkeypatch):
    body = (seed_text("003") * 20).encode("utf-8")  # ~180 KB, over the 50 KB limit, under limit + slack
    res = small.post("/api/check", files={"file": ("大.txt", body)})
    assert res.status_code == 413
    message = res.json()["error"]
    assert message.startswith("大.txt：文件大小") and "超过上限" in message and "--max-size" in message
    (tmp_path / "大.txt").write_bytes(body)
    monkeypatch.chdir(tmp_path)
    cli = CliRunner().invoke(cli_app, ["check", "大.txt", "--max-size", str(50_000 / 1024 / 1024)])
    assert cli.exit_code == 2 and message in " ".join(cli.stderr.split())


def test_request_body_over_limit_is_refused_while_streaming(small):
    res = small.post("/check", files={"file": ("巨大.txt", b"x" * 3_000_000)})
    assert res.status_code == 413
    assert "超过大小上限" in res.text and "Traceback" not in res.text
    assert 'lang="zh-CN"' in res.text and 'id="check-form"' in res.text  # the form again, ready for another file


def test_corrupt_docx_is_400_with_the_cli_message(client, tmp_path, monkeypatch):
    bad = tmp_path / "损坏.docx"
    bad.write_bytes(corrupt_docx_bytes())
    res = client.post("/api/check", files={"file": (bad.name, bad.read_bytes())})
    assert res.status_code == 400
    message = res.json()["error"]
    assert message == "损坏.docx：Word 文档（.docx）已损坏或不完整，无法打开；请重新导出或重新下载该文件"
    monkeypatch.chdir(tmp_path)
    cli = CliRunner().invoke(cli_app, ["check", bad.name])
    assert cli.exit_code == 2 and message in cli.stderr
    page = client.post("/check", files={"file": (bad.name, bad.read_bytes())})
    assert page.status_code == 400 and "Word 文档（.docx）已损坏或不完整" in page.text and "Traceback" not in page.text


def test_missing_file_and_unknown_pages_answer_in_chinese(client):
    res = client.post("/api/check", data={"x": "1"})
    assert res.status_code == 400 and res.json()["error"] == "请选择要检查的报告文件"
    res = client.post("/api/compare", files={"old": ("a.txt", seed_text("001").encode())})
    assert res.status_code == 400 and res.json()["error"] == "请选择本年的报告"
    res = client.get("/nowhere")
    assert res.status_code == 404 and "页面不存在" in res.text
    assert client.get("/api/check").status_code == 405


def test_pages_are_chinese_and_carry_a_strict_content_security_policy(client):
    for url in ("/", "/compare", "/batch"):
        res = client.get(url)
        assert res.status_code == 200 and 'lang="zh-CN"' in res.text
        assert "script-src 'self'" in res.headers["content-security-policy"]
        assert "http://" not in res.text and "https://" not in res.text  # no CDN, no external resource
    assert client.get("/static/app.js").status_code == 200


def test_foreign_host_and_cross_site_post_are_refused(client):
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    res = client.post("/api/check", files={"file": ("a.txt", b"x")}, headers={"origin": "http://attacker.example"})
    assert res.status_code == 403
    ok = client.post("/api/check", files={"file": ("a.txt", seed_text("004").encode())}, headers={"origin": BASE})
    assert ok.status_code == 200


def test_report_text_and_file_name_are_escaped(client):
    name = '"><img src=x onerror=alert(1)>.txt'
    res = client.post("/check", files={"file": (name, xss_report_text().encode("utf-8"))})
    assert res.status_code == 200
    html = res.text
    # only our own script tags, no injected element or handler attribute survives
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/app.js" defer>',
                                                    '<script type="application/json" id="report-json">']
    elements = parsed_elements(html)
    assert not {tag for tag, _ in elements} & {"img", "svg", "iframe", "textarea"}
    assert not [a for _, attrs in elements for a in attrs if a.startswith("on")]  # no event-handler attribute
    assert "&lt;script&gt;window.__xss" in html and "&lt;img src=x onerror=" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;.txt" in html  # the file name, as text


def parsed_elements(html: str) -> list[tuple[str, list[str]]]:
    """(tag, attribute names) of every element, as a browser's tokenizer sees them."""
    from html.parser import HTMLParser

    found: list[tuple[str, list[str]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, [k for k, _ in attrs]))

    Collect().feed(html)
    return found


def test_display_name_keeps_only_a_harmless_label():
    assert display_name("C:\\Users\\me\\报告.docx") == "报告.docx"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("a\x00b\n.txt") == "ab.txt"
    assert display_name("") == "上传的文件" and display_name(".hidden") == "hidden"


def test_batch_folder_must_lie_inside_the_root(client, root, tmp_path):
    outside = tmp_path / "外面"
    outside.mkdir()
    shutil.copy(seed_path("003"), outside / "003.txt")
    for folder in ("..", str(outside), "报告/../..", "/etc"):
        res = client.post("/batch", data={"folder": folder}, follow_redirects=False)
        assert res.status_code == 400 and "只能检查服务根文件夹" in res.text, folder
    with pytest.raises(Exception):
        confine(root, "不存在")
    link = root / "报告" / "链接.txt"
    link.symlink_to(outside / "003.txt")  # a link inside the root to a file outside it is not read
    try:
        res = client.post("/batch", data={"folder": "报告"})
        assert res.status_code == 200 and "链接.txt" not in res.text
    finally:
        link.unlink()


def test_batch_folder_index_and_report_pages(client):
    res = client.post("/batch", data={"folder": "报告"}, follow_redirects=False)
    assert res.status_code == 303
    index = client.get(res.headers["location"])
    assert index.status_code == 200
    for name in ("报告/资阳市2020.txt", "报告/大章镇2021.txt", "报告/攀枝花市2021.txt"):
        assert name in index.text
    assert "说明.xlsx" not in index.text  # not a report suffix: discover() skips it, as the CLI does
    links = re.findall(r'href="(/batch/[^"]+/report/\d+)"', index.text)
    assert len(set(links)) == 3
    pages = [client.get(u).text for u in sorted(set(links))]
    dazhang = next(p for p in pages if "大章镇人民政府" in p)
    assert "纸房镇" in dazhang and "审核评分" in dazhang and "返回批量检查结果" in dazhang
    assert client.get("/batch/nothing-here").status_code == 404


def test_batch_uploads_keep_their_names(client):
    files = [("files", ("甲.txt", seed_text("003").encode())), ("files", ("甲.txt", seed_text("004").encode())),
             ("files", ("图片.png", b"\x89PNG"))]
    res = client.post("/batch", files=files)
    assert res.status_code == 200
    assert "甲.txt" in res.text and "甲（2）.txt" in res.text and "图片.png" not in res.text


def test_serve_command_prints_its_address_and_serves(tmp_path):
    import os
    import subprocess
    import sys

    import httpx

    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "textcheck", "serve", "--port", "0", "--root", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m and "已启动" in line, line
        res = httpx.get(m.group(0), timeout=30)
        assert res.status_code == 200 and "检查一份年度报告" in res.text
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert "正在加载" in err and "Traceback" not in err and "警告" not in err  # loopback: no warning


def test_serve_command_refuses_bad_options_in_chinese(tmp_path):
    res = CliRunner().invoke(cli_app, ["serve", "--root", str(tmp_path / "没有这个文件夹")])
    assert res.exit_code == 2 and "--root 不是一个文件夹" in res.stderr
    res = CliRunner().invoke(cli_app, ["serve", "--max-size", "0"])
    assert res.exit_code == 2 and "选项 --max-size 的值无效：应是大于 0" in res.stderr


def test_serve_without_the_extra_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a))
    res = CliRunner().invoke(cli_app, ["serve"])
    assert res.exit_code == 2 and 'pip install "textcheck[serve]"' in res.stderr


def test_only_loopback_addresses_count_as_local():
    from textcheck.serve.server import is_loopback as _is_loopback

    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("localhost") and _is_loopback("127.0.0.2")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.10") and not _is_loopback("example.org")


def test_report_view_marks_characters_when_findings_carry_offsets():
    """Findings carry start/end (issue 15): they are marked at those characters of the normalised text;
    a finding without offsets (a JSON from before schema 2.0) still gets its lines marked."""
    from support import check_text

    from textcheck.serve.views import normalised_text, report_view

    result = check_text(seed_text("003"), path="003.txt")
    data = result.to_dict()
    assert all(isinstance(f["start"], int) for f in data["findings"] if f["line"])
    text = normalised_text(result.document)
    assert text == result.document.text
    by_chars = report_view(data, result.document)
    assert by_chars["mode"] == "offsets"
    name = next(f for f in data["findings"] if f["rule"] == "name-mismatch")
    assert text[name["start"] : name["end"]] == "纸房镇"
    line = by_chars["lines"][text.count("\n", 0, name["start"])]
    marked = [s for s in line.segs if s.classes]
    assert "纸房镇" in [s.text for s in marked] and any("sev-error" in s.classes for s in marked)
    # the original text is shown (full-width punctuation, markup), the offsets mapped back onto it
    assert "".join(s.text for s in line.segs) == result.document.lines[line.no - 1]
    assert all("".join(s.text for s in ln.segs) == raw for ln, raw in zip(by_chars["lines"], result.document.lines))
    dup = next(f for f in data["findings"] if f["rule"] == "duplicate-paragraph")
    assert any(s.classes for s in by_chars["lines"][dup["line"] + 1].segs)

    for f in data["findings"]:
        f.pop("start"), f.pop("end")
    by_lines = report_view(data, result.document)
    assert by_lines["mode"] == "lines"
    line_marks = [s for s in by_lines["lines"][name["line"] - 1].segs if s.classes]
    assert len(line_marks) == 1 and line_marks[0].text == result.document.lines[name["line"] - 1]


def test_check_page_has_the_annotated_docx_slot(client):
    from textcheck.serve.core import annotator

    res = client.post("/check", files={"file": ("a.txt", seed_text("004").encode())})
    if annotator() is None:
        assert "下载批注版 Word（暂未提供）" in res.text and "disabled" in res.text
    else:  # pragma: no cover - once check --annotate exists
        assert "下载批注版 Word</a>" in res.text


def test_a_document_that_is_not_a_report_gets_no_score(client):
    res = client.post("/check", files={"file": ("000.txt", seed_text("000").encode())})
    assert res.status_code == 200
    assert "不是年度报告" in res.text and "审核评分" not in res.text and "not-a-report" in res.text


def test_uploads_leave_nothing_behind_and_errors_log_no_traceback(client, tmp_path, monkeypatch, caplog):
    import logging
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    caplog.set_level(logging.DEBUG, logger="textcheck.serve")
    ok = client.post("/check", files={"file": ("003.docx", seed_docx("003", tmp_path / "003.docx").read_bytes())})
    bad = client.post("/api/check", files={"file": ("坏.docx", corrupt_docx_bytes())})
    cmp = client.post("/api/compare", files={"old": ("a.txt", seed_text("001").encode()), "new": ("b.txt", seed_text("004").encode())})
    assert (ok.status_code, bad.status_code, cmp.status_code) == (200, 400, 200)
    assert list(scratch.iterdir()) == []  # every request's temporary folder is gone
    assert caplog.records and not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_batch_copy_findings_link_to_the_other_report(client):
    text = seed_text("003")
    files = [("files", ("大章镇.txt", text.encode())), ("files", ("白河镇.txt", text.replace("大章镇", "白河镇").encode()))]
    index = client.post("/batch", files=files)
    assert index.status_code == 200 and "内容雷同的报告组" in index.text and "G1" in index.text
    pages = sorted(set(re.findall(r'href="(/batch/[^"#]+/report/\d+)"', index.text)))
    assert len(pages) == 2
    first = client.get(pages[0]).text
    assert "cross-report-copy" in first
    assert re.search(rf'<a href="{re.escape(pages[1])}#L\d+">白河镇\.txt 第', first)
