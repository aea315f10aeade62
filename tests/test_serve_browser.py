"""``textcheck serve`` in a real browser: Playwright driving the system Chromium against a live server.

One browser and one server for the whole run (session fixtures). Screenshots go to the test run's
temporary folder (``screens``) for a person to look at. The tests skip, with the reason, only when
Playwright or Chromium is missing; under CI (``CI`` set) a missing browser is a failure instead, so
that CI never passes without having run them (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    from importlib.util import find_spec

    if not find_spec("playwright"):
        return "playwright is not installed (pip install '.[test]')"
    if not (find_spec("starlette") and find_spec("uvicorn")):
        return "the serve extra is not installed (pip install '.[serve]')"
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return "chromium is not installed (apt-get install -y chromium)"
    return None


_REASON = _missing()
if _REASON:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {_REASON}", pytrace=False)
    pytest.skip(_REASON, allow_module_level=True)

import httpx  # noqa: E402
from serve_support import XSS_LINES, LiveServer, corrupt_docx_bytes, seed_docx, xss_report_text  # noqa: E402
from support import FIXTURES, seed_path, seed_text  # noqa: E402


@pytest.fixture(scope="session")
def screens(tmp_path_factory):
    return tmp_path_factory.mktemp("screens")


@pytest.fixture(scope="session")
def root(tmp_path_factory):
    r = tmp_path_factory.mktemp("serve-root")
    (r / "2021年报告").mkdir()
    for num, name in (("001", "资阳市政府办公室2020.txt"), ("003", "大章镇2021.txt"), ("004", "攀枝花市政府办公室2021.txt"),
                      ("000", "样本000.txt"), ("002", "样本002.txt")):
        shutil.copy(seed_path(num), r / "2021年报告" / name)
    return r


@pytest.fixture(scope="session")
def server(root):
    srv = LiveServer(root).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True)
    pg = ctx.new_page()
    pg.errors = []
    pg.dialogs = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    ctx.close()


def upload_check(page, server, path):
    page.goto(server.url + "/")
    with page.expect_navigation():
        page.set_input_files("#file", str(path))  # the page submits as soon as a file is chosen
    return page


def test_check_page_highlights_other_unit_name_and_duplicate_block(page, server, tmp_path, screens):
    docx = seed_docx("003", tmp_path / "大章镇2021年报告.docx")
    upload_check(page, server, docx)
    page.wait_for_selector("#text")
    data = json.loads(json.loads(page.locator("#report-json").text_content()))["reports"][0]
    cards = {f"f{i}": f for i, f in enumerate(data["findings"], 1)}
    assert page.locator(".card").count() == len(cards)
    assert page.locator("h1.file").text_content() == "大章镇2021年报告.docx"

    # the other unit's name: its finding's text is highlighted as an error, where the name stands
    fid, name = next((k, f) for k, f in cards.items() if f["rule"] == "name-mismatch")
    mark = page.locator(f'#L{name["line"]} mark[data-f~="{fid}"]')
    assert mark.count() == 1 and "纸房镇" in mark.text_content()
    assert "sev-error" in mark.get_attribute("class")
    mark.click()
    pop = page.locator("#pop")
    assert pop.is_visible()
    assert "纸房镇" in pop.text_content() and "改为“大章镇”" in pop.text_content()
    page.screenshot(path=str(screens / "check_name_mismatch.png"))

    # the pasted block: every duplicated paragraph highlighted, the first copy shown when selected
    dups = {k: f for k, f in cards.items() if f["rule"] == "duplicate-paragraph"}
    assert dups
    for k, f in dups.items():
        for ln in range(f["line"], f["end_line"] + 1):
            if seed_line_is_text(page, ln):
                assert page.locator(f'#L{ln} mark.sev-error[data-f~="{k}"]').count() >= 1
    first_id, first = next(iter(dups.items()))
    page.keyboard.press("Escape")
    page.locator(f"#card-{first_id}").click()
    related = first["related"][0]["line"]
    page.wait_for_selector(f"#L{related}.related")
    assert "整段重复" in page.locator(f"#card-{first_id}").text_content()
    page.screenshot(path=str(screens / "check_duplicate_block.png"))

    # the five subtopics with their evidence, the reviewer's score
    assert page.locator(".subtopics > li").count() == 5
    assert page.locator(".subtopics li.no").count() == sum(1 for s in data["subtopics"] if not s["covered"])
    assert page.locator(".score-num").text_content().strip().replace(".", "").isdigit()
    assert not page.errors and not page.dialogs


def seed_line_is_text(page, ln: int) -> bool:
    return page.locator(f"#L{ln}.k-blank").count() == 0


def test_check_page_json_download_is_the_api_json(page, server, tmp_path):
    path = tmp_path / "攀枝花.txt"
    path.write_text(seed_text("004"), encoding="utf-8")
    upload_check(page, server, path)
    with page.expect_download() as dl:
        page.click("[data-download-json]")
    got = open(dl.value.path(), "rb").read()
    api = httpx.post(server.url + "/api/check", files={"file": ("攀枝花.txt", path.read_bytes())}).content
    assert got == api and json.loads(got)["reports"][0]["path"] == "攀枝花.txt"


def test_print_view_hides_the_controls(page, server, tmp_path, screens):
    upload_check(page, server, seed_docx("003", tmp_path / "大章镇.docx"))
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.locator(".actions").is_visible()
    assert page.locator(".card").first.is_visible() and page.locator("#text").is_visible()
    page.screenshot(path=str(screens / "check_print.png"), full_page=False)


def test_compare_page_shows_carried_text_side_by_side(page, server, tmp_path, screens):
    old = tmp_path / "资阳2020.txt"
    new = tmp_path / "资阳2021.txt"
    shutil.copy(seed_path("001"), old)
    shutil.copy(FIXTURES / "compare" / "ziyang_2021.txt", new)
    page.goto(server.url + "/compare")
    page.set_input_files("input[name=old]", str(old))
    page.set_input_files("input[name=new]", str(new))
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("table.sbs")
    data = json.loads(json.loads(page.locator("#report-json").text_content()))
    carried = [a for a in data["alignment"] if a["copied_chars"]]
    assert carried and page.locator("tr.carried").count() >= len(carried)
    assert page.locator("td.new mark.cp").count() > 0 and page.locator("td.old mark.cp").count() > 0
    # a carried paragraph whose figures were updated: the changed numbers are marked on both sides
    assert page.locator("td.new mark.num").count() > 0 and page.locator("td.old mark.num-old").count() > 0
    problems = next(s for s in data["carryover"]["sections"] if s["key"] == "problems")
    row = page.locator("table.ratios tr", has_text="存在的主要问题及改进情况")
    assert f"{problems['template_excluded']['ratio']:.1%}" in row.text_content()
    assert page.locator(".card").count() == len(data["findings"])
    assert "problems-carryover" in page.locator(".cards-scroll").text_content()
    page.locator("tr.carried").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screens / "compare.png"))
    page.check("[data-only-carried]")
    assert page.locator("tr.fresh").first.is_hidden() if page.locator("tr.fresh").count() else True
    assert not page.errors


def test_xss_report_never_executes(page, server, tmp_path, screens):
    path = tmp_path / '"><img src=x onerror="window.__xss=1">.txt'
    path.write_text(xss_report_text(), encoding="utf-8")
    upload_check(page, server, path)
    page.wait_for_selector("#text")
    # open every pop-up too: they clone the cards that quote the payloads
    for m in page.locator("mark[data-f]").all()[:40]:
        m.click()
        page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img, svg, iframe, textarea").count() == 0
    assert page.evaluate("Array.from(document.querySelectorAll('*')).some(e => "
                         "Array.from(e.attributes).some(a => a.name.startsWith('on')))") is False
    text = page.locator("#text").text_content()
    for payload in XSS_LINES:
        assert payload in text  # shown literally, as the report's text
    assert page.locator("h1.file").text_content() == path.name
    assert not page.dialogs
    page.screenshot(path=str(screens / "xss.png"))


def test_corrupt_docx_shows_the_chinese_error(page, server, tmp_path, screens):
    bad = tmp_path / "损坏的报告.docx"
    bad.write_bytes(corrupt_docx_bytes())
    page.goto(server.url + "/")
    with page.expect_response(lambda r: r.url.endswith("/check")) as resp:
        page.set_input_files("#file", str(bad))
    assert resp.value.status == 400
    page.wait_for_selector(".alert")
    alert = page.locator(".alert").text_content()
    assert "损坏的报告.docx：Word 文档（.docx）已损坏或不完整，无法打开" in alert
    assert "Traceback" not in page.content()
    assert page.locator("#check-form").is_visible()  # the form is there again for the next try
    page.screenshot(path=str(screens / "corrupt.png"))


def test_batch_folder_sorts_filters_and_links_reports(page, server, screens):
    page.goto(server.url + "/batch")
    page.fill("#folder", "2021年报告")
    with page.expect_navigation():
        page.click("#batch-folder button[type=submit]")
    page.wait_for_selector("#batch-table")
    rows = page.locator("#batch-table tbody tr")
    assert rows.count() == 5
    page.click("#batch-table th:has-text('得分')")  # ascending: the weakest report first
    first = rows.first.locator("td").nth(1).text_content()
    assert "大章镇2021.txt" in first
    page.fill("[data-filter-text]", "攀枝花")
    assert page.locator("#batch-table tbody tr:not([hidden])").count() == 1
    assert "显示 1 / 5 份" in page.locator("[data-filter-count]").text_content()
    page.fill("[data-filter-text]", "")
    page.screenshot(path=str(screens / "batch.png"))
    with page.expect_navigation():
        page.click("#batch-table a:has-text('大章镇2021.txt')")
    assert page.locator("mark.sev-error").count() > 0 and "纸房镇" in page.locator(".side").text_content()
    assert page.locator("text=返回批量检查结果").is_visible()
    assert not page.errors


def test_concurrent_uploads_never_mix_results(server, tmp_path):
    files = []
    for num in ("000", "001", "002", "003", "004"):
        p = tmp_path / f"seed{num}.docx" if num in ("001", "003") else tmp_path / f"seed{num}.txt"
        if p.suffix == ".docx":
            seed_docx(num, p)
        else:
            p.write_text(seed_text(num), encoding="utf-8")
        files.append(p)
    alone = {p.name: httpx.post(server.url + "/api/check", files={"file": (p.name, p.read_bytes())}, timeout=60).content
             for p in files}

    def post(p):
        return p.name, httpx.post(server.url + "/api/check", files={"file": (p.name, p.read_bytes())}, timeout=120).content

    with ThreadPoolExecutor(max_workers=6) as ex:
        results = list(ex.map(post, files * 3))
    for name, body in results:
        assert body == alone[name]
